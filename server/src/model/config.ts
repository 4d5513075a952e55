import type { Tensor } from '@tensorflow/tfjs-core';
import type { TfModule } from './backend';
import { validateNeighbourTransformer, type NeighbourTransformerConfig } from './neighbourTransformer';
// Shape of the MEM-XANES network (paper 000, Fig. 3a): [118, 600, 500, 400, 300×3, 200, 200, out].
export interface OutputHead {
  name: string;
  size: number;
}

export interface NetworkConfig {
  nodeFeatureSize: number;
  edgeFeatureSize: number;
  /** Output widths of the simple graph convolutions. */
  convWidths: number[];
  heads: number;
  headWidth: number;
  /** Width of the attention query/key space; defaults to the last conv width (reference). */
  attentionSize?: number;
  denseWidths: number[];
  outputs: OutputHead[];
  /** Masked batch normalisation after each convolution and attention head (reference); default true. */
  batchNorm?: boolean;
  /**
   * Attention score (model/attention.ts): 'tanh' (paper 000, the default) or 'cosine' — the
   * cosine similarity of query and edge message times attentionTemperature, which cannot
   * saturate into uniform weights however large the trained weights grow.
   */
  attention?: 'tanh' | 'cosine';
  attentionTemperature?: number;
  /**
   * Length of the absorber descriptor (graph options `descriptor`) joined to the pooled graph
   * state before the dense layers, standardised by the non-trainable descriptor.mean/std; 0 or
   * absent = none (paper 000).
   */
  descriptorSize?: number;
  /** Dropout rate after each dense layer while training (0 or absent = none, paper 000). */
  dropout?: number;
  /**
   * The neighbour transformer (model/neighbourTransformer.ts): tokens for the absorber and its
   * neighbours that attend to each other with a pair-distance bias; its output joins the pooled
   * state after the descriptor. Needs absorber → neighbour vectors in every batch. Absent = none.
   */
  transformer?: NeighbourTransformerConfig;
}

/** Logits in [−τ, τ]: at most e^(2τ) ≈ 3000 between the most and least attended neighbour. */
export const DEFAULT_ATTENTION_TEMPERATURE = 4;
/** √(|x|² + ε): the cosine's norms with a finite gradient for an all-zero vector (score 0). */
export const COSINE_EPSILON = 1e-6;

export function smoothNorm(tf: TfModule, x: Tensor, axis: number, keepDims = false): Tensor {
  return tf.sqrt(tf.add(tf.sum(tf.square(x), axis, keepDims), COSINE_EPSILON));
}

export const PAPER_CONFIG: NetworkConfig = {
  nodeFeatureSize: 118,
  edgeFeatureSize: 65,
  convWidths: [600, 500, 400],
  heads: 3,
  headWidth: 300,
  denseWidths: [200, 200],
  outputs: [{ name: 'feff', size: 111 }],
  batchNorm: true,
};

export function validateConfig(c: NetworkConfig): void {
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const bad: string[] = [];
  if (!positive(c.nodeFeatureSize)) bad.push('nodeFeatureSize');
  if (!positive(c.edgeFeatureSize)) bad.push('edgeFeatureSize');
  if (!Array.isArray(c.convWidths) || c.convWidths.length === 0 || !c.convWidths.every(positive)) bad.push('convWidths');
  if (!positive(c.heads)) bad.push('heads');
  if (!positive(c.headWidth)) bad.push('headWidth');
  if (c.attentionSize !== undefined && !positive(c.attentionSize)) bad.push('attentionSize');
  if (c.descriptorSize !== undefined && !(Number.isInteger(c.descriptorSize) && c.descriptorSize >= 0)) bad.push('descriptorSize');
  if (c.attention !== undefined && c.attention !== 'tanh' && c.attention !== 'cosine') bad.push('attention');
  if (c.attentionTemperature !== undefined && !(typeof c.attentionTemperature === 'number' && c.attentionTemperature > 0)) bad.push('attentionTemperature');
  if (c.dropout !== undefined && !(typeof c.dropout === 'number' && c.dropout >= 0 && c.dropout < 1)) bad.push('dropout');
  if (c.transformer !== undefined) bad.push(...validateNeighbourTransformer(c.transformer));
  if (!Array.isArray(c.denseWidths) || !c.denseWidths.every(positive)) bad.push('denseWidths');
  if (!Array.isArray(c.outputs) || c.outputs.length === 0 || !c.outputs.every((o) => positive(o.size) && typeof o.name === 'string')) bad.push('outputs');
  if (bad.length) throw new Error(`invalid network config: ${bad.join(', ')}`);
}
