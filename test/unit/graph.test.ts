import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { batchGraphs, buildAbsorberGraph, graphFromNeighbourList } from '../../server/src/graph/build';
import { electronFeatures } from '../../server/src/graph/features';
import { gaussianRbf } from '../../server/src/graph/rbf';
import { DEFAULT_GRAPH_OPTIONS } from '../../server/src/graph/types';
import { structureFromArrays } from '../../server/src/structure/build';
import { ROCKSALT_A, rocksaltFeO } from '../fixtures/rocksalt';

const a = ROCKSALT_A;
// Rock salt FeO, conventional cell: Fe on fcc sites, O shifted by (½,0,0).
const rocksalt = rocksaltFeO();

test('rock salt: 6 O, 12 Fe, then 2 of the 8 third-shell O (tie broken by site, then image)', () => {
  const g = buildAbsorberGraph(rocksalt, 0);
  assert.equal(g.neighbours.length, 20);
  assert.equal(g.element, 'Fe');
  const shell = (el: string, d: number): number => g.neighbours.filter((n) => n.element === el && Math.abs(n.distance - d) < 1e-9).length;
  assert.equal(shell('O', a / 2), 6);
  assert.equal(shell('Fe', a / Math.SQRT2), 12);
  assert.equal(shell('O', (a * Math.sqrt(3)) / 2), 2);
  assert.deepEqual(g.neighbours.slice(0, 6).map((n) => n.element), ['O', 'O', 'O', 'O', 'O', 'O']);
  assert.ok(g.mask.every((m) => m === 1));
  assert.ok(g.neighbours.every((n) => !n.virtual && n.siteIndex >= 0));
  // Row 0 is the absorber, row 1 the first neighbour.
  assert.deepEqual(Array.from(g.nodeFeatures.subarray(0, 118)), Array.from(electronFeatures(26)));
  assert.deepEqual(Array.from(g.nodeFeatures.subarray(118, 236)), Array.from(electronFeatures(8)));
  // Edge row: distance, then the 64 RBFs.
  assert.equal(g.edgeFeatures.length, 20 * 65);
  assert.ok(Math.abs(g.edgeFeatures[0] - a / 2) < 1e-6);
  const rbf = gaussianRbf(a / 2, 64, 8);
  for (let k = 0; k < 64; k++) assert.ok(Math.abs(g.edgeFeatures[1 + k] - rbf[k]) < 1e-7);
});

test('molecules with fewer than 20 atoms within 8 Å are padded with masked virtual atoms at the cutoff', () => {
  const s = structureFromArrays({ name: 'm', species: ['Fe', 'C', 'O', 'H'], cart: [[0, 0, 0], [1.8, 0, 0], [2.9, 0, 0], [0, 0, 9]] });
  const g = buildAbsorberGraph(s, 0);
  assert.equal(g.neighbours.length, 20);
  assert.deepEqual(Array.from(g.mask.subarray(0, 4)), [1, 1, 1, 0]);
  assert.equal(g.mask.reduce((x, y) => x + y, 0), 3);
  const v = g.neighbours[2];
  assert.ok(v.virtual);
  assert.equal(v.distance, 8);
  assert.equal(g.edgeFeatures[2 * 65], 8);
  assert.ok(g.edgeFeatures.subarray(2 * 65 + 1, 3 * 65).every((x) => x === 0));
  assert.ok(g.nodeFeatures.subarray(3 * 118, 4 * 118).every((x) => x === 0));
  // The H at 9 Å is outside the cutoff.
  assert.ok(!g.neighbours.some((n) => n.element === 'H'));
});

test('neighbours keep their source site, image and document range', () => {
  const s = structureFromArrays({ name: 'sc', lattice: [[3, 0, 0], [0, 3, 0], [0, 0, 3]], species: ['Cu', 'O'], frac: [[0, 0, 0], [0.5, 0, 0]] });
  s.sites[1].range = { start: { line: 7, character: 0 }, end: { line: 7, character: 20 } };
  const g = buildAbsorberGraph(s, 0);
  const o = g.neighbours[0];
  assert.equal(o.element, 'O');
  assert.equal(o.siteIndex, 1);
  assert.deepEqual(o.image, [-1, 0, 0]);
  assert.deepEqual(o.cart, [-1.5, 0, 0]);
  assert.equal(o.range.start.line, 7);
});

test('graph-only records (Tc data set) build the same kind of graph', () => {
  const line = fs.readFileSync('/work/shared/data/tc-k-feff-mp-graphs.jsonl', 'utf8').split('\n')[0];
  const rec = JSON.parse(line) as { absorber: string; neighbors_20nn: { index: number; species: string; distance: number }[] };
  const g = graphFromNeighbourList(rec.absorber, rec.neighbors_20nn.map((n) => ({ element: n.species, distance: n.distance, siteIndex: n.index })));
  assert.equal(g.element, 'Tc');
  assert.equal(g.Z, 43);
  assert.equal(g.neighbours[0].element, 'Br');
  assert.ok(Math.abs(g.neighbours[0].distance - 2.42196) < 1e-9);
  assert.equal(g.neighbours[0].siteIndex, 27);
  assert.equal(g.neighbours[0].range.start.line, 0);
  assert.equal(g.mask.reduce((x, y) => x + y, 0), 1 + rec.neighbors_20nn.filter((n) => n.distance < 8).length);
  assert.throws(() => graphFromNeighbourList('Zz', []), /Unknown element 'Zz'/);
});

test('batchGraphs stacks graphs into dense [B,21,118], [B,20,65], [B,21] arrays', () => {
  const g1 = buildAbsorberGraph(rocksalt, 0);
  const g2 = graphFromNeighbourList('Cu', [{ element: 'O', distance: 1.9 }]);
  const b = batchGraphs([g1, g2]);
  assert.equal(b.size, 2);
  assert.equal(b.nodes.length, 2 * 21 * 118);
  assert.equal(b.edges.length, 2 * 20 * 65);
  assert.equal(b.mask.length, 2 * 21);
  assert.deepEqual(Array.from(b.nodes.subarray(21 * 118, 22 * 118)), Array.from(electronFeatures(29)));
  assert.ok(Math.abs(b.edges[20 * 65] - 1.9) < 1e-6);
  assert.deepEqual(Array.from(b.mask.subarray(21, 24)), [1, 1, 0]);
  const other = graphFromNeighbourList('Cu', [], { ...DEFAULT_GRAPH_OPTIONS, maxNeighbours: 12 });
  assert.throws(() => batchGraphs([g1, other]), /different options/);
});
