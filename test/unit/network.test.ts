import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { batchGraphs } from '../../server/src/graph/build';
import type { AbsorberGraph } from '../../server/src/graph/types';
import { loadTf, type TfModule } from '../../server/src/model/backend';
import { BN_EPSILON, BN_MOMENTUM } from '../../server/src/model/batchnorm';
import type { NetworkConfig } from '../../server/src/model/config';
import { XanesNetwork, type NamedWeight } from '../../server/src/model/network';
import { DEFAULT_WACSF_OPTIONS } from '../../server/src/baseline/wacsf';
import { randomGraphs, randomWeights, SMALL_CONFIG, SMALL_GRAPH } from '../fixtures/models/fixtures';

// ---- independent float64 reference: explicit concatenations and loops, no tfjs ----
type W = Map<string, { shape: number[]; data: Float64Array }>;
const toMap = (ws: NamedWeight[]): W => new Map(ws.map((w) => [w.name, { shape: w.shape, data: Float64Array.from(w.data) }]));
const elu = (v: number): number => (v > 0 ? v : Math.expm1(v));

function linear(w: W, name: string, x: number[], bias = true): number[] {
  const k = w.get(`${name}.kernel`)!;
  const [I, O] = k.shape;
  assert.equal(x.length, I);
  const b = bias ? w.get(`${name}.bias`)!.data : undefined;
  return Array.from({ length: O }, (_, o) => {
    let s = b ? b[o] : 0;
    for (let i = 0; i < I; i++) s += x[i] * k.data[i * O + o];
    return s;
  });
}

function batchNormInference(w: W, name: string, x: number[]): number[] {
  const g = w.get(`${name}.gamma`)!.data, b = w.get(`${name}.beta`)!.data;
  const m = w.get(`${name}.movingMean`)!.data, v = w.get(`${name}.movingVariance`)!.data;
  return x.map((xi, i) => ((xi - m[i]) / Math.sqrt(v[i] + BN_EPSILON)) * g[i] + b[i]);
}

function reference(w: W, cfg: NetworkConfig, g: AbsorberGraph): { outputs: number[][]; attention: number[][] } {
  const N = g.options.maxNeighbours + 1, E = cfg.edgeFeatureSize, F0 = cfg.nodeFeatureSize;
  const mask = Array.from(g.mask);
  let x = Array.from({ length: N }, (_, i) => Array.from(g.nodeFeatures.subarray(i * F0, (i + 1) * F0)));
  const e = Array.from({ length: N - 1 }, (_, j) => Array.from(g.edgeFeatures.subarray(j * E, (j + 1) * E)));
  cfg.convWidths.forEach((_, c) => {
    const p = `conv${c}`;
    const F = x[0].length;
    const selfGate = linear(w, `${p}.edge`, new Array(E).fill(0)).map(elu);
    const h = x.map((xi) => xi.map((v, f) => v + selfGate[f] * v));
    for (let j = 1; j < N; j++) {
      if (!mask[j]) continue;
      const gate = linear(w, `${p}.edge`, e[j - 1]).map(elu);
      for (let f = 0; f < F; f++) h[0][f] += gate[f] * x[j][f];
    }
    x = h.map((hi) => batchNormInference(w, `${p}.bn`, linear(w, `${p}.update`, hi)));
  });
  const attention: number[][] = [];
  const headOut: number[][][] = [];
  for (let hd = 0; hd < cfg.heads; hd++) {
    const p = `head${hd}`;
    const F = x[0].length;
    const D = cfg.attentionSize ?? F;
    const fEdge = (xi: number[], xj: number[], eij: number[]): number[] =>
      linear(w, `${p}.edge`, [...xi, ...xj, ...xi.map((v, k) => v - xj[k]), ...eij]).map(elu);
    const f = e.map((ej, j) => fEdge(x[0], x[j + 1], ej));
    const q = linear(w, `${p}.query`, x[0], false);
    const wa = w.get(`${p}.score`)!.data;
    const cosine = cfg.attention === 'cosine';
    const tau = cfg.attentionTemperature ?? 4;
    // v = W_kᵀ(w ⊙ q), only for the cosine score's |v| (the key kernel is [F, D]).
    const keyKernel = w.get(`${p}.key.kernel`)!.data;
    const v = Array.from({ length: F }, (_, r) => {
      let t = 0;
      for (let d = 0; d < D; d++) t += keyKernel[r * D + d] * wa[d] * q[d];
      return t;
    });
    const norm = (u: number[]): number => Math.sqrt(u.reduce((acc, c) => acc + c * c, 1e-6));
    const a = f.map((fj) => {
      const k = linear(w, `${p}.key`, fj, false);
      let s = 0;
      for (let d = 0; d < D; d++) s += q[d] * k[d] * wa[d];
      return cosine ? (tau * s) / (norm(fj) * norm(v)) : Math.tanh(s / Math.sqrt(D));
    });
    const ex = a.map((aj, j) => (mask[j + 1] ? Math.exp(aj) : 0));
    const tot = ex.reduce((s, v) => s + v, 0);
    const s = ex.map((v) => (tot > 0 ? v / tot : 0));
    attention.push(s);
    const rows = x.map((xi, i) => {
      const z = i === 0
        ? xi.map((_, k) => f.reduce((acc, fj, j) => acc + s[j] * fj[k], 0))
        : fEdge(xi, xi, new Array(E).fill(0));
      return batchNormInference(w, `${p}.bn`, linear(w, `${p}.update`, xi.map((v, k) => v + z[k])));
    });
    headOut.push(rows);
  }
  const width = cfg.heads * cfg.headWidth;
  const real = mask.reduce((s, m) => s + m, 0);
  let pooled = Array.from({ length: width }, (_, c) => {
    const hd = Math.floor(c / cfg.headWidth), k = c % cfg.headWidth;
    let s = 0;
    for (let i = 0; i < N; i++) if (mask[i]) s += headOut[hd][i][k];
    return s / real;
  });
  if (cfg.descriptorSize) {
    const m = w.get('descriptor.mean')!.data, sd = w.get('descriptor.std')!.data;
    assert.equal(g.descriptor?.length, cfg.descriptorSize);
    pooled = [...pooled, ...Array.from(g.descriptor!, (v, k) => (v - m[k]) / sd[k])];
  }
  cfg.denseWidths.forEach((_, d) => {
    const alpha = w.get(`dense${d}.alpha`)!.data;
    pooled = linear(w, `dense${d}`, pooled).map((v, k) => (v > 0 ? v : alpha[k] * v));
  });
  return { outputs: cfg.outputs.map((_, o) => linear(w, `output${o}`, pooled)), attention };
}

function relErr(got: ArrayLike<number>, want: number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) {
    num = Math.max(num, Math.abs(got[i] - want[i]));
    den = Math.max(den, Math.abs(want[i]));
  }
  return num / Math.max(den, 1e-12);
}

async function cpu(): Promise<TfModule> {
  return (await loadTf('cpu')).tf;
}

function run(tf: TfModule, net: XanesNetwork, graphs: AbsorberGraph[], training = false): { outputs: Float32Array[]; attention: Float32Array } {
  return tf.tidy(() => {
    const r = net.forward(net.inputsFromBatch(batchGraphs(graphs)), { training });
    return { outputs: r.outputs.map((o) => o.dataSync() as Float32Array), attention: r.attention.dataSync() as Float32Array };
  });
}

const COSINE_CONFIG: NetworkConfig = { ...SMALL_CONFIG, attention: 'cosine', attentionTemperature: 3 };
/** wACSF with G1 + 3 G2: a 4-long absorber descriptor. */
const DESCRIBED_GRAPH = { ...SMALL_GRAPH, descriptor: { ...DEFAULT_WACSF_OPTIONS, cutoff: 5, nG2: 3, nG4: 0 } };
const DESCRIPTOR_CONFIG: NetworkConfig = { ...COSINE_CONFIG, descriptorSize: 4 };

for (const [label, config, graphOptions] of [
  ['tanh attention', SMALL_CONFIG, SMALL_GRAPH], ['cosine attention', COSINE_CONFIG, SMALL_GRAPH], ['absorber descriptor', DESCRIPTOR_CONFIG, DESCRIBED_GRAPH],
] as const) {
  test(`network matches an independent float64 implementation (cpu backend, ${label})`, async () => {
    const tf = await cpu();
    const weights = randomWeights(tf, config, 3);
    const net = new XanesNetwork(tf, config);
    net.setWeights(weights);
    const graphs = randomGraphs(6, 42, graphOptions);
    const got = run(tf, net, graphs);
    const w = toMap(weights);
    const n = config.heads, nb = graphs[0].options.maxNeighbours;
    let spread = 0;
    graphs.forEach((g, b) => {
      const ref = reference(w, config, g);
      config.outputs.forEach((o, k) => {
        const err = relErr(got.outputs[k].subarray(b * o.size, (b + 1) * o.size), ref.outputs[k]);
        assert.ok(err < 1e-4, `graph ${b} head ${k}: relative error ${err}`);
      });
      const att = Array.from(got.attention.subarray(b * n * nb, (b + 1) * n * nb));
      assert.ok(relErr(att, ref.attention.flat()) < 1e-4);
      for (const row of ref.attention) {
        const real = row.filter((v) => v > 0);
        if (real.length > 1) spread = Math.max(spread, Math.max(...real) / Math.min(...real));
      }
    });
    // Random weights must give attention that differs between neighbours, or the test says little.
    assert.ok(spread > 1.001, `attention max/min ratio ${spread}`);
    net.dispose();
  });
}

test('attention is a softmax over real neighbours: sums to 1, padding exactly 0', async () => {
  const tf = await cpu();
  const net = new XanesNetwork(tf, SMALL_CONFIG, { seed: 5 });
  const graphs = randomGraphs(8, 7);
  const { attention } = run(tf, net, graphs);
  const nb = SMALL_CONFIG.heads === 2 ? graphs[0].options.maxNeighbours : 0;
  graphs.forEach((g, b) => {
    const real = g.neighbours.filter((x) => !x.virtual).length;
    for (let h = 0; h < SMALL_CONFIG.heads; h++) {
      const row = attention.subarray((b * SMALL_CONFIG.heads + h) * nb, (b * SMALL_CONFIG.heads + h + 1) * nb);
      const sum = row.reduce((s, v) => s + v, 0);
      if (real === 0) assert.equal(sum, 0);
      else assert.ok(Math.abs(sum - 1) < 1e-6, `sum ${sum}`);
      g.neighbours.forEach((x, j) => {
        if (x.virtual) assert.equal(row[j], 0);
        else assert.ok(row[j] > 0);
      });
    }
  });
  net.dispose();
});

test('a batch gives the same results as graphs run one by one', async () => {
  const tf = await cpu();
  const net = new XanesNetwork(tf, SMALL_CONFIG);
  net.setWeights(randomWeights(tf, SMALL_CONFIG, 9));
  const graphs = randomGraphs(5, 11);
  const all = run(tf, net, graphs);
  graphs.forEach((g, b) => {
    const one = run(tf, net, [g]);
    SMALL_CONFIG.outputs.forEach((o, k) => {
      const want = Array.from(all.outputs[k].subarray(b * o.size, (b + 1) * o.size));
      assert.ok(relErr(one.outputs[k], want) < 1e-5);
    });
  });
  net.dispose();
});

test('training-mode batch norm uses masked batch statistics and moves the running averages', async () => {
  const tf = await cpu();
  const cfg: NetworkConfig = { ...SMALL_CONFIG, convWidths: [4] };
  const net = new XanesNetwork(tf, cfg, { seed: 2 });
  const graphs = randomGraphs(4, 3);
  // Reference batch statistics of the first conv's output over real nodes only.
  const w = toMap(net.getWeights());
  const outs: number[][] = [];
  for (const g of graphs) {
    const N = g.options.maxNeighbours + 1;
    const identity: W = new Map(w);
    identity.set('conv0.bn.gamma', { shape: [4], data: new Float64Array([1, 1, 1, 1]) });
    identity.set('conv0.bn.movingVariance', { shape: [4], data: new Float64Array(4).fill(1 - BN_EPSILON) });
    // Reuse the reference with an identity batch norm to get the raw conv output.
    const x = Array.from({ length: N }, (_, i) => Array.from(g.nodeFeatures.subarray(i * 118, (i + 1) * 118)));
    const E = cfg.edgeFeatureSize;
    const selfGate = linear(identity, 'conv0.edge', new Array(E).fill(0)).map(elu);
    const h = x.map((xi) => xi.map((v, f) => v + selfGate[f] * v));
    for (let j = 1; j < N; j++) {
      if (!g.mask[j]) continue;
      const gate = linear(identity, 'conv0.edge', Array.from(g.edgeFeatures.subarray((j - 1) * E, j * E))).map(elu);
      for (let f = 0; f < 118; f++) h[0][f] += gate[f] * x[j][f];
    }
    h.forEach((hi, i) => { if (g.mask[i]) outs.push(linear(identity, 'conv0.update', hi)); });
  }
  const mean = [0, 1, 2, 3].map((k) => outs.reduce((s, o) => s + o[k], 0) / outs.length);
  const variance = [0, 1, 2, 3].map((k) => outs.reduce((s, o) => s + (o[k] - mean[k]) ** 2, 0) / outs.length);
  run(tf, net, graphs, true);
  const after = new Map(net.getWeights().map((x) => [x.name, x.data]));
  const mm = after.get('conv0.bn.movingMean')!, mv = after.get('conv0.bn.movingVariance')!;
  for (let k = 0; k < 4; k++) {
    assert.ok(Math.abs(mm[k] - (1 - BN_MOMENTUM) * mean[k]) < 1e-5 * (1 + Math.abs(mean[k])));
    assert.ok(Math.abs(mv[k] - (BN_MOMENTUM + (1 - BN_MOMENTUM) * variance[k])) < 1e-5 * (1 + variance[k]));
  }
  net.dispose();
});

test('fast-gradient matmul gives the same gradients as tfjs-core matMul', async () => {
  const tf = await cpu();
  const graphs = randomGraphs(4, 13);
  const grads = (fastMatMul: boolean): Map<string, Float32Array> => {
    const net = new XanesNetwork(tf, SMALL_CONFIG, { fastMatMul, seed: 4 });
    const inputs = net.inputsFromBatch(batchGraphs(graphs));
    const vars = net.trainableVariables();
    const names = [...net.params.variables.entries()].filter(([, v]) => v.trainable).map(([n]) => n);
    const { value, grads: g } = tf.variableGrads(() => {
      const r = net.forward(inputs, { training: true });
      return tf.addN(r.outputs.map((o) => tf.sum(tf.square(o)))) as Scalar;
    }, vars);
    value.dispose();
    const out = new Map(names.map((n, i) => [n, (g[vars[i].name] as Tensor).dataSync() as Float32Array]));
    Object.values(g).forEach((t) => t.dispose());
    Object.values(inputs).forEach((t) => t.dispose());
    net.dispose();
    return out;
  };
  const fast = grads(true), stock = grads(false);
  assert.equal(fast.size, stock.size);
  for (const [name, gs] of stock) {
    assert.ok(relErr(fast.get(name)!, Array.from(gs)) < 1e-4, name);
    assert.ok(gs.some((v) => v !== 0), `${name} receives a gradient`);
  }
});

test('paper-size configuration has the expected parameter count and shapes', async () => {
  const tf = await cpu();
  const { PAPER_CONFIG } = await import('../../server/src/model/config');
  const net = new XanesNetwork(tf, PAPER_CONFIG);
  const w = new Map(net.getWeights().map((x) => [x.name, x.shape]));
  assert.deepEqual(w.get('conv0.update.kernel'), [118, 600]);
  assert.deepEqual(w.get('head2.edge.kernel'), [3 * 400 + 65, 400]);
  assert.deepEqual(w.get('dense0.kernel'), [900, 200]);
  assert.deepEqual(w.get('output0.kernel'), [200, 111]);
  // conv 650,515 + heads 3×947,400 + dense/out 242,511 (see the report for the breakdown).
  assert.equal(net.parameterCount(), net.trainableVariables().reduce((n, v) => n + v.size, 0));
  net.dispose();
});
