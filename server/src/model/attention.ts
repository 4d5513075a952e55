// "Graph attention convolution" head of paper 000 on the star graph.
//   f_ij = ELU(W_f·[x_i, x_j, x_i − x_j, e_ij] + b_f)      edge features (self-loops: e = 0)
//   a_ij = tanh(w_a·(W_q x_i ⊙ W_k f_ij) / √d)            bounded score in (−1, 1)
//   s_ij = softmax over the absorber's real neighbours    padding gets exactly 0
//   x_i' = W_u(x_i + Σ_j s_ij f_ij) + b_u
// The reference implementation normalises with exp(a)/exp(Σa), which is not a softmax (the
// weights neither sum to 1 nor stay independent of the padding count); we use a true softmax.
// Neighbour nodes only have their self-loop, so their weight is 1 and z_j = f_jj; the absorber's
// own self-loop is left out of its softmax so that attention is a distribution over neighbours.
import type { Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import { applyLinear, createLinear, type LayerContext, type Linear } from './dense';

export interface AttentionHead {
  /** W_f as one [3F + E, F] kernel (blocks for x_i, x_j, x_i − x_j, e_ij) and b_f. */
  edge: Linear;
  query: Linear;
  key: Linear;
  score: Variable;
  update: Linear;
  inSize: number;
  edgeSize: number;
  attentionSize: number;
}

export function createAttentionHead(
  ctx: LayerContext, name: string, inSize: number, edgeSize: number, outSize: number, attentionSize: number,
): AttentionHead {
  return {
    edge: createLinear(ctx, `${name}.edge`, 3 * inSize + edgeSize, inSize),
    query: createLinear(ctx, `${name}.query`, inSize, attentionSize, false),
    key: createLinear(ctx, `${name}.key`, inSize, attentionSize, false),
    score: ctx.params.create(`${name}.score`, [attentionSize], 'glorot'),
    update: createLinear(ctx, `${name}.update`, inSize, outSize),
    inSize, edgeSize, attentionSize,
  };
}

export interface AttentionOutput {
  nodes: Tensor3D;
  /** [B, N−1] softmax weights of the absorber over its neighbours. */
  weights: Tensor2D;
}

/** x: [B, N, F], edges: [B, N−1, E], mask: [B, N]. */
export function applyAttentionHead(ctx: LayerContext, h: AttentionHead, x: Tensor3D, edges: Tensor3D, mask: Tensor): AttentionOutput {
  const { tf } = ctx;
  const [B, N, F] = x.shape;
  const W = h.edge.kernel;
  const block = (k: number): Tensor => tf.slice(W, [k * F, 0], [F, F]);
  const [w1, w2, w3] = [block(0), block(1), block(2)];
  const w4 = tf.slice(W, [3 * F, 0], [h.edgeSize, F]);
  // [x_i, x_j, x_i − x_j]·W = x_i(W1 + W3) + x_j(W2 − W3); a self-loop gives x_j(W1 + W2).
  // One matmul of all nodes against the three combined blocks replaces a [B·(N−1), 3F+E] concat.
  const combined = tf.concat([tf.add(w1, w3), tf.sub(w2, w3), tf.add(w1, w2)], 1);
  const projected = tf.reshape(ctx.matMul(tf.reshape(x, [B * N, F]) as Tensor2D, combined as Tensor2D), [B, N, 3 * F]);
  const asCentre = tf.slice(projected, [0, 0, 0], [B, 1, F]);
  const asNeighbour = tf.slice(projected, [0, 1, F], [B, N - 1, F]);
  const asSelf = tf.slice(projected, [0, 0, 2 * F], [B, N, F]);
  const fromEdges = tf.reshape(ctx.matMul(tf.reshape(edges, [-1, h.edgeSize]) as Tensor2D, w4 as Tensor2D), [B, N - 1, F]);
  const bias = h.edge.bias as Tensor;
  const f = tf.elu(tf.add(tf.add(tf.add(asCentre, asNeighbour), fromEdges), bias)) as Tensor3D;
  const fSelf = tf.elu(tf.add(asSelf, bias)) as Tensor3D;

  const absorber = tf.reshape(tf.slice(x, [0, 0, 0], [B, 1, F]), [B, F]);
  const q = applyLinear(ctx, h.query, absorber);
  const k = applyLinear(ctx, h.key, f);
  const qk = tf.mul(tf.expandDims(q, 1), k);
  const a = tf.tanh(tf.div(tf.sum(tf.mul(qk, h.score), 2), Math.sqrt(h.attentionSize)));
  // a ∈ (−1, 1), so exp cannot overflow and no max-subtraction is needed; masking after exp
  // makes padding weights exactly 0. A graph without neighbours gets all-zero weights: its
  // denominator is set to 1 (not clamped to a tiny number, whose square underflows to 0 and
  // turns the gradient into 0/0 = NaN).
  const neighbourMask = tf.slice(mask, [0, 1], [B, N - 1]);
  const e = tf.mul(tf.exp(a), neighbourMask);
  const isolated = tf.sub(1, tf.minimum(tf.sum(neighbourMask, 1, true), 1));
  const weights = tf.div(e, tf.add(tf.sum(e, 1, true), isolated)) as Tensor2D;

  const z = tf.sum(tf.mul(tf.expandDims(weights, 2), f), 1, true);
  const neighbourSelf = tf.slice(fSelf, [0, 1, 0], [B, N - 1, F]);
  const aggregated = tf.add(x, tf.concat([z, neighbourSelf], 1));
  return { nodes: applyLinear(ctx, h.update, aggregated) as Tensor3D, weights };
}
