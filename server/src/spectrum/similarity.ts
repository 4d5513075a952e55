// Agreement between two spectra over the energy range both cover. Both are interpolated onto one
// uniform grid so that a densely sampled measurement does not outweigh a coarse prediction.
import { medianSpacing, overlapRange, resample, uniformGrid } from './interp';
import type { Spectrum } from './types';

export interface Similarity {
  pearson: number;
  mae: number;
  rmse: number;
  /** Energy range compared (eV, in the reference's frame). */
  overlap: [number, number];
  points: number;
}

/**
 * Pearson correlation of a and b, over the points where mask > 0 when a mask is given (the
 * trainer's metrics score only the points a reference covers); NaN when fewer than two points
 * count or either side is constant there.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>, mask?: ArrayLike<number>): number {
  const counts = (i: number): boolean => !mask || mask[i] > 0;
  let n = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < b.length; i++) {
    if (!counts(i)) continue;
    n++;
    ma += a[i];
    mb += b[i];
  }
  if (n < 2) return NaN;
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < b.length; i++) {
    if (!counts(i)) continue;
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

export function meanAbsoluteError(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Shifts a spectrum along energy: E → E + shift. */
export function shiftSpectrum(s: Spectrum, shift: number): Spectrum {
  return { energies: s.energies.map((e) => e + shift), mu: s.mu.slice() };
}

/**
 * Compares `other` (after E → E + shift) with `reference`; null when they share fewer than
 * `minPoints` grid points. The grid step is the finer of the two median spacings.
 */
export function compareSpectra(reference: Spectrum, other: Spectrum, shift = 0, minPoints = 5): Similarity | null {
  const moved = shift === 0 ? other : shiftSpectrum(other, shift);
  const range = overlapRange([reference, moved]);
  if (!range) return null;
  const step = Math.min(medianSpacing(reference.energies), medianSpacing(moved.energies));
  if (!(step > 0)) return null;
  const grid = uniformGrid(range[0], range[1], step);
  const ra = resample(reference.energies, reference.mu, grid);
  const rb = resample(moved.energies, moved.mu, grid);
  // Shifted grids meet the overlap's ends only up to rounding: drop points either side misses.
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < grid.length; i++) {
    if (Number.isFinite(ra[i]) && Number.isFinite(rb[i])) {
      a.push(ra[i]);
      b.push(rb[i]);
    }
  }
  if (a.length < minPoints) return null;
  let sq = 0;
  for (let i = 0; i < a.length; i++) sq += (a[i] - b[i]) ** 2;
  return {
    pearson: pearson(a, b),
    mae: meanAbsoluteError(a, b),
    rmse: Math.sqrt(sq / a.length),
    overlap: range,
    points: a.length,
  };
}
