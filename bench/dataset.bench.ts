// The Cu set end to end: JSONL.gz records → structures (importer) → absorber graphs
// (tensorize: periodic neighbour search per absorbing site), in structures/s.
import { performance } from 'node:perf_hooks';
import { loadDataset } from '../server/src/data/load';
import { tensorize } from '../server/src/data/tensorize';
import { cuSetPath } from './data';
import { emit, median, round, runsFor, type BenchRow } from './lib';

async function main(): Promise<void> {
  const file = cuSetPath();
  if (!file) {
    emit([{ group: 'dataset', name: 'Cu set end to end', value: null, unit: 'structures/s', runs: 0, note: 'Cu set not found' }]);
    return;
  }
  const runs = runsFor(3);
  const load: number[] = [];
  const graphs: number[] = [];
  let records = 0;
  let samples = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await loadDataset({ path: file });
    const t1 = performance.now();
    const { set } = tensorize(r.records, { wacsf: false });
    const t2 = performance.now();
    load.push(t1 - t0);
    graphs.push(t2 - t1);
    records = r.records.length;
    samples = set.count;
  }
  const l = median(load), g = median(graphs);
  const rows: BenchRow[] = [
    { group: 'dataset', name: `Cu set: read + parse ${records} records (gzip JSONL → Structure)`, value: round(records / (l / 1000), 0), unit: 'structures/s', runs, extra: `${round(l / 1000, 2)} s` },
    { group: 'dataset', name: `Cu set: neighbour search + graphs (${samples} absorber sites)`, value: round(records / (g / 1000), 0), unit: 'structures/s', runs, extra: `${round(g / 1000, 2)} s` },
    { group: 'dataset', name: 'Cu set: end to end (records → graphs)', value: round(records / ((l + g) / 1000), 0), unit: 'structures/s', runs, extra: `${round((l + g) / 1000, 2)} s` },
  ];
  emit(rows);
}

void main();
