// "Graph attention convolution" head of paper 000 on the star graph.
//   f_ij = ELU(W_f·[x_i, x_j, x_i − x_j, e_ij] + b_f)      edge features (self-loops: e = 0)
//   a_ij = tanh(w_a·(W_q x_i ⊙ W_k f_ij) / √d)            bounded score in (−1, 1)  (attention 'tanh')
//   a_ij = τ·cos(f_ij, v_i), v_i = W_kᵀ(w_a ⊙ W_q x_i)     bounded in [−τ, τ]         (attention 'cosine')
// The paper's tanh saturates once the weights grow: our first trained model had pre-tanh scores
// of ±70–320, tanh returned ±1 for every neighbour and the softmax was uniform. The cosine form
// measures the same query–message agreement (w_a·(W_q x ⊙ W_k f) = f·v) but only its direction,
// so its scale cannot run away; τ sets how peaked attention can get.
//   s_ij = softmax over the absorber's real neighbours    padding gets exactly 0
//   x_i' = W_u(x_i + Σ_j s_ij f_ij) + b_u
// The reference implementation normalises with exp(a)/exp(Σa), which is not a softmax (the
// weights neither sum to 1 nor stay independent of the padding count); we use a true softmax.
// Neighbour nodes only have their self-loop, so their weight is 1 and z_j = f_jj; the absorber's
// own self-loop is left out of its softmax so that attention is a distribution over neighbours.
// The parameters live here; the forward pass is factored.ts (the dense per-slot formulation is
// kept in test/fixtures/models/denseForward.ts as the tests' reference).
import type { Variable } from '@tensorflow/tfjs-core';
import { createLinear, type LayerContext, type Linear } from './dense';

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
