// A pathway that lets the absorber's neighbours see each other. In the star graph of paper 000
// a neighbour's state depends on its element alone and the absorber hears each neighbour through
// one gated message, so what the network knows about three or more atoms at once is only what
// the fixed angular features (graph/angular.ts) summarise. Multiple scattering — which shapes the
// edge and white line, where most of the remaining error sits — runs over paths through several
// neighbours. Here the absorber and its neighbours are tokens of a small transformer whose
// attention logits carry a learned bias from every pair's distance, so each token's state comes to
// depend on where the others are. The absorber's final token and the mean of all real tokens join
// the pooled graph state before the dense layers.
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { TfModule } from './backend';
import type { MatMul } from './matmul';
import type { ParamStore } from './params';
import { linearGaussianRbf } from '../graph/rbf';

export interface NeighbourTransformerConfig {
  /** Transformer layers (self-attention + feed-forward, pre-norm). */
  layers: number;
  /** Token width W; must divide by heads. */
  width: number;
  heads: number;
  /** Gaussians of the pair-distance bias, evenly spaced over [0, cutoff] as the edges' linear RBFs. */
  pairRbf: number;
  /** Pairs beyond this distance (Å) get no bias (smooth cutoff). */
  cutoff: number;
  /**
   * Only the nearest this many neighbours become tokens (all when absent): the multiple
   * scattering that shapes the edge runs mostly through the first shells, and the cost of the
   * pathway grows with the square of the token count.
   */
  tokens?: number;
  /**
   * Messages also carry the pair's geometry: token j adds Σ_k a_jk·(pair features of j,k)·U per
   * head. The bias alone only decides whom j listens to; what j hears is then the others'
   * content with no word of how far they sit from j, so a neighbour could not learn its own
   * surroundings (absent = false).
   */
  pairValues?: boolean;
  /**
   * Gaussians of each pair's half scattering-path length (r_j + d_jk + r_k)/2 beside the
   * distance ones (absent = 0). The distance alone cannot tell a pair on the far side of the
   * absorber from one beside it; the length of the triangle absorber → j → k → absorber can, and
   * it is the quantity multiple-scattering paths are ordered by.
   */
  pathRbf?: number;
}

/** Pair feature width: distance Gaussians, then the path-length ones. */
export function pairFeatureSize(c: NeighbourTransformerConfig): number {
  return c.pairRbf + (c.pathRbf ?? 0);
}

/** Width of what the pathway adds to the pooled state: absorber token + mean token. */
export function neighbourTransformerOutputSize(c: NeighbourTransformerConfig): number {
  return 2 * c.width;
}

export function validateNeighbourTransformer(c: NeighbourTransformerConfig): string[] {
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const bad: string[] = [];
  if (!positive(c.layers)) bad.push('transformer.layers');
  if (!positive(c.width)) bad.push('transformer.width');
  if (!positive(c.heads) || c.width % c.heads !== 0) bad.push('transformer.heads (must divide width)');
  if (!positive(c.pairRbf)) bad.push('transformer.pairRbf');
  if (!(typeof c.cutoff === 'number' && c.cutoff > 0)) bad.push('transformer.cutoff');
  if (c.tokens !== undefined && !positive(c.tokens)) bad.push('transformer.tokens');
  if (c.pairValues !== undefined && typeof c.pairValues !== 'boolean') bad.push('transformer.pairValues');
  if (c.pathRbf !== undefined && !positive(c.pathRbf)) bad.push('transformer.pathRbf');
  return bad;
}

const PREFIX = 'nbt';

/** Registers the pathway's parameters (glorot kernels, zero biases, unit layer-norm gains). */
export function createNeighbourTransformer(
  params: ParamStore, c: NeighbourTransformerConfig, nodeFeatureSize: number, edgeFeatureSize: number,
): void {
  const W = c.width;
  const P = pairFeatureSize(c);
  params.create(`${PREFIX}.absorber.kernel`, [nodeFeatureSize, W], 'glorot');
  params.create(`${PREFIX}.node.kernel`, [nodeFeatureSize, W], 'glorot');
  params.create(`${PREFIX}.edge.kernel`, [edgeFeatureSize, W], 'glorot');
  params.create(`${PREFIX}.token.bias`, [W], 'zeros');
  for (let l = 0; l < c.layers; l++) {
    const p = `${PREFIX}${l}`;
    params.create(`${p}.ln1.gamma`, [W], 'ones');
    params.create(`${p}.ln1.beta`, [W], 'zeros');
    params.create(`${p}.qkv.kernel`, [W, 3 * W], 'glorot');
    params.create(`${p}.qkv.bias`, [3 * W], 'zeros');
    // Zero start: the pair bias begins neutral and grows only where distances help.
    params.create(`${p}.pair.kernel`, [P, c.heads], 'zeros');
    if (c.pairValues) params.create(`${p}.pairValue.kernel`, [c.heads * P, W], 'zeros');
    params.create(`${p}.out.kernel`, [W, W], 'glorot');
    params.create(`${p}.out.bias`, [W], 'zeros');
    params.create(`${p}.ln2.gamma`, [W], 'ones');
    params.create(`${p}.ln2.beta`, [W], 'zeros');
    params.create(`${p}.ffn1.kernel`, [W, 2 * W], 'glorot');
    params.create(`${p}.ffn1.bias`, [2 * W], 'zeros');
    params.create(`${p}.ffn2.kernel`, [2 * W, W], 'glorot');
    params.create(`${p}.ffn2.bias`, [W], 'zeros');
  }
  params.create(`${PREFIX}.ln.gamma`, [W], 'ones');
  params.create(`${PREFIX}.ln.beta`, [W], 'zeros');
}

export interface NeighbourTransformerInputs {
  B: number;
  n: number;
  U: number;
  absorberNodes: Tensor2D; // [B, F0]
  elementNodes: Tensor2D; // [U, F0]
  oneHot: Tensor2D; // [B·n, U]
  edges: Tensor2D; // [B·n, E]
  neighbourMask: Tensor2D; // [B, n]
  /** The same mask as plain numbers, for the pair features. */
  neighbourMaskValues: Float32Array;
  /** [B, n, 3] absorber → neighbour vectors (Å); all zero where a record has no coordinates. */
  positions: Float32Array;
}

const LN_EPSILON = 1e-5;
/** Added to the logits of padding keys: exp(−1e4) is exactly 0 in float32. */
const MASKED_LOGIT = -1e4;

/**
 * Pair features [B·T·T, P + Q] from positions: the edges' evenly spaced Gaussians
 * (graph/rbf.ts linearGaussianRbf, with its smooth cutoff) of each pair's distance, then Q of its
 * half path length (r_j + d_jk + r_k)/2 on the same [0, cutoff]; zero on the diagonal, for padding
 * and for atoms without coordinates. Plain numbers (no gradient needed), so computed on the CPU
 * side once per batch.
 */
export function pairFeatures(
  positions: ArrayLike<number>, mask: ArrayLike<number>, B: number, n: number, P: number, cutoff: number, Q = 0,
): Float32Array {
  const T = n + 1;
  const width = P + Q;
  const out = new Float32Array(B * T * T * width);
  const r = new Float64Array(T);
  const xyz = new Float64Array(T * 3);
  const ok = new Uint8Array(T);
  for (let b = 0; b < B; b++) {
    ok[0] = 1; // the absorber sits at the origin
    xyz[0] = xyz[1] = xyz[2] = 0;
    for (let j = 0; j < n; j++) {
      const at = (b * n + j) * 3;
      const x = positions[at], y = positions[at + 1], z = positions[at + 2];
      xyz[3 * (j + 1)] = x;
      xyz[3 * (j + 1) + 1] = y;
      xyz[3 * (j + 1) + 2] = z;
      r[j + 1] = Math.sqrt(x * x + y * y + z * z);
      ok[j + 1] = mask[b * n + j] > 0 && x * x + y * y + z * z > 1e-12 ? 1 : 0;
    }
    // Each pair once: (k, j) is a copy of (j, k), bit for bit (the distance is the same sum).
    for (let j = 0; j < T; j++) {
      if (!ok[j]) continue;
      for (let k = j + 1; k < T; k++) {
        if (!ok[k]) continue;
        const dx = xyz[3 * j] - xyz[3 * k], dy = xyz[3 * j + 1] - xyz[3 * k + 1], dz = xyz[3 * j + 2] - xyz[3 * k + 2];
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        // The half path is never shorter than d (triangle inequality), so it is cut here too.
        if (d >= cutoff) continue;
        const at = ((b * T + j) * T + k) * width;
        linearGaussianRbf(d, P, cutoff, out, at);
        if (Q > 0) linearGaussianRbf((r[j] + d + r[k]) / 2, Q, cutoff, out, at + P);
        out.copyWithin(((b * T + k) * T + j) * width, at, at + width);
      }
    }
  }
  return out;
}

/** The first k of every sample's n slots of `width` numbers each. */
function pickSlots(values: ArrayLike<number>, B: number, n: number, k: number, width: number): Float32Array {
  const out = new Float32Array(B * k * width);
  for (let b = 0; b < B; b++) {
    for (let q = 0; q < k * width; q++) out[b * k * width + q] = values[b * n * width + q];
  }
  return out;
}

export interface NeighbourTransformerResult {
  /** [B, 2W]: the absorber's final token and the masked mean token. */
  pooled: Tensor2D;
  /**
   * [B, H, 1 + x.n]: in the last layer, the softmax weights of the absorber's query over itself
   * (index 0) and each neighbour slot; 0 for padding and for slots beyond `tokens`. The last
   * layer because its absorber row is what the pooled absorber token is mixed from.
   */
  absorberAttention: Tensor3D;
}

/** Call inside tf.tidy. */
export function neighbourTransformerForward(
  tf: TfModule, params: ParamStore, matMul: MatMul, c: NeighbourTransformerConfig, x: NeighbourTransformerInputs,
): NeighbourTransformerResult {
  const { B } = x;
  // Neighbour slots are sorted by distance, so the nearest K are the first K.
  const n = Math.min(x.n, c.tokens ?? x.n);
  const T = n + 1;
  const first = <R extends Tensor>(t: Tensor, width: number): R => (n === x.n ? t : tf.reshape(tf.slice(tf.reshape(t, [B, x.n, width]), [0, 0, 0], [B, n, width]), [B * n, width])) as R;
  const oneHot = first<Tensor2D>(x.oneHot, x.U);
  const edges = first<Tensor2D>(x.edges, x.edges.shape[1]);
  const neighbourMask = n === x.n ? x.neighbourMask : tf.slice(x.neighbourMask, [0, 0], [B, n]) as Tensor2D;
  const maskValues = n === x.n ? x.neighbourMaskValues : pickSlots(x.neighbourMaskValues, B, x.n, n, 1);
  const positions = n === x.n ? x.positions : pickSlots(x.positions, B, x.n, n, 3);
  const W = c.width;
  const H = c.heads;
  const d = W / H;
  const p = (name: string): Tensor => params.get(name);
  const lin = (v: Tensor2D, name: string): Tensor2D => tf.add(matMul(v, p(`${name}.kernel`) as Tensor2D), p(`${name}.bias`)) as Tensor2D;
  const layerNorm = (v: Tensor2D, name: string): Tensor2D => {
    const { mean, variance } = tf.moments(v, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(v, mean), tf.sqrt(tf.add(variance, LN_EPSILON))), p(`${name}.gamma`)), p(`${name}.beta`)) as Tensor2D;
  };

  // Tokens: the absorber from its element; each neighbour from its element and its edge features.
  const absorber = tf.add(matMul(x.absorberNodes, p(`${PREFIX}.absorber.kernel`) as Tensor2D), p(`${PREFIX}.token.bias`));
  const elementRows = matMul(x.elementNodes, p(`${PREFIX}.node.kernel`) as Tensor2D); // [U, W]
  const neighbours = tf.add(tf.add(matMul(oneHot, elementRows), matMul(edges, p(`${PREFIX}.edge.kernel`) as Tensor2D)), p(`${PREFIX}.token.bias`));
  let h = tf.reshape(tf.concat([tf.reshape(absorber, [B, 1, W]), tf.reshape(neighbours, [B, n, W])], 1), [B * T, W]) as Tensor2D;

  const tokenMask = tf.concat([tf.ones([B, 1]), neighbourMask], 1) as Tensor2D; // [B, T]
  const keyBias = tf.reshape(tf.mul(tf.sub(1, tokenMask), MASKED_LOGIT), [B, 1, 1, T]);
  const P = pairFeatureSize(c);
  const pairs = tf.tensor2d(pairFeatures(positions, maskValues, B, n, c.pairRbf, c.cutoff, c.pathRbf ?? 0), [B * T * T, P]);
  // Every layer's pair bias in one product: the [B·T·T, P] pair matrix is the largest operand here.
  const pairKernels = tf.concat(Array.from({ length: c.layers }, (_, l) => p(`${PREFIX}${l}.pair.kernel`)), 1) as Tensor2D;
  const biases = tf.split(tf.transpose(tf.reshape(matMul(pairs, pairKernels), [B, T, T, c.layers * H]), [0, 3, 1, 2]), c.layers, 1); // each [B, H, T, T]

  // [B·T, T, P]: row j holds the pair features of j with every token, for the pair-value messages.
  const pairRows = c.pairValues ? tf.reshape(pairs, [B * T, T, P]) as Tensor3D : undefined;
  let absorberRow: Tensor3D | undefined;
  for (let l = 0; l < c.layers; l++) {
    const name = `${PREFIX}${l}`;
    const qkv = tf.transpose(tf.reshape(lin(layerNorm(h, `${name}.ln1`), `${name}.qkv`), [B, T, 3 * H, d]), [0, 2, 1, 3]); // [B, 3H, T, d]
    const [q, k, v] = tf.split(qkv, 3, 1).map((t) => tf.reshape(t, [B * H, T, d]) as Tensor3D);
    const logits = tf.add(tf.add(tf.reshape(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), [B, H, T, T]), biases[l]), keyBias);
    const attn = tf.reshape(tf.softmax(logits), [B * H, T, T]) as Tensor3D;
    if (l === c.layers - 1) absorberRow = tf.reshape(tf.slice(attn, [0, 0, 0], [B * H, 1, T]), [B, H, T]) as Tensor3D;
    let heads = tf.reshape(tf.transpose(tf.reshape(tf.matMul(attn, v), [B, H, T, d]), [0, 2, 1, 3]), [B * T, W]) as Tensor2D;
    if (pairRows) {
      const byQuery = tf.reshape(tf.transpose(tf.reshape(attn, [B, H, T, T]), [0, 2, 1, 3]), [B * T, H, T]) as Tensor3D;
      const heard = tf.reshape(tf.matMul(byQuery, pairRows), [B * T, H * P]) as Tensor2D; // Σ_k a_hjk·e_jk
      heads = tf.add(heads, matMul(heard, p(`${name}.pairValue.kernel`) as Tensor2D)) as Tensor2D;
    }
    h = tf.add(h, lin(heads, `${name}.out`)) as Tensor2D;
    const hidden = lin(layerNorm(h, `${name}.ln2`), `${name}.ffn1`);
    h = tf.add(h, lin(tf.mul(hidden, tf.sigmoid(hidden)) as Tensor2D, `${name}.ffn2`)) as Tensor2D;
  }
  const out = tf.reshape(layerNorm(h, `${PREFIX}.ln`), [B, T, W]) as Tensor3D;
  const absorberOut = tf.reshape(tf.slice(out, [0, 0, 0], [B, 1, W]), [B, W]);
  const weights = tf.expandDims(tokenMask, 2);
  const mean = tf.div(tf.sum(tf.mul(out, weights), 1), tf.sum(weights, 1));
  const pooled = tf.concat([absorberOut, mean], 1) as Tensor2D;
  // Slots beyond `tokens` were never tokens: they get weight 0, so the row keeps one slot per neighbour.
  const row = absorberRow as Tensor3D;
  const absorberAttention = n === x.n ? row : tf.concat([row, tf.zeros([B, H, x.n - n])], 2) as Tensor3D;
  return { pooled, absorberAttention };
}
