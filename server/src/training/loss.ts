// Masked loss over several output heads: Σ_h Σ_{b,i} w_{h,b,i}·ℓ(pred − target); the weights
// carry the mask and the per-spectrum averaging (see batches.ts), so padded points, points
// outside a reference's energy range and heads of other domains contribute exactly nothing.
// An optional slope term λ·Σ_{b,i} min(w_i, w_{i+1})·ℓ(Δpred − Δtarget) compares neighbouring
// energy points, so line shape (edge steepness, peak flanks) is fitted and not only levels; a pair
// counts only where both points are scored.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';

export type LossKind = 'L1' | 'MSE';

export function maskedLoss(tf: TfModule, preds: Tensor2D[], targets: Tensor2D[], weights: Tensor2D[], kind: LossKind, slopeWeight = 0): Scalar {
  const pointLoss = (d: Tensor): Tensor => (kind === 'L1' ? tf.abs(d) : tf.square(d));
  const terms: Tensor[] = preds.map((p, h) => {
    const point = tf.sum(tf.mul(pointLoss(tf.sub(p, targets[h])), weights[h]));
    const L = p.shape[1];
    if (!(slopeWeight > 0) || L < 2) return point;
    const step = (x: Tensor2D): Tensor => tf.sub(tf.slice(x, [0, 1], [-1, L - 1]), tf.slice(x, [0, 0], [-1, L - 1]));
    const pairWeight = tf.minimum(tf.slice(weights[h], [0, 1], [-1, L - 1]), tf.slice(weights[h], [0, 0], [-1, L - 1]));
    const slope = tf.sum(tf.mul(pointLoss(tf.sub(step(p), step(targets[h]))), pairWeight));
    return tf.add(point, tf.mul(slope, slopeWeight));
  });
  return (terms.length === 1 ? terms[0] : tf.addN(terms)) as Scalar;
}

/** Same loss in plain arrays (tests and evaluation without tensors). */
export function maskedLossArrays(
  preds: ArrayLike<number>[], targets: ArrayLike<number>[], weights: ArrayLike<number>[], kind: LossKind, slopeWeight = 0, rowLength = Infinity,
): number {
  const l = (d: number): number => (kind === 'L1' ? Math.abs(d) : d * d);
  let s = 0;
  preds.forEach((p, h) => {
    const t = targets[h];
    const w = weights[h];
    for (let i = 0; i < p.length; i++) {
      s += w[i] * l(p[i] - t[i]);
      const lastInRow = (i + 1) % rowLength === 0 || i + 1 === p.length;
      if (slopeWeight > 0 && !lastInRow) s += slopeWeight * Math.min(w[i], w[i + 1]) * l(p[i + 1] - p[i] - (t[i + 1] - t[i]));
    }
  });
  return s;
}
