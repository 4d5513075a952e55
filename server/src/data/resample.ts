// Conservative resampling onto a domain grid: linear interpolation inside the source range only.
// Points outside are masked, never extrapolated, so a loss can ignore them.

/** Share of a domain window a spectrum must cover to be used (tensorize, measured pairs). */
export const DEFAULT_MIN_COVERAGE = 0.8;

export interface Resampled {
  values: Float32Array;
  /** 1 where the grid point lies inside the source energy range. */
  mask: Uint8Array;
  /** Fraction of grid points with mask 1. */
  coverage: number;
}

/** Sorts by energy and merges equal energies (mean μ): FEFF/FDMNES outputs may repeat points. */
export function sortAndDedupe(energies: ArrayLike<number>, mu: ArrayLike<number>): { e: number[]; m: number[] } {
  const n = Math.min(energies.length, mu.length);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(energies[i]) && Number.isFinite(mu[i])) order.push(i);
  order.sort((a, b) => energies[a] - energies[b]);
  const e: number[] = [];
  const m: number[] = [];
  let count = 0;
  for (const i of order) {
    const x = energies[i];
    if (e.length > 0 && x === e[e.length - 1]) {
      count++;
      m[m.length - 1] += (mu[i] - m[m.length - 1]) / count;
    } else {
      e.push(x);
      m.push(mu[i]);
      count = 1;
    }
  }
  return { e, m };
}

export function resampleOntoGrid(energies: ArrayLike<number>, mu: ArrayLike<number>, grid: ArrayLike<number>): Resampled {
  const { e, m } = sortAndDedupe(energies, mu);
  const values = new Float32Array(grid.length);
  const mask = new Uint8Array(grid.length);
  if (e.length === 0) return { values, mask, coverage: 0 };
  const lo = e[0];
  const hi = e[e.length - 1];
  let j = 0;
  let covered = 0;
  // Grids may be unsorted in principle; a binary search keeps this correct for any order.
  const sortedGrid = isSorted(grid);
  for (let g = 0; g < grid.length; g++) {
    const x = grid[g];
    if (!(x >= lo && x <= hi)) continue;
    if (sortedGrid) {
      while (j < e.length - 2 && e[j + 1] < x) j++;
    } else {
      j = lowerSegment(e, x);
    }
    values[g] = interpolate(e, m, j, x);
    mask[g] = 1;
    covered++;
  }
  return { values, mask, coverage: grid.length ? covered / grid.length : 0 };
}

function interpolate(e: number[], m: number[], j: number, x: number): number {
  if (e.length === 1) return m[0];
  const x0 = e[j];
  const x1 = e[j + 1];
  if (x <= x0) return m[j];
  if (x >= x1) return m[j + 1];
  const t = (x - x0) / (x1 - x0);
  return m[j] + t * (m[j + 1] - m[j]);
}

/** Index j with e[j] ≤ x ≤ e[j+1] (clamped to a valid segment). */
function lowerSegment(e: number[], x: number): number {
  let lo = 0;
  let hi = e.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (e[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.min(lo, Math.max(0, e.length - 2));
}

function isSorted(a: ArrayLike<number>): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
  return true;
}
