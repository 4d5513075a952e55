// Multiplicity-weighted average of site spectra of one element: the spectrum a measurement of the
// whole crystal sees, since each inequivalent site contributes in proportion to how many atoms
// of the cell it stands for.
import { overlapRange, resample } from './interp';
import type { Spectrum } from './types';

export interface WeightedSpectrum extends Spectrum {
  weight: number;
  std?: number[];
}

export interface AveragedSpectrum extends Spectrum {
  std?: number[];
  totalWeight: number;
}

/**
 * Average over the common energy range on the grid of the first spectrum (restricted to the
 * overlap; never extrapolated). The std is the weighted mean of the site stds: site errors of one
 * model are strongly correlated, so this is the conservative choice rather than a quadrature sum.
 */
export function weightedAverage(items: readonly WeightedSpectrum[]): AveragedSpectrum | null {
  const used = items.filter((s) => s.weight > 0 && s.energies.length > 0);
  if (used.length === 0) return null;
  const range = overlapRange(used);
  if (!range && used.length > 1) return null;
  const [lo, hi] = range ?? [used[0].energies[0], used[0].energies[used[0].energies.length - 1]];
  const grid = used[0].energies.filter((e) => e >= lo && e <= hi);
  const total = used.reduce((a, s) => a + s.weight, 0);
  const mu = new Array<number>(grid.length).fill(0);
  const withStd = used.every((s) => s.std && s.std.length === s.energies.length);
  const std = withStd ? new Array<number>(grid.length).fill(0) : undefined;
  for (const s of used) {
    const w = s.weight / total;
    const m = resample(s.energies, s.mu, grid);
    m.forEach((v, i) => (mu[i] += w * v));
    if (std && s.std) resample(s.energies, s.std, grid).forEach((v, i) => (std[i] += w * v));
  }
  return { energies: grid, mu, std, totalWeight: total };
}
