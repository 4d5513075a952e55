// Ensemble spread → calibrated uncertainty. A deep ensemble of two or three members shares most
// of its errors, so its raw standard deviation is far too small (our first model's ±2σ band held
// 40 % of the test points instead of 95 %). Following the review (paper 004) on ensembles, the
// spread is kept as the *shape* of the uncertainty and scaled per domain by one factor fitted on
// the validation split, so that ±2σ holds 95.45 % of validation points; the test split then
// shows how well that transfers.
import type { SamplePrediction } from './predict';

/** The fraction of a normal distribution inside ±2σ. */
export const TWO_SIGMA_COVERAGE = 0.9545;

/** Per domain: s such that |pred − true| ≤ 2·s·σ holds for `coverage` of the scored points. */
export function fitStdScale(preds: readonly SamplePrediction[], coverage = TWO_SIGMA_COVERAGE): Record<string, number> {
  const ratios = new Map<string, number[]>();
  for (const p of preds) {
    if (!p.std) continue;
    const list = ratios.get(p.domain) ?? [];
    for (let i = 0; i < p.pred.length; i++) {
      if (!p.mask[i]) continue;
      const err = Math.abs(p.pred[i] - p.target[i]);
      // A zero spread can only be covered by an infinite factor; such points are rare (identical
      // members) and are left out rather than allowed to blow the factor up.
      if (p.std[i] > 0) list.push(err / p.std[i]);
    }
    ratios.set(p.domain, list);
  }
  const out: Record<string, number> = {};
  for (const [domain, list] of ratios) {
    if (list.length === 0) continue;
    list.sort((a, b) => a - b);
    const q = list[Math.min(list.length - 1, Math.ceil(coverage * list.length) - 1)];
    out[domain] = Math.max(q / 2, 1e-6);
  }
  return out;
}

/** The same predictions with every std multiplied by its domain's factor (1 when none). */
export function applyStdScale(preds: readonly SamplePrediction[], scale: Readonly<Record<string, number>>): SamplePrediction[] {
  return preds.map((p) => {
    const s = scale[p.domain];
    if (!p.std || s === undefined) return p;
    return { ...p, std: p.std.map((v) => v * s) };
  });
}
