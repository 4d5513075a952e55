// Cell list for "all pairs closer than r" in O(n): atoms binned on a grid whose bins are at least
// r wide, so close pairs are always in the same or adjacent bins (with periodic wrap where pbc).
import type { Lattice, Vec3 } from './types';
import { cellHeights } from './lattice';

export interface PairVisitor {
  (i: number, j: number, distance: number): void;
}

/**
 * Visit every unordered pair (i < j) of `positions` closer than `cutoff` Å. Periodic structures
 * pass fractional coordinates and their lattice (minimum image along pbc axes); molecules pass
 * Cartesian coordinates and lattice null.
 */
export function forEachPairWithin(
  positions: readonly Vec3[], lattice: Lattice | null, pbc: readonly boolean[], cutoff: number, visit: PairVisitor,
): void {
  const n = positions.length;
  if (n < 2 || !(cutoff > 0)) return;
  let grid: CellGrid;
  if (lattice) {
    const f = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) f[3 * i + k] = positions[i][k];
    grid = cellGrid(f, n, lattice.matrix, cellHeights(lattice), [0, 1, 2].map((k) => pbc[k] === true), cutoff);
  } else {
    const box = boundingBoxFrame(positions, cutoff);
    grid = cellGrid(box.u, n, box.matrix, box.widths, [false, false, false], cutoff);
  }
  const c2 = cutoff * cutoff;
  const seen = (i: number, j: number, x: number, y: number, z: number, r2: number): void => {
    if (r2 < c2) visit(i, j, Math.sqrt(r2));
  };
  for (let i = 0; i < n; i++) grid.near(i, i + 1, seen);
}

/** Atoms on a bin grid: what is within the cutoff of one of them is in its bin or an adjacent one. */
export interface CellGrid {
  /**
   * Visits every atom j ≥ `from` (j ≠ i) in i's bin or the adjacent ones whose displacement from
   * i (Å, minimum image along periodic axes) is within the cutoff (r² ≤ cutoff²).
   */
  near(i: number, from: number, visit: (i: number, j: number, x: number, y: number, z: number, r2: number) => void): void;
}

/**
 * Molecules: Cartesian positions mapped from their bounding box onto [0,1]³, so that one grid
 * serves molecules and cells; `matrix` turns such coordinates back into Å.
 */
export function boundingBoxFrame(positions: ArrayLike<Vec3>, cutoff: number): { u: Float64Array; matrix: number[][]; widths: number[] } {
  const n = positions.length;
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) { lo[k] = Math.min(lo[k], positions[i][k]); hi[k] = Math.max(hi[k], positions[i][k]); }
  const widths = [0, 1, 2].map((k) => Math.max(hi[k] - lo[k], cutoff) * (1 + 1e-9));
  const u = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) u[3 * i + k] = (positions[i][k] - lo[k]) / widths[k];
  return { u, matrix: [[widths[0], 0, 0], [0, widths[1], 0], [0, 0, widths[2]]], widths };
}

/**
 * Bins `count` atoms given by grid coordinates f (fractional along periodic axes, [0,1] along the
 * others) on bins at least `cutoff` wide. `matrix` turns coordinate differences into Å; `widths`
 * are the grid's thicknesses (Å) along each axis.
 */
export function cellGrid(
  f: Float64Array, count: number, matrix: readonly (readonly number[])[], widths: readonly number[], periodic: readonly boolean[], cutoff: number,
): CellGrid {
  const n = count;
  const bins = [1, 1, 1];
  // Capped at the atom count per axis first: a 1e308 Å wide molecule would otherwise ask for
  // Infinity bins, which the halving below never brings down.
  for (let k = 0; k < 3; k++) bins[k] = Math.max(1, Math.min(2 * n + 8, Math.floor(widths[k] / cutoff) || 1));
  // Keep the grid no larger than ~2 bins per atom: more bins cost memory and empty visits.
  let total = bins[0] * bins[1] * bins[2];
  while (total > 2 * n + 8) {
    const k = bins.indexOf(Math.max(...bins));
    bins[k] = Math.max(1, Math.floor(bins[k] / 2));
    total = bins[0] * bins[1] * bins[2];
  }
  const [n0, n1, n2] = bins;
  const head = new Int32Array(total).fill(-1);
  const next = new Int32Array(n);
  const binOf = new Int32Array(3 * n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (let k = 0; k < 3; k++) {
      const nk = bins[k];
      let x = f[3 * i + k];
      if (periodic[k]) x -= Math.floor(x);
      let b = Math.floor(x * nk);
      if (b < 0) b = 0; else if (b >= nk) b = nk - 1;
      binOf[3 * i + k] = b;
      key = key * nk + b;
    }
    next[i] = head[key];
    head[key] = i;
  }
  // With two bins a periodic axis visits each once ([0, 1] wrapped), a bounded one both ([-1, 1] clipped).
  const offsets = (k: number): number[] => (bins[k] >= 3 ? [-1, 0, 1] : bins[k] === 2 ? (periodic[k] ? [0, 1] : [-1, 0, 1]) : [0]);
  const o0 = offsets(0);
  const o1 = offsets(1);
  const o2 = offsets(2);
  const c2 = cutoff * cutoff;
  const m00 = matrix[0][0], m01 = matrix[0][1], m02 = matrix[0][2];
  const m10 = matrix[1][0], m11 = matrix[1][1], m12 = matrix[1][2];
  const m20 = matrix[2][0], m21 = matrix[2][1], m22 = matrix[2][2];
  const [p0, p1, p2] = periodic;
  return {
    near(i, from, visit) {
      const b0 = binOf[3 * i], b1 = binOf[3 * i + 1], b2 = binOf[3 * i + 2];
      const fx = f[3 * i], fy = f[3 * i + 1], fz = f[3 * i + 2];
      for (const d0 of o0) {
        let x0 = b0 + d0;
        if (x0 < 0 || x0 >= n0) { if (!p0) continue; x0 = (x0 + n0) % n0; }
        for (const d1 of o1) {
          let x1 = b1 + d1;
          if (x1 < 0 || x1 >= n1) { if (!p1) continue; x1 = (x1 + n1) % n1; }
          for (const d2 of o2) {
            let x2 = b2 + d2;
            if (x2 < 0 || x2 >= n2) { if (!p2) continue; x2 = (x2 + n2) % n2; }
            for (let j = head[(x0 * n1 + x1) * n2 + x2]; j >= 0; j = next[j]) {
              if (j < from || j === i) continue;
              let dx = f[3 * j] - fx, dy = f[3 * j + 1] - fy, dz = f[3 * j + 2] - fz;
              if (p0) dx -= Math.round(dx);
              if (p1) dy -= Math.round(dy);
              if (p2) dz -= Math.round(dz);
              const cx = dx * m00 + dy * m10 + dz * m20;
              const cy = dx * m01 + dy * m11 + dz * m21;
              const cz = dx * m02 + dy * m12 + dz * m22;
              const d2 = cx * cx + cy * cy + cz * cz;
              if (d2 <= c2) visit(i, j, cx, cy, cz, d2);
            }
          }
        }
      }
    },
  };
}
