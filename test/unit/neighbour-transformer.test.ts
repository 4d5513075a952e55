import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import { loadTf, type TfModule } from '../../server/src/model/backend';
import type { NetworkConfig } from '../../server/src/model/config';
import type { FactoredBatch } from '../../server/src/model/factored';
import { XanesNetwork } from '../../server/src/model/network';
import { pairFeatures, validateNeighbourTransformer } from '../../server/src/model/neighbourTransformer';
import { electronFeatures } from '../../server/src/graph/features';
import { seededRandom } from '../../server/src/model/params';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import type { GraphOptions } from '../../server/src/graph/types';
import { saveModel } from '../../server/src/model/modelFiles';
import { createPredictor } from '../../server/src/model/predictor';
import { occludedGraphs } from '../../server/src/model/sensitivity';
import { structureFromArrays } from '../../server/src/structure/build';
import { randomWeights, smallDomains, smallDraft, tempDir } from '../fixtures/models/fixtures';

const CONFIG: NetworkConfig = {
  nodeFeatureSize: 118,
  edgeFeatureSize: 5,
  convWidths: [6],
  heads: 2,
  headWidth: 4,
  denseWidths: [5],
  outputs: [{ name: 'a', size: 4 }],
  batchNorm: true,
  transformer: { layers: 2, width: 8, heads: 2, pairRbf: 6, cutoff: 6 },
};

interface Atom { Z: number; v: [number, number, number] }

/** A factored batch of one sample per atom list (absorber Fe at the origin), n slots each. */
function batch(samples: Atom[][], n: number): FactoredBatch {
  const B = samples.length;
  const zs = [...new Set(samples.flat().map((a) => a.Z))];
  const U = Math.max(1, zs.length);
  const elementNodes = new Float32Array(U * 118);
  zs.forEach((z, u) => elementNodes.set(electronFeatures(z), u * 118));
  const absorberNodes = new Float32Array(B * 118);
  const oneHot = new Float32Array(B * n * U);
  const counts = new Float32Array(B * U);
  const edges = new Float32Array(B * n * 5);
  const neighbourMask = new Float32Array(B * n);
  const positions = new Float32Array(B * n * 3);
  samples.forEach((atoms, b) => {
    absorberNodes.set(electronFeatures(26), b * 118);
    for (let k = 0; k < n; k++) {
      const at = (b * n + k) * 5;
      if (k >= atoms.length) { edges[at] = 6; continue; }
      const { Z, v } = atoms[k];
      const r = Math.hypot(...v);
      edges.set([r, Math.exp(-r), Math.exp(-((r - 2) ** 2)), Math.exp(-((r - 3) ** 2)), Math.exp(-((r - 4) ** 2))], at);
      const u = zs.indexOf(Z);
      oneHot[(b * n + k) * U + u] = 1;
      counts[b * U + u]++;
      neighbourMask[b * n + k] = 1;
      positions.set(v, (b * n + k) * 3);
    }
  });
  return { B, n, U, absorberNodes, elementNodes, oneHot, counts, edges, neighbourMask, edgeSize: 5, nodeSize: 118, positions };
}

/** Fills the kernels whose names end in `suffix` (zero at the start) with seeded values in ±2. */
function randomiseKernels(tf: TfModule, net: XanesNetwork, suffix: string, seed: number): void {
  const r = seededRandom(seed);
  for (const [name, v] of net.params.variables) {
    if (!name.endsWith(suffix)) continue;
    const t = tf.tensor(Float32Array.from({ length: v.size }, () => 4 * (r() - 0.5)), v.shape);
    v.assign(t);
    t.dispose();
  }
}

/** A network whose pair-bias kernels are non-zero (they start at 0), so geometry matters. */
function network(tf: TfModule): XanesNetwork {
  const net = new XanesNetwork(tf, CONFIG, { seed: 3 });
  randomiseKernels(tf, net, '.pair.kernel', 11);
  return net;
}

function predict(tf: TfModule, net: XanesNetwork, fb: FactoredBatch): Float32Array {
  return tf.tidy(() => net.forwardFactored(fb).outputs[0].dataSync() as Float32Array);
}

const OCTAHEDRON: Atom[] = [
  { Z: 8, v: [2, 0, 0] }, { Z: 8, v: [-2, 0, 0] }, { Z: 8, v: [0, 2.1, 0] },
  { Z: 8, v: [0, -2.1, 0] }, { Z: 8, v: [0, 0, 1.9] }, { Z: 29, v: [0, 0, -2.2] },
];

test('pair features: symmetric Gaussians of pair distances, zero on the diagonal, for padding and without coordinates', () => {
  const P = 6, cutoff = 6, n = 3, T = n + 1;
  // Sample 0: two neighbours 3 Å apart and a padding slot; sample 1: no coordinates at all.
  const positions = new Float32Array([1.5, 0, 0, -1.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const mask = new Float32Array([1, 1, 0, 1, 1, 0]);
  const f = pairFeatures(positions, mask, 2, n, P, cutoff);
  const at = (b: number, j: number, k: number): Float32Array => f.subarray(((b * T + j) * T + k) * P, ((b * T + j) * T + k + 1) * P);
  // The edges' evenly spaced Gaussians: centres p·step over [0, cutoff], one step wide, times the
  // smooth cutoff 1 − 10x³ + 15x⁴ − 6x⁵ (x = d / cutoff).
  const step = cutoff / (P - 1);
  const cut = (d: number): number => { const x = d / cutoff; return 1 - 10 * x ** 3 + 15 * x ** 4 - 6 * x ** 5; };
  const expected = (d: number, p: number): number => cut(d) * Math.exp(-(((d - p * step) / step) ** 2));
  for (let p = 0; p < P; p++) {
    assert.ok(Math.abs(at(0, 1, 2)[p] - expected(3, p)) < 1e-6, `neighbour pair, Gaussian ${p}`);
    assert.ok(Math.abs(at(0, 0, 1)[p] - expected(1.5, p)) < 1e-6, `absorber pair, Gaussian ${p}`);
  }
  assert.deepEqual([...at(0, 1, 2)], [...at(0, 2, 1)]);
  for (const [b, j, k] of [[0, 1, 1], [0, 0, 0], [0, 1, 3], [0, 3, 0], [1, 0, 1], [1, 1, 2]] as const) {
    assert.ok(at(b, j, k).every((x) => x === 0), `pair (${b}, ${j}, ${k}) is zero`);
  }
});

test('pair features with path lengths: Gaussians of (r_j + d_jk + r_k)/2 follow the distance block, tell apart pairs of equal distance', () => {
  const P = 4, Q = 5, cutoff = 8, n = 3, T = n + 1, width = P + Q;
  // Neighbours 1 and 2 sit 2 Å apart beside the absorber; neighbour 3 is 2 Å from neighbour 1
  // too, but on the far side: the same pair distance, a longer scattering path.
  const positions = new Float32Array([2, 0, 0, 2, 2, 0, 4, 0, 0]);
  const mask = new Float32Array([1, 1, 1]);
  const f = pairFeatures(positions, mask, 1, n, P, cutoff, Q);
  const at = (j: number, k: number): Float32Array => f.subarray((j * T + k) * width, (j * T + k + 1) * width);
  const step = cutoff / (Q - 1);
  const cut = (d: number): number => { const x = d / cutoff; return 1 - 10 * x ** 3 + 15 * x ** 4 - 6 * x ** 5; };
  const gauss = (s: number, q: number): number => cut(s) * Math.exp(-(((s - q * step) / step) ** 2));
  const near = (2 + 2 + Math.sqrt(8)) / 2, far = (2 + 2 + 4) / 2;
  for (let q = 0; q < Q; q++) {
    assert.ok(Math.abs(at(1, 2)[P + q] - gauss(near, q)) < 1e-6, `near pair, path Gaussian ${q}`);
    assert.ok(Math.abs(at(1, 3)[P + q] - gauss(far, q)) < 1e-6, `far pair, path Gaussian ${q}`);
    // Absorber → k → absorber: the half path is the distance itself.
    assert.ok(Math.abs(at(0, 3)[P + q] - gauss(4, q)) < 1e-6, `absorber pair, path Gaussian ${q}`);
  }
  // Same distance block for both pairs (both 2 Å), different path blocks.
  assert.deepEqual([...at(1, 2).subarray(0, P)], [...at(1, 3).subarray(0, P)]);
  assert.ok(Math.max(...at(1, 2).subarray(P).map((x, q) => Math.abs(x - at(1, 3)[P + q]))) > 0.1);
  assert.deepEqual([...at(1, 3)], [...at(3, 1)]);
  // Without Q the distance block is what it was.
  const plain = pairFeatures(positions, mask, 1, n, P, cutoff);
  for (let j = 0; j < T; j++) for (let k = 0; k < T; k++) {
    assert.deepEqual([...plain.subarray((j * T + k) * P, (j * T + k + 1) * P)], [...at(j, k).subarray(0, P)]);
  }
});

test('neighbour transformer: invariant to the order of neighbour slots and to rotation, sensitive to neighbour–neighbour geometry', async () => {
  const { tf } = await loadTf('cpu');
  const net = network(tf);
  const base = predict(tf, net, batch([OCTAHEDRON], 8));
  const permuted = predict(tf, net, batch([[...OCTAHEDRON].reverse()], 8));
  const rotated = predict(tf, net, batch([OCTAHEDRON.map(({ Z, v: [x, y, z] }) => ({ Z, v: [y, -x, z] as [number, number, number] }))], 8));
  for (let i = 0; i < base.length; i++) {
    assert.ok(Math.abs(permuted[i] - base[i]) < 1e-5, `slot order, point ${i}: ${permuted[i]} vs ${base[i]}`);
    assert.ok(Math.abs(rotated[i] - base[i]) < 1e-5, `rotation, point ${i}: ${rotated[i]} vs ${base[i]}`);
  }
  // Same absorber–neighbour distances, different angles: the Cu moved from trans to cis of the
  // z-axis O. Only pair distances tell these apart (the edge features here are radial).
  const moved = OCTAHEDRON.map((a) => (a.Z === 29 ? { Z: 29, v: [2.2 / Math.SQRT2, 2.2 / Math.SQRT2, 0] as [number, number, number] } : a));
  const other = predict(tf, net, batch([moved], 8));
  const diff = Math.max(...base.map((x, i) => Math.abs(x - other[i])));
  assert.ok(diff > 1e-3, `a neighbour moved at equal distance changes the output by ${diff}`);
  net.dispose();
});

test('pair values: with the pair bias at zero, geometry reaches the output through the messages alone; invariances hold; zero start gets a gradient', async () => {
  const { tf } = await loadTf('cpu');
  const config: NetworkConfig = { ...CONFIG, transformer: { ...CONFIG.transformer!, pairValues: true } };
  const net = new XanesNetwork(tf, config, { seed: 3 });
  const fb = batch([OCTAHEDRON], 8);
  const kernel = net.params.get('nbt0.pairValue.kernel');
  assert.deepEqual(kernel.shape, [2 * 6, 8]);
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(net.forwardFactored(fb, { training: true }).outputs[0])) as unknown as ReturnType<typeof tf.scalar>, [kernel]);
  assert.ok((grads[kernel.name] as Tensor).dataSync().some((x) => Math.abs(x) > 1e-8), 'the zero-initialised pair-value kernel gets a gradient');
  randomiseKernels(tf, net, '.pairValue.kernel', 17);
  const base = predict(tf, net, fb);
  const permuted = predict(tf, net, batch([[...OCTAHEDRON].reverse()], 8));
  const rotated = predict(tf, net, batch([OCTAHEDRON.map(({ Z, v: [x, y, z] }) => ({ Z, v: [z, x, y] as [number, number, number] }))], 8));
  base.forEach((b, i) => {
    assert.ok(Math.abs(permuted[i] - b) < 1e-5, `slot order, point ${i}`);
    assert.ok(Math.abs(rotated[i] - b) < 1e-5, `rotation, point ${i}`);
  });
  const moved = OCTAHEDRON.map((a) => (a.Z === 29 ? { Z: 29, v: [2.2 / Math.SQRT2, 2.2 / Math.SQRT2, 0] as [number, number, number] } : a));
  const diff = Math.max(...predict(tf, net, batch([moved], 8)).map((x, i) => Math.abs(x - base[i])));
  assert.ok(diff > 1e-3, `cis instead of trans changes the output through the pair values: ${diff}`);
  // Without the option the same weights (less the pair-value kernels) cannot tell the two apart.
  const plain = new XanesNetwork(tf, CONFIG, { seed: 3 });
  plain.setWeights(net.getWeights().filter((w) => !w.name.endsWith('.pairValue.kernel')));
  const plainDiff = Math.max(...predict(tf, plain, batch([moved], 8)).map((x, i) => Math.abs(x - predict(tf, plain, fb)[i])));
  assert.ok(plainDiff < 1e-6, `pair bias at zero and no pair values: blind to the move (${plainDiff})`);
  net.dispose();
  plain.dispose();
});

test('path lengths: the bias and the messages widen by Q; invariances hold; the path block alone reaches the output', async () => {
  const { tf } = await loadTf('cpu');
  const config: NetworkConfig = { ...CONFIG, transformer: { ...CONFIG.transformer!, pathRbf: 5, pairValues: true } };
  const net = new XanesNetwork(tf, config, { seed: 3 });
  assert.deepEqual(net.params.get('nbt0.pair.kernel').shape, [6 + 5, 2]);
  assert.deepEqual(net.params.get('nbt1.pairValue.kernel').shape, [2 * (6 + 5), 8]);
  // Only the path rows of the bias are non-zero: whatever geometry the output shows comes from them.
  const r = seededRandom(19);
  for (const [name, v] of net.params.variables) {
    if (!name.endsWith('.pair.kernel')) continue;
    const t = tf.tensor(Float32Array.from({ length: v.size }, (_, i) => (i >= 6 * 2 ? 4 * (r() - 0.5) : 0)), v.shape);
    v.assign(t);
    t.dispose();
  }
  const fb = batch([OCTAHEDRON], 8);
  const base = predict(tf, net, fb);
  const permuted = predict(tf, net, batch([[...OCTAHEDRON].reverse()], 8));
  const rotated = predict(tf, net, batch([OCTAHEDRON.map(({ Z, v: [x, y, z] }) => ({ Z, v: [-y, z, x] as [number, number, number] }))], 8));
  base.forEach((b, i) => {
    assert.ok(Math.abs(permuted[i] - b) < 1e-5, `slot order, point ${i}`);
    assert.ok(Math.abs(rotated[i] - b) < 1e-5, `rotation, point ${i}`);
  });
  const moved = OCTAHEDRON.map((a) => (a.Z === 29 ? { Z: 29, v: [2.2 / Math.SQRT2, 2.2 / Math.SQRT2, 0] as [number, number, number] } : a));
  const diff = Math.max(...predict(tf, net, batch([moved], 8)).map((x, i) => Math.abs(x - base[i])));
  assert.ok(diff > 1e-3, `cis instead of trans changes the output through the path-length bias: ${diff}`);
  assert.deepEqual(validateNeighbourTransformer({ layers: 1, width: 8, heads: 2, pairRbf: 4, cutoff: 6, pathRbf: 0 }), ['transformer.pathRbf']);
  net.dispose();
});

test('neighbour transformer: padding and missing coordinates give finite outputs; gradients reach the pair bias', async () => {
  const { tf } = await loadTf('cpu');
  const net = new XanesNetwork(tf, CONFIG, { seed: 5 });
  const noCoordinates = OCTAHEDRON.map((a) => ({ ...a, v: [0, 0, 0] as [number, number, number] }));
  const fb = batch([OCTAHEDRON, OCTAHEDRON.slice(0, 2), noCoordinates], 8);
  const out = predict(tf, net, batch([OCTAHEDRON, OCTAHEDRON.slice(0, 2)], 8));
  assert.ok(out.every(Number.isFinite));
  const pair = net.params.get('nbt0.pair.kernel');
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forwardFactored(fb, { training: true }).outputs[0])) as unknown as ReturnType<typeof tf.scalar>, [pair]);
  assert.ok(Number.isFinite(value.dataSync()[0]));
  const g = (grads[pair.name] as Tensor).dataSync();
  assert.ok(g.some((x) => Math.abs(x) > 1e-8), 'the zero-initialised pair bias gets a gradient');
  net.dispose();
});

test('neighbour transformer: the network refuses a batch without neighbour vectors, and a bad config', async () => {
  const { tf } = await loadTf('cpu');
  const net = new XanesNetwork(tf, CONFIG, { seed: 5 });
  const { positions: _p, ...without } = batch([OCTAHEDRON], 8);
  assert.throws(() => tf.tidy(() => { net.forwardFactored(without); }), /needs the absorber → neighbour vectors/);
  net.dispose();
  assert.deepEqual(validateNeighbourTransformer({ layers: 1, width: 10, heads: 3, pairRbf: 4, cutoff: 6 }), ['transformer.heads (must divide width)']);
  assert.throws(() => new XanesNetwork(tf, { ...CONFIG, transformer: { layers: 0, width: 8, heads: 2, pairRbf: 4, cutoff: 6 } }), /transformer\.layers/);
});

test('neighbour transformer: only the nearest `tokens` neighbours become tokens; padding slots beyond them change nothing', async () => {
  const { tf } = await loadTf('cpu');
  const all = network(tf);
  const limited = new XanesNetwork(tf, { ...CONFIG, transformer: { ...CONFIG.transformer!, tokens: 6 } }, { seed: 3 });
  limited.setWeights(all.getWeights());
  // Six real neighbours in eight slots: the two padding slots are all the limit drops.
  const a = predict(tf, all, batch([OCTAHEDRON], 8));
  const b = predict(tf, limited, batch([OCTAHEDRON], 8));
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `point ${i}: ${v} vs ${b[i]}`));
  // With four tokens, where the fifth and sixth neighbours sit no longer reaches the pathway:
  // the difference between two placements of the sixth is then the star network's alone.
  const small = new XanesNetwork(tf, { ...CONFIG, transformer: { ...CONFIG.transformer!, tokens: 4 } }, { seed: 3 });
  small.setWeights(all.getWeights());
  const turned = OCTAHEDRON.map((at, k) => (k === 5 ? { Z: 29, v: [2.2 / Math.SQRT2, 2.2 / Math.SQRT2, 0] as [number, number, number] } : at));
  const dAll = Math.max(...predict(tf, all, batch([turned], 8)).map((v, i) => Math.abs(v - a[i])));
  const dSmall = Math.max(...predict(tf, small, batch([turned], 8)).map((v, i) => Math.abs(v - predict(tf, small, batch([OCTAHEDRON], 8))[i])));
  assert.ok(dAll > 1e-3, `all tokens see the turned neighbour: ${dAll}`);
  assert.ok(dSmall < 1e-6, `four tokens do not (radial features unchanged): ${dSmall}`);
  for (const net of [all, limited, small]) net.dispose();
});

test('a saved model with the transformer predicts through graph building: rotation-invariant, occlusion = the structure without the atom', async () => {
  const { tf } = await loadTf('cpu');
  const graph: GraphOptions = { maxNeighbours: 8, cutoff: 6, rbfCount: 4 };
  const network: NetworkConfig = { ...CONFIG, outputs: [{ name: 'feff', size: 7 }] };
  const dir = tempDir();
  const weights = randomWeights(tf, network, 21).map((w) => (w.name.endsWith('.pair.kernel') ? { ...w, data: w.data.map((_, i) => Math.sin(3 * i + 1)) } : w));
  saveModel(dir, { ...smallDraft('transformer'), graph, network, domains: [smallDomains()[0]], normalisation: [{ mean: [1], std: [0.5] }] }, [weights]);
  const p = createPredictor(tf, dir, 'cpu');
  const cluster = (turn: number, drop?: number) => {
    const c = Math.cos(turn), s = Math.sin(turn);
    const atoms: [string, number[]][] = [['Fe', [0, 0, 0]], ['O', [2, 0, 0]], ['O', [-2.05, 0, 0]], ['O', [0, 1.95, 0]], ['N', [0, 0, 2.1]], ['Cu', [2.4, 2.4, 0]], ['C', [0, -2.9, 0.8]]];
    const kept = atoms.filter((_, k) => k !== drop);
    return structureFromArrays({ name: 'cluster', species: kept.map((a) => a[0]), cart: kept.map(([, [x, y, z]]) => [c * x - s * y, s * x + c * y, z] as [number, number, number]) });
  };
  const [a, b] = p.predict([buildAbsorberGraph(cluster(0), 0, graph), buildAbsorberGraph(cluster(0.7), 0, graph)], ['Fe-K-FEFF']);
  a.mu.forEach((v, i) => assert.ok(Math.abs(v - b.mu[i]) < 1e-5, `rotated, point ${i}: ${v} vs ${b.mu[i]}`));
  // Occluding the Cu (atom 5) = predicting the cluster that lacks it, pair features included.
  const full = buildAbsorberGraph(cluster(0), 0, graph);
  const cu = full.neighbours.findIndex((nb) => nb.element === 'Cu');
  const occluded = occludedGraphs(full)[cu];
  const [o, w] = p.predict([occluded, buildAbsorberGraph(cluster(0, 5), 0, graph)], ['Fe-K-FEFF']);
  o.mu.forEach((v, i) => assert.ok(Math.abs(v - w.mu[i]) < 1e-5, `occluded, point ${i}: ${v} vs ${w.mu[i]}`));
  assert.ok(Math.max(...o.mu.map((v, i) => Math.abs(v - a.mu[i]))) > 1e-4, 'removing the Cu changes the prediction');
  // The readout reaches the prediction: per head, self + neighbours = 1, the same after rotation.
  assert.ok(a.transformer && b.transformer, 'a transformer model returns its readout');
  assert.equal(a.transformer.self.length, CONFIG.transformer!.heads);
  a.transformer.self.forEach((s, h) => {
    const row = a.transformer!.neighbours[h];
    assert.equal(row.length, graph.maxNeighbours);
    assert.ok(Math.abs(s + row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
    row.forEach((v, j) => assert.ok(Math.abs(v - b.transformer!.neighbours[h][j]) < 1e-5, `rotated readout, head ${h}, slot ${j}`));
  });
  p.dispose();
});

test("neighbour transformer readout: the absorber's last-layer weights sum to 1 per head, follow the atoms when slots are permuted, and are 0 for padding and non-tokens", async () => {
  const { tf } = await loadTf('cpu');
  const net = network(tf);
  const n = 8, H = CONFIG.transformer!.heads;
  const read = (m: XanesNetwork, atoms: Atom[]): number[][] => tf.tidy(() => {
    const t = m.forwardFactored(batch([atoms], n)).tokenAttention;
    assert.ok(t, 'a transformer network returns its readout');
    assert.deepEqual(t.shape, [1, H, n + 1]);
    const v = t.dataSync();
    return Array.from({ length: H }, (_, h) => Array.from(v.subarray(h * (n + 1), (h + 1) * (n + 1))));
  });
  const base = read(net, OCTAHEDRON);
  for (const row of base) {
    assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-5, `sums to 1: ${row}`);
    assert.ok(row.slice(1 + OCTAHEDRON.length).every((x) => x === 0), 'padding slots get exactly 0');
    // The pair bias is non-zero and the atoms differ: a uniform row would mean the readout reads nothing.
    const real = row.slice(0, 1 + OCTAHEDRON.length);
    assert.ok(Math.max(...real) - Math.min(...real) > 1e-3, `weights differ between atoms: ${real}`);
  }
  // Reversed slots: each atom keeps its weight, in its new slot.
  const reversed = read(net, [...OCTAHEDRON].reverse());
  const k = OCTAHEDRON.length;
  for (let h = 0; h < H; h++) {
    assert.ok(Math.abs(reversed[h][0] - base[h][0]) < 1e-5, 'the absorber keeps its weight');
    for (let j = 0; j < k; j++) assert.ok(Math.abs(reversed[h][1 + (k - 1 - j)] - base[h][1 + j]) < 1e-5, `head ${h}, atom ${j}`);
  }
  // Four tokens: slots 5… are not tokens and read 0; the network without the limit is no longer comparable.
  const small = new XanesNetwork(tf, { ...CONFIG, transformer: { ...CONFIG.transformer!, tokens: 4 } }, { seed: 3 });
  small.setWeights(net.getWeights());
  for (const row of read(small, OCTAHEDRON)) {
    assert.ok(row.slice(5).every((x) => x === 0));
    assert.ok(Math.abs(row.reduce((s, x) => s + x, 0) - 1) < 1e-5);
  }
  const plain = new XanesNetwork(tf, { ...CONFIG, transformer: undefined }, { seed: 3 });
  assert.equal(tf.tidy(() => plain.forwardFactored(batch([OCTAHEDRON], n)).tokenAttention), undefined);
  for (const m of [net, small, plain]) m.dispose();
});
