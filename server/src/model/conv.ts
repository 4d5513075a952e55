// "Simple graph convolution" of paper 000 on the star graph: absorber → each neighbour, plus a
// self-loop (zero edge attributes) on every node. Messages m_ij = ELU(W_e·e_ij + b_e) ⊙ x_j are
// summed at the absorber; every node then updates x_i' = W_u(x_i + Σ_j m_ij) + b_u.
// Parameters here; the forward pass is factored.ts.
import { createLinear, type LayerContext, type Linear } from './dense';

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
