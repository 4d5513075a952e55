import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resampleOntoGrid, sortAndDedupe } from '../../server/src/data/resample';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DomainRegistry, defaultDomainFor, domainFromId, paperGrid, parseDomainId, tmqmFeGrid, relativeGrid } from '../../server/src/data/domains';
import type { SpectrumRecord } from '../../server/src/data/record';
import { tensorize } from '../../server/src/data/tensorize';
import { DEFAULT_GRAPH_OPTIONS } from '../../server/src/graph/types';
import { parseDocument } from '../../server/src/parse';
import { averageGroups } from '../../server/src/training/predict';
import { run as datasetCli, type DatasetSummary } from '../../server/src/cli/dataset';
import { kFoldByMaterial, mulberry32, splitByMaterial, splitIndices } from '../../server/src/data/split';

test('resample: linear inside the range, masked outside, unsorted and duplicated input', () => {
  const r = resampleOntoGrid([3, 1, 2, 2], [30, 10, 18, 22], [0, 1, 1.5, 2, 2.5, 3, 4]);
  assert.deepEqual([...r.mask], [0, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual([...r.values], [0, 10, 15, 20, 25, 30, 0]); // duplicate E=2 averaged to 20
  assert.ok(Math.abs(r.coverage - 5 / 7) < 1e-12);
  assert.deepEqual(sortAndDedupe([2, 1, 2], [1, 5, 3]), { e: [1, 2], m: [5, 2] });
});

test('resample onto an unsorted grid gives the same values', () => {
  const a = resampleOntoGrid([0, 10], [0, 100], [2.5, 7.5, 11]);
  const b = resampleOntoGrid([0, 10], [0, 100], [11, 7.5, 2.5]);
  assert.deepEqual([...a.values], [25, 75, 0]);
  assert.deepEqual([...b.values], [0, 75, 25]);
  assert.deepEqual([...b.mask], [0, 1, 1]);
});

test('domain grids: paper grid per element, tmQM Fe, relative Ti', () => {
  const cu = paperGrid('Cu') as number[];
  assert.equal(cu.length, 111);
  assert.equal(cu[0], 8984);
  assert.equal(cu[110], 9039);
  assert.equal(paperGrid('Cd')?.[0], 26739);
  assert.equal(paperGrid('Pb'), undefined);
  const fe = tmqmFeGrid();
  assert.equal(fe.length, 226);
  assert.deepEqual(fe.slice(0, 4), [7097, 7097.33, 7097.67, 7098]);
  assert.equal(fe[225], 7172);
  assert.equal(relativeGrid()[0], -15);
  assert.equal(defaultDomainFor({ absorber: 'Cu', edge: 'K', method: 'FEFF' })?.id, 'Cu-K-FEFF');
  assert.equal(defaultDomainFor({ absorber: 'Fe', edge: 'K', method: 'FDMNES' })?.energies.length, 226);
  assert.equal(defaultDomainFor({ absorber: 'Fe', edge: 'K', method: 'FEFF' })?.energies[0], 7112);
  const ti = defaultDomainFor({ absorber: 'Ti', edge: 'K', method: 'FDMNES', relativeEnergies: true });
  assert.equal(ti?.id, 'Ti-K-FDMNES-rel');
  assert.equal(ti?.relative, true);
  const reg = new DomainRegistry([{ id: 'Cu-K-FEFF', element: 'Cu', edge: 'K', method: 'FEFF', energies: [8989, 8990] }]);
  assert.deepEqual(reg.resolve({ absorber: 'Cu', edge: 'K', method: 'FEFF' })?.energies, [8989, 8990]);
  reg.resolve({ absorber: 'Tc', edge: 'K', method: 'FEFF' });
  assert.deepEqual(reg.list().map((d) => d.id), ['Cu-K-FEFF', 'Tc-K-FEFF']);
  assert.equal(reg.indexOf('Tc-K-FEFF'), 1);
});

test('mulberry32 is deterministic', () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  const xs = [a(), a(), a()];
  assert.deepEqual(xs, [b(), b(), b()]);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notEqual(mulberry32(8)(), xs[0]);
});

function items(): { materialId: string }[] {
  const out: { materialId: string }[] = [];
  for (let m = 0; m < 200; m++) for (let s = 0; s <= m % 4; s++) out.push({ materialId: `mp-${m}` });
  return out;
}

test('split by material: no material crosses sides, fractions honoured, stable and order-free', () => {
  const recs = items();
  const idx = splitIndices(recs, { train: 0.8, val: 0.1, test: 0.1 }, 42);
  const side = new Map<string, string>();
  for (const name of ['train', 'val', 'test'] as const) {
    for (const i of idx[name]) {
      const prev = side.get(recs[i].materialId);
      assert.ok(prev === undefined || prev === name, `${recs[i].materialId} on two sides`);
      side.set(recs[i].materialId, name);
    }
  }
  assert.equal(idx.train.length + idx.val.length + idx.test.length, recs.length);
  const counts = { train: 0, val: 0, test: 0 } as Record<string, number>;
  for (const v of side.values()) counts[v]++;
  assert.deepEqual(counts, { train: 160, val: 20, test: 20 });
  const again = splitByMaterial([...recs].reverse().map((r) => r.materialId), { train: 0.8, val: 0.1, test: 0.1 }, 42);
  for (const [m, s] of side) assert.equal(again.get(m), s);
  const other = splitByMaterial(recs.map((r) => r.materialId), { train: 0.8, val: 0.1, test: 0.1 }, 43);
  assert.ok([...side].some(([m, s]) => other.get(m) !== s), 'another seed gives another split');
  assert.throws(() => splitByMaterial(['a'], { train: -1, val: 0, test: 0 }, 1), /non-negative/);
});

test('k-fold by material: every material validated exactly once, never in its own train fold', () => {
  const recs = items();
  const folds = kFoldByMaterial(recs, 5, 3);
  assert.equal(folds.length, 5);
  const seen = new Map<string, number>();
  folds.forEach((f, k) => {
    const trainMats = new Set(f.train.map((i) => recs[i].materialId));
    for (const i of f.val) {
      assert.ok(!trainMats.has(recs[i].materialId));
      seen.set(recs[i].materialId, k);
    }
    assert.equal(f.train.length + f.val.length, recs.length);
    const nValMats = new Set(f.val.map((i) => recs[i].materialId)).size;
    assert.equal(nValMats, 40);
  });
  assert.equal(seen.size, 200);
  assert.throws(() => kFoldByMaterial(recs, 1, 0), /k ≥ 2/);
});

test('domain ids: parsed back to their parts and default grids; a record naming its domain gets that head', () => {
  assert.deepEqual(parseDomainId('Ti-K-FDMNES-rel'), { element: 'Ti', edge: 'K', method: 'FDMNES', relative: true });
  assert.deepEqual(parseDomainId('Cu-K-my-code'), { element: 'Cu', edge: 'K', method: 'my-code', relative: false });
  assert.equal(parseDomainId('copper'), undefined);
  assert.deepEqual(domainFromId('Fe-K-FDMNES')?.energies, tmqmFeGrid());
  assert.deepEqual(domainFromId('Cu-K-FEFF')?.energies, paperGrid('Cu'));
  assert.equal(domainFromId('Ti-K-FDMNES-rel')?.relative, true);
  assert.equal(domainFromId('Xx-K-FEFF'), undefined);
  const measured = { absorber: 'Cu', edge: 'K', method: 'experiment' };
  assert.equal(defaultDomainFor(measured)?.id, 'Cu-K-experiment');
  assert.equal(defaultDomainFor({ ...measured, domain: 'Cu-K-FEFF' })?.id, 'Cu-K-FEFF');
  assert.equal(defaultDomainFor({ ...measured, domain: 'Fe-K-FEFF' }), undefined, 'never another element\'s head');
  // A configured grid (a model's) wins, also for a named domain without a default grid.
  const custom = { id: 'Cu-K-FEFF', element: 'Cu', edge: 'K', method: 'FEFF', energies: [8990, 9000, 9010] };
  const odd = { id: 'S-K-FEFF', element: 'S', edge: 'K', method: 'FEFF', energies: [2470, 2480] };
  const reg = new DomainRegistry([custom, odd]);
  assert.equal(reg.resolve({ ...measured, domain: 'Cu-K-FEFF' }), custom);
  assert.equal(reg.resolve({ absorber: 'S', edge: 'K', method: 'experiment', domain: 'S-K-FEFF' }), odd);
  assert.equal(reg.resolve({ absorber: 'Cu', edge: 'K', method: 'experiment', domain: 'S-K-FEFF' }), undefined);
});

test('a site-averaged record samples every absorber of the expanded cell: multiplicity-weighted (magnetite 8 FeA + 16 FeB)', () => {
  const doc = parseDocument(readFileSync('test/fixtures/structures/magnetite-Fd-3m.cif', 'utf8'), 'cif');
  const structure = doc.blocks[0].structure!;
  const grid = paperGrid('Fe')!;
  const record: SpectrumRecord = {
    id: 'magnetite', materialId: 'magnetite', absorber: 'Fe', absorberIndex: null, siteAveraged: true, edge: 'K', method: 'experiment',
    domain: 'Fe-K-FEFF', structure, energies: grid, mu: grid.map((_, i) => i / grid.length), source: 'test', licence: 'test',
  };
  const { set, report } = tensorize([record], { graph: { ...DEFAULT_GRAPH_OPTIONS, maxNeighbours: 8 } });
  assert.deepEqual(set.domains.map((d) => d.id), ['Fe-K-FEFF']);
  assert.equal(report.perDomain['Fe-K-FEFF'].samples, 24);
  assert.ok(set.group.every((g) => g === 0), 'all samples stand for the one measured spectrum');
  // Tetrahedral A sites have O at 1.89 Å, octahedral B sites at 2.06 Å: 8 and 16 samples, the 1 : 2 of the spectrum.
  const N = set.maxNeighbours;
  const nearest = Array.from({ length: set.count }, (_, i) => set.neighbourDistance[i * N]);
  assert.equal(nearest.filter((d) => d < 1.95).length, 8);
  assert.equal(nearest.filter((d) => d >= 1.95).length, 16);
  // Scored as one spectrum: the mean over its 24 sample predictions.
  const preds = Array.from({ length: set.count }, (_, i) => ({
    sample: i, domain: 'Fe-K-FEFF', pred: Float32Array.from(grid, () => (nearest[i] < 1.95 ? 3 : 0)),
    target: set.targets.slice(i * set.gridLength, (i + 1) * set.gridLength), mask: set.targetMask.slice(i * set.gridLength, (i + 1) * set.gridLength),
  }));
  const [avg] = averageGroups(set, preds);
  assert.ok(Math.abs(avg.pred[0] - 1) < 1e-6, 'mean = (8 × 3 + 16 × 0) / 24');
});

test('dataset summary of a measured pairs folder: records, samples per domain, each broken pair named', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await datasetCli(['test/fixtures/data/measured/pairs', '--json'], { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  assert.equal(code, 0, err.join(''));
  const s = JSON.parse(out.join('')) as DatasetSummary;
  assert.equal(s.records, 2);
  assert.equal(s.samples, 5, 'CuO: 4 Cu sites of the cell; the aqua ion: 1');
  assert.deepEqual(s.perDomain['Cu-K-experiment'], { records: 2, samples: 5, skipped: 0, coverageMean: 1, coverageMin: 1, partial: 0 });
  assert.equal(s.importIssues, 2);
  assert.deepEqual(s.examples.map((e) => [path.basename(e.file ?? ''), e.id]), [['lonely.cif', 'lonely'], ['Cu-foil.dat', 'Cu-foil']]);
});
