// Per-domain accuracy metrics on masked spectra. Masked-out points (outside a reference's energy
// range) never count, so a record that covers 90 % of the window is scored on that 90 %.

// One Pearson for the project, masked, beside the other spectrum comparisons.
import { pearson } from '../spectrum/similarity';

type Vec = ArrayLike<number>;

export interface DomainEvalInput {
  /** Domain grid (eV), used for peak positions. */
  energies: Vec;
  pred: Vec[];
  target: Vec[];
  /** 1 = score this point; absent = every point counts. */
  mask?: Vec[];
  /** Ensemble standard deviation per point, for the ±2σ coverage. */
  std?: Vec[];
}

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

export interface DomainMetrics {
  spectra: number;
  points: number;
  /** Mean |pred − true| over all scored points. */
  mae: number;
  /** 1 − SS_res/SS_tot with SS_tot about the mean of all scored true values. */
  r2: number;
  pearsonMean: number;
  pearsonMedian: number;
  /** XANESNET's Δμ = 100·Σ|pred − true|/Σ|true| per spectrum (%), summarised. */
  deltaMu: Quartiles;
  /** Mean |E_peak,pred − E_peak,true| (eV), main peak = global maximum with parabolic refinement. */
  peakMaeEv: number;
  /** Fraction of scored points with |pred − true| ≤ 2σ; present when std was given. */
  coverage2Sigma?: number;
}

function scored(mask: Vec | undefined, i: number): boolean {
  return !mask || mask[i] > 0;
}

/** Linear-interpolated quantile of sorted data (numpy's default method). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function quartiles(values: number[]): Quartiles {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { q1: quantile(s, 0.25), median: quantile(s, 0.5), q3: quantile(s, 0.75) };
}

/** Δμ (%) of one spectrum: 100·Σ|pred − true| / Σ|true| over scored points. */
export function deltaMuPercent(pred: Vec, target: Vec, mask?: Vec): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < target.length; i++) {
    if (!scored(mask, i)) continue;
    num += Math.abs(pred[i] - target[i]);
    den += Math.abs(target[i]);
  }
  return den > 0 ? (100 * num) / den : NaN;
}

/**
 * Energy of the global maximum over scored points, refined by the vertex of the parabola through
 * the maximum and its two neighbours (works on non-uniform grids). NaN when nothing is scored.
 */
export function peakPosition(energies: Vec, mu: Vec, mask?: Vec): number {
  let best = -1;
  for (let i = 0; i < mu.length; i++) {
    if (scored(mask, i) && (best < 0 || mu[i] > mu[best])) best = i;
  }
  if (best < 0) return NaN;
  const l = best - 1;
  const r = best + 1;
  if (l < 0 || r >= mu.length || !scored(mask, l) || !scored(mask, r)) return energies[best];
  const x0 = energies[l], x1 = energies[best], x2 = energies[r];
  const y0 = mu[l], y1 = mu[best], y2 = mu[r];
  // Vertex of the Lagrange parabola through three points.
  const d0 = (x0 - x1) * (x0 - x2);
  const d1 = (x1 - x0) * (x1 - x2);
  const d2 = (x2 - x0) * (x2 - x1);
  const a = y0 / d0 + y1 / d1 + y2 / d2;
  const b = -(y0 * (x1 + x2)) / d0 - (y1 * (x0 + x2)) / d1 - (y2 * (x0 + x1)) / d2;
  if (!(a < 0)) return x1;
  const v = -b / (2 * a);
  return Math.min(x2, Math.max(x0, v));
}

export function evaluateDomain(input: DomainEvalInput): DomainMetrics {
  const { energies, pred, target, mask, std } = input;
  if (pred.length !== target.length) throw new Error(`${pred.length} predictions but ${target.length} targets`);
  let points = 0;
  let absSum = 0;
  let tSum = 0;
  let inside = 0;
  for (let s = 0; s < target.length; s++) {
    const m = mask?.[s];
    for (let i = 0; i < target[s].length; i++) {
      if (!scored(m, i)) continue;
      points++;
      const err = Math.abs(pred[s][i] - target[s][i]);
      absSum += err;
      tSum += target[s][i];
      if (std && err <= 2 * std[s][i]) inside++;
    }
  }
  const tMean = points ? tSum / points : NaN;
  let ssRes = 0;
  let ssTot = 0;
  const pearsons: number[] = [];
  const deltas: number[] = [];
  const peakErr: number[] = [];
  for (let s = 0; s < target.length; s++) {
    const m = mask?.[s];
    for (let i = 0; i < target[s].length; i++) {
      if (!scored(m, i)) continue;
      ssRes += (pred[s][i] - target[s][i]) ** 2;
      ssTot += (target[s][i] - tMean) ** 2;
    }
    pearsons.push(pearson(pred[s], target[s], m));
    deltas.push(deltaMuPercent(pred[s], target[s], m));
    const ep = peakPosition(energies, pred[s], m);
    const et = peakPosition(energies, target[s], m);
    if (Number.isFinite(ep) && Number.isFinite(et)) peakErr.push(Math.abs(ep - et));
  }
  const finiteP = pearsons.filter((p) => Number.isFinite(p));
  const out: DomainMetrics = {
    spectra: target.length,
    points,
    mae: points ? absSum / points : NaN,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN,
    pearsonMean: finiteP.length ? finiteP.reduce((a, b) => a + b, 0) / finiteP.length : NaN,
    pearsonMedian: quartiles(finiteP).median,
    deltaMu: quartiles(deltas),
    peakMaeEv: peakErr.length ? peakErr.reduce((a, b) => a + b, 0) / peakErr.length : NaN,
  };
  if (std) out.coverage2Sigma = points ? inside / points : NaN;
  return out;
}

/** Metrics for every domain present: groups spectra by domain id first. */
export function evaluateByDomain(
  domains: ReadonlyArray<{ id: string; energies: Vec }>,
  items: ReadonlyArray<{ domain: string; pred: Vec; target: Vec; mask?: Vec; std?: Vec }>,
): Record<string, DomainMetrics> {
  const out: Record<string, DomainMetrics> = {};
  for (const d of domains) {
    const mine = items.filter((it) => it.domain === d.id);
    if (mine.length === 0) continue;
    const hasStd = mine.every((it) => it.std !== undefined);
    out[d.id] = evaluateDomain({
      energies: d.energies,
      pred: mine.map((it) => it.pred),
      target: mine.map((it) => it.target),
      mask: mine.map((it) => it.mask ?? new Uint8Array(it.target.length).fill(1)),
      ...(hasStd ? { std: mine.map((it) => it.std as Vec) } : {}),
    });
  }
  return out;
}
