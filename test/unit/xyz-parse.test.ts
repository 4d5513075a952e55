import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument } from '../../server/src/parse';
import { absorbingSites } from '../../server/src/structure/sites';

const fix = (n: string): string => readFileSync(`test/fixtures/structures/${n}`, 'utf8');

test('ferrocene: one molecule frame, line ranges, labels by index', () => {
  const doc = parseDocument(fix('ferrocene.xyz'), 'xyz');
  assert.deepEqual(doc.diagnostics, []);
  const s = doc.blocks[0].structure!;
  assert.equal(s.sites.length, 21);
  assert.equal(s.lattice, null);
  assert.equal(s.sites[0].label, 'Fe1');
  assert.equal(s.sites[3].label, 'C4');
  assert.deepEqual(s.sites[3].range, { start: { line: 5, character: 0 }, end: { line: 5, character: 35 } });
  const fe = absorbingSites(s, ['Fe']);
  assert.deepEqual(fe.map((x) => [x.label, x.multiplicity]), [['Fe1', 1]]);
  const c = s.sites[1].cart;
  assert.ok(Math.abs(Math.hypot(...c) - Math.hypot(1.21333, 1.653)) < 1e-12);
  assert.deepEqual(doc.blocks[0].headerRange, { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } });
});

test('multi-frame trajectory with atomic numbers and a short last frame', () => {
  const doc = parseDocument(fix('water-trajectory.xyz'), 'xyz');
  assert.deepEqual(doc.blocks.map((b) => [b.name, b.structure?.sites.length]), [['frame 1', 3], ['frame 2', 3], ['frame 3', 2]]);
  assert.deepEqual(doc.blocks[1].structure!.sites.map((x) => x.element), ['O', 'H', 'H']);
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.range.start.line]), [['xyz.count', 10]]);
  assert.deepEqual(doc.blocks[1].range, { start: { line: 5, character: 0 }, end: { line: 9, character: 25 } });
});

test('extended XYZ: Lattice, Properties with extra columns, pbc, wrapping', () => {
  const doc = parseDocument(fix('NaCl-extended.extxyz'), 'xyz');
  assert.deepEqual(doc.diagnostics, []);
  const s = doc.blocks[0].structure!;
  assert.equal(s.lattice!.a, 5.64);
  assert.deepEqual(s.pbc, [true, true, true]);
  s.sites[7].frac!.forEach((f, k) => assert.ok(Math.abs(f - [0, 0.5, 0][k]) < 1e-12));
  assert.equal(s.sites[7].element, 'Cl');
});

test('extended XYZ edge cases: pbc F F F is a molecule, Properties reorder columns, bad lines', () => {
  const mol = parseDocument('2\nLattice="10 0 0 0 10 0 0 0 10" pbc="F F F"\nC 0 0 0\nO 0 0 1.128\n', 'xyz');
  assert.equal(mol.blocks[0].structure!.lattice, null);
  const re = parseDocument('1\nProperties=id:I:1:pos:R:3:species:S:1 Lattice="4 0 0 0 4 0 0 0 4"\n7 1 2 3 Fe\n', 'xyz');
  const s = re.blocks[0].structure!;
  assert.equal(s.sites[0].element, 'Fe');
  assert.deepEqual(s.sites[0].frac, [0.25, 0.5, 0.75]);
  const bad = parseDocument('3\n\nFe 0 0 zz\nQq 0 0 0\nO 1 1\n', 'xyz');
  assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.range.start.line]), [['coord.nonnumeric', 2], ['element.unknown', 3], ['coord.nonnumeric', 4]]);
  const extra = parseDocument('1\n\nFe 0 0 0\nO 0 0 2\n', 'xyz');
  assert.equal(extra.diagnostics[0].code, 'xyz.count');
  assert.equal(extra.blocks[0].structure!.sites.length, 2);
  assert.equal(parseDocument('hello\nworld\n', 'xyz').diagnostics[0].code, 'xyz.count');
  const crlf = parseDocument('\uFEFF1\r\nc\r\nNi\t0\t0\t0\r\n', 'xyz');
  assert.deepEqual(crlf.diagnostics, []);
  assert.deepEqual(crlf.blocks[0].structure!.sites[0].range.end, { line: 2, character: 8 });
});
