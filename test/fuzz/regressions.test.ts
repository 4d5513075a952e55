// Reproducers of the failures the fuzzer found (test/fuzz/fuzz.test.ts), each fixed in the
// parsers; every one crashed, hung or produced an out-of-document range before the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCif } from '../../server/src/cif/parser';
import { parseDocument } from '../../server/src/parse';
import { forEachPairWithin } from '../../server/src/structure/celllist';
import type { Vec3 } from '../../server/src/structure/types';
import { checkDocument } from './invariants';

const CELL = '_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n';

test('XYZ Lattice of 1e308 Å vectors: a cell.invalid diagnostic, not "singular matrix" (fuzz case 1135)', () => {
  const text = '1\nLattice="1e308 0 0 0 1e308 0 0 0 1e308" Properties=species:S:1:pos:R:3\nFe 0 0 0\n';
  const doc = parseDocument(text, 'xyz');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['cell.invalid']);
  assert.match(doc.diagnostics[0].message, /too long/);
  // Without a usable cell the frame is read as a molecule.
  assert.equal(doc.blocks[0].structure?.lattice, null);
  assert.deepEqual(checkDocument(text, 'xyz').problems, []);
});

test('CIF cell lengths of 1e300 Å overflow the volume: cell.invalid', () => {
  const doc = parseDocument('data_x\n_cell_length_a 1e300\n_cell_length_b 1e300\n_cell_length_c 1e300\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe1 0 0 0\n', 'cif');
  assert.deepEqual(doc.diagnostics.map((d) => d.code).filter((c) => c !== 'cell.missing'), ['cell.invalid']);
  assert.equal(doc.blocks[0].structure, null);
});

test('CIF cell 1e-9 Å thin is refused as degenerate instead of hanging the graph builder (fuzz case 34)', () => {
  const text = 'data_x\n_cell_length_a 3.4\n_cell_length_b 5.5\n_cell_length_c 1e-9\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n' +
    'loop_\n_atom_site_label\n_atom_site_Cartn_x\n_atom_site_Cartn_y\n_atom_site_Cartn_z\nFe1 0 0 0\nO2 1 1 1\n';
  const doc = parseDocument(text, 'cif');
  const d = doc.diagnostics.find((x) => x.code === 'cell.degenerate');
  assert.ok(d, JSON.stringify(doc.diagnostics));
  assert.equal(d.severity, 'error');
  assert.match(d.message, /1\.00e-9 Å across/);
  // The range covers the cell items (lines 1–6), where the fix has to be made.
  assert.deepEqual(d.range, { start: { line: 1, character: 15 }, end: { line: 6, character: 20 } });
  assert.equal(doc.blocks[0].structure, null);
});

test('near-flat cell (angles almost 360° in sum) is degenerate; a flat one is invalid', () => {
  const cif = (al: number, be: number, ga: number): string =>
    `data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha ${al}\n_cell_angle_beta ${be}\n_cell_angle_gamma ${ga}\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe1 0 0 0\n`;
  const codes = (t: string): string[] => parseDocument(t, 'cif').diagnostics.map((d) => d.code);
  assert.deepEqual(codes(cif(119.9, 119.9, 119.9)), ['cell.degenerate']);
  assert.deepEqual(codes(cif(120, 120, 120)), ['cell.invalid']);
  assert.deepEqual(codes(cif(100, 100, 100)), []);
});

test('more than 1 atom per Å³ is refused with a diagnostic (would make image searches explode)', () => {
  const rows = Array.from({ length: 200 }, (_, i) => `Fe${i} ${(i / 200).toFixed(4)} ${((i * 7) % 200 / 200).toFixed(4)} 0.5`).join('\n');
  const doc = parseDocument(`data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${rows}\n`, 'cif');
  const d = doc.diagnostics.find((x) => x.code === 'cell.degenerate');
  assert.ok(d);
  assert.match(d.message, /200 atoms in a cell of 64 Å³ \(3\.125 atoms\/Å³/);
  assert.equal(doc.blocks[0].structure, null);
});

test('coordinates split over two loops in reverse order give forward ranges (fuzz case 2104)', () => {
  // The z loop has 2 rows, the x/y loop 3: rows are not whole loop rows, so ranges come from values.
  const text = `data_x\n${CELL}loop_\n_atom_site_fract_z\n0.1\n0.6\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\nFe1 0.1 0.1\nFe2 0.1 0.1\nFe3 0.5 0.5\n`;
  const r = checkDocument(text, 'cif');
  assert.deepEqual(r.problems, []);
  const s = parseDocument(text, 'cif').blocks[0].structure;
  assert.equal(s?.sites.length, 2);
  // Site 0's range is its x value on line 15, not a backwards span to the z value on line 9.
  assert.deepEqual(s?.sites[0].range, { start: { line: 15, character: 4 }, end: { line: 15, character: 7 } });
});

test('extended XYZ with species after pos and a short line: a diagnostic, not a TypeError (fuzz case 1354)', () => {
  const text = '2\nProperties=pos:R:3:species:S:1\n0 0 0 Fe\n1 1 1\n';
  const doc = parseDocument(text, 'xyz');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['coord.nonnumeric']);
  assert.equal(doc.diagnostics[0].range.start.line, 3);
  assert.equal(doc.blocks[0].structure?.sites.length, 1);
  assert.equal(doc.blocks[0].structure?.sites[0].element, 'Fe');
});

test('cell list over a molecule 1e308 Å wide terminates and still finds the close pair', () => {
  const pts: Vec3[] = [[0, 0, 0], [0.3, 0, 0], [1e308, 0, 0], [5, 5, 5]];
  const pairs: [number, number][] = [];
  forEachPairWithin(pts, null, [false, false, false], 0.5, (i, j) => pairs.push([i, j]));
  assert.deepEqual(pairs, [[0, 1]]);
});

test('a damaged file with 50,000 bad rows publishes at most 1,000 diagnostics plus a summary', () => {
  const rows = Array.from({ length: 50000 }, (_, i) => `Fe${i} x${i} 0 0`).join('\n');
  const doc = parseDocument(`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${rows}\n`, 'cif');
  assert.equal(doc.diagnostics.length, 1001);
  assert.equal(doc.diagnostics[1000].code, 'diagnostics.truncated');
  assert.match(doc.diagnostics[1000].message, /^49000 more problems/);
  assert.equal(doc.diagnostics[0].code, 'coord.nonnumeric');
  assert.equal(doc.diagnostics[0].range.start.line, 12);
});

test('a line of 500,000 stray values is counted, not turned into 500,000 diagnostics (fuzz case 69549: 34 MB took 37 s)', () => {
  const text = `data_x\n${'v '.repeat(500000)}\n`;
  // The parser itself builds only the first 1,000 and counts the rest.
  const cif = parseCif(text);
  assert.equal(cif.diagnostics.length, 1000);
  assert.equal(cif.omittedDiagnostics, 499000);
  const doc = parseDocument(text, 'cif');
  assert.equal(doc.diagnostics.length, 1001);
  assert.equal(doc.diagnostics[0].message, "Value 'v' has no data name before it");
  assert.deepEqual(doc.diagnostics[999].range, { start: { line: 1, character: 1998 }, end: { line: 1, character: 1999 } });
  assert.equal(doc.diagnostics[1000].code, 'diagnostics.truncated');
  assert.match(doc.diagnostics[1000].message, /^499000 more problems/);
});

test('extended XYZ Properties with a column count of 1e23 is a diagnostic, not a RangeError (fuzz case 77882)', () => {
  const doc = parseDocument('1\nProperties=species:S:1:pos:R:3:forces:R:1e23\nFe 0 0 0\n', 'xyz');
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['xyz.properties']);
  assert.match(doc.diagnostics[0].message, /bad column count '1e23'/);
  assert.deepEqual(doc.blocks[0].structure?.sites.map((s) => s.element), ['Fe']);
});

test('a 1e308 Å coordinate off a partly periodic cell is refused, not looped over forever (fuzz case 92224)', () => {
  const text = '3\nLattice="7.107 0 0 -0.9 5.044 0 0.036 0.96 8.094" Properties=species:S:1:pos:R:3 pbc="T F T"\n' +
    'Cu 1.5 2.5 2.9\nO 0.09 1e308 1.08\nO 1.5 0.6 2.9\n';
  const doc = parseDocument(text, 'xyz');
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.range.start.line]), [['coord.range', 3]]);
  const s = doc.blocks[0].structure;
  assert.deepEqual(s?.sites.map((x) => x.element), ['Cu', 'O']);
  assert.deepEqual(checkDocument(text, 'xyz').problems, []);
  const cif = parseDocument(`data_x\n${CELL}loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCu1 0 0 0\nO1 0.5 -1e300 0\n`, 'cif');
  assert.deepEqual(cif.diagnostics.map((d) => d.code), ['coord.range']);
  assert.equal(cif.blocks[0].structure?.sites.length, 1);
});
