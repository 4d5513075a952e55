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
  if (!Array.isArray(c.denseWidths) || !c.denseWidths.every(positive)) bad.push('denseWidths');
  if (!Array.isArray(c.outputs) || c.outputs.length === 0 || !c.outputs.every((o) => positive(o.size) && typeof o.name === 'string')) bad.push('outputs');
  if (bad.length) throw new Error(`invalid network config: ${bad.join(', ')}`);
}
