// Edge-step normalisation as Athena/Larch do it (pre_edge): E0 at the maximum of the smoothed
// first derivative, a straight line through the pre-edge, a polynomial through the post-edge,
// edge step = post(E0) − pre(E0), normalised μ = (μ − pre)/step, and the "flattened" variant that
// also removes the post-edge curvature. Larch's defaults assume long EXAFS scans (pre −200…−30 eV,
// norm +150…end); predicted and many measured XANES windows span only 50–150 eV, so the defaults
// adapt to the data span and every adaptation is reported in `notes`.
import { parabolaVertex, polyfit, polyval } from './fit';
import { cleanSpectrum } from './interp';

export interface NormalizeOptions {
  /** Edge energy (eV); found from the derivative when absent. */
  e0?: number;
  /** Pre-edge fit range relative to E0 (eV), e.g. [-200, -30]. */
  pre?: [number, number];
  /** Post-edge fit range relative to E0 (eV), e.g. [150, 800]. */
  norm?: [number, number];
  /** Post-edge polynomial degree (0–2); chosen from the range width when absent. */
  nnorm?: number;
}

export interface FitRegion {
  /** Range relative to E0 (eV) actually used. */
  range: [number, number];
  /** Polynomial coefficients in (E − E0). */
  coefficients: number[];
  degree: number;
  points: number;
}

export interface NormalizeResult {
  e0: number;
  e0Source: 'derivative' | 'given';
  edgeStep: number;
  pre: FitRegion;
  post: FitRegion;
  energies: number[];
  mu: number[];
  norm: number[];
  flat: number[];
  preEdge: number[];
  postEdge: number[];
  notes: string[];
}

/** Central-difference derivative on a possibly non-uniform grid. */
export function derivative(energies: readonly number[], mu: readonly number[]): number[] {
  const n = energies.length;
  const d = new Array<number>(n).fill(0);
  if (n < 2) return d;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - 1);
    const b = Math.min(n - 1, i + 1);
    d[i] = (mu[b] - mu[a]) / (energies[b] - energies[a]);
  }
  return d;
}

/** Three-point running mean: enough to stop one noisy point from winning the maximum. */
function smooth3(values: readonly number[]): number[] {
  return values.map((v, i) => {
    if (i === 0 || i === values.length - 1) return v;
    return (values[i - 1] + v + values[i + 1]) / 3;
  });
}

/**
 * Edge energy: position of the maximum of the smoothed derivative, refined between grid points
 * with a parabola. Only points whose μ has risen past 10 % of the total range count, so that a
 * sharp pre-edge peak (Fe 1s→3d) cannot be taken for the edge; the outermost points are skipped
 * because one-sided differences there are unreliable.
 */
export function findE0(energies: readonly number[], mu: readonly number[]): number {
  const n = energies.length;
  if (n < 3) throw new Error('need at least 3 points to find E0');
  const d = smooth3(derivative(energies, mu));
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of mu) {
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
  }
  const skip = n > 10 ? 2 : 1;
  const pick = (threshold: number): number => {
    let best = -1;
    for (let i = skip; i < n - skip; i++) {
      if ((mu[i] - lo) < threshold * (hi - lo)) continue;
      if (best < 0 || d[i] > d[best]) best = i;
    }
    return best;
  };
  let i = pick(0.1);
  if (i < 0) i = pick(0);
  if (i < 0) i = Math.floor(n / 2);
  if (i <= 0 || i >= n - 1) return energies[i];
  return parabolaVertex(energies[i - 1], d[i - 1], energies[i], d[i], energies[i + 1], d[i + 1]);
}

function pointsIn(rel: readonly number[], range: [number, number]): number[] {
  const idx: number[] = [];
  rel.forEach((x, i) => {
    if (x >= range[0] && x <= range[1]) idx.push(i);
  });
  return idx;
}

function fitRegion(rel: number[], mu: number[], idx: number[], range: [number, number], degree: number): FitRegion {
  const xs = idx.map((i) => rel[i]);
  const ys = idx.map((i) => mu[i]);
  return { range, coefficients: polyfit(xs, ys, degree), degree, points: idx.length };
}

// x * 100 overflows beyond 1.8e306 (an energy of 1e308 from a damaged file): such x stay as they are.
const round = (x: number): number => (Math.abs(x) < 1e300 ? Math.round(x * 100) / 100 : x);

function preEdgeFit(rel: number[], mu: number[], given: [number, number] | undefined, notes: string[]): FitRegion {
  const first = rel[0];
  if (given) {
    const range: [number, number] = [Math.max(given[0], first), given[1]];
    const idx = pointsIn(rel, range);
    if (idx.length < 2) throw new Error(`pre-edge range [${given[0]}, ${given[1]}] eV holds ${idx.length} point(s); need 2`);
    return fitRegion(rel, mu, idx, range, 1);
  }
  let range: [number, number] = [Math.max(-200, first), -30];
  let idx = pointsIn(rel, range);
  if (idx.length < 3 && first < 0) {
    // Short pre-edge (a XANES window): the first two thirds of what there is before E0, and a
    // constant rather than a line, because the slope over a few eV is mostly the rising edge's
    // tail and extrapolating it to E0 inflates the baseline.
    range = [first, round(first / 3)];
    idx = pointsIn(rel, range);
    if (idx.length >= 1) {
      notes.push(`pre-edge shorter than 30 eV: constant baseline over [${round(range[0])}, ${round(range[1])}] eV`);
      return fitRegion(rel, mu, idx, range, 0);
    }
  }
  if (idx.length >= 2) return fitRegion(rel, mu, idx, range, 1);
  // One point or none before the edge: a flat baseline at the first value is all the data allows.
  notes.push('no pre-edge points: flat baseline at the first point');
  return { range: [first, first], coefficients: [mu[0]], degree: 0, points: 1 };
}

function postEdgeFit(
  rel: number[],
  mu: number[],
  given: [number, number] | undefined,
  nnorm: number | undefined,
  notes: string[],
): FitRegion {
  const last = rel[rel.length - 1];
  let range: [number, number];
  if (given) {
    range = [given[0], Math.min(given[1], last)];
  } else {
    range = [round(Math.min(150, last / 3)), round(last)];
    if (last < 450) notes.push(`post-edge span ${round(last)} eV: normalisation range [${range[0]}, ${range[1]}] eV`);
  }
  const idx = pointsIn(rel, range);
  const width = range[1] - range[0];
  // Larch's rule of thumb: a quadratic only over long ranges, where it cannot run away at E0.
  let degree = nnorm ?? (width > 350 ? 2 : width > 50 ? 1 : 0);
  degree = Math.max(0, Math.min(2, Math.round(degree)));
  if (idx.length < degree + 1) {
    if (given) throw new Error(`normalisation range [${given[0]}, ${given[1]}] eV holds ${idx.length} point(s)`);
    degree = Math.max(0, idx.length - 1);
  }
  if (idx.length === 0) throw new Error('no points above E0 to fit the post-edge');
  return fitRegion(rel, mu, idx, range, degree);
}

export function normalizeSpectrum(
  energiesIn: readonly number[],
  muIn: readonly number[],
  options: NormalizeOptions = {},
): NormalizeResult {
  const { energies, mu } = cleanSpectrum(energiesIn, muIn);
  if (energies.length < 5) throw new Error(`need at least 5 finite points to normalise, got ${energies.length}`);
  const notes: string[] = [];
  const e0 = options.e0 ?? findE0(energies, mu);
  if (!(e0 > energies[0] && e0 < energies[energies.length - 1])) {
    throw new Error(`E0 = ${e0} eV lies outside the data (${energies[0]}–${energies[energies.length - 1]} eV)`);
  }
  const rel = energies.map((e) => e - e0);
  const pre = preEdgeFit(rel, mu, options.pre, notes);
  const post = postEdgeFit(rel, mu, options.norm, options.nnorm, notes);
  const preEdge = rel.map((x) => polyval(pre.coefficients, x));
  const postEdge = rel.map((x) => polyval(post.coefficients, x));
  const edgeStep = polyval(post.coefficients, 0) - polyval(pre.coefficients, 0);
  if (!(edgeStep > 0) || !Number.isFinite(edgeStep)) {
    throw new Error(`edge step is ${edgeStep.toPrecision(3)} (not positive): check E0 and the fit ranges`);
  }
  const norm = mu.map((m, i) => (m - preEdge[i]) / edgeStep);
  const flat = norm.map((v, i) => (rel[i] < 0 ? v : v - (postEdge[i] - preEdge[i] - edgeStep) / edgeStep));
  // A finite but absurd μ outside the fit ranges (1e308 from a damaged file) overflows here; an
  // Infinity would reach the plot and training data, so the point is named instead.
  const bad = flat.findIndex((v, i) => !Number.isFinite(v) || !Number.isFinite(norm[i]) || !Number.isFinite(preEdge[i]) || !Number.isFinite(postEdge[i]));
  if (bad >= 0) throw new Error(`normalised μ is not finite at ${energies[bad]} eV (μ = ${mu[bad]}): a value out of range in the data`);
  return {
    e0,
    e0Source: options.e0 === undefined ? 'derivative' : 'given',
    edgeStep,
    pre,
    post,
    energies,
    mu,
    norm,
    flat,
    preEdge,
    postEdge,
    notes,
  };
}
