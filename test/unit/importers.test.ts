import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { detectKind, loadDataset } from '../../server/src/data/load';
import { importJsonl } from '../../server/src/data/importers/jsonl';
import { parseFeffInp, parsePoscar, parseXmu } from '../../server/src/data/importers/feff';
import { parseSpectrumText } from '../../server/src/data/importers/xanesnet';
import { tempDir } from '../fixtures/models/fixtures';
import { chooseDomain, chooseElement } from '../../server/src/data/importers/measured';
import { paperGrid, relativeGrid, tmqmFeGrid, type DomainSpec } from '../../server/src/data/domains';
import { loadSpectrumBytes } from '../../server/src/spectrum/bytes';
import { normalizeSpectrum } from '../../server/src/spectrum/normalize';
import { parseDocument } from '../../server/src/parse';

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
  assert.match(empty.issues[0].reason, /no FEFF run \(xmu\.dat\), XANESNET layout \(xyz\/ \+ xanes\/\), structure \+ measured spectrum pair \(CuO\.cif \+ CuO\.xdi\), \*\.pairs\.json manifest or \.json\/\.jsonl file found/);
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

// ---- measured spectra beside their structures ------------------------------------------------

const MEASURED = path.join(FX, 'measured');
const PAIRS = path.join(MEASURED, 'pairs');
const CU_WINDOW: DomainSpec = { id: 'Cu-K-FEFF', element: 'Cu', edge: 'K', method: 'FEFF', energies: paperGrid('Cu')! };
const FE_DOMAINS: DomainSpec[] = [
  { id: 'Fe-K-FDMNES', element: 'Fe', edge: 'K', method: 'FDMNES', energies: tmqmFeGrid() },
  { id: 'Fe-K-FEFF', element: 'Fe', edge: 'K', method: 'FEFF', energies: paperGrid('Fe')! },
];

/** The measured file as the spectrum panel normalises it (the reference for the importer's μ). */
function panelNormalised(file: string, group?: number): ReturnType<typeof normalizeSpectrum> {
  const s = loadSpectrumBytes(fs.readFileSync(file), path.basename(file), undefined, group !== undefined ? { group } : {}).spectrum;
  return normalizeSpectrum(s.energies, s.mu);
}

test('measured pairs folder: CIF + XDI and XYZ + .dat pair by stem into site-averaged records at edge step 1', async () => {
  assert.equal(detectKind(PAIRS), 'measured');
  const r = await loadDataset(PAIRS);
  assert.deepEqual(r.records.map((x) => x.id), ['CuO', 'cu-aqua']);
  const [cuo, aqua] = r.records;
  assert.equal(cuo.absorber, 'Cu');
  assert.equal(cuo.edge, 'K');
  assert.equal(cuo.method, 'experiment');
  assert.equal(cuo.absorberIndex, null);
  assert.equal(cuo.siteAveraged, true);
  assert.equal(cuo.domain, undefined, 'no model given: a domain of its own (Cu-K-experiment)');
  assert.equal(cuo.materialId, 'CuO');
  assert.equal(cuo.structure?.sites.filter((s) => s.element === 'Cu').length, 4, 'tenorite cell: 4 Cu, one orbit');
  assert.equal(cuo.source, path.join(PAIRS, 'CuO.xdi'));
  // μ is the panel's normalised μ, on the measured energies (no shift asked).
  const ref = panelNormalised(path.join(PAIRS, 'CuO.xdi'));
  assert.deepEqual(cuo.energies, ref.energies);
  cuo.mu.forEach((m, i) => assert.ok(Math.abs(m - ref.norm[i]) < 1e-12));
  const n = normalizeSpectrum(cuo.energies, cuo.mu);
  assert.ok(Math.abs(n.edgeStep - 1) < 1e-9, `edge step ${n.edgeStep}`);
  assert.ok(Math.abs(n.e0 - 8986) < 0.5, `E0 ${n.e0}`);
  assert.ok(Math.abs(ref.edgeStep - 2.4) < 0.1, `raw edge step ${ref.edgeStep} (the file's 2.4)`);
  assert.equal(aqua.structure?.lattice, null, 'XYZ: a molecule');
  assert.equal(aqua.siteAveraged, true);
  assert.equal(aqua.energies[0], 8900);
  assert.ok(Math.abs(normalizeSpectrum(aqua.energies, aqua.mu).edgeStep - 1) < 1e-9);
  // The partnerless structure and the scan that stops short of the Cu window: issues naming the file.
  assert.deepEqual(r.issues.map((i) => [path.basename(i.file), i.id]), [['lonely.cif', 'lonely'], ['Cu-foil.dat', 'Cu-foil']]);
  assert.match(r.issues[0].reason, /no measured spectrum named lonely\.\* \(\.xdi .*\) beside this structure/);
  assert.match(r.issues[1].reason, /covers 20\.7 % of the Cu-K-experiment window 8984\.0–9039\.0 eV \(< 80 %\): the spectrum spans 8900\.0–8995\.0 eV/);
});

test('measured pairs manifest: site, shifts, Athena group, block choice and normalisation options; bad entries reported', async () => {
  const manifest = path.join(MEASURED, 'set.pairs.json');
  assert.equal(detectKind(manifest), 'measured');
  assert.equal(detectKind(MEASURED), 'measured', 'a manifest below the folder wins over its stem pairs');
  const r = await loadDataset(manifest);
  assert.deepEqual((await loadDataset(MEASURED)).records.map((x) => x.id), r.records.map((x) => x.id));
  assert.deepEqual(r.records.map((x) => x.id), ['CuO-Cu1', 'cu-aqua', 'hematite']);
  const [site, aqua, hem] = r.records;
  // site 'Cu1': one absorber, not averaged; the entry's +2 eV overrides the manifest's −1.5 eV.
  assert.equal(site.absorberIndex, 0);
  assert.equal(site.structure?.sites[0].label, 'Cu1');
  assert.equal(site.siteAveraged, undefined);
  const raw = panelNormalised(path.join(PAIRS, 'CuO.xdi'));
  assert.deepEqual(site.energies, raw.energies.map((e) => e + 2));
  assert.ok(Math.abs(normalizeSpectrum(site.energies, site.mu).e0 - (raw.e0 + 2)) < 1e-6, 'E0 moves with the shift');
  assert.equal(site.materialId, 'CuO');
  assert.equal(site.licence, 'CC0-1.0 (synthetic test data)');
  // The manifest's default shift, its own material and pre-edge range.
  assert.equal(aqua.energies[0], 8898.5);
  assert.equal(aqua.materialId, 'aqua');
  const own = normalizeSpectrum(aqua.energies, aqua.mu, { pre: [-80, -20] });
  assert.ok(Math.abs(own.edgeStep - 1) < 1e-9);
  // Athena project group 2 (hematite, eshift −1.5 applied by the loader); the CIF's only block with atoms.
  assert.equal(hem.absorber, 'Fe', 'O is not modelled: Fe is the only candidate');
  assert.equal(hem.source, `${path.resolve('test/fixtures/spectra/athena-fe.prj')}#2`);
  assert.equal(hem.structure?.name, '9999901');
  const cif = parseDocument(fs.readFileSync('test/fixtures/structures/cod-hematite-R-3c.cif', 'utf8'), 'cif').blocks[1].structure;
  assert.deepEqual(hem.structure?.sites.map((s) => s.element), cif?.sites.map((s) => s.element), 'the project parser\'s expanded cell');
  assert.equal(hem.materialId, 'cod-hematite-R-3c');
  assert.ok(Math.abs(normalizeSpectrum(hem.energies, hem.mu).edgeStep - 1) < 1e-9);
  assert.deepEqual(r.issues.map((i) => [path.basename(i.file), i.id ?? '']), [['set.pairs.json', ''], ['CuO.xdi', 'CuO-as-Fe']]);
  assert.match(r.issues[0].reason, /^pairs\[4\]: unknown key 'shfit'/);
  assert.match(r.issues[1].reason, /the spectrum's header says Element\.symbol Cu, the pair says Fe/);
});

test("measured pairs with a model's domains: the element's head, chosen by periodicity or named; relative heads get E − edge", async () => {
  const targets = [CU_WINDOW, ...FE_DOMAINS];
  const r = await loadDataset(path.join(MEASURED, 'set.pairs.json'), { targetDomains: targets });
  assert.deepEqual(r.records.map((x) => [x.id, x.domain, x.method]), [
    ['CuO-Cu1', 'Cu-K-FEFF', 'experiment'], ['cu-aqua', 'Cu-K-FEFF', 'experiment'], ['hematite', 'Fe-K-FEFF', 'experiment'],
  ]);
  // Two Fe heads: crystals take FEFF, molecules FDMNES (as the predictor does); a name wins; else an issue.
  assert.equal((chooseDomain('Fe', false, undefined, FE_DOMAINS, 'experiment') as DomainSpec).id, 'Fe-K-FDMNES');
  assert.equal((chooseDomain('Fe', true, 'Fe-K-FDMNES', FE_DOMAINS, 'experiment') as DomainSpec).id, 'Fe-K-FDMNES');
  const two: DomainSpec[] = [FE_DOMAINS[1], { ...FE_DOMAINS[1], id: 'Fe-K-FEFF-rel', energies: relativeGrid(), relative: true }];
  assert.match(chooseDomain('Fe', true, undefined, two, 'experiment') as string, /2 Fe K-edge domains \(Fe-K-FEFF, Fe-K-FEFF-rel\): name one with 'domain'/);
  assert.match(chooseDomain('Fe', true, 'Fe-K-FEFF-rel', FE_DOMAINS, 'experiment') as string, /the model has no domain Fe-K-FEFF-rel \(it has Fe-K-FDMNES, Fe-K-FEFF\)/);
  assert.match(chooseDomain('Ni', true, undefined, FE_DOMAINS, 'experiment') as string, /no Ni K-edge domain among/);
  assert.equal((chooseDomain('Cu', true, undefined, undefined, 'experiment') as DomainSpec).id, 'Cu-K-experiment');
  // Element: named, else the header's, else the only covered element of the structure.
  assert.equal(chooseElement(['Cu', 'Fe', 'O'], undefined, undefined, [CU_WINDOW]), 'Cu');
  assert.match((chooseElement(['Cu', 'Fe', 'O'], undefined, undefined, undefined) as { reason: string }).reason, /cannot tell the absorbing element: Cu, Fe are all covered/);
  assert.equal(chooseElement(['Cu', 'Fe', 'O'], undefined, 'fe', undefined), 'Fe');
  assert.match((chooseElement(['Ti', 'O'], undefined, undefined, [CU_WINDOW]) as { reason: string }).reason, /none of the structure's elements \(Ti, O\) is covered by the model's domains/);
  // An edge-relative head (the Ti set): energies become E + shift − the tabulated K edge (4966 eV).
  const dir = tempDir('xanes-measured-ti-');
  fs.copyFileSync(path.resolve('test/fixtures/structures/rutile-TiO2.cif'), path.join(dir, 'rutile.cif'));
  const rows: string[] = [];
  for (let e = 4900; e <= 5100; e += 1) rows.push(`${e} ${(0.1 + 1.3 * (0.5 + Math.atan((e - 4982) / 2) / Math.PI)).toFixed(6)}`);
  fs.writeFileSync(path.join(dir, 'rutile.dat'), rows.join('\n') + '\n');
  const rel: DomainSpec = { id: 'Ti-K-FDMNES-rel', element: 'Ti', edge: 'K', method: 'FDMNES', energies: relativeGrid(), relative: true };
  const ti = await loadDataset(dir, { targetDomains: [rel] });
  assert.equal(ti.issues.length, 0, JSON.stringify(ti.issues));
  const t = ti.records[0];
  assert.equal(t.domain, 'Ti-K-FDMNES-rel');
  assert.equal(t.relativeEnergies, true);
  assert.equal(t.energies[0], 4900 - 4966);
  assert.ok(Math.abs(normalizeSpectrum(t.energies, t.mu).e0 - 16) < 0.5, 'the rutile edge 16 eV above the tabulated Ti K edge');
});

test('measured pairs: a SPEC file needs its scan named; the manifest\'s scan picks it', async () => {
  const dir = tempDir('xanes-measured-spec-');
  fs.copyFileSync(path.resolve('test/fixtures/structures/cod-hematite-R-3c.cif'), path.join(dir, 'hem.cif'));
  fs.copyFileSync(path.resolve('test/fixtures/spectra/fe-scans.spec'), path.join(dir, 'hem.spec'));
  // Named by stem only: two energy scans (2 and 3), so the pair is an issue that says how to choose.
  const folder = await loadDataset(dir);
  assert.equal(folder.records.length, 0);
  assert.match(folder.issues[0]?.reason ?? '', /name the scan with 'scan' in a \*\.pairs\.json manifest/);
  fs.writeFileSync(path.join(dir, 'set.pairs.json'), JSON.stringify([
    { structure: 'hem.cif', spectrum: 'hem.spec', scan: 2, element: 'Fe' },
    { structure: 'hem.cif', spectrum: 'hem.spec', scan: '2', group: 1, id: 'both' },
  ]));
  const m = await loadDataset(path.join(dir, 'set.pairs.json'));
  assert.deepEqual(m.records.map((r) => [r.id, r.absorber, r.source.endsWith('hem.spec#2')]), [['hem-2', 'Fe', true]]);
  const direct = loadSpectrumBytes(fs.readFileSync(path.join(dir, 'hem.spec')), 'hem.spec', undefined, { select: 2 }).spectrum;
  assert.equal(m.records[0].energies.length, direct.energies.length, 'every point of scan 2');
  assert.match(m.issues.map((i) => i.reason).join('\n'), /'group' \(Athena\) and 'scan' \(SPEC\) exclude each other/);
});

test('measured pairs: unreadable spectra, other edges, ambiguous files and Athena choices are issues; mixed folders say what was passed over', async () => {
  const dir = tempDir('xanes-measured-bad-');
  const copy = (from: string, to: string): void => fs.copyFileSync(path.join(PAIRS, from), path.join(dir, to));
  copy('cu-aqua.xyz', 'junk.xyz');
  fs.writeFileSync(path.join(dir, 'junk.dat'), Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04]));
  copy('CuO.cif', 'ledge.cif');
  fs.writeFileSync(path.join(dir, 'ledge.xdi'), fs.readFileSync(path.join(PAIRS, 'CuO.xdi'), 'utf8').replace('Element.edge: K', 'Element.edge: L3'));
  copy('CuO.cif', 'twice.cif');
  copy('cu-aqua.dat', 'twice.dat');
  copy('CuO.xdi', 'twice.xdi');
  fs.copyFileSync(path.resolve('test/fixtures/structures/cod-hematite-R-3c.cif'), path.join(dir, 'hem.cif'));
  fs.copyFileSync(path.resolve('test/fixtures/spectra/athena-fe.prj'), path.join(dir, 'hem.prj'));
  copy('CuO.cif', 'good.cif');
  copy('CuO.xdi', 'good.xdi');
  const r = await loadDataset(dir);
  assert.deepEqual(r.records.map((x) => x.id), ['good'], 'one bad pair never loses the others');
  const by = new Map(r.issues.map((i) => [path.basename(i.file), i.reason]));
  assert.match(by.get('junk.dat') ?? '', /binary file, not a text spectrum/);
  assert.match(by.get('ledge.xdi') ?? '', /Element\.edge is L3: only K-edge spectra are modelled/);
  assert.match(by.get('twice.cif') ?? '', /twice\.cif, twice\.dat, twice\.xdi share the stem 'twice'/);
  assert.match(by.get('hem.prj') ?? '', /holds 3 μ\(E\) groups[\s\S]*name the group with 'group' in a \*\.pairs\.json manifest/);
  assert.equal(r.issues.length, 4);
  // Pairs beside JSON notes: read as pairs, the JSON said to be passed over.
  fs.writeFileSync(path.join(dir, 'notes.json'), '{"beamline": "none"}');
  assert.equal(detectKind(dir), 'measured');
  assert.match((await loadDataset(dir)).issues.at(-1)?.reason ?? '', /1 \.json\/\.jsonl data file\(s\) here not read: the folder is read as measured structure \+ spectrum pairs/);
  // FEFF runs win over pairs in one folder, and say so.
  const feff = tempDir('xanes-feff-pairs-');
  fs.cpSync(path.join(FX, 'feff/poscar-tree'), feff, { recursive: true });
  fs.copyFileSync(path.join(PAIRS, 'CuO.cif'), path.join(feff, 'CuO.cif'));
  fs.copyFileSync(path.join(PAIRS, 'CuO.xdi'), path.join(feff, 'CuO.xdi'));
  assert.equal(detectKind(feff), 'feff');
  const f = await loadDataset(feff);
  assert.deepEqual(f.records.map((x) => x.method), ['FEFF']);
  assert.match(f.issues.at(-1)?.reason ?? '', /1 structure \+ measured spectrum pair\(s\) here not read: the folder is read as FEFF runs/);
  // Named explicitly, the same folder is read as pairs.
  assert.deepEqual((await loadDataset({ path: feff, kind: 'measured' })).records.map((x) => x.id), ['CuO']);
  // A manifest that is not one.
  const bad = path.join(dir, 'bad.pairs.json');
  fs.writeFileSync(bad, '{"pairs": [{"structure": "good.cif"}, 3], "calibration": 1}');
  assert.match((await loadDataset(bad)).issues[0].reason, /unknown top-level key\(s\) 'calibration'/);
  fs.writeFileSync(bad, '{"pairs": [{"structure": "good.cif"}, 3, {"structure": "good.cif", "spectrum": "good.xdi", "site": "O1"}]}');
  const m = await loadDataset(bad);
  assert.deepEqual(m.issues.map((i) => i.reason.replace(/ \(.*$/, '')), [
    "pairs[0]: 'structure' and 'spectrum'", 'pairs[1]: an entry must be an object {structure, spectrum, …}', "site 'O1' is O, not the absorber Cu",
  ]);
});
