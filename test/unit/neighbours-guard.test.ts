import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { findNeighbours, MAX_IMAGE_VISITS, perpendicularHeights } from '../../server/src/graph/neighbours';
import { structureFromArrays } from '../../server/src/structure/build';
import { cellHeights, latticeFromMatrix } from '../../server/src/structure/lattice';
import type { Structure, Vec3 } from '../../server/src/structure/types';

// Each case would loop forever (image index past 2^53, or ±Infinity) or for hours (a cell a
// micro-ångström thin) without the guard; the per-test timeout turns a hang into a failure.
const OPTS = { timeout: 10_000 };

function rocksalt(): Structure {
  return structureFromArrays({ name: 'NaCl', lattice: [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]], species: ['Na', 'Cl'], frac: [[0, 0, 0], [0.5, 0.5, 0.5]] });
}

function withCart(s: Structure, i: number, cart: Vec3): Structure {
  return { ...s, sites: s.sites.map((x, j) => (j === i ? { ...x, cart } : x)) };
}

test('coordinates beyond 2^53 cells are refused with a clear error, not looped over', OPTS, () => {
  const s = withCart(rocksalt(), 1, [1e300, 2.82, 2.82]);
  assert.throws(() => findNeighbours(s, 0, 8), /site 1 \(.*\) lies beyond 2\^53 cells/);
  assert.throws(() => findNeighbours(s, 1, 8), /beyond 2\^53 cells/);
  // Just past 2^53 Å in a 5.64 Å cell is ~1.6e15 cells: still exact integers, so it must work.
  const ok = withCart(rocksalt(), 1, [5.64 * 2 ** 40 + 2.82, 2.82, 2.82]);
  // Cl at the body centre: 8 images at 2.82·√3 Å (double precision at 6e12 Å is ~1e-3 Å).
  const hits = findNeighbours(ok, 0, 5).filter((h) => h.siteIndex === 1);
  assert.equal(hits.length, 8);
  assert.ok(hits.every((h) => Math.abs(h.distance - 2.82 * Math.sqrt(3)) < 1e-2));
  assert.deepEqual([...new Set(hits.map((h) => h.image[0]))].sort((a, b) => a - b), [-(2 ** 40) - 1, -(2 ** 40)]);
});

test('non-finite coordinates, lattices and cutoffs are refused', OPTS, () => {
  for (const bad of [Infinity, -Infinity, NaN]) {
    assert.throws(() => findNeighbours(withCart(rocksalt(), 1, [bad, 0, 0]), 0, 8), /site 1 \(.*\) has non-finite coordinates/);
  }
  const s = rocksalt();
  const broken: Structure = { ...s, lattice: { ...s.lattice!, matrix: [[Infinity, 0, 0], [0, 5.64, 0], [0, 0, 5.64]] } };
  assert.throws(() => findNeighbours(broken, 0, 8), /lattice matrix has non-finite entries/);
  assert.throws(() => findNeighbours(s, 0, Infinity), /cutoff Infinity is not a finite distance/);
  // Molecules too: a NaN atom is reported, not silently dropped.
  const mol = structureFromArrays({ name: 'm', species: ['C', 'O'], cart: [[0, 0, 0], [1.1, 0, 0]] });
  assert.throws(() => findNeighbours(withCart(mol, 0, [NaN, 0, 0]), 1, 8), /non-finite/);
});

test('a near-degenerate (needle-thin) cell is refused instead of enumerating billions of images', OPTS, () => {
  const lattice = latticeFromMatrix([[5, 0, 0], [0, 5, 0], [0, 0, 1e-6]]);
  const s = structureFromArrays({ name: 'thin', lattice: lattice.matrix, species: ['Cu'], frac: [[0, 0, 0]] });
  const t0 = Date.now();
  assert.throws(() => findNeighbours(s, 0, 8), (e: Error) => /too thin/.test(e.message) && e.message.includes(String(MAX_IMAGE_VISITS)));
  assert.ok(Date.now() - t0 < 1000);
  // The graph builder passes the error on (callers turn it into a diagnostic).
  assert.throws(() => buildAbsorberGraph(s, 0), /too thin/);
});

test('perpendicularHeights is cellHeights (one implementation)', () => {
  const m: [Vec3, Vec3, Vec3] = [[4, 0, 0], [3.8, 1, 0], [3.7, 0.8, 0.9]];
  assert.deepEqual(perpendicularHeights(m), cellHeights(latticeFromMatrix(m)));
  // Heights of this very oblique cell by hand: V / |b × c| etc.
  const h = perpendicularHeights(m);
  assert.ok(Math.abs(h[2] - 0.9) < 1e-12);
});
