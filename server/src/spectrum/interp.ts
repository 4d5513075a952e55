// Linear interpolation and grid helpers. Spectra are never extrapolated: outside the measured
// range a value is NaN so that callers restrict themselves to the overlap.
import type { Spectrum } from './types';

/** Index i such that xs[i] <= x < xs[i+1] (binary search); -1 below the range. */
function bracket(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (x < xs[lo]) return -1;
  if (x >= xs[hi]) return hi;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** y(x) by linear interpolation on ascending xs; NaN outside [xs[0], xs[n-1]]. */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = xs.length;
  if (n === 0 || !(x >= xs[0] && x <= xs[n - 1])) return NaN;
  const i = bracket(xs, x);
  if (i >= n - 1) return ys[n - 1];
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return ys[i] + t * (ys[i + 1] - ys[i]);
}

export function resample(xs: readonly number[], ys: readonly number[], grid: readonly number[]): number[] {
  return grid.map((x) => interpolate(xs, ys, x));
}

/** Evenly spaced grid from lo to hi inclusive (the last point is hi when it is reachable). */
export function uniformGrid(lo: number, hi: number, step: number): number[] {
  const n = Math.floor((hi - lo) / step + 1e-9);
  const grid: number[] = [];
  for (let i = 0; i <= n; i++) grid.push(lo + i * step);
  return grid;
}

export function medianSpacing(xs: readonly number[]): number {
  const d: number[] = [];
  for (let i = 1; i < xs.length; i++) d.push(xs[i] - xs[i - 1]);
  if (d.length === 0) return NaN;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

/** The energy range covered by every spectrum, or null when they do not overlap. */
export function overlapRange(spectra: readonly Spectrum[]): [number, number] | null {
  let lo = -Infinity;
  let hi = Infinity;
  for (const s of spectra) {
    if (s.energies.length === 0) return null;
    lo = Math.max(lo, s.energies[0]);
    hi = Math.min(hi, s.energies[s.energies.length - 1]);
  }
  return hi > lo ? [lo, hi] : null;
}

/**
 * Sorts by energy and drops non-finite points and repeated energies (keeping the first), because
 * measured files are sometimes written in descending order or with a repeated point at a
 * monochromator turn-around; interpolation needs strictly ascending x.
 */
export function cleanSpectrum(energies: readonly number[], mu: readonly number[]): Spectrum {
  const pairs: [number, number][] = [];
  const n = Math.min(energies.length, mu.length);
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(energies[i]) && Number.isFinite(mu[i])) pairs.push([energies[i], mu[i]]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Spectrum = { energies: [], mu: [] };
  for (const [e, m] of pairs) {
    if (out.energies.length > 0 && e <= out.energies[out.energies.length - 1]) continue;
    out.energies.push(e);
    out.mu.push(m);
  }
  return out;
}
