// The forward pass of XanesNetwork, for training and inference alike, in factored form.
// Why it is exact: in the star graph only the absorber receives messages, so a neighbour's
// state after every layer is a function of its own input row alone (its element: the node
// features are the element's electron configuration). Each layer therefore runs on B absorber
// rows plus U ≪ B·n distinct neighbour rows; only what truly depends on the edge (edge-feature
// matmuls, attention scores) is computed per edge. Two more rewrites:
//   W_f·[x_i, x_j, x_i − x_j, e] = (W1+W3)x_i + (W2−W3)x_j + W4 e   (self-loop: (W1+W2)x_j)
//   w·(W_q x_i ⊙ W_k f) = f·(W_kᵀ(w ⊙ W_q x_i))   one [B, A]×[A, F] product instead of one per edge.
// Masked batch norm and mean pooling weight the distinct rows by how often they occur.
// First written by the trainer as a training-only pass (training/fastForward.ts); the dense
// [B, 1 + n, F] formulation it replaces survives in the tests as the reference.
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { GraphBatch } from '../graph/build';
import type { TfModule } from './backend';
import { BN_EPSILON, BN_MOMENTUM } from './batchnorm';
import { DEFAULT_ATTENTION_TEMPERATURE, smoothNorm, type NetworkConfig } from './config';
import { maybeDropout } from './dense';
import type { MatMul } from './matmul';
import type { ParamStore } from './params';
import { neighbourTransformerForward } from './neighbourTransformer';

export interface FactoredBatch {
  B: number;
  /** Neighbour slots per sample. */
  n: number;
  /** Distinct neighbour rows (elements) in the batch; at least 1 (a zero row when there is none). */
  U: number;
  absorberNodes: Float32Array; // [B, F0]
  elementNodes: Float32Array; // [U, F0]
  /** [B·n, U] one-hot of each neighbour slot's row (all zero for padding). */
  oneHot: Float32Array;
  /** [B, U] how many neighbours of each row a sample has. */
  counts: Float32Array;
  edges: Float32Array; // [B, n, E]
  neighbourMask: Float32Array; // [B, n]
  edgeSize: number;
  /** Node feature size F0 (118 for the electron-configuration encoding). */
  nodeSize?: number;
  /** [B, D] absorber descriptors, when the network takes them. */
  descriptors?: Float32Array;
  /** [B, n, 3] absorber → neighbour vectors (Å), for the neighbour transformer. */
  positions?: Float32Array;
}

function rowHash(a: Float32Array, start: number, len: number): number {
  const u = new Uint32Array(a.buffer, a.byteOffset + start * 4, len);
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ u[i], 0x01000193);
  return h >>> 0;
}

function sameRow(a: Float32Array, i: number, b: Float32Array, j: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * Factor a dense batch (batchGraphs, or dense tensors read back): neighbour rows with identical
 * node features are merged, which is what makes the factored forward exact for any input.
 * Every sample must keep its absorber (mask[b, 0] = 1), as every built graph does.
 */
export function factorGraphBatch(batch: GraphBatch): FactoredBatch {
  const { size: B, nodeCount, nodeFeatureSize: F0, edgeFeatureSize: E } = batch;
  const n = nodeCount - 1;
  const slotRow = new Int32Array(B * n).fill(-1);
  const rowsStart: number[] = [];
  const byHash = new Map<number, number[]>();
  for (let b = 0; b < B; b++) {
    if (batch.mask[b * nodeCount] !== 1) throw new Error(`factored forward: sample ${b} has no absorber (mask[${b}, 0] = ${batch.mask[b * nodeCount]})`);
    for (let k = 0; k < n; k++) {
      if (batch.mask[b * nodeCount + 1 + k] === 0) continue;
      const start = (b * nodeCount + 1 + k) * F0;
      const h = rowHash(batch.nodes, start, F0);
      const candidates = byHash.get(h) ?? [];
      let u = candidates.find((c) => sameRow(batch.nodes, rowsStart[c], batch.nodes, start, F0));
      if (u === undefined) {
        u = rowsStart.length;
        rowsStart.push(start);
        candidates.push(u);
        byHash.set(h, candidates);
      }
      slotRow[b * n + k] = u;
    }
  }
  const U = Math.max(1, rowsStart.length);
  const absorberNodes = new Float32Array(B * F0);
  const elementNodes = new Float32Array(U * F0);
  rowsStart.forEach((s, u) => elementNodes.set(batch.nodes.subarray(s, s + F0), u * F0));
  const oneHot = new Float32Array(B * n * U);
  const counts = new Float32Array(B * U);
  const neighbourMask = new Float32Array(B * n);
  for (let b = 0; b < B; b++) {
    absorberNodes.set(batch.nodes.subarray(b * nodeCount * F0, (b * nodeCount + 1) * F0), b * F0);
    for (let k = 0; k < n; k++) {
      const u = slotRow[b * n + k];
      if (u < 0) continue;
      oneHot[(b * n + k) * U + u] = 1;
      counts[b * U + u]++;
      neighbourMask[b * n + k] = 1;
    }
  }
  return {
    B, n, U, absorberNodes, elementNodes, oneHot, counts, edges: batch.edges, neighbourMask, edgeSize: E, nodeSize: F0,
    ...(batch.descriptors ? { descriptors: batch.descriptors } : {}),
    ...(batch.positions ? { positions: batch.positions } : {}),
  };
}

interface ConvWeights {
  edgeKernel: Tensor2D;
  edgeBias: Tensor;
  /** 1 + ELU(b_e): the self-loop gate (zero edge attributes) plus the node itself. */
  selfGate: Tensor;
  updateKernel: Tensor2D;
  updateBias: Tensor;
  /** Batch-norm parameter prefix in training mode; folded into update* at inference. */
  bn?: string;
}

interface HeadWeights {
  centre: Tensor2D; // W1 + W3
  neighbour: Tensor2D; // W2 − W3
  self: Tensor2D; // W1 + W2
  fromEdge: Tensor2D; // W4
  edgeBias: Tensor;
  query: Tensor2D;
  keyT: Tensor2D;
  score: Tensor;
  updateKernel: Tensor2D;
  updateBias: Tensor;
  bn?: string;
}

export interface DerivedWeights {
  convs: ConvWeights[];
  heads: HeadWeights[];
}

/**
 * Combined weight matrices. Training derives them inside the gradient tape on every step (the
 * variables change); inference folds batch norm (running statistics) into the update layers
 * too, and DerivedWeightCache keeps the result until a variable is reassigned.
 */
export function deriveWeights(tf: TfModule, params: ParamStore, config: NetworkConfig, training: boolean): DerivedWeights {
  const p = (name: string): Tensor => params.get(name);
  const useBn = config.batchNorm !== false;
  const update = (name: string, bn: string): { updateKernel: Tensor2D; updateBias: Tensor; bn?: string } => {
    const kernel = p(`${name}.update.kernel`) as Tensor2D;
    const bias = p(`${name}.update.bias`);
    if (!useBn) return { updateKernel: kernel, updateBias: bias };
    if (training) return { updateKernel: kernel, updateBias: bias, bn };
    const scale = tf.mul(p(`${bn}.gamma`), tf.rsqrt(tf.add(p(`${bn}.movingVariance`), BN_EPSILON)));
    return {
      updateKernel: tf.mul(kernel, scale) as Tensor2D,
      updateBias: tf.add(tf.mul(tf.sub(bias, p(`${bn}.movingMean`)), scale), p(`${bn}.beta`)),
    };
  };
  const convs = config.convWidths.map((_, i): ConvWeights => {
    const name = `conv${i}`;
    const edgeBias = p(`${name}.edge.bias`);
    return {
      edgeKernel: p(`${name}.edge.kernel`) as Tensor2D, edgeBias,
      selfGate: tf.add(tf.elu(edgeBias), 1),
      ...update(name, `${name}.bn`),
    };
  });
  const E = config.edgeFeatureSize;
  const F = config.convWidths.length ? config.convWidths[config.convWidths.length - 1] : config.nodeFeatureSize;
  const heads: HeadWeights[] = [];
  for (let h = 0; h < config.heads; h++) {
    const name = `head${h}`;
    const W = p(`${name}.edge.kernel`);
    const block = (k: number): Tensor => tf.slice(W, [k * F, 0], [F, F]);
    const [w1, w2, w3] = [block(0), block(1), block(2)];
    heads.push({
      centre: tf.add(w1, w3) as Tensor2D,
      neighbour: tf.sub(w2, w3) as Tensor2D,
      self: tf.add(w1, w2) as Tensor2D,
      fromEdge: tf.slice(W, [3 * F, 0], [E, F]) as Tensor2D,
      edgeBias: p(`${name}.edge.bias`),
      query: p(`${name}.query.kernel`) as Tensor2D,
      keyT: tf.transpose(p(`${name}.key.kernel`)) as Tensor2D,
      score: p(`${name}.score`),
      ...update(name, `${name}.bn`),
    });
  }
  return { convs, heads };
}

function derivedTensors(d: DerivedWeights): Tensor[] {
  return [...d.convs.flatMap((c) => [c.edgeKernel, c.edgeBias, c.selfGate, c.updateKernel, c.updateBias]),
    ...d.heads.flatMap((h) => [h.centre, h.neighbour, h.self, h.fromEdge, h.edgeBias, h.query, h.keyT, h.score, h.updateKernel, h.updateBias])];
}

/** Inference weights derived once per weight load: rebuilt only when a variable was reassigned. */
export class DerivedWeightCache {
  private derived?: DerivedWeights;
  private owned: Tensor[] = [];
  private stamp: object[] = [];

  constructor(private readonly tf: TfModule, private readonly params: ParamStore, private readonly config: NetworkConfig) {}

  get(): DerivedWeights {
    const ids = [...this.params.variables.values()].map((v) => v.dataId);
    if (this.derived && ids.length === this.stamp.length && ids.every((id, i) => id === this.stamp[i])) return this.derived;
    this.dispose();
    const variables = new Set<Tensor>(this.params.variables.values());
    let derived: DerivedWeights | undefined;
    this.tf.tidy(() => {
      derived = deriveWeights(this.tf, this.params, this.config, false);
      // Keep the new tensors out of this tidy (and any caller's), never the variables themselves.
      for (const t of derivedTensors(derived)) if (!variables.has(t)) this.tf.keep(t);
    });
    if (!derived) throw new Error('deriveWeights returned nothing');
    this.owned = derivedTensors(derived).filter((t) => !variables.has(t));
    this.derived = derived;
    this.stamp = ids;
    return derived;
  }

  dispose(): void {
    for (const t of new Set(this.owned)) t.dispose();
    this.owned = [];
    this.derived = undefined;
    this.stamp = [];
  }
}

export interface FactoredResult {
  /** One [B, size] tensor per output head. */
  outputs: Tensor2D[];
  /** [B, heads, n]: softmax over each sample's real neighbours, padding exactly 0. */
  attention: Tensor3D;
  /** With a neighbour transformer: its last layer's absorber-query weights [B, H, 1 + n] (neighbourTransformer.ts). */
  tokenAttention?: Tensor3D;
}

interface Rows {
  /** [B, F] absorber states. */
  a: Tensor2D;
  /** [U, F] distinct neighbour states. */
  u: Tensor2D;
}

export interface FactoredContext {
  tf: TfModule;
  params: ParamStore;
  config: NetworkConfig;
  matMul: MatMul;
  /** Seed of this training forward's dropout masks (config.dropout); ignored at inference. */
  dropoutSeed?: number;
}

/**
 * Call inside tf.tidy. Training: masked batch statistics, running averages moved as in the
 * dense formulation; inference: `derived` from DerivedWeightCache (batch norm folded).
 */
export function factoredForward(
  ctx: FactoredContext, fb: FactoredBatch, training: boolean, derived?: DerivedWeights,
): FactoredResult {
  const { tf, params, config: cfg, matMul } = ctx;
  const w = derived ?? deriveWeights(tf, params, cfg, training);
  const { B, n, U, edgeSize: E } = fb;
  const F0 = fb.nodeSize ?? cfg.nodeFeatureSize;
  const oneHot = tf.tensor2d(fb.oneHot, [B * n, U]);
  const counts = tf.tensor2d(fb.counts, [B, U]);
  const edges2 = tf.tensor2d(fb.edges, [B * n, E]);
  const nmask = tf.tensor2d(fb.neighbourMask, [B, n]);
  // Batch statistics need the node counts; inference (folded batch norm) never builds them.
  let stats: { elementCount: Tensor2D; total: Tensor } | undefined;
  const counted = (): { elementCount: Tensor2D; total: Tensor } =>
    (stats ??= { elementCount: tf.sum(counts, 0, true) as Tensor2D, total: tf.add(tf.sum(counts), B) });
  const lin = (x: Tensor2D, k: Tensor2D, b: Tensor): Tensor2D => tf.add(matMul(x, k), b) as Tensor2D;
  /** Per-slot rows [B, n, F] from distinct-row states. */
  const spread = (u: Tensor2D): Tensor3D => tf.reshape(matMul(oneHot, u), [B, n, u.shape[1]]) as Tensor3D;
  const batchNorm = (r: Rows, name: string | undefined): Rows => {
    if (!training || name === undefined) return r;
    const { elementCount, total } = counted();
    const mean = tf.div(tf.add(tf.sum(r.a, 0, true), matMul(elementCount, r.u)), total);
    const da = tf.sub(r.a, mean);
    const du = tf.sub(r.u, mean);
    const variance = tf.div(tf.add(tf.sum(tf.square(da), 0, true), matMul(elementCount, tf.square(du) as Tensor2D)), total);
    // assign is not recorded by the gradient tape, and the running averages are only read at
    // inference, so no gradient flows through them.
    const mm = params.get(`${name}.movingMean`);
    const mv = params.get(`${name}.movingVariance`);
    mm.assign(tf.add(tf.mul(mm, BN_MOMENTUM), tf.mul(tf.reshape(mean, mm.shape), 1 - BN_MOMENTUM)));
    mv.assign(tf.add(tf.mul(mv, BN_MOMENTUM), tf.mul(tf.reshape(variance, mv.shape), 1 - BN_MOMENTUM)));
    const scale = tf.mul(params.get(`${name}.gamma`), tf.rsqrt(tf.add(variance, BN_EPSILON)));
    const beta = params.get(`${name}.beta`);
    return { a: tf.add(tf.mul(da, scale), beta) as Tensor2D, u: tf.add(tf.mul(du, scale), beta) as Tensor2D };
  };

  const inputRows: Rows = { a: tf.tensor2d(fb.absorberNodes, [B, F0]), u: tf.tensor2d(fb.elementNodes, [U, F0]) };
  let x = inputRows;
  // As in the paper's reference code there is no activation between layers: the ELU gates of
  // the messages are the non-linearity, batch norm keeps the scale in check.
  for (const c of w.convs) {
    const F = x.a.shape[1];
    const gate = tf.reshape(tf.elu(lin(edges2, c.edgeKernel, c.edgeBias)), [B, n, F]);
    // Padding slots have an all-zero one-hot row, so their spread rows are exactly 0: no mask needed.
    const incoming = tf.sum(tf.mul(gate, spread(x.u)), 1) as Tensor2D;
    const a = lin(tf.add(tf.mul(x.a, c.selfGate), incoming) as Tensor2D, c.updateKernel, c.updateBias);
    const u = lin(tf.mul(x.u, c.selfGate) as Tensor2D, c.updateKernel, c.updateBias);
    x = batchNorm({ a, u }, c.bn);
  }

  const heads: Rows[] = [];
  const weights: Tensor2D[] = [];
  // A graph without neighbours gets all-zero weights: its denominator is set to 1 (not clamped
  // to a tiny number, whose square underflows and turns the gradient into 0/0 = NaN).
  const isolated = tf.sub(1, tf.minimum(tf.sum(nmask, 1, true), 1));
  const cosine = cfg.attention === 'cosine';
  const temperature = cfg.attentionTemperature ?? DEFAULT_ATTENTION_TEMPERATURE;
  for (const h of w.heads) {
    const F = x.a.shape[1];
    const fromEdges = tf.reshape(matMul(edges2, h.fromEdge), [B, n, F]);
    const centre = tf.expandDims(matMul(x.a, h.centre), 1);
    const f = tf.elu(tf.add(tf.add(tf.add(centre, spread(matMul(x.u, h.neighbour))), fromEdges), h.edgeBias)) as Tensor3D;
    // Neighbour nodes only have their self-loop: attention weight 1, message f_jj.
    const fSelf = tf.elu(tf.add(matMul(x.u, h.self), h.edgeBias)) as Tensor2D;
    const A = h.score.shape[0] as number;
    const q = matMul(x.a, h.query); // [B, A]
    const v = matMul(tf.mul(q, h.score) as Tensor2D, h.keyT); // [B, F]
    const dot = tf.sum(tf.mul(f, tf.expandDims(v, 1)), 2); // [B, n]
    // True softmax over real neighbours (the reference code's exp(a)/exp(Σa) is not one).
    // Both scores are bounded (tanh: (−1, 1); cosine: [−τ, τ]), so exp cannot overflow and no
    // max-subtraction is needed; masking after exp makes padding exactly 0.
    const a = cosine
      ? tf.mul(tf.div(dot, tf.mul(smoothNorm(tf, f, 2), smoothNorm(tf, v, 1, true))), temperature)
      : tf.tanh(tf.div(dot, Math.sqrt(A)));
    const e = tf.mul(tf.exp(a), nmask);
    const s = tf.div(e, tf.add(tf.sum(e, 1, true), isolated)) as Tensor2D;
    weights.push(s);
    const z = tf.sum(tf.mul(tf.expandDims(s, 2), f), 1) as Tensor2D;
    const outA = lin(tf.add(x.a, z) as Tensor2D, h.updateKernel, h.updateBias);
    const outU = lin(tf.add(x.u, fSelf) as Tensor2D, h.updateKernel, h.updateBias);
    heads.push(batchNorm({ a: outA, u: outU }, h.bn));
  }
  const catA = heads.length === 1 ? heads[0].a : tf.concat(heads.map((r) => r.a), 1) as Tensor2D;
  const catU = heads.length === 1 ? heads[0].u : tf.concat(heads.map((r) => r.u), 1) as Tensor2D;
  // Masked mean over the absorber and its real neighbours: (a_b + Σ_u c_bu u_u) / (1 + n_b).
  const nodesPerSample = tf.add(tf.sum(counts, 1, true), 1);
  let pooled = tf.div(tf.add(catA, matMul(counts, catU)), nodesPerSample) as Tensor2D;
  const D = cfg.descriptorSize ?? 0;
  if (D > 0) {
    if (!fb.descriptors || fb.descriptors.length !== B * D) throw new Error(`the network needs an absorber descriptor of length ${D} for each of the ${B} graphs`);
    const d = tf.div(tf.sub(tf.tensor2d(fb.descriptors, [B, D]), params.get('descriptor.mean')), params.get('descriptor.std'));
    pooled = tf.concat([pooled, d], 1) as Tensor2D;
  }
  let tokenAttention: Tensor3D | undefined;
  if (cfg.transformer) {
    if (!fb.positions || fb.positions.length !== B * n * 3) throw new Error(`the network's neighbour transformer needs the absorber → neighbour vectors of each of the ${B} graphs`);
    const t = neighbourTransformerForward(tf, params, matMul, cfg.transformer, {
      B, n, U, absorberNodes: inputRows.a, elementNodes: inputRows.u,
      oneHot, edges: edges2, neighbourMask: nmask, neighbourMaskValues: fb.neighbourMask, positions: fb.positions,
    });
    pooled = tf.concat([pooled, t.pooled], 1) as Tensor2D;
    tokenAttention = t.absorberAttention;
  }
  cfg.denseWidths.forEach((_, i) => {
    pooled = tf.prelu(lin(pooled, params.get(`dense${i}.kernel`) as Tensor2D, params.get(`dense${i}.bias`)), params.get(`dense${i}.alpha`) as Tensor) as Tensor2D;
    if (training) pooled = maybeDropout(tf, pooled, cfg.dropout ?? 0, ctx.dropoutSeed === undefined ? undefined : ctx.dropoutSeed + i) as Tensor2D;
  });
  const outputs = cfg.outputs.map((_, i) => lin(pooled, params.get(`output${i}.kernel`) as Tensor2D, params.get(`output${i}.bias`)));
  return { outputs, attention: tf.stack(weights, 1) as Tensor3D, ...(tokenAttention ? { tokenAttention } : {}) };
}

