// A training-time forward pass of XanesNetwork that computes exactly the same function with far
// less work, using the same parameters (by name), so the trained weights load unchanged into
// the network's own forward (which evaluation and inference use).
// Why it is exact: in the star graph only the absorber receives messages, so a neighbour's
// state after every layer is a function of its element alone (plus the batch-norm statistics).
// Each layer therefore runs on B absorber rows plus U ≪ B·20 element rows; per-edge work is
// what truly depends on the edge (the edge-feature matmuls, the attention scores). Two more
// rewrites: W_f·[x_i, x_j, x_i − x_j, e] = (W1+W3)x_i + (W2−W3)x_j + W4 e, and the attention
// score w·(W_q x_i ⊙ W_k f) = f·(W_kᵀ(w ⊙ W_q x_i)), which replaces a per-edge matmul by a
// per-sample one. Masked batch norm and mean pooling weight element rows by their counts.
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';
import { BN_EPSILON, BN_MOMENTUM } from '../model/batchnorm';
import type { MatMul } from '../model/matmul';
import type { XanesNetwork } from '../model/network';
import { electronFeatures, NODE_FEATURE_SIZE } from '../graph/features';
import type { TensorizedSet } from '../data/tensorize';
import { writeEdge } from './gnnInputs';

export interface FactoredBatch {
  B: number;
  /** Neighbour slots per sample. */
  n: number;
  /** Distinct neighbour elements in the batch. */
  U: number;
  absorberNodes: Float32Array; // [B, 118]
  elementNodes: Float32Array; // [U, 118]
  /** [B·n, U] one-hot of each neighbour slot's element (all zero for padding). */
  oneHot: Float32Array;
  /** [B, U] how many neighbours of each element a sample has. */
  counts: Float32Array;
  edges: Float32Array; // [B, n, E]
  neighbourMask: Float32Array; // [B, n]
  edgeSize: number;
}

export function factoredBatch(set: TensorizedSet, indices: readonly number[]): FactoredBatch {
  const o = set.graphOptions;
  const n = o.maxNeighbours;
  const N = set.maxNeighbours;
  const E = 1 + o.rbfCount;
  const B = indices.length;
  const slot = new Map<number, number>();
  for (const s of indices) {
    for (let k = 0; k < Math.min(n, N); k++) {
      const z = set.neighbourZ[s * N + k];
      if (z !== 0 && !slot.has(z)) slot.set(z, slot.size);
    }
  }
  const U = Math.max(1, slot.size);
  const absorberNodes = new Float32Array(B * NODE_FEATURE_SIZE);
  const elementNodes = new Float32Array(U * NODE_FEATURE_SIZE);
  for (const [z, u] of slot) elementNodes.set(electronFeatures(z), u * NODE_FEATURE_SIZE);
  const oneHot = new Float32Array(B * n * U);
  const counts = new Float32Array(B * U);
  const edges = new Float32Array(B * n * E);
  const neighbourMask = new Float32Array(B * n);
  const rbf = new Float32Array(o.rbfCount);
  indices.forEach((s, b) => {
    absorberNodes.set(electronFeatures(set.absorberZ[s]), b * NODE_FEATURE_SIZE);
    for (let k = 0; k < n; k++) {
      const z = writeEdge(set, s, k, edges, (b * n + k) * E, rbf);
      if (z === 0) continue;
      const u = slot.get(z) as number;
      oneHot[(b * n + k) * U + u] = 1;
      counts[b * U + u]++;
      neighbourMask[b * n + k] = 1;
    }
  });
  return { B, n, U, absorberNodes, elementNodes, oneHot, counts, edges, neighbourMask, edgeSize: E };
}

interface Rows {
  /** [B, F] absorber states. */
  a: Tensor2D;
  /** [U, F] element states. */
  u: Tensor2D;
}

/** Forward in training mode (batch statistics; running averages updated like the network's). */
export function fastTrainingForward(net: XanesNetwork, fb: FactoredBatch, matMul: MatMul): Tensor2D[] {
  const tf: TfModule = net.tf;
  const p = (name: string): Tensor => net.params.get(name);
  const has = (name: string): boolean => net.params.variables.has(name);
  const { B, n, U, edgeSize: E } = fb;
  const oneHot = tf.tensor2d(fb.oneHot, [B * n, U]);
  const counts = tf.tensor2d(fb.counts, [B, U]);
  const edges2 = tf.tensor2d(fb.edges, [B * n, E]);
  const nmask = tf.tensor2d(fb.neighbourMask, [B, n]);
  const elementCount = tf.sum(counts, 0, true); // [1, U]
  const total = tf.maximum(tf.add(tf.sum(counts), B), 1);
  const lin = (x: Tensor2D, name: string, bias = true): Tensor2D => {
    const y = matMul(x, p(`${name}.kernel`) as Tensor2D);
    return (bias ? tf.add(y, p(`${name}.bias`)) : y) as Tensor2D;
  };
  /** Per-slot element rows [B, n, F] from element states. */
  const spread = (u: Tensor2D): Tensor3D => tf.reshape(matMul(oneHot, u), [B, n, u.shape[1]]) as Tensor3D;
  const batchNorm = (r: Rows, name: string): Rows => {
    if (!has(`${name}.gamma`)) return r;
    const mean = tf.div(tf.add(tf.sum(r.a, 0, true), matMul(elementCount as Tensor2D, r.u)), total);
    const da = tf.sub(r.a, mean);
    const du = tf.sub(r.u, mean);
    const variance = tf.div(tf.add(tf.sum(tf.square(da), 0, true), matMul(elementCount as Tensor2D, tf.square(du) as Tensor2D)), total);
    const mm = net.params.get(`${name}.movingMean`);
    const mv = net.params.get(`${name}.movingVariance`);
    mm.assign(tf.add(tf.mul(mm, BN_MOMENTUM), tf.mul(tf.reshape(mean, mm.shape), 1 - BN_MOMENTUM)));
    mv.assign(tf.add(tf.mul(mv, BN_MOMENTUM), tf.mul(tf.reshape(variance, mv.shape), 1 - BN_MOMENTUM)));
    const scale = tf.mul(p(`${name}.gamma`), tf.rsqrt(tf.add(variance, BN_EPSILON)));
    const beta = p(`${name}.beta`);
    return { a: tf.add(tf.mul(da, scale), beta) as Tensor2D, u: tf.add(tf.mul(du, scale), beta) as Tensor2D };
  };
  let x: Rows = { a: tf.tensor2d(fb.absorberNodes, [B, NODE_FEATURE_SIZE]), u: tf.tensor2d(fb.elementNodes, [U, NODE_FEATURE_SIZE]) };
  const cfg = net.config;
  cfg.convWidths.forEach((_, i) => {
    const name = `conv${i}`;
    const F = x.a.shape[1];
    const gate = tf.reshape(tf.elu(lin(edges2, `${name}.edge`)), [B, n, F]);
    const selfGate = tf.add(tf.elu(p(`${name}.edge.bias`)), 1);
    const incoming = tf.sum(tf.mul(tf.mul(gate, spread(x.u)), tf.expandDims(nmask, 2)), 1) as Tensor2D;
    const a = lin(tf.add(tf.mul(x.a, selfGate), incoming) as Tensor2D, `${name}.update`);
    const u = lin(tf.mul(x.u, selfGate) as Tensor2D, `${name}.update`);
    x = batchNorm({ a, u }, `${name}.bn`);
  });
  const heads: Rows[] = [];
  for (let h = 0; h < cfg.heads; h++) {
    const name = `head${h}`;
    const F = x.a.shape[1];
    const W = p(`${name}.edge.kernel`);
    const block = (k: number): Tensor => tf.slice(W, [k * F, 0], [F, F]);
    const [w1, w2, w3] = [block(0), block(1), block(2)];
    const w4 = tf.slice(W, [3 * F, 0], [E, F]) as Tensor2D;
    const bias = p(`${name}.edge.bias`);
    const centre = matMul(x.a, tf.add(w1, w3) as Tensor2D); // [B, F]
    const neighbour = matMul(x.u, tf.sub(w2, w3) as Tensor2D); // [U, F]
    const fromEdges = tf.reshape(matMul(edges2, w4), [B, n, F]);
    const f = tf.elu(tf.add(tf.add(tf.add(tf.expandDims(centre, 1), spread(neighbour)), fromEdges), bias)) as Tensor3D;
    const fSelf = tf.elu(tf.add(matMul(x.u, tf.add(w1, w2) as Tensor2D), bias)) as Tensor2D;
    const score = p(`${name}.score`);
    const A = score.shape[0] as number;
    const q = matMul(x.a, p(`${name}.query.kernel`) as Tensor2D); // [B, A]
    // w·(q ⊙ W_kᵀ f) = f·(W_k (q ⊙ w)): one [B, A]×[A, F] product instead of one per edge.
    const v = matMul(tf.mul(q, score) as Tensor2D, tf.transpose(p(`${name}.key.kernel`)) as Tensor2D); // [B, F]
    const a = tf.tanh(tf.div(tf.sum(tf.mul(f, tf.expandDims(v, 1)), 2), Math.sqrt(A)));
    const e = tf.mul(tf.exp(a), nmask);
    const isolated = tf.sub(1, tf.minimum(tf.sum(nmask, 1, true), 1));
    const weights = tf.div(e, tf.add(tf.sum(e, 1, true), isolated));
    const z = tf.sum(tf.mul(tf.expandDims(weights, 2), f), 1) as Tensor2D;
    const outA = lin(tf.add(x.a, z) as Tensor2D, `${name}.update`);
    const outU = lin(tf.add(x.u, fSelf) as Tensor2D, `${name}.update`);
    heads.push(batchNorm({ a: outA, u: outU }, `${name}.bn`));
  }
  const catA = tf.concat(heads.map((r) => r.a), 1) as Tensor2D;
  const catU = tf.concat(heads.map((r) => r.u), 1) as Tensor2D;
  // Masked mean over the absorber and its real neighbours: (a_b + Σ_u c_bu u_u) / (1 + n_b).
  const nodesPerSample = tf.add(tf.sum(counts, 1, true), 1);
  let pooled: Tensor2D = tf.div(tf.add(catA, matMul(counts, catU)), nodesPerSample) as Tensor2D;
  cfg.denseWidths.forEach((_, i) => {
    pooled = tf.prelu(lin(pooled, `dense${i}`), p(`dense${i}.alpha`)) as Tensor2D;
  });
  return cfg.outputs.map((_, i) => lin(pooled, `output${i}`));
}
