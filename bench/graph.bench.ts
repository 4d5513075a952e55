// Neighbour search + absorber graph build, per site: small crystals of the Cu set (the
// training case) and one absorber in the generated 10,000-atom cell (the editor's worst case).
import { buildAbsorberGraph } from '../server/src/graph/build';
import { parseDocument } from '../server/src/parse';
import { absorbingSites } from '../server/src/structure/sites';
import type { Structure } from '../server/src/structure/types';
import { cuRecords } from './data';
import { p1Cif } from './generate';
import { emit, median, round, runsFor, timeSync, type BenchRow } from './lib';

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  try {
    const records = await cuRecords(600);
    const jobs: { s: Structure; i: number }[] = [];
    for (const r of records) if (r.structure && r.absorberIndex !== null) jobs.push({ s: r.structure, i: r.absorberIndex });
    const runs = runsFor(7);
    const ms = median(timeSync(() => { for (const j of jobs) buildAbsorberGraph(j.s, j.i); }, runs));
    const per = ms / jobs.length;
    const atoms = jobs.reduce((n, j) => n + j.s.sites.length, 0) / jobs.length;
    rows.push({ group: 'graph', name: `neighbours + graph, Cu set sites (${jobs.length} sites, mean ${round(atoms, 1)} atoms/cell)`, value: round(per * 1000, 1), unit: 'µs/site', runs, extra: `${round(1000 / per, 0)} sites/s` });
  } catch (e) {
    rows.push({ group: 'graph', name: 'neighbours + graph, Cu set sites', value: null, unit: 'µs/site', runs: 0, note: (e as Error).message });
  }
  const s = parseDocument(p1Cif(10000).text, 'cif').blocks[0].structure as Structure;
  const sites = absorbingSites(s, ['Cu', 'Fe']).slice(0, 20);
  const runs = runsFor(5);
  const ms = median(timeSync(() => { for (const a of sites) buildAbsorberGraph(s, a.siteIndex); }, runs)) / sites.length;
  rows.push({ group: 'graph', name: 'neighbours + graph, one site of the 10,000-atom cell', value: round(ms, 2), unit: 'ms/site', runs, extra: `${round(1000 / ms, 0)} sites/s` });
  emit(rows);
}

void main();
