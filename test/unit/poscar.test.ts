import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePoscar as importerPoscar } from '../../server/src/data/importers/feff';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { codeLenses, documentSites } from '../../server/src/lsp/codeLens';
import { documentFormat } from '../../server/src/lsp/documentCache';
import { hoverAt } from '../../server/src/lsp/hover';
import { toDocumentSymbols } from '../../server/src/lsp/symbols';
import { readMetadata } from '../../server/src/model/modelFiles';
import { documentOutline, foldingRanges, type OutlineSymbol } from '../../server/src/outline';
import { formatFromPath, parseDocument } from '../../server/src/parse';
import { elementOfSpeciesName, parsePoscar } from '../../server/src/poscar/parser';
import { absorbingSites } from '../../server/src/structure/sites';
import type { ParsedDocument, Structure, StructureDiagnostic, TextRange, Vec3 } from '../../server/src/structure/types';
import { SHIPPED_MODEL } from '../fixtures/models/fixtures';

const fix = (n: string): string => readFileSync(`test/fixtures/structures/${n}`, 'utf8');
const poscar = (text: string): ParsedDocument => parseDocument(text, 'poscar');
const structureOf = (doc: ParsedDocument): Structure => {
  const s = doc.blocks[0]?.structure;
  assert.ok(s, `no structure: ${JSON.stringify(doc.diagnostics)}`);
  return s;
};
const range = (l0: number, c0: number, l1: number, c1: number): TextRange => ({ start: { line: l0, character: c0 }, end: { line: l1, character: c1 } });
/** [code, severity, range] of each diagnostic, in document order. */
const diags = (doc: ParsedDocument): [string, string, TextRange][] =>
  [...doc.diagnostics]
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)
    .map((d) => [d.code, d.severity, d.range]);
const textAt = (text: string, r: TextRange): string => text.split(/\r?\n/)[r.start.line].slice(r.start.character, r.end.character);
const dist = (p: Vec3, q: Vec3): number => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
const close = (x: number, y: number, tol = 1e-9, what = ''): void => assert.ok(Math.abs(x - y) < tol, `${what} ${x} vs ${y}`);

// Rutile as written in rutile-TiO2.cif: a = 4.594, c = 2.959, O at (x, x, 0) with x = 0.3053.
const A = 4.594, C = 2.959, X = 0.3053;
// Ti at the origin: two apical O along [110] and four equatorial O at (½−x, x−½, ½)-type offsets.
const APICAL = X * A * Math.SQRT2;
const EQUATORIAL = Math.sqrt(2 * ((0.5 - X) * A) ** 2 + (C / 2) ** 2);

test('VASP 5 rutile in Direct coordinates: atoms, elements, labels, whole-line ranges, Ti–O bonds by hand', () => {
  const text = fix('rutile-TiO2.vasp');
  const doc = poscar(text);
  assert.equal(doc.format, 'poscar');
  assert.deepEqual(doc.diagnostics, []);
  assert.equal(doc.blocks.length, 1);
  const b = doc.blocks[0];
  assert.equal(b.name, 'TiO2 rutile, P1 cell of rutile-TiO2.cif');
  assert.deepEqual(b.headerRange, range(0, 0, 0, 39));
  assert.deepEqual(b.range, range(0, 0, 13, 44));
  const s = structureOf(doc);
  assert.deepEqual(s.sites.map((x) => x.element), ['Ti', 'Ti', 'O', 'O', 'O', 'O']);
  assert.deepEqual(s.sites.map((x) => x.label), ['Ti1', 'Ti2', 'O1', 'O2', 'O3', 'O4']);
  assert.deepEqual(s.sites.map((x) => x.Z), [22, 22, 8, 8, 8, 8]);
  assert.deepEqual(s.sites.map((x) => x.range.start.line), [8, 9, 10, 11, 12, 13]);
  assert.deepEqual(s.sites[2].range, range(10, 0, 10, 44));
  assert.deepEqual(s.pbc, [true, true, true]);
  assert.deepEqual(s.symops, ['x,y,z']);
  assert.deepEqual(s.lattice?.matrix, [[A, 0, 0], [0, A, 0], [0, 0, C]]);
  assert.deepEqual(s.sites[1].cart, [A / 2, A / 2, C / 2]);
  // P1: every Ti its own orbit; the two have one environment (the 4_2 screw of the CIF), so one lens ×2.
  assert.deepEqual(s.orbits, [[0], [1], [2], [3], [4], [5]]);
  assert.deepEqual(absorbingSites(s, ['Ti']).map((x) => [x.label, x.multiplicity, x.range.start.line, x.equivalence]), [['Ti1', 2, 8, 'environment']]);
  const g = buildAbsorberGraph(s, 0);
  assert.deepEqual(g.neighbours.slice(0, 6).map((n) => n.element), ['O', 'O', 'O', 'O', 'O', 'O']);
  g.neighbours.slice(0, 4).forEach((n) => close(n.distance, EQUATORIAL, 1e-9, 'equatorial'));
  g.neighbours.slice(4, 6).forEach((n) => close(n.distance, APICAL, 1e-9, 'apical'));
  close(EQUATORIAL, 1.94654, 1e-5);
  close(APICAL, 1.98350, 1e-5);
  // The neighbour's document range is its own coordinate line.
  assert.ok(g.neighbours.slice(0, 6).every((n) => n.range.start.line >= 10 && n.range.start.line <= 13));
});

test('the same crystal as CIF and as POSCAR gives the same absorber graph (rutile Ti; hematite Fe with VASP 6 POTCAR names)', () => {
  const options = readMetadata(SHIPPED_MODEL).graph;
  const pairs: [string, string, string][] = [['rutile-TiO2.cif', 'rutile-TiO2.vasp', 'Ti'], ['cod-hematite-R-3c.cif', 'hematite-Fe2O3-vasp6.vasp', 'Fe']];
  for (const [cifFile, vaspFile, element] of pairs) {
    const cifDoc = parseDocument(fix(cifFile), 'cif');
    const cif = cifDoc.blocks.find((b) => b.structure)?.structure;
    assert.ok(cif);
    const vaspDoc = poscar(fix(vaspFile));
    assert.deepEqual(vaspDoc.diagnostics, [], vaspFile);
    const vasp = structureOf(vaspDoc);
    assert.equal(vasp.sites.length, cif.sites.length, vaspFile);
    assert.deepEqual(vasp.sites.map((s) => s.element), cif.sites.map((s) => s.element));
    const absorber = cif.sites.findIndex((s) => s.element === element);
    const a = buildAbsorberGraph(cif, absorber, options);
    const b = buildAbsorberGraph(vasp, absorber, options);
    assert.equal(b.element, element);
    // Equidistant neighbours may come in another order (the files' last digits differ): match each
    // neighbour by where it is, then compare its row of features.
    const at = (x: number): string => (Math.round(x * 1e4) / 1e4 || 0).toFixed(4);
    const key = (n: { element: string; cart: Vec3 }): string => `${n.element} ${n.cart.map(at).join(' ')}`;
    const rowOf = new Map(a.neighbours.map((n, k) => [key(n), k]));
    const perm = b.neighbours.map((n) => rowOf.get(key(n)) ?? -1);
    assert.ok(perm.every((k) => k >= 0) && new Set(perm).size === perm.length, `${vaspFile}: not the same neighbours`);
    b.neighbours.forEach((n, k) => close(n.distance, a.neighbours[perm[k]].distance, 1e-8, `${vaspFile} neighbour ${k}`));
    const edge = b.edgeFeatures.length / b.neighbours.length;
    const node = b.nodeFeatures.length / (b.neighbours.length + 1);
    let worst = 0;
    b.neighbours.forEach((_, k) => {
      for (let j = 0; j < edge; j++) worst = Math.max(worst, Math.abs(b.edgeFeatures[k * edge + j] - a.edgeFeatures[perm[k] * edge + j]));
      for (let j = 0; j < node; j++) worst = Math.max(worst, Math.abs(b.nodeFeatures[(k + 1) * node + j] - a.nodeFeatures[(perm[k] + 1) * node + j]));
    });
    assert.ok(worst < 1e-5, `${vaspFile}: features differ by ${worst}`);
    assert.deepEqual(b.mask, a.mask);
    assert.deepEqual(b.nodeFeatures.subarray(0, node), a.nodeFeatures.subarray(0, node));
    assert.ok(a.descriptor && b.descriptor && a.descriptor.every((v, i) => Math.abs(v - (b.descriptor as Float32Array)[i]) < 1e-5), `${vaspFile}: descriptors differ`);
  }
});

test('VASP 4 without a species line: names from the comment line, said there; rock-salt Fe–O = a/2', () => {
  const text = fix('FeO-rocksalt-vasp4.poscar');
  const doc = poscar(text);
  assert.deepEqual(diags(doc), [['poscar.names', 'information', range(0, 0, 0, text.split('\n')[0].length)]]);
  assert.match(doc.diagnostics[0].message, /No species line \(VASP 4 format\): the species Fe, O are taken from this comment line/);
  const s = structureOf(doc);
  assert.deepEqual(s.sites.map((x) => x.label), ['Fe1', 'Fe2', 'Fe3', 'Fe4', 'O1', 'O2', 'O3', 'O4']);
  assert.equal(s.lattice?.a, 4.33);
  const g = buildAbsorberGraph(s, 0);
  const shell = (el: string, d: number): number => g.neighbours.filter((n) => n.element === el && Math.abs(n.distance - d) < 1e-9).length;
  assert.equal(shell('O', 4.33 / 2), 6);
  assert.equal(shell('Fe', 4.33 / Math.SQRT2), 12);
  // Atoms are on lines 8–15; the counts line is line 6 (0-based 5).
  assert.deepEqual(s.sites.map((x) => x.range.start.line), [7, 8, 9, 10, 11, 12, 13, 14]);
});

test('VASP 4: names from the labels after the coordinates, else an error that says they are missing', () => {
  const labelled = poscar('my cell\n3\n1 0 0\n0 1 0\n0 0 1\n1 1\ndirect\n0 0 0 Ni\n0.5 0.5 0.5 O\n');
  assert.deepEqual(diags(labelled), [['poscar.names', 'information', range(5, 0, 5, 3)]]);
  assert.deepEqual(structureOf(labelled).sites.map((x) => x.element), ['Ni', 'O']);
  // A formula alone in the comment names the species too: Fe2O3 → Fe, O.
  assert.deepEqual(structureOf(poscar('Fe2O3 hematite\n3\n1 0 0\n0 1 0\n0 0 1\n1 1\ndirect\n0 0 0\n0.5 0.5 0.5\n')).sites.map((x) => x.element), ['Fe', 'O']);
  const text = 'relaxed cell\n1\n4 0 0\n0 4 0\n0 0 4\n1 1\ndirect\n0 0 0\n0.5 0.5 0.5\n';
  const missing = poscar(text);
  assert.deepEqual(diags(missing), [['poscar.names', 'error', range(5, 0, 5, 3)]]);
  assert.match(missing.diagnostics[0].message, /No species names: .*the comment line 'relaxed cell' does not name the 2 species.*VASP 5 format/);
  assert.equal(missing.blocks[0].structure, null);
  // The comment names three elements for two counts: it does not fit, and nothing is guessed.
  assert.equal(poscar('Fe O H\n1\n4 0 0\n0 4 0\n0 0 4\n1 1\ndirect\n0 0 0\n0.5 0.5 0.5\n').blocks[0].structure, null);
});

test('CONTCAR with selective dynamics, velocities and predictor-corrector block: flags read, trailing blocks ignored', () => {
  const text = fix('CONTCAR_NiO-selective-md');
  const doc = poscar(text);
  assert.deepEqual(doc.diagnostics, []);
  const s = structureOf(doc);
  assert.equal(s.sites.length, 8);
  assert.deepEqual(s.sites.map((x) => x.element), ['Ni', 'Ni', 'Ni', 'Ni', 'O', 'O', 'O', 'O']);
  const lines = text.split('\n');
  assert.deepEqual(s.sites[7].range, range(16, 0, 16, lines[16].length));
  assert.deepEqual(doc.blocks[0].range, range(0, 0, 16, lines[16].length));
  const { layout } = parsePoscar(text);
  assert.ok(layout);
  assert.deepEqual([layout.selectiveDynamics, layout.selectiveLine, layout.modeLine, layout.coordinates], [true, 7, 8, { first: 9, last: 16 }]);
  // Ni–O in rock salt: a/2.
  close(buildAbsorberGraph(s, 0).neighbours[0].distance, 4.177 / 2);
});

test('Cartesian with a negative scale: the volume fixes the cell and scales the coordinates; Cu–O = a√3/4', () => {
  const doc = poscar(fix('Cu2O-cartesian-volume.vasp'));
  assert.deepEqual(doc.diagnostics, []);
  const s = structureOf(doc);
  const a = Math.cbrt(77.832606);
  close(a, 4.2696, 1e-6);
  close(s.lattice?.volume ?? NaN, 77.832606, 1e-9);
  close(s.lattice?.a ?? NaN, a);
  // Written (0, 1, 1) in units of the raw 2 Å cell: times the factor a/2.
  s.sites[1].cart.forEach((x, k) => close(x, [0, a / 2, a / 2][k]));
  s.sites[4].frac?.forEach((x) => close(x, 0.25));
  const g = buildAbsorberGraph(s, 0);
  assert.deepEqual(g.neighbours.slice(0, 2).map((n) => n.element), ['O', 'O']);
  g.neighbours.slice(0, 2).forEach((n) => close(n.distance, (a * Math.sqrt(3)) / 4));
  close(dist(s.sites[0].cart, s.sites[1].cart), a / Math.SQRT2);
});

test('three per-axis scaling factors (VASP 6) scale the lattice and Cartesian positions per axis', () => {
  const s = structureOf(poscar('x\n2 3 4 ! per axis\n1 0 0\n0 1 0\n0 0 1\nCu\n2\nCartesian\n0 0 0\n0.5 0.5 0.5\n'));
  assert.deepEqual(s.lattice?.matrix, [[2, 0, 0], [0, 3, 0], [0, 0, 4]]);
  assert.deepEqual(s.sites[1].cart, [1, 1.5, 2]);
  assert.deepEqual(s.sites[1].frac, [0.5, 0.5, 0.5]);
});

test('species names: POTCAR suffixes, VASP 6 hashes, sublattice numbers and charges are read as the element', () => {
  const read = (n: string): string | undefined => elementOfSpeciesName(n)?.element;
  assert.deepEqual(['Fe_pv', 'O_s', 'Fe/1a2b3c', 'Fe_sv_GW/8f', 'FE', 'Fe1', 'Fe3+', 'H.75', 'Os', 'C_h'].map(read), ['Fe', 'O', 'Fe', 'Fe', 'Fe', 'Fe', 'Fe', 'H', 'Os', 'C']);
  assert.deepEqual(['Qq', 'Fep', '12', '', '_pv'].map(read), [undefined, undefined, undefined, undefined, undefined]);
  const s = structureOf(poscar('x\n1\n4 0 0\n0 4 0\n0 0 4\nFe_pv/3e1a Fe_sv O_s ! two sublattices\n1 1 2\nDirect\n0 0 0\n0.5 0.5 0.5\n0.5 0 0\n0 0.5 0\n'));
  assert.deepEqual(s.sites.map((x) => x.label), ['Fe1', 'Fe2', 'O1', 'O2']);
});

test('broken atoms: unknown species, a word for a number, a short line and too few coordinate lines', () => {
  const text = fix('broken-poscar-atoms.vasp');
  const doc = poscar(text);
  assert.deepEqual(diags(doc), [
    ['element.unknown', 'error', range(5, 3, 5, 5)],
    ['poscar.count', 'error', range(6, 0, 6, 3)],
    ['coord.nonnumeric', 'error', range(9, 18, 9, 21)],
    ['coord.nonnumeric', 'error', range(11, 0, 11, 16)],
  ]);
  assert.equal(textAt(text, doc.diagnostics.find((d) => d.code === 'element.unknown')!.range), 'Qq');
  assert.equal(textAt(text, range(9, 18, 9, 21)), 'abc');
  const count = doc.diagnostics.find((d) => d.code === 'poscar.count')!;
  assert.equal(count.message, 'The counts on line 7 add up to 6 atoms, but only 5 coordinate lines follow (lines 9–13) before the file ends');
  // What could be read is kept, labelled by its line's place among its element's lines.
  const s = structureOf(doc);
  assert.deepEqual(s.sites.map((x) => [x.label, x.Z, x.range.start.line]), [['Ti1', 22, 8], ['Qq1', 0, 10], ['Qq3', 0, 12]]);
  assert.deepEqual(absorbingSites(s, ['Ti']).map((x) => x.label), ['Ti1']);
});

test('broken cell: zero volume for a target volume, and 2 names for 3 counts', () => {
  const doc = poscar(fix('broken-poscar-cell.vasp'));
  assert.deepEqual(diags(doc), [['cell.invalid', 'error', range(2, 0, 4, 5)], ['poscar.counts', 'error', range(6, 0, 6, 5)]]);
  assert.match(doc.diagnostics[0].message, /linearly dependent \(zero volume\).*volume 50 Å³/);
  assert.match(doc.diagnostics[1].message, /names 2 species \(Fe O\) but line 7 gives 3 counts/);
  assert.equal(doc.blocks[0].structure, null);
});

test('broken extra: atoms beyond the counts and T/F flags without Selective dynamics', () => {
  const text = fix('broken-poscar-extra.vasp');
  const doc = poscar(text);
  assert.deepEqual(diags(doc), [['poscar.flags', 'warning', range(8, 12, 8, 17)], ['poscar.count', 'error', range(10, 0, 11, 17)]]);
  assert.equal(textAt(text, range(8, 12, 8, 17)), 'T T T');
  assert.match(doc.diagnostics.find((d) => d.code === 'poscar.count')!.message, /^2 more coordinate lines after the 2 atoms the counts on line 7 declare/);
  assert.equal(structureOf(doc).sites.length, 2);
});

test('header mistakes each get a diagnostic on their own line', () => {
  const H = 't\n1.0\n3 0 0\n0 3 0\n0 0 3\n';
  const cases: [string, string, [string, string, TextRange][], boolean][] = [
    ['scale 0', 'x\n0\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', [['poscar.scale', 'error', range(1, 0, 1, 1)]], false],
    ['scale word', 'x\nabc\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', [['poscar.scale', 'error', range(1, 0, 1, 3)]], false],
    ['two scales', 'x\n1 2\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', [['poscar.scale', 'error', range(1, 0, 1, 3)]], false],
    ['negative axis scale', 'x\n1 -2 1\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', [['poscar.scale', 'error', range(1, 2, 1, 4)]], false],
    ['lattice word', 'x\n1\n3 0 a\n0 3 0\n0 0 3\nCu\n1\nDirect\n0 0 0\n', [['cell.invalid', 'error', range(2, 4, 2, 5)]], false],
    ['truncated', 'x\n1.0\n3 0 0\n0 3 0\n', [['poscar.truncated', 'error', range(4, 0, 4, 0)]], false],
    ['degenerate', 'x\n1\n3 0 0\n0 3 0\n0 0 0.01\nCu\n1\nDirect\n0 0 0\n', [['cell.degenerate', 'error', range(2, 0, 4, 8)]], false],
    ['left-handed', 'x\n1\n3 0 0\n0 0 3\n0 3 0\nCu\n1\nDirect\n0 0 0\n', [['cell.leftHanded', 'warning', range(2, 0, 4, 5)]], true],
    ['count word', H + 'Cu O\n1 x\nDirect\n0 0 0\n', [['poscar.counts', 'error', range(6, 2, 6, 3)]], true],
    ['count 0', H + 'Ni O Cu\n1 1 0\nDirect\n0 0 0\n0.5 0.5 0.5\n', [['poscar.counts', 'warning', range(6, 4, 6, 5)]], true],
    ['mode word', H + 'Cu\n1\nFractional\n0 0 0\n', [['poscar.mode', 'warning', range(7, 0, 7, 10)]], true],
    ['mode missing', H + 'Cu\n2\n0 0 0\n0.5 0.5 0.5\n', [['poscar.mode', 'error', range(7, 0, 7, 5)]], true],
    ['bad flag', H + 'Cu\n1\nSelective\nDirect\n0 0 0 T X F\n', [['poscar.flags', 'error', range(9, 8, 9, 9)]], true],
    ['no flags', H + 'Cu\n1\nselective dynamics\nDirect\n0 0 0\n', [['poscar.flags', 'error', range(9, 0, 9, 5)]], true],
    ['label mismatch', H + 'Ni O\n1 1\ndirect\n0 0 0 O\n0.5 0.5 0.5 O\n', [['poscar.label', 'warning', range(8, 6, 8, 7)]], true],
    ['not finite', H + 'Cu\n2\nDirect\n0 0 0\nNaN 0 0\n', [['coord.nonnumeric', 'error', range(9, 0, 9, 3)]], true],
    ['too large', H + 'Cu\n99999999999\nDirect\n0 0 0\n', [['structure.tooLarge', 'error', range(6, 0, 6, 11)]], false],
  ];
  for (const [what, text, expected, hasStructure] of cases) {
    const doc = poscar(text);
    assert.deepEqual(diags(doc), expected, what);
    assert.equal(doc.blocks[0].structure !== null, hasStructure, what);
  }
  assert.match(poscar(cases[11][1]).diagnostics[0].message, /Expected 'Direct' or 'Cartesian' on line 8, found coordinates/);
  // Read as the file meant it: the line without a mode line is the first atom.
  assert.equal(structureOf(poscar(cases[11][1])).sites.length, 2);
  assert.match(poscar(cases[14][1]).diagnostics[0].message, /Labelled O, but the species and counts lines make this atom Ni/);
});

test('empty files, CRLF with a byte-order mark, and a final newline', () => {
  assert.deepEqual(poscar(''), { format: 'poscar', blocks: [], diagnostics: [] });
  assert.deepEqual(poscar('\n  \n').blocks, []);
  const crlf = poscar('\uFEFFx\r\n1\r\n3 0 0\r\n0 3 0\r\n0 0 3\r\nCu\r\n1\r\nD\r\n0 0 0\r\n');
  assert.deepEqual(crlf.diagnostics, []);
  assert.deepEqual(structureOf(crlf).sites[0].range, range(8, 0, 8, 5));
  assert.equal(crlf.blocks[0].name, 'x');
  assert.equal(poscar('\n1\n3 0 0\n0 3 0\n0 0 3\nCu\n1\nD\n0 0 0').blocks[0].name, 'POSCAR');
});

test('never throws, and every range lies inside the document: every prefix, every line removed or doubled', () => {
  const files = ['rutile-TiO2.vasp', 'FeO-rocksalt-vasp4.poscar', 'CONTCAR_NiO-selective-md', 'Cu2O-cartesian-volume.vasp', 'broken-poscar-atoms.vasp', 'broken-poscar-cell.vasp', 'broken-poscar-extra.vasp'];
  const inside = (text: string, d: StructureDiagnostic | { range: TextRange }): boolean => {
    const lines = text.split(/\r\n|\n|\r/);
    const ok = (p: TextRange['start']): boolean => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
    return ok(d.range.start) && ok(d.range.end);
  };
  let parsed = 0;
  for (const f of files) {
    const lines = fix(f).split('\n');
    const variants: string[] = [];
    for (let k = 0; k <= lines.length; k++) variants.push(lines.slice(0, k).join('\n'));
    for (let k = 0; k < lines.length; k++) {
      variants.push([...lines.slice(0, k), ...lines.slice(k + 1)].join('\n'));
      variants.push([...lines.slice(0, k + 1), ...lines.slice(k)].join('\n'));
    }
    for (const text of variants) {
      const doc = poscar(text);
      parsed++;
      assert.ok(!doc.diagnostics.some((d) => d.code === 'internal'), `${f}: ${JSON.stringify(doc.diagnostics)}`);
      for (const d of doc.diagnostics) assert.ok(inside(text, d), `${f}: ${d.code} ${JSON.stringify(d.range)} outside`);
      for (const b of doc.blocks) {
        assert.ok(inside(text, b) && inside(text, { range: b.headerRange }));
        for (const s of b.structure?.sites ?? []) {
          assert.ok(inside(text, s), `${f}: site range`);
          assert.ok(s.cart.every(Number.isFinite) && (s.frac ?? []).every((x) => x >= 0 && x < 1));
        }
      }
      documentOutline(text, 'poscar');
      foldingRanges(text, 'poscar');
    }
  }
  assert.ok(parsed > 200);
});

test('dispatch: file names and language ids pick POSCAR', () => {
  const byName: [string, string | null][] = [
    ['POSCAR', 'poscar'], ['CONTCAR', 'poscar'], ['/runs/relax/CONTCAR.1', 'poscar'], ['POSCAR2', 'poscar'], ['POSCAR_relaxed', 'poscar'],
    ['contcar-final', 'poscar'], ['Fe2O3.vasp', 'poscar'], ['mp-19770.POSCAR', 'poscar'], ['C:\\runs\\POSCAR', 'poscar'],
    ['POSCAR.cif', 'cif'], ['POSCAR.xyz', 'xyz'], ['poscar_tools.py', null], ['POSCAR.json', null], ['rutile.cif', 'cif'], ['a.extxyz', 'xyz'],
  ];
  for (const [name, format] of byName) assert.equal(formatFromPath(name), format, name);
  assert.equal(documentFormat({ languageId: 'poscar', uri: 'untitled:Untitled-1' }), 'poscar');
  assert.equal(documentFormat({ languageId: '', uri: 'file:///runs/relax/CONTCAR' }), 'poscar');
  assert.equal(documentFormat({ languageId: 'plaintext', uri: 'file:///data/Fe2O3.vasp' }), 'poscar');
  assert.equal(documentFormat({ languageId: '', uri: 'file:///data/my%20POSCAR.cif' }), 'cif');
  assert.equal(documentFormat({ languageId: '', uri: 'file:///data/x.xyz' }), 'xyz');
});

test('outline: cell, species and atom sites, nested inside the block; folding of the block and the coordinates', () => {
  const text = fix('CONTCAR_NiO-selective-md');
  const outline = documentOutline(text, 'poscar');
  assert.equal(outline.length, 1);
  const [block] = outline;
  assert.deepEqual([block.name, block.kind, block.detail], ['NiO, MD restart with fixed bottom layer', 'block', '8 atoms, P1']);
  assert.deepEqual(block.children.map((c) => [c.name, c.kind]), [['cell', 'cell'], ['species', 'species'], ['atom sites', 'atoms']]);
  const [cell, species, atoms] = block.children;
  assert.match(cell.detail, /^a=4\.1770 b=4\.1770 c=4\.1770 {2}α=90\.00 β=90\.00 γ=90\.00 {2}V=72\.877 Å³$/);
  assert.deepEqual([cell.range.start.line, cell.range.end.line], [1, 4]);
  assert.equal(species.detail, 'Ni4 O4');
  assert.deepEqual(species.children.map((c) => [c.name, c.detail, textAt(text, c.range)]), [['Ni', '4 atoms', 'Ni'], ['O', '4 atoms', 'O']]);
  assert.equal(atoms.detail, '8 sites, Direct, selective dynamics');
  assert.deepEqual([atoms.range.start.line, atoms.range.end.line], [7, 16]);
  assert.deepEqual(atoms.children.map((a) => a.name), ['Ni1', 'Ni2', 'Ni3', 'Ni4', 'O1', 'O2', 'O3', 'O4']);
  assert.equal(atoms.children[1].detail, 'Ni  0.00000 0.50000 0.50000');
  const within = (inner: TextRange, outer: TextRange): boolean =>
    (inner.start.line > outer.start.line || (inner.start.line === outer.start.line && inner.start.character >= outer.start.character)) &&
    (inner.end.line < outer.end.line || (inner.end.line === outer.end.line && inner.end.character <= outer.end.character));
  const walk = (s: OutlineSymbol): void => {
    assert.ok(within(s.selectionRange, s.range), `${s.name}: selection outside its range`);
    for (const c of s.children) {
      assert.ok(within(c.range, s.range), `${c.name} outside ${s.name}`);
      walk(c);
    }
  };
  walk(block);
  assert.equal(toDocumentSymbols(outline)[0].children?.length, 3);
  assert.deepEqual(foldingRanges(text, 'poscar'), [{ startLine: 0, endLine: 16 }, { startLine: 9, endLine: 16 }]);
  // A VASP 4 file says where its names came from; a Cartesian one shows coordinates as written.
  assert.equal(documentOutline(fix('FeO-rocksalt-vasp4.poscar'), 'poscar')[0].children[1].detail, 'Fe4 O4, names from the comment line (VASP 4)');
  assert.equal(documentOutline(fix('Cu2O-cartesian-volume.vasp'), 'poscar')[0].children[2].children[1].detail, `Cu  ${[0, Math.cbrt(77.832606) / 2, Math.cbrt(77.832606) / 2].map((x) => x.toFixed(5)).join(' ')}`);
});

test('hover on a coordinate line and one code lens for both Ti (P1, one environment): the language server\'s own functions', () => {
  const doc = poscar(fix('rutile-TiO2.vasp'));
  const hover = hoverAt(doc.blocks, { line: 9, character: 3 }, ['Ti']);
  assert.ok(hover);
  const md = (hover.contents as { value: string }).value;
  assert.match(md, /\*\*Ti2\*\* — Ti \(Z = 22\)/);
  assert.match(md, /fractional: \(0\.50000, 0\.50000, 0\.50000\)/);
  assert.match(md, /multiplicity: 1 in the unit cell/);
  assert.match(md, /first shell: 6 \(O×6\), mean 1\.959 Å, nearest 1\.947 Å/);
  assert.match(md, /environment: one of 2 Ti atoms with the same surroundings within 8 Å \(no symmetry operators in the file\), predicted once by the lens on Ti1: Ti1, Ti2/);
  assert.deepEqual(hover.range, range(9, 0, 9, 45));
  assert.equal(hoverAt(doc.blocks, { line: 6, character: 0 }), null);
  const sites = documentSites(doc.blocks, ['Ti', 'Fe']);
  const lenses = codeLenses('file:///x/rutile-TiO2.vasp', doc.blocks, sites);
  assert.deepEqual(lenses.map((l) => [l.command?.title, l.range.start.line]), [
    ['Predict all sites (1)', 0], ['Predict K-edge XANES (Ti1, ×2)', 8],
  ]);
  assert.deepEqual(lenses[1].command?.arguments, ['file:///x/rutile-TiO2.vasp', 0, 0]);
  assert.match(lenses[1].command?.tooltip ?? '', /^Ti1 stands for 2 Ti atoms by environment .*: Ti1, Ti2$/);
});

test('the FEFF importer reads POSCARs with the same parser: VASP 4 names from the comment, Cartesian scaled, errors with their line', () => {
  const p = importerPoscar('Na Cl\n5.64\n1 0 0\n0 1 0\n0 0 1\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n');
  assert.deepEqual(p.species, ['Na', 'Cl']);
  assert.deepEqual(p.lattice, [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]]);
  assert.deepEqual([p.cartesian, p.coords[1]], [false, [0.5, 0.5, 0.5]]);
  const c = importerPoscar(fix('Cu2O-cartesian-volume.vasp'));
  assert.equal(c.cartesian, true);
  c.coords[4].forEach((x) => close(x, Math.cbrt(77.832606) / 4));
  assert.deepEqual(importerPoscar(fix('hematite-Fe2O3-vasp6.vasp')).species.slice(10, 14), ['Fe', 'Fe', 'O', 'O']);
  assert.throws(() => importerPoscar(fix('broken-poscar-atoms.vasp')), /^Error: POSCAR line 6: 'Qq' is not a chemical element/);
  assert.throws(() => importerPoscar(fix('broken-poscar-extra.vasp')), /POSCAR line 11: 2 more coordinate lines/);
  assert.throws(() => importerPoscar(''), /POSCAR holds no structure/);
});
