// Angular edge features: what the star graph of paper 000 cannot see. With messages only from
// neighbours to the absorber and node features that depend on the element alone, the network
// sees a radial distribution and nothing else — yet XANES hangs on angles: an inversion centre
// (a partner at cos θ = −1) suppresses the 1s→3d pre-edge, tetrahedral sites enhance it, and
// collinear atoms (cos θ = +1) focus multiple scattering. So every absorber–neighbour edge j
// also carries where the absorber's other neighbours k sit relative to it:
//   A_j[m, l] = s · Σ_{k≠j} φ(r_k) · exp(−(r_k − R_m)² / 2w_m²) · exp(−(cos θ_jik − c_l)² / 2w_c²)
// on a 5 × 5 grid of shells R_m and cosines c_l (φ: the smooth cutoff of rbf.ts). Graphs
// without coordinates (graph-only records) get zeros. Features are unweighted by element: the
// element of j is in its node features, that of k would need per-pair node rows, which is what
// keeps the factored forward (model/factored.ts) cheap.
import { smoothCutoff } from './rbf';

/** Shell centres R_m (Å): first shell of 3d metals, then second and third shells. */
export const ANGULAR_RADII = [1.9, 2.4, 3.0, 3.8, 4.8] as const;
export const ANGULAR_RADIAL_WIDTHS = [0.3, 0.3, 0.4, 0.5, 0.7] as const;
/** Cosine centres c_l: trans (−1) … cis (0) … collinear behind j (+1). */
export const ANGULAR_COSINES = [-1, -0.5, 0, 0.5, 1] as const;
export const ANGULAR_COSINE_WIDTH = 0.3;
/** An octahedron's first shell sums to about 4 in the cis bin; the scale keeps values O(1). */
export const ANGULAR_SCALE = 0.25;
export const ANGULAR_FEATURE_SIZE = ANGULAR_RADII.length * ANGULAR_COSINES.length;

/** Where the Gaussians of one angular block sit: shells R_m (Å) with widths, cosines c_l with one width. */
export interface AngularGrid {
  radii: readonly number[];
  radialWidths: readonly number[];
  cosines: readonly number[];
  cosineWidth: number;
}

export const COARSE_ANGULAR_GRID: AngularGrid = {
  radii: ANGULAR_RADII, radialWidths: ANGULAR_RADIAL_WIDTHS, cosines: ANGULAR_COSINES, cosineWidth: ANGULAR_COSINE_WIDTH,
};

/**
 * The fine block (graph option angularFine): shells every 0.4 Å from 1.7 to 5.3 Å and cosines
 * every 0.25. The coarse grid's 5 shells are 0.5–1 Å apart beyond 3 Å, so two partner atoms of
 * one second shell at 3.0 and 3.25 Å, or at 150° and 180°, fall in one bin — while the paths of
 * multiple scattering near the edge, where half the Cu error sits, differ by exactly that.
 */
export const FINE_ANGULAR_GRID: AngularGrid = {
  radii: Array.from({ length: 10 }, (_, m) => 1.7 + 0.4 * m),
  radialWidths: Array.from({ length: 10 }, () => 0.2),
  cosines: Array.from({ length: 9 }, (_, l) => -1 + 0.25 * l),
  cosineWidth: 0.125,
};

export function angularGridSize(grid: AngularGrid): number {
  return grid.radii.length * grid.cosines.length;
}
/**
 * Z of the weighted block's unit weight (Fe). A scatterer's backscattering grows with Z, so an H
 * and a Cu at the same place and angle shape multiple scattering very differently; the plain
 * block counts both as one atom.
 */
export const ANGULAR_Z_REF = 26;

/**
 * Write the angular features of the first `count` neighbours, whose absorber→neighbour vectors
 * are vectors[3k … 3k+2] (Å), to out[offset + j·stride + m·L + l]. Zero-length vectors (no
 * geometry) contribute nothing. Pure: the same numbers for graph building and training batches.
 */
export function writeAngularFeatures(
  vectors: ArrayLike<number>, count: number, cutoff: number,
  out: Float32Array, offset: number, stride: number, weights?: ArrayLike<number>,
  grid: AngularGrid = COARSE_ANGULAR_GRID,
): void {
  const M = grid.radii.length;
  const L = grid.cosines.length;
  const radial = new Float64Array(count * M);
  const unit = new Float64Array(count * 3);
  const valid = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const x = vectors[3 * k], y = vectors[3 * k + 1], z = vectors[3 * k + 2];
    const r = Math.sqrt(x * x + y * y + z * z);
    if (!(r > 1e-6)) continue;
    valid[k] = 1;
    unit[3 * k] = x / r;
    unit[3 * k + 1] = y / r;
    unit[3 * k + 2] = z / r;
    const phi = smoothCutoff(r, cutoff) * (weights ? weights[k] : 1);
    for (let m = 0; m < M; m++) {
      const d = (r - grid.radii[m]) / grid.radialWidths[m];
      radial[k * M + m] = ANGULAR_SCALE * phi * Math.exp(-0.5 * d * d);
    }
  }
  const angular = new Float64Array(L);
  const inv = 1 / (grid.cosineWidth * grid.cosineWidth);
  for (let j = 0; j < count; j++) {
    const base = offset + j * stride;
    for (let q = 0; q < M * L; q++) out[base + q] = 0;
    if (!valid[j]) continue;
    for (let k = 0; k < count; k++) {
      if (k === j || !valid[k]) continue;
      const c = Math.max(-1, Math.min(1, unit[3 * j] * unit[3 * k] + unit[3 * j + 1] * unit[3 * k + 1] + unit[3 * j + 2] * unit[3 * k + 2]));
      for (let l = 0; l < L; l++) {
        const d = c - grid.cosines[l];
        angular[l] = Math.exp(-0.5 * d * d * inv);
      }
      for (let m = 0; m < M; m++) {
        const rm = radial[k * M + m];
        if (rm < 1e-12) continue;
        for (let l = 0; l < L; l++) out[base + m * L + l] += rm * angular[l];
      }
    }
  }
}
