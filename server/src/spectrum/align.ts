// Automatic energy alignment of a measurement to a prediction: the shift applied to the
// measurement (E → E + shift) that maximises Pearson correlation (or minimises MAE) over the
// overlap. A coarse grid search finds the basin, a parabola through the best three grid points
// gives a sub-step shift. Pearson is the default because it ignores a residual scale mismatch
// between a normalised measurement and a prediction.
import { parabolaVertex } from './fit';
import { compareSpectra } from './similarity';
import type { Spectrum } from './types';

export type AlignMetric = 'pearson' | 'mae';

export interface AlignOptions {
  /** Shifts searched (eV); default [-20, 20]. */
  range?: [number, number];
  /** Grid step (eV); default 0.25. */
  step?: number;
  metric?: AlignMetric;
  /** Minimum overlap in grid points for a shift to count; default 10. */
  minPoints?: number;
}

export interface AlignResult {
  shift: number;
  metric: AlignMetric;
  /** Pearson r or MAE at the refined shift. */
  score: number;
}

function score(reference: Spectrum, measured: Spectrum, shift: number, metric: AlignMetric, minPoints: number): number {
  const s = compareSpectra(reference, measured, shift, minPoints);
  if (!s) return NaN;
  // Both metrics become "larger is better" so one search serves both.
  return metric === 'pearson' ? s.pearson : -s.mae;
}

export function findBestShift(reference: Spectrum, measured: Spectrum, options: AlignOptions = {}): AlignResult | null {
  const [lo, hi] = options.range ?? [-20, 20];
  const step = options.step ?? 0.25;
  const metric = options.metric ?? 'pearson';
  const minPoints = options.minPoints ?? 10;
  const shifts: number[] = [];
  // Rounded to 1e-9 eV so that grid shifts such as -3 are exactly -3, not -2.9999999999.
  for (let k = 0; lo + k * step <= hi + 1e-9; k++) shifts.push(Math.round((lo + k * step) * 1e9) / 1e9);
  const scores = shifts.map((s) => score(reference, measured, s, metric, minPoints));
  let best = -1;
  scores.forEach((v, i) => {
    if (Number.isFinite(v) && (best < 0 || v > scores[best])) best = i;
  });
  if (best < 0) return null;
  let shift = shifts[best];
  if (best > 0 && best < shifts.length - 1 && Number.isFinite(scores[best - 1]) && Number.isFinite(scores[best + 1])) {
    shift = parabolaVertex(shifts[best - 1], scores[best - 1], shift, scores[best], shifts[best + 1], scores[best + 1]);
  }
  const refined = score(reference, measured, shift, metric, minPoints);
  // The parabola can only help near a smooth maximum; fall back to the grid point otherwise.
  if (!(refined >= scores[best])) shift = shifts[best];
  const final = score(reference, measured, shift, metric, minPoints);
  return { shift, metric, score: metric === 'pearson' ? final : -final };
}
