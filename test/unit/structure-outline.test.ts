import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { documentOutline, foldingRanges } from '../../server/src/outline';

const fix = (n: string): string => readFileSync(`test/fixtures/structures/${n}`, 'utf8');

test('CIF outline: block -> cell, symmetry, atom sites -> atoms', () => {
  const [block] = documentOutline(fix('rutile-TiO2.cif'), 'cif');
  assert.equal(block.name, 'data_TiO2_rutile');
  assert.equal(block.kind, 'block');
  assert.deepEqual(block.children.map((c) => c.kind), ['cell', 'symmetry', 'atoms']);
  const [cell, sym, atoms] = block.children;
  assert.match(cell.detail, /a=4\.594\(1\)/);
  assert.match(sym.detail, /16 operators/);
  assert.deepEqual(atoms.children.map((a) => [a.name, a.range.start.line]), [['Ti1', 43], ['O1', 44]]);
  assert.equal(sym.range.start.line, 17);
});

test('folding: blocks, loops, text fields; XYZ frames', () => {
  const f = foldingRanges(fix('multi-block.cif'), 'cif');
  assert.ok(f.some((r) => r.startLine === 3 && r.endLine === 6), 'text field');
  assert.ok(f.some((r) => r.startLine === 9 && r.endLine === 24), 'block');
  assert.ok(f.some((r) => r.startLine === 18 && r.endLine === 24), 'loop');
  assert.deepEqual(foldingRanges(fix('water-trajectory.xyz'), 'xyz'), [{ startLine: 0, endLine: 4 }, { startLine: 5, endLine: 9 }, { startLine: 10, endLine: 13 }]);
  const frames = documentOutline(fix('water-trajectory.xyz'), 'xyz');
  assert.deepEqual(frames.map((x) => [x.kind, x.name, x.children.length]), [['frame', 'frame 1', 3], ['frame', 'frame 2', 3], ['frame', 'frame 3', 2]]);
});
