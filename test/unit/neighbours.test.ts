import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareHits, findNeighbours, perpendicularHeights, type NeighbourHit } from '../../server/src/graph/neighbours';
import { structureFromArrays } from '../../server/src/structure/build';
import { latticeFromParameters } from '../../server/src/structure/lattice';
import { seededRandom } from '../../server/src/model/params';
import type { Structure } from '../../server/src/structure/types';

/** Every image in a wide cube, no cleverness. */
function bruteForce(s: Structure, centre: number, cutoff: number, R: number): NeighbourHit[] {
  const m = s.lattice!.matrix;
  const o = s.sites[centre].cart;
  const hits: NeighbourHit[] = [];
  s.sites.forEach((site, j) => {
    for (let a = -R; a <= R; a++) for (let b = -R; b <= R; b++) for (let c = -R; c <= R; c++) {
      if (j === centre && a === 0 && b === 0 && c === 0) continue;
      const p = [0, 1, 2].map((k) => site.cart[k] + a * m[0][k] + b * m[1][k] + c * m[2][k]) as [number, number, number];
      const d = Math.hypot(p[0] - o[0], p[1] - o[1], p[2] - o[2]);
      if (d <= cutoff) hits.push({ siteIndex: j, image: [a, b, c], distance: d, cart: p });
    }
  });
  return hits.sort(compareHits);
}

function randomCell(rand: () => number, lattice: number[][], atoms: number): Structure {
  const frac = Array.from({ length: atoms }, () => [rand() * 2 - 0.5, rand(), rand()]);
  return structureFromArrays({ name: 'r', lattice, species: frac.map((_, i) => (i % 2 ? 'O' : 'Fe')), frac });
}

function assertSame(got: NeighbourHit[], want: NeighbourHit[], what: string): void {
  assert.equal(got.length, want.length, `${what}: ${got.length} vs ${want.length} neighbours`);
  got.forEach((h, i) => {
    assert.equal(h.siteIndex, want[i].siteIndex, `${what} #${i}`);
    assert.deepEqual(h.image, want[i].image, `${what} #${i}`);
    assert.ok(Math.abs(h.distance - want[i].distance) < 1e-9);
    for (let k = 0; k < 3; k++) assert.ok(Math.abs(h.cart[k] - want[i].cart[k]) < 1e-9);
  });
}

const CELLS: { name: string; lattice: number[][]; atoms: number; R: number }[] = [
  { name: 'tiny cubic (1.3 Å, far below the cutoff)', lattice: [[1.3, 0, 0], [0, 1.3, 0], [0, 0, 1.3]], atoms: 1, R: 8 },
  { name: 'long-thin needle', lattice: [[1.1, 0, 0], [0.2, 1.4, 0], [0, 0, 25]], atoms: 3, R: 9 },
  { name: 'very oblique', lattice: [[4, 0, 0], [3.8, 1.0, 0], [3.7, 0.8, 0.9]], atoms: 2, R: 14 },
  { name: 'triclinic from parameters', lattice: latticeFromParameters(5.1, 6.3, 4.2, 72, 101, 117).matrix, atoms: 4, R: 5 },
];

for (const cell of CELLS) {
  test(`periodic search equals brute force: ${cell.name}`, () => {
    const rand = seededRandom(cell.atoms * 31 + cell.R);
    const s = randomCell(rand, cell.lattice, cell.atoms);
    const h = perpendicularHeights(s.lattice!.matrix);
    // The brute-force cube must reach further than any image within the cutoff.
    assert.ok(cell.R > 6 / Math.min(...h) + 1, `R=${cell.R} too small for heights ${h}`);
    for (let centre = 0; centre < s.sites.length; centre++) {
      assertSame(findNeighbours(s, centre, 6), bruteForce(s, centre, 6, cell.R), `${cell.name} site ${centre}`);
    }
  });
}

test('random triclinic cells equal brute force', () => {
  const rand = seededRandom(99);
  for (let trial = 0; trial < 6; trial++) {
    const lat = latticeFromParameters(3 + 5 * rand(), 3 + 5 * rand(), 3 + 5 * rand(), 60 + 60 * rand(), 60 + 60 * rand(), 60 + 60 * rand());
    const s = randomCell(rand, lat.matrix, 3);
    const R = Math.ceil(5 / Math.min(...perpendicularHeights(lat.matrix))) + 2;
    assertSame(findNeighbours(s, 1, 5), bruteForce(s, 1, 5, R), `trial ${trial}`);
  }
});

test('tiny cell: the absorber sees its own periodic images, with deterministic tie order', () => {
  const s = structureFromArrays({ name: 'sc', lattice: [[2, 0, 0], [0, 2, 0], [0, 0, 2]], species: ['Cu'], frac: [[0, 0, 0]] });
  const hits = findNeighbours(s, 0, 2.5);
  assert.equal(hits.length, 6);
  assert.ok(hits.every((h) => h.siteIndex === 0 && Math.abs(h.distance - 2) < 1e-12));
  // Equal distances are ordered by image lexicographically.
  assert.deepEqual(hits.map((h) => h.image), [[-1, 0, 0], [0, -1, 0], [0, 0, -1], [0, 0, 1], [0, 1, 0], [1, 0, 0]]);
  // Shell counts of simple cubic up to 2·√3: 6 + 12 + 8.
  assert.equal(findNeighbours(s, 0, 3.5).length, 26);
});

test('molecules: no images, sorted by distance, the centre excluded', () => {
  const s = structureFromArrays({
    name: 'mol', species: ['Fe', 'C', 'O', 'H'],
    cart: [[0, 0, 0], [1.8, 0, 0], [0, 0, -3], [0, 9, 0]],
  });
  const hits = findNeighbours(s, 0, 8);
  assert.deepEqual(hits.map((h) => [h.siteIndex, h.distance]), [[1, 1.8], [2, 3]]);
  assert.deepEqual(hits[1].image, [0, 0, 0]);
  assert.throws(() => findNeighbours(s, 4, 8), /out of range/);
});

test('partially periodic structures only repeat along periodic axes', () => {
  const s = structureFromArrays({ name: 'slab', lattice: [[2, 0, 0], [0, 2, 0], [0, 0, 2]], species: ['Cu'], frac: [[0, 0, 0]] });
  s.pbc = [true, true, false];
  const hits = findNeighbours(s, 0, 2.1);
  assert.equal(hits.length, 4);
  assert.ok(hits.every((h) => h.image[2] === 0));
});
