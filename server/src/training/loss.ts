// Masked loss over several output heads: Σ_h Σ_{b,i} w_{h,b,i}·ℓ(pred − target); the weights
// carry the mask and the per-spectrum averaging (see batches.ts), so padded points, points
// outside a reference's energy range and heads of other domains contribute exactly nothing.
import type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';

export type LossKind = 'L1' | 'MSE';

export function maskedLoss(tf: TfModule, preds: Tensor2D[], targets: Tensor2D[], weights: Tensor2D[], kind: LossKind): Scalar {
  const terms: Tensor[] = preds.map((p, h) => {
    const d = tf.sub(p, targets[h]);
    const l = kind === 'L1' ? tf.abs(d) : tf.square(d);
    return tf.sum(tf.mul(l, weights[h]));
  });
  return (terms.length === 1 ? terms[0] : tf.addN(terms)) as Scalar;
}

/** Same loss in plain arrays (tests and evaluation without tensors). */
export function maskedLossArrays(preds: ArrayLike<number>[], targets: ArrayLike<number>[], weights: ArrayLike<number>[], kind: LossKind): number {
  let s = 0;
  preds.forEach((p, h) => {
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - targets[h][i];
      s += weights[h][i] * (kind === 'L1' ? Math.abs(d) : d * d);
    }
  });
  return s;
}
