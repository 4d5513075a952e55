// The small helpers behind the contact checks and disorder groups: exact-copy detection, the
// neighbour test XYZ species use, and the union-find both checks share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latticeFromParameters } from '../../server/src/structure/lattice';
import { hasNeighbourWithin, samePositions } from '../../server/src/structure/samePosition';
import type { Vec3 } from '../../server/src/structure/types';
import { UnionFind } from '../../server/src/structure/unionFind';

test('samePositions: exact copies (0 and -0 alike) point at the first; near misses stay apart', () => {
  const p: Vec3[] = [[0, 0, 0], [1, 2, 3], [-0, 0, 0], [1, 2, 3.0000001], [1, 2, 3]];
  const { rep, distinct } = samePositions(p);
  assert.deepEqual([...rep], [0, 1, 0, 3, 1]);
  assert.deepEqual(distinct, [0, 1, 3]);
  // 100,000 copies of one point: one distinct position.
  const pile = samePositions(Array.from({ length: 100000 }, (): Vec3 => [0.25, 0.5, 0.75]));
  assert.deepEqual([pile.distinct, pile.rep[99999]], [[0], 0]);
});

test('hasNeighbourWithin: across the cell boundary, copies are no neighbours of each other', () => {
  const lattice = latticeFromParameters(5, 5, 5, 90, 90, 90);
  // 0.02 and 0.98 are 0.2 Å apart through the boundary; the two copies at 0.5 have no one near.
  const near = hasNeighbourWithin([[0.02, 0, 0], [0.98, 0, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]], lattice, [true, true, true], 1.5);
  assert.deepEqual([...near], [1, 1, 0, 0]);
  assert.deepEqual([...hasNeighbourWithin([[0.02, 0, 0], [0.98, 0, 0]], lattice, [false, true, true], 1.5)], [0, 0]);
});

test('UnionFind: transitive joins, groups ordered by their first member', () => {
  const u = new UnionFind(7);
  assert.equal(u.union(5, 1), true);
  assert.equal(u.union(1, 5), false);
  u.union(3, 6);
  u.union(6, 5);
  u.union(0, 2);
  assert.deepEqual(u.groups(2), [[0, 2], [1, 3, 5, 6]]);
  assert.deepEqual(u.groups(), [[0, 2], [1, 3, 5, 6], [4]]);
  assert.equal(u.find(3), u.find(1));
});
