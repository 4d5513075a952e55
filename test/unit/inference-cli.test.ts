import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { run } from '../../server/src/cli/predict';
import { loadTf } from '../../server/src/model/backend';
import { tempDir, writeSmallModel } from '../fixtures/models/fixtures';

function capture(): { io: { stdout(t: string): void; stderr(t: string): void }; out: () => string; err: () => string } {
  let o = '', e = '';
  return { io: { stdout: (t) => { o += t; }, stderr: (t) => { e += t; } }, out: () => o, err: () => e };
}

interface Line { id: string; absorber: string; absorber_index: number | null; domain: string; energies: number[]; mu: number[]; std?: number[]; attention: number[][]; model: string; backend: string }

test('predict a CIF and an XYZ file into JSONL, refusing uncovered elements', async () => {
  const { tf } = await loadTf('cpu');
  const model = writeSmallModel(tf, 2);
  const out = path.join(tempDir('xanes-pred-'), 'preds.jsonl');
  const c = capture();
  const code = await run([
    'test/fixtures/structures/CuO-tenorite-C2c.cif', 'test/fixtures/structures/ferrocene.xyz', 'test/fixtures/structures/ZnO-wurtzite.cif',
    '--model', model, '--backend', 'cpu', '--out', out,
  ], c.io);
  assert.equal(code, 1, 'Zn is refused');
  assert.match(c.err(), /ZnO-wurtzite\.cif:.*model 'test-small' does not predict Zn K-edge spectra; it covers Fe-K-FEFF, Cu-K-FEFF, Fe-K-FDMNES/);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);
  // The molecule goes to the molecular (FDMNES) head, as the editor's lens sends it.
  assert.deepEqual(lines.map((l) => [l.absorber, l.domain]), [['Cu', 'Cu-K-FEFF'], ['Fe', 'Fe-K-FDMNES']]);
  const cu = lines[0];
  assert.equal(cu.id, 'CuO-tenorite-C2c.cif:CuO_tenorite:Cu1');
  assert.equal(cu.energies[0], 8984);
  assert.equal(cu.mu.length, 7);
  assert.equal(cu.std!.length, 7);
  assert.equal(cu.attention.length, 2);
  assert.ok(Math.abs(cu.attention[0].reduce((s, v) => s + v, 0) - 1) < 1e-5);
  assert.equal(cu.model, 'test-small');
  assert.equal(cu.backend, 'cpu');
  assert.match(c.err(), /predicted 2 site\(s\) with model 'test-small' on cpu; 1 refused/);
});

test('predict a JSONL data set (gz too) with --method choosing the head', async () => {
  const { tf } = await loadTf('cpu');
  const model = writeSmallModel(tf);
  const c = capture();
  const code = await run(['/work/shared/data/fe-k-feff-mp-tiny.jsonl', '--model', model, '--backend', 'cpu', '--method', 'FDMNES'], c.io);
  assert.equal(code, 0, c.err());
  const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.equal(lines.length, 20);
  assert.equal(lines[0].id, 'mvc-14970-4-Fe-XANES-K');
  assert.equal(lines[0].absorber_index, 4);
  assert.ok(lines.every((l) => l.domain === 'Fe-K-FDMNES' && l.mu.length === 3));
  const gz = capture();
  const tc = await run(['/work/shared/data/tc-k-feff-mp-graphs.jsonl', '--model', model, '--backend', 'cpu'], gz.io);
  assert.equal(tc, 1);
  assert.match(gz.err(), /does not predict Tc K-edge FEFF spectra/);
});

test('predict a pymatgen XAS document and a folder of them: one line per record, import problems on stderr', async () => {
  const { tf } = await loadTf('cpu');
  const model = writeSmallModel(tf);
  const one = capture();
  assert.equal(await run(['test/fixtures/data/pymatgen/fe-xas-doc.json', '--model', model, '--backend', 'cpu'], one.io), 0, one.err());
  const single = one.out().trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.deepEqual(single.map((l) => [l.id, l.absorber, l.absorber_index, l.domain]), [['mp-100-0-Fe-XANES-K', 'Fe', 0, 'Fe-K-FEFF']]);
  const all = capture();
  assert.equal(await run(['test/fixtures/data/pymatgen', '--model', model, '--backend', 'cpu'], all.io), 1, 'the folder has a bad document and a duplicate');
  const lines = all.out().trim().split('\n').map((l) => JSON.parse(l) as Line);
  assert.deepEqual(lines.map((l) => [l.id, l.absorber_index]), [
    ['mp-100-0-Fe-XANES-K', 0], ['mp-101-0-Fe-XANES-K', 0], ['mp-101-2-Fe-XANES-K', 2], ['mp-100-2-Fe-XANES-K', 2],
  ]);
  // The same document predicted alone and inside the folder gives the same spectrum.
  assert.deepEqual(lines[0].mu, single[0].mu);
  assert.match(all.err(), /fe-xas-list\.json: duplicate record id/);
  assert.match(all.err(), /document\[2\]: 'structure' is missing/);
});

test('predict without a model says how to get one', async () => {
  const c = capture();
  const code = await run(['test/fixtures/structures/ferrocene.xyz', '--model', '/nonexistent/model'], c.io);
  assert.equal(code, 2);
  assert.match(c.err(), /no model at \/nonexistent\/model/);
  await assert.rejects(run(['x.cif', '--backend', 'metal'], c.io), /--backend must be one of/);
});

test('predict a P1 POSCAR: one line per environment group with its multiplicity; a symmetric CIF\'s orbits as before', async () => {
  const { tf } = await loadTf('cpu');
  const model = writeSmallModel(tf, 2);
  const c = capture();
  const code = await run([
    'test/fixtures/structures/hematite-Fe2O3-vasp6.vasp', 'test/fixtures/structures/cod-hematite-R-3c.cif', '--model', model, '--backend', 'cpu',
  ], c.io);
  assert.equal(code, 0, c.err());
  type Grouped = Line & { multiplicity?: number; equivalence?: string; same_environment?: string[] };
  const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as Grouped);
  assert.deepEqual(lines.map((l) => [l.id, l.absorber_index, l.multiplicity, l.equivalence, l.same_environment]), [
    ['hematite-Fe2O3-vasp6.vasp:Fe2O3 hematite, P1 cell of cod-hemati...:Fe1', 0, 12, 'environment', Array.from({ length: 12 }, (_, i) => `Fe${i + 1}`)],
    ['cod-hematite-R-3c.cif:9999901:Fe1', lines[1].absorber_index, 12, 'symmetry', undefined],
  ]);
  // One crystal, one environment: the same spectrum from both files.
  lines[0].mu.forEach((m, k) => assert.ok(Math.abs(m - lines[1].mu[k]) < 1e-5, `μ[${k}]`));
  assert.match(c.err(), /predicted 2 site\(s\)/);
  // --site names any atom: a member of a group reports the group.
  const one = capture();
  assert.equal(await run(['test/fixtures/structures/hematite-Fe2O3-vasp6.vasp', '--site', '5', '--model', model, '--backend', 'cpu'], one.io), 0, one.err());
  const [fe6] = one.out().trim().split('\n').map((l) => JSON.parse(l) as Grouped);
  assert.deepEqual([fe6.id.split(':').pop(), fe6.absorber_index, fe6.multiplicity, fe6.equivalence], ['Fe6', 5, 12, 'environment']);
});
