// "Simple graph convolution" of paper 000 on the star graph: absorber → each neighbour, plus a
// self-loop (zero edge attributes) on every node. Messages m_ij = ELU(W_e·e_ij + b_e) ⊙ x_j are
// summed at the absorber; every node then updates x_i' = W_u(x_i + Σ_j m_ij) + b_u.
import type { Tensor, Tensor3D } from '@tensorflow/tfjs-core';
import { applyLinear, createLinear, type LayerContext, type Linear } from './dense';

export interface SimpleConv {
  edge: Linear;
  update: Linear;
}

export function createSimpleConv(ctx: LayerContext, name: string, inSize: number, edgeSize: number, outSize: number): SimpleConv {
  return {
    edge: createLinear(ctx, `${name}.edge`, edgeSize, inSize),
    update: createLinear(ctx, `${name}.update`, inSize, outSize),
  };
}

/** x: [B, N, F] (row 0 = absorber), edges: [B, N−1, E], mask: [B, N] → [B, N, F']. */
export function applySimpleConv(ctx: LayerContext, layer: SimpleConv, x: Tensor3D, edges: Tensor3D, mask: Tensor): Tensor3D {
  const { tf } = ctx;
  const [B, N, F] = x.shape;
  const gate = tf.elu(applyLinear(ctx, layer.edge, edges));
  // A self-loop has zero edge attributes, so its gate is ELU(b_e) for every node.
  const selfGate = tf.elu(layer.edge.bias as Tensor);
  const neighbours = tf.slice(x, [0, 1, 0], [B, N - 1, F]);
  const neighbourMask = tf.expandDims(tf.slice(mask, [0, 1], [B, N - 1]), 2);
  const incoming = tf.sum(tf.mul(tf.mul(gate, neighbours), neighbourMask), 1);
  const atAbsorber = tf.pad(tf.expandDims(incoming, 1), [[0, 0], [0, N - 1], [0, 0]]);
  const aggregated = tf.add(tf.mul(x, tf.add(selfGate, 1)), atAbsorber);
  return applyLinear(ctx, layer.update, aggregated) as Tensor3D;
}
