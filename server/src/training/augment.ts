// Position noise for training: every step sees each real neighbour displaced by an isotropic
// Gaussian (σ Å per Cartesian component), so the network cannot key on exact distances of the few
// thousand training sites. The labels stay those of the unperturbed site: σ must stay well below
// the distance changes that visibly change a spectrum (≈ 0.05 Å shifts the Cu K XANES by MAE ≈ 0.015).
// Only the edge features move: the cached absorber descriptor (wACSF) keeps the unperturbed site,
// because it covers every atom within its cutoff and the cache keeps only the nearest neighbours.
import { SeededRng } from '../random';

export interface PositionNoise {
  /** Standard deviation per Cartesian component, Å. */
  sigma: number;
  rng: SeededRng;
}

/** Seed of one optimisation step's noise: depends only on (seed, step), so a resumed run draws the same. */
export function noiseSeed(seed: number, step: number): number {
  return (Math.imul((seed ^ 0x5bd1e995) >>> 0, 0x27d4eb2d) ^ Math.imul(step + 1, 0x165667b1)) >>> 0;
}

export function positionNoise(sigma: number, seed: number, step: number): PositionNoise | undefined {
  return sigma > 0 ? { sigma, rng: new SeededRng(noiseSeed(seed, step)) } : undefined;
}

/** Standard normal deviate (Box–Muller; the generator never returns 1, so the log is finite). */
export function standardNormal(rng: SeededRng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Perturbed copies of the first `count` neighbours' absorber→neighbour vectors and their lengths.
 * Graph-only records carry no vectors (all zeros): their distances are displaced along the bond by
 * the same σ and the vectors stay zero (no geometry).
 */
export function jitterNeighbours(
  distances: ArrayLike<number>, vectors: ArrayLike<number>, count: number, noise: PositionNoise,
): { distances: Float32Array; vectors: Float32Array } {
  const d = new Float32Array(count);
  const v = new Float32Array(count * 3);
  for (let k = 0; k < count; k++) {
    const x = vectors[3 * k];
    const y = vectors[3 * k + 1];
    const z = vectors[3 * k + 2];
    if (x === 0 && y === 0 && z === 0) {
      d[k] = Math.max(0, distances[k] + noise.sigma * standardNormal(noise.rng));
      continue;
    }
    v[3 * k] = x + noise.sigma * standardNormal(noise.rng);
    v[3 * k + 1] = y + noise.sigma * standardNormal(noise.rng);
    v[3 * k + 2] = z + noise.sigma * standardNormal(noise.rng);
    d[k] = Math.hypot(v[3 * k], v[3 * k + 1], v[3 * k + 2]);
  }
  return { distances: d, vectors: v };
}
