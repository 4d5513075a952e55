import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { detectKind, loadDataset } from '../../server/src/data/load';
import { importJsonl } from '../../server/src/data/importers/jsonl';
import { parseFeffInp, parsePoscar, parseXmu } from '../../server/src/data/importers/feff';
import { parseSpectrumText } from '../../server/src/data/importers/xanesnet';
import { tempDir } from '../fixtures/models/fixtures';

const FX = path.resolve('test/fixtures/data');

test('Cu crystal JSONL: good records kept, bad lines reported with line numbers', async () => {
  const r = await importJsonl(path.join(FX, 'jsonl/cu-k-feff-fixture.jsonl'));
  assert.deepEqual(r.records.map((x) => x.id), ['mp-1-0-Cu', 'mp-1-2-Cu', 'mp-4-0-Cu']);
  assert.deepEqual(r.issues.map((i) => i.line), [3, 4, 5]);
  assert.match(r.issues[0].reason, /invalid JSON/);
  assert.match(r.issues[1].reason, /100 energies but 2/);
  assert.match(r.issues[2].reason, /site 1 is O, not the absorber Cu/);
  const a = r.records[1];
  assert.equal(a.materialId, 'mp-1');
  assert.equal(a.method, 'FEFF');
  assert.equal(a.absorberIndex, 2);
  assert.equal(a.structure?.sites.length, 3);
  assert.equal(a.structure?.sites[2].element, 'Cu');
  // frac (0.25,0.25,0.25) in the fcc primitive cell → cart (0.9,0.9,0.9)
  a.structure?.sites[2].cart.forEach((c) => assert.ok(Math.abs(c - 0.9) < 1e-9));
  assert.equal(a.energies[0], 8986.5);
  assert.equal(a.licence, 'unknown');
});

test('gzip JSONL streams to the same records as the plain file', async () => {
  const plain = await importJsonl(path.join(FX, 'jsonl/cu-k-feff-fixture.jsonl'));
  const gz = await importJsonl(path.join(FX, 'jsonl/cu-k-feff-fixture.jsonl.gz'));
  assert.deepEqual(gz.records.map((x) => [x.id, x.mu[5]]), plain.records.map((x) => [x.id, x.mu[5]]));
  assert.equal(gz.issues.length, 3);
});

test('Fe FDMNES molecule uses the 226-point preconv spectrum and Cartesian coordinates', async () => {
  const r = await importJsonl(path.join(FX, 'jsonl/fe-k-fdmnes-fixture.jsonl'));
  assert.equal(r.issues.length, 0);
  const m = r.records[0];
  assert.equal(m.method, 'FDMNES');
  assert.equal(m.energies.length, 226);
  assert.equal(m.energies[225], 7172);
  assert.equal(m.materialId, 'TESTFE_C2H6Fe');
  assert.equal(m.structure?.lattice, null);
  assert.deepEqual(m.structure?.sites[1].cart, [1.9, 0, 0]);
  assert.equal(m.split, 'train');
});

test('Tc graph-only record keeps the neighbour list and no structure', async () => {
  const r = await importJsonl(path.join(FX, 'jsonl/tc-k-feff-fixture.jsonl'));
  const t = r.records[0];
  assert.equal(t.structure, null);
  assert.equal(t.neighbourList?.length, 20);
  assert.deepEqual(t.neighbourList?.[3], { element: 'O', distance: 2.2 });
  assert.equal(t.method, 'FEFF'); // from the file name
  assert.equal(t.materialId, 'mp-9');
});

test('Ti site-averaged record keeps relative energies and flags', async () => {
  const r = await importJsonl(path.join(FX, 'jsonl/ti-k-fdmnes-fixture.jsonl'));
  const t = r.records[0];
  assert.equal(t.relativeEnergies, true);
  assert.equal(t.siteAveraged, true);
  assert.equal(t.absorberIndex, null);
  assert.equal(t.energies[0], -20);
  assert.equal(t.method, 'FDMNES');
  assert.equal(t.structure?.sites.length, 6);
});

test('pymatgen XAS: single document, list (bad entry reported) and JSONL', async () => {
  const one = await loadDataset(path.join(FX, 'pymatgen/fe-xas-doc.json'));
  assert.equal(one.records.length, 1);
  const d = one.records[0];
  assert.equal(d.id, 'mp-100-0-Fe-XANES-K');
  assert.equal(d.materialId, 'mp-100');
  assert.equal(d.absorber, 'Fe');
  assert.equal(d.method, 'FEFF');
  assert.deepEqual(d.structure?.sites[1].cart, [2, 0, 0]);
  assert.ok(d.structure?.lattice);

  const list = await loadDataset(path.join(FX, 'pymatgen/fe-xas-list.json'));
  assert.deepEqual(list.records.map((x) => x.absorberIndex), [0, 2]);
  assert.equal(list.issues.length, 1);
  assert.match(list.issues[0].reason, /document\[2\]/);

  const lines = await loadDataset(path.join(FX, 'pymatgen/fe-xas-docs.jsonl'));
  assert.deepEqual(lines.records.map((x) => x.id), ['mp-101-0-Fe-XANES-K', 'mp-101-2-Fe-XANES-K']);
});

test('FEFF folders: POSCAR tree and feff.inp cluster', async () => {
  const tree = await loadDataset(path.join(FX, 'feff/poscar-tree'));
  assert.equal(tree.issues.length, 0);
  const c = tree.records[0];
  assert.equal(c.absorber, 'Cu');
  assert.equal(c.absorberIndex, 0);
  assert.equal(c.materialId, 'mp-7');
  assert.equal(c.energies[0], 8979);
  assert.ok(Math.abs(c.mu[10] - 0.2) < 1e-12);
  assert.deepEqual(c.structure?.sites[1].cart, [1.8, 1.8, 1.8]);

  const inp = await loadDataset(path.join(FX, 'feff/inp-run'));
  const f = inp.records[0];
  assert.equal(f.absorber, 'Fe');
  assert.equal(f.structure?.sites.length, 4);
  assert.deepEqual(f.structure?.sites.map((s) => s.element), ['Fe', 'O', 'O', 'Fe']);
  assert.equal(f.energies.length, 100);
});

test('FEFF parsers reject what they cannot read', () => {
  assert.throws(() => parsePoscar('x\n1\n1 0 0\n0 1 0\n0 0 1\n2\ndirect\n0 0 0\n0.5 0.5 0.5\n'), /VASP 5/);
  assert.throws(() => parseFeffInp('ATOMS\n0 0 0 1\nEND\n'), /unknown potential|ipot 0/);
  assert.throws(() => parseXmu('# only header\n'), /0 data rows/);
  const p = parsePoscar('t\n-8\n2 0 0\n0 2 0\n0 0 2\nNa\n1\nCartesian\n0.5 0 0\n');
  assert.deepEqual(p.lattice[0], [2, 0, 0]); // volume 8 → scale 1
});

test('XANESNET folder pairs stems and skips header lines', async () => {
  const r = await loadDataset(path.join(FX, 'xanesnet'));
  assert.deepEqual(r.records.map((x) => x.id), ['mol_a', 'mol_b']);
  assert.equal(r.issues.length, 1);
  assert.match(r.issues[0].reason, /no xanes\/mol_c.txt/);
  assert.equal(r.records[0].energies.length, 151);
  assert.equal(r.records[0].absorber, 'Fe');
  assert.equal(r.records[1].mu[2], 0.04);
  const s = parseSpectrumText('header line\n  Energy  <xanes>\n1 2\n3 4\n');
  assert.deepEqual(s, { energies: [1, 3], mu: [2, 4] });
});

test('a folder of .json / .jsonl files (a Materials Project download) is read file by file, each id once', async () => {
  const dir = path.join(FX, 'pymatgen');
  assert.equal(detectKind(dir), 'collection');
  const r = await loadDataset(dir);
  // Files in name order: fe-xas-doc.json, fe-xas-docs.jsonl, fe-xas-list.json.
  assert.deepEqual(r.records.map((x) => x.id), ['mp-100-0-Fe-XANES-K', 'mp-101-0-Fe-XANES-K', 'mp-101-2-Fe-XANES-K', 'mp-100-2-Fe-XANES-K']);
  assert.deepEqual(r.issues.map((i) => [path.basename(i.file), i.id ?? '', i.reason.replace(/\(first read from .*\/(.*)\)/, '($1)')]), [
    ['fe-xas-list.json', 'mp-100-0-Fe-XANES-K', 'duplicate record id (fe-xas-doc.json): skipped'],
    ['fe-xas-list.json', '', "document[2]: 'structure' is missing"],
  ]);
  // Named as pymatgen data explicitly: the same; a limit caps the folder, not each file.
  const named = await loadDataset({ path: dir, kind: 'pymatgen', limit: 2 });
  assert.deepEqual(named.records.map((x) => x.id), ['mp-100-0-Fe-XANES-K', 'mp-101-0-Fe-XANES-K']);
  // The same set as .jsonl and .jsonl.gz side by side counts once.
  const cu = await loadDataset(path.join(FX, 'jsonl'));
  const ids = cu.records.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(ids.filter((id) => id.endsWith('-Cu')), (await loadDataset(path.join(FX, 'jsonl/cu-k-feff-fixture.jsonl'))).records.map((x) => x.id));
  assert.equal(cu.issues.filter((i) => /^duplicate record id/.test(i.reason)).length, ids.filter((id) => id.endsWith('-Cu')).length);
  // FEFF runs win over JSON bookkeeping in their folders; an empty folder says what it looked for.
  const feff = tempDir('xanes-feff-json-');
  fs.cpSync(path.join(FX, 'feff/poscar-tree'), feff, { recursive: true });
  fs.writeFileSync(path.join(feff, 'mp-7/FW.json'), '{"spec": {}}');
  // A broken link inside is passed over, not a crash.
  fs.symlinkSync(path.join(feff, 'nowhere'), path.join(feff, 'mp-7/dangling'));
  assert.equal(detectKind(feff), 'feff');
  assert.deepEqual((await loadDataset(feff)).records.map((x) => x.materialId), ['mp-7']);
  const emptyDir = tempDir('xanes-empty-');
  const empty = await loadDataset(emptyDir);
  assert.deepEqual(empty.records, []);
  assert.match(empty.issues[0].reason, /no FEFF run \(xmu\.dat\), XANESNET layout \(xyz\/ \+ xanes\/\) or \.json\/\.jsonl file found/);
  // A data file that is a broken link is reported by name; the rest of the folder still loads.
  fs.copyFileSync(path.join(FX, 'pymatgen/fe-xas-doc.json'), path.join(emptyDir, 'a.json'));
  fs.symlinkSync(path.join(emptyDir, 'nowhere'), path.join(emptyDir, 'b.json'));
  const linked = await loadDataset(emptyDir);
  assert.deepEqual(linked.records.map((x) => x.id), ['mp-100-0-Fe-XANES-K']);
  assert.deepEqual(linked.issues.map((i) => [path.basename(i.file), i.reason]), [['b.json', 'no such file or folder']]);
});

test('kind detection from the path', () => {
  assert.equal(detectKind(path.join(FX, 'jsonl/cu-k-feff-fixture.jsonl.gz')), 'jsonl');
  assert.equal(detectKind(path.join(FX, 'pymatgen/fe-xas-doc.json')), 'pymatgen');
  assert.equal(detectKind(path.join(FX, 'xanesnet')), 'xanesnet');
  assert.equal(detectKind(path.join(FX, 'feff/inp-run')), 'feff');
  assert.equal(detectKind(path.join(FX, 'nope.txt')), undefined);
});
