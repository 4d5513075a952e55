// Batch normalisation over real nodes only. Padding nodes carry no atom, so including them
// would make the statistics depend on how many virtual atoms a batch happens to contain.
import type { Tensor, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { LayerContext } from './dense';

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.9;

export interface BatchNorm {
  gamma: Variable;
  beta: Variable;
  movingMean: Variable;
  movingVariance: Variable;
}

export function createBatchNorm(ctx: LayerContext, name: string, size: number): BatchNorm {
  return {
    gamma: ctx.params.create(`${name}.gamma`, [size], 'ones'),
    beta: ctx.params.create(`${name}.beta`, [size], 'zeros'),
    movingMean: ctx.params.create(`${name}.movingMean`, [size], 'zeros', false),
    movingVariance: ctx.params.create(`${name}.movingVariance`, [size], 'ones', false),
  };
}

/**
 * x: [B, N, F], mask: [B, N]. Training: normalise with the masked batch statistics and move the
 * running averages towards them; inference: use the running averages.
 */
export function applyBatchNorm(ctx: LayerContext, bn: BatchNorm, x: Tensor3D, mask: Tensor, training: boolean): Tensor3D {
  const { tf } = ctx;
  let mean: Tensor;
  let variance: Tensor;
  if (training) {
    // The running averages are written with assign, which the gradient tape does not record,
    // and they are only read at inference, so no gradient flows through them.
    const m = tf.expandDims(mask, 2);
    const count = tf.maximum(tf.sum(m), 1);
    mean = tf.div(tf.sum(tf.mul(x, m), [0, 1]), count);
    const centred = tf.mul(tf.sub(x, mean), m);
    variance = tf.div(tf.sum(tf.square(centred), [0, 1]), count);
    const keep = BN_MOMENTUM;
    bn.movingMean.assign(tf.add(tf.mul(bn.movingMean, keep), tf.mul(mean, 1 - keep)));
    bn.movingVariance.assign(tf.add(tf.mul(bn.movingVariance, keep), tf.mul(variance, 1 - keep)));
  } else {
    mean = bn.movingMean;
    variance = bn.movingVariance;
  }
  const scale = tf.mul(bn.gamma, tf.rsqrt(tf.add(variance, BN_EPSILON)));
  return tf.add(tf.mul(tf.sub(x, mean), scale), bn.beta) as Tensor3D;
}
