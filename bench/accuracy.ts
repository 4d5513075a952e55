// Pure computations behind bench/accuracy-analysis.ts (where the model's error comes from and how
// noisy the labels are), kept free of tfjs and file access so the unit tests can pin them down on
// hand-made arrays.
import { interpolate } from '../server/src/spectrum/interp';

type Vec = ArrayLike<number>;

export interface ScoredSpectrum {
  pred: Vec;
  target: Vec;
  /** 1 = scored point (inside the reference's energy range). */
  mask: Vec;
}

export interface ShiftFit {
  /**
   * Rigid shift (eV) applied to the prediction, moved(E) = pred(E − shift): a prediction whose
   * features sit 1 eV too high gets −1.
   */
  shift: number;
  /** MAE of the moved prediction over the scored points it still covers. */
  mae: number;
  points: number;
}

/**
 * The best rigid energy shift of a prediction on a grid of shifts (±maxShift in `step`). The
 * prediction is interpolated linearly and never extrapolated, so each shift is scored on the scored
 * points whose source energy stays inside the grid; a shift that keeps fewer than half of them is
 * skipped, so that no shift wins by discarding the hard part of a spectrum. Shifts are tried by
 * increasing |shift|, so of equally good shifts the smallest wins (shift 0 for a perfect prediction).
 * Not server/src/spectrum/align.ts findBestShift: that one aligns a measurement to a prediction by
 * resampling both onto a common grid and refining between grid steps, while here the error must be
 * the model's scored MAE, on exactly the reference's scored points.
 */
export function bestRigidShift(energies: readonly number[], s: ScoredSpectrum, maxShift = 4, step = 0.1): ShiftFit {
  const pred = Array.from(s.pred);
  let scored = 0;
  for (let i = 0; i < energies.length; i++) if (s.mask[i] > 0) scored++;
  const steps = Math.round(maxShift / step);
  const order: number[] = [0];
  for (let k = 1; k <= steps; k++) order.push(k, -k);
  let best: ShiftFit = { shift: 0, mae: NaN, points: 0 };
  for (const k of order) {
    // k·step rounded to 1e-9 eV so that −1.0 is exactly −1 and lands on grid points.
    const shift = Math.round(k * step * 1e9) / 1e9;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < energies.length; i++) {
      if (!(s.mask[i] > 0)) continue;
      const p = interpolate(energies, pred, energies[i] - shift);
      if (Number.isNaN(p)) continue;
      sum += Math.abs(p - s.target[i]);
      n++;
    }
    if (n === 0 || 2 * n < scored) continue;
    const mae = sum / n;
    if (!(mae >= best.mae)) best = { shift, mae, points: n };
  }
  return best;
}

export interface EnergyWindow {
  /** Window [from, to) in eV; the last window also holds the grid's last point. */
  from: number;
  to: number;
  points: number;
  /** Σ|pred − true| over the scored points in the window. */
  errorSum: number;
  mae: number;
}

/**
 * Mean absolute error per `width`-eV window of the grid, pooled over all spectra's scored points.
 * Windows start at the grid's first energy; a last point that falls exactly on a window boundary
 * joins the window before it instead of forming a window of one point.
 */
export function windowProfile(energies: readonly number[], spectra: readonly ScoredSpectrum[], width = 5): EnergyWindow[] {
  const e0 = energies[0];
  const span = energies[energies.length - 1] - e0;
  const count = Math.max(1, Math.ceil(span / width - 1e-9));
  const windows: EnergyWindow[] = Array.from({ length: count }, (_, k) => ({
    from: e0 + k * width, to: Math.min(e0 + (k + 1) * width, e0 + span), points: 0, errorSum: 0, mae: NaN,
  }));
  // Grids such as 7097 + i/3 carry rounding: 1e-9 keeps a point that is on a boundary in the upper window.
  const windowOf = energies.map((e) => Math.min(count - 1, Math.floor((e - e0) / width + 1e-9)));
  for (const s of spectra) {
    for (let i = 0; i < energies.length; i++) {
      if (!(s.mask[i] > 0)) continue;
      const w = windows[windowOf[i]];
      w.points++;
      w.errorSum += Math.abs(s.pred[i] - s.target[i]);
    }
  }
  for (const w of windows) w.mae = w.points ? w.errorSum / w.points : NaN;
  return windows;
}

/** The fields of a TensorizedSet that describe an absorber's environment. */
export interface EnvironmentArrays {
  maxNeighbours: number;
  absorberZ: Vec;
  /** [count × maxNeighbours], 0 = padding; neighbours in order of distance. */
  neighbourZ: Vec;
  /** [count × maxNeighbours] Å. */
  neighbourDistance: Vec;
}

export interface TwinPair {
  a: number;
  b: number;
  /** Largest |Δd| (Å) over the neighbours, so one search serves every smaller tolerance. */
  maxDiff: number;
}

/**
 * Pairs of samples (from `indices`) with the same absorber, the same ordered list of neighbour
 * elements and every neighbour distance within `tolerance` Å. Samples are grouped by the element
 * key first, and inside a group sorted by nearest-neighbour distance so that the pair loop stops as
 * soon as that distance alone differs by more than the tolerance.
 */
export function findTwins(env: EnvironmentArrays, indices: readonly number[], tolerance: number): TwinPair[] {
  const M = env.maxNeighbours;
  const groups = new Map<string, number[]>();
  for (const i of indices) {
    const key = `${env.absorberZ[i]}|${Array.from({ length: M }, (_, k) => env.neighbourZ[i * M + k]).join(',')}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const out: TwinPair[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((x, y) => env.neighbourDistance[x * M] - env.neighbourDistance[y * M] || x - y);
    for (let p = 0; p < g.length; p++) {
      const a = g[p];
      for (let q = p + 1; q < g.length; q++) {
        const b = g[q];
        if (env.neighbourDistance[b * M] - env.neighbourDistance[a * M] > tolerance) break;
        let maxDiff = 0;
        for (let k = 0; k < M && maxDiff <= tolerance; k++) {
          // Padding slots (Z = 0) are padding in both: same key.
          if (env.neighbourZ[a * M + k] === 0) continue;
          maxDiff = Math.max(maxDiff, Math.abs(env.neighbourDistance[a * M + k] - env.neighbourDistance[b * M + k]));
        }
        if (maxDiff <= tolerance) out.push({ a: Math.min(a, b), b: Math.max(a, b), maxDiff });
      }
    }
  }
  return out;
}

/** MAE between two spectra on the points both score; NaN when they share none. */
export function pairMae(t1: Vec, m1: Vec, t2: Vec, m2: Vec): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < t1.length; i++) {
    if (!(m1[i] > 0 && m2[i] > 0)) continue;
    sum += Math.abs(t1[i] - t2[i]);
    n++;
  }
  return n ? sum / n : NaN;
}

/**
 * Share of the total absolute error carried by the worst `fraction` of spectra (ranked by their
 * MAE; at least one spectrum), from per-spectrum error sums and point counts.
 */
export function worstShare(errorSums: readonly number[], points: readonly number[], fraction = 0.1): number {
  const order = errorSums.map((_, i) => i).filter((i) => points[i] > 0)
    .sort((x, y) => errorSums[y] / points[y] - errorSums[x] / points[x]);
  const total = order.reduce((s, i) => s + errorSums[i], 0);
  const worst = order.slice(0, Math.max(1, Math.ceil(fraction * order.length))).reduce((s, i) => s + errorSums[i], 0);
  return total > 0 ? worst / total : NaN;
}
