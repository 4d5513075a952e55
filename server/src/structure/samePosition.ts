// Atoms written at exactly the same coordinates: an atom listed twice, a duplicated block of
// lines, a batch of atoms a program wrote at the origin. A pair search over them visits every
// pair of copies (k² for k copies), so callers search the distinct positions and treat the
// copies of each as one.
import { forEachPairWithin } from './celllist';
import type { Lattice, Vec3 } from './types';

export interface SamePositions {
  /** rep[i]: the first atom at exactly i's coordinates (i itself when it is the first). */
  rep: Int32Array;
  /** The first atom of each distinct position, in increasing order. */
  distinct: number[];
}

/**
 * A hash of a point: equal coordinates hash alike (-0 and 0 too), which is all the table needs;
 * the coordinates are compared in full on every hit. Multiplicative, so the top bits are used.
 */
function hash(p: Vec3): number {
  let h = Math.imul(Math.floor(p[0] * 4096) | 0, 0x9e3779b1);
  h = Math.imul(h ^ (Math.floor(p[1] * 4096) | 0), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13) ^ (Math.floor(p[2] * 4096) | 0), 0xc2b2ae3d);
  return Math.imul(h ^ (h >>> 16), 0x9e3779b1);
}

/** Groups atoms by exact coordinates in O(n): an open-addressed table of their bits' hashes. */
export function samePositions(positions: readonly Vec3[]): SamePositions {
  const n = positions.length;
  const rep = new Int32Array(n);
  const distinct: number[] = [];
  let bits = 4;
  while (1 << bits < 2 * n) bits++;
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  // Slot → 1 + the first atom at a position hashing there; 0 is empty.
  const table = new Int32Array(mask + 1);
  for (let i = 0; i < n; i++) {
    const p = positions[i];
    let slot = hash(p) >>> shift;
    let found = -1;
    for (;;) {
      const k = table[slot] - 1;
      if (k < 0) break;
      const q = positions[k];
      if (q[0] === p[0] && q[1] === p[1] && q[2] === p[2]) { found = k; break; }
      slot = (slot + 1) & mask;
    }
    if (found >= 0) {
      rep[i] = found;
      continue;
    }
    rep[i] = i;
    distinct.push(i);
    table[slot] = i + 1;
  }
  return { rep, distinct };
}

/**
 * Which atoms have another atom closer than `r` Å (periodic images included: pass fractional
 * coordinates with a lattice). Copies at exactly one point do not count as each other's
 * neighbours, and cost one search between them all.
 */
export function hasNeighbourWithin(positions: readonly Vec3[], lattice: Lattice | null, pbc: readonly boolean[], r: number): Uint8Array {
  const { rep, distinct } = samePositions(positions);
  const near = new Uint8Array(positions.length);
  forEachPairWithin(distinct.map((k) => positions[k]), lattice, pbc, r, (a, b, d) => {
    // Fractional 0 and 1 are one point written two ways: copies again, not neighbours.
    if (d === 0) return;
    near[distinct[a]] = 1;
    near[distinct[b]] = 1;
  });
  for (let i = 0; i < near.length; i++) near[i] = near[rep[i]];
  return near;
}
