import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { batchGraphs } from '../../server/src/graph/build';
import { sampleGraph, type TensorizedSet } from '../../server/src/data/tensorize';
import { DEFAULT_GRAPH_OPTIONS } from '../../server/src/graph/types';
import { loadTf, type TfModule } from '../../server/src/model/backend';
import type { NetworkConfig } from '../../server/src/model/config';
import { batchTargets } from '../../server/src/training/batches';
import { hasCheckpoint, readCheckpointState } from '../../server/src/training/checkpoint';
import { GnnAdapter } from '../../server/src/training/gnnAdapter';
import { gnnBatch } from '../../server/src/training/gnnInputs';
import { maskedLoss, maskedLossArrays } from '../../server/src/training/loss';
import { denormaliseValue, fitNormalisation, normaliseValue } from '../../server/src/training/normalisation';
import { averageGroups, combineMembers, metricsOf, type SamplePrediction } from '../../server/src/training/predict';
import { epochOrder, batchesOf } from '../../server/src/training/rng';
import { learningRateAt, updatePlateau, initialPlateau, type ScheduleConfig } from '../../server/src/training/schedule';
import { splitSet } from '../../server/src/training/setup';
import { syntheticSet } from '../../server/src/training/synthetic';
import { train, trainStep, createOptimizer, type TrainerOptions, type TrainEvent } from '../../server/src/training/trainer';
import type { ModelAdapter } from '../../server/src/training/adapter';

let tfp: Promise<TfModule> | undefined;
const getTf = (): Promise<TfModule> => (tfp ??= loadTf('wasm').then((l) => l.tf));

const SCHEDULE: ScheduleConfig = { type: 'none', warmupEpochs: 0, minLearningRate: 0, stepEpochs: 10, factor: 0.5, patience: 2 };

function smallConfig(outputs: { name: string; size: number }[]): NetworkConfig {
  return { nodeFeatureSize: 118, edgeFeatureSize: 65, convWidths: [16, 12], heads: 2, headWidth: 10, attentionSize: 8, denseWidths: [24], outputs, batchNorm: true };
}

/** A 40-sample synthetic set, the small network for it and a temporary directory (removed afterwards). */
async function withRunDir(prefix: string, body: (r: { tf: TfModule; set: TensorizedSet; cfg: NetworkConfig; dir: string }) => Promise<void>): Promise<void> {
  const tf = await getTf();
  const set = syntheticSet({ count: 40 });
  const cfg = smallConfig(set.domains.map((d) => ({ name: d.id, size: d.energies.length })));
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  try {
    await body({ tf, set, cfg, dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function options(tf: TfModule, adapter: ModelAdapter, set: ReturnType<typeof syntheticSet>, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  const split = splitSet(set, { train: 0.7, val: 0.3, test: 0 }, 3);
  return {
    tf, adapter, set, train: split.train, val: split.val, normalisation: fitNormalisation(set, split.train),
    headOfDomain: set.domains.map((_, i) => i), loss: 'L1', learningRate: 3e-3, clipNorm: 5, schedule: SCHEDULE,
    epochs: 3, batchSize: 8, earlyStopping: { patience: 0, minDelta: 0 }, seed: 11, ...extra,
  };
}

test('masked loss: masked points and other heads contribute nothing; tensor and array forms agree', async () => {
  const tf = await getTf();
  const set = syntheticSet({ count: 6, points: 8 });
  const norm = fitNormalisation(set, [0, 1, 2, 3, 4, 5]);
  const heads = batchTargets(set, [0, 1, 2, 3], norm, [0, 1], [8, 4]);
  // Each spectrum's weights sum to 1/B: every spectrum counts equally whatever its length.
  const perSample = [0, 1, 2, 3].map((b) => {
    const h = set.domainIndex[b];
    const L = heads[h].size;
    return heads[h].weights.slice(b * L, (b + 1) * L).reduce((a, c) => a + c, 0);
  });
  perSample.forEach((w) => assert.ok(Math.abs(w - 0.25) < 1e-6));
  // Sample 0 has its last point unscored (synthetic mask): weight 0 there.
  assert.equal(set.targetMask[7], 0);
  assert.equal(heads[0].weights[7], 0);
  const preds = heads.map((h) => Float32Array.from(h.values, (v, i) => v + ((i % 3) - 1) * 0.5));
  const arr = maskedLossArrays(preds, heads.map((h) => h.values), heads.map((h) => h.weights), 'L1');
  const ten = tf.tidy(() => maskedLoss(tf, preds.map((p, h) => tf.tensor2d(p, [4, heads[h].size]) as Tensor2D),
    heads.map((h) => tf.tensor2d(h.values, [4, h.size]) as Tensor2D), heads.map((h) => tf.tensor2d(h.weights, [4, h.size]) as Tensor2D), 'L1').dataSync()[0]);
  assert.ok(Math.abs(arr - ten) < 1e-5, `${arr} vs ${ten}`);
  // A wild prediction on an unscored point changes nothing.
  const wild = preds.map((p) => Float32Array.from(p));
  wild[0][7] = 1e6;
  assert.equal(maskedLossArrays(wild, heads.map((h) => h.values), heads.map((h) => h.weights), 'L1'), arr);
  const mse = maskedLossArrays(preds, heads.map((h) => h.values), heads.map((h) => h.weights), 'MSE');
  assert.ok(mse > 0 && Math.abs(mse - arr * 0.5) < 1e-3, `MSE ${mse} for errors of ±0.5 should be L1/2 = ${arr / 2}`);
});

test('normalisation: per-point mean over scored points, scalar std; round trip is exact', () => {
  const set = syntheticSet({ count: 30, points: 10 });
  const idx = Array.from({ length: 30 }, (_, i) => i);
  const norm = fitNormalisation(set, idx);
  const cu = idx.filter((s) => set.domainIndex[s] === 0);
  const m3 = cu.reduce((a, s) => a + set.targets[s * set.gridLength + 3], 0) / cu.length;
  assert.ok(Math.abs(norm[0].mean[3] - m3) < 1e-6);
  const last = cu.filter((s) => set.targetMask[s * set.gridLength + 9]);
  const m9 = last.reduce((a, s) => a + set.targets[s * set.gridLength + 9], 0) / last.length;
  assert.ok(Math.abs(norm[0].mean[9] - m9) < 1e-6, 'unscored points are left out of the mean');
  assert.equal(norm[0].std.length, 1);
  assert.ok(norm[0].std[0] > 0.01);
  for (const mu of [0, 0.37, 1.9]) assert.ok(Math.abs(denormaliseValue(norm[0], 4, normaliseValue(norm[0], 4, mu)) - mu) < 1e-9);
});

for (const extra of [{}, { angular: true }, { angular: true, context: true }, { linearRbfCount: 16, angular: true }] as const) test(`fast training inputs equal batchGraphs(sampleGraph(...)) with ${JSON.stringify(extra)}`, () => {
  const set = syntheticSet({ count: 5, graph: { ...DEFAULT_GRAPH_OPTIONS, maxNeighbours: 6, ...extra } });
  const a = gnnBatch(set, [0, 3, 4]);
  const b = batchGraphs([0, 3, 4].map((i) => sampleGraph(set, i)));
  const linear = ('linearRbfCount' in extra && extra.linearRbfCount) || 0;
  const E = 65 + linear + ('angular' in extra ? 25 : 0) + ('context' in extra ? 35 : 0);
  assert.equal(a.edgeFeatureSize, E);
  assert.deepEqual(Array.from(a.mask), Array.from(b.mask));
  assert.deepEqual(Array.from(a.nodes), Array.from(b.nodes));
  const maxDiff = a.edges.reduce((m, v, i) => Math.max(m, Math.abs(v - b.edges[i])), 0);
  assert.ok(maxDiff < 1e-6, `edge features differ by ${maxDiff}`);
  // The extra blocks are really filled (the synthetic neighbours have directions).
  const blocks: [number, number][] = [];
  if (linear) blocks.push([65, 65 + linear]);
  if ('angular' in extra) blocks.push([65 + linear, 90 + linear]);
  if ('context' in extra) blocks.push([90 + linear, 125 + linear]);
  for (const [from, to] of blocks) {
    let sum = 0;
    for (let e = 0; e < a.edges.length / E; e++) for (let q = from; q < to; q++) sum += a.edges[e * E + q];
    assert.ok(sum > 0.1, `features ${from}–${to} sum to ${sum}`);
  }
});

test('factorised training forward equals the network forward (outputs and batch-norm statistics)', async () => {
  const tf = await getTf();
  const set = syntheticSet({ count: 20 });
  const cfg = smallConfig(set.domains.map((d) => ({ name: d.id, size: d.energies.length })));
  const slow = new GnnAdapter(tf, cfg, set, 5, false);
  const fast = new GnnAdapter(tf, cfg, set, 5, true);
  const idx = [0, 1, 2, 5, 8, 13, 19];
  const a = tf.tidy(() => slow.forward(idx, true).map((t) => Array.from(t.dataSync())));
  const b = tf.tidy(() => fast.forward(idx, true).map((t) => Array.from(t.dataSync())));
  let d = 0;
  a.forEach((x, h) => x.forEach((v, i) => (d = Math.max(d, Math.abs(v - b[h][i])))));
  assert.ok(d < 1e-4, `outputs differ by ${d}`);
  const wa = slow.getWeights();
  const wb = fast.getWeights();
  const stats = wa.filter((w) => w.name.includes('moving'));
  assert.ok(stats.length > 0);
  for (const w of stats) {
    const other = wb.find((x) => x.name === w.name)!;
    const diff = w.data.reduce((m, v, i) => Math.max(m, Math.abs(v - other.data[i])), 0);
    assert.ok(diff < 1e-5, `${w.name} differs by ${diff}`);
  }
  // And a changed statistic proves training mode really moved them.
  assert.ok(stats.some((w) => w.data.some((v) => v !== 0 && v !== 1)));
  slow.dispose();
  fast.dispose();
});

test('a tiny GNN on a synthetic set: loss falls at least 1.5× within 150 steps (deterministic seed)', async () => {
  const tf = await getTf();
  const set = syntheticSet({ count: 48 });
  const cfg = smallConfig(set.domains.map((d) => ({ name: d.id, size: d.energies.length })));
  const adapter = new GnnAdapter(tf, cfg, set, 2);
  const o = options(tf, adapter, set);
  const opt = createOptimizer(o);
  const losses: number[] = [];
  for (let s = 0; s < 150; s++) {
    const order = epochOrder(o.train, 1, Math.floor(s / 5));
    losses.push(trainStep(o, opt, batchesOf(order, 8)[s % 5] ?? order.slice(0, 8), 1e-2));
  }
  const first = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const last = losses.slice(-10).reduce((a, b) => a + b) / 10;
  assert.ok(last < first / 1.5, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  opt.dispose();
  adapter.dispose();
});

for (const extra of [{}, { positionNoise: 0.03, slopeWeight: 2 }]) test(`checkpoint → resume continues exactly like an uninterrupted run ${JSON.stringify(extra)}`, () =>
  withRunDir('xl-train-', async ({ tf, set, cfg, dir }) => {
    const full = new GnnAdapter(tf, cfg, set, 9);
    await train(options(tf, full, set, extra));
    const reference = full.getWeights();
    // Interrupted after 5 steps (mid-epoch: 28 train samples / 8 = 4 steps per epoch), then resumed in a fresh model.
    const a = new GnnAdapter(tf, cfg, set, 9);
    const first = await train(options(tf, a, set, { ...extra, checkpointDir: path.join(dir, 'ck'), bestWeightsFile: path.join(dir, 'best.bin'), maxSteps: 5 }));
    assert.equal(first.status, 'step-limit');
    const st = readCheckpointState(path.join(dir, 'ck'));
    assert.equal(st.globalStep, 5);
    assert.equal(st.epoch, 1);
    assert.equal(st.batchInEpoch, 1);
    a.dispose();
    const b = new GnnAdapter(tf, cfg, set, 1234);
    const second = await train(options(tf, b, set, { ...extra, checkpointDir: path.join(dir, 'ck'), bestWeightsFile: path.join(dir, 'best.bin'), resume: true }));
    assert.equal(second.status, 'finished');
    assert.equal(second.state.globalStep, 3 * 4);
    const resumed = b.getWeights();
    let d = 0;
    reference.forEach((w, k) => w.data.forEach((v, i) => (d = Math.max(d, Math.abs(v - resumed[k].data[i])))));
    assert.ok(d < 1e-6, `weights differ by ${d} after resume`);
    assert.equal(second.state.history.length, 3);
    full.dispose();
    b.dispose();
  }));

test('the trainer applies position noise and the slope term: each changes the trained weights, the same settings do not', () =>
  withRunDir('xl-extra-', async ({ tf, set, cfg }) => {
    const trained = async (extra: Partial<TrainerOptions>): Promise<number[]> => {
      const a = new GnnAdapter(tf, cfg, set, 9);
      await train(options(tf, a, set, extra));
      const w = a.getWeights().flatMap((x) => Array.from(x.data));
      a.dispose();
      return w;
    };
    const maxDiff = (x: number[], y: number[]): number => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
    const plain = await trained({});
    assert.equal(maxDiff(plain, await trained({})), 0, 'training is deterministic');
    const noisy = await trained({ positionNoise: 0.03 });
    assert.ok(maxDiff(plain, noisy) > 1e-4, 'position noise reached the batches');
    assert.equal(maxDiff(noisy, await trained({ positionNoise: 0.03 })), 0, 'the noise depends only on seed and step');
    assert.ok(maxDiff(plain, await trained({ slopeWeight: 2 })) > 1e-4, 'the slope term reached the loss');
  }));

test('cancellation stops after the current step and leaves a resumable checkpoint', () =>
  withRunDir('xl-cancel-', async ({ tf, set, cfg, dir }) => {
    const signal = { aborted: false };
    const events: TrainEvent[] = [];
    const a = new GnnAdapter(tf, cfg, set, 4);
    const r = await train(options(tf, a, set, {
      checkpointDir: path.join(dir, 'ck'), signal, stepEventEvery: 1,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'step' && e.epoch === 1 && e.step === 2) signal.aborted = true;
      },
    }));
    assert.equal(r.status, 'cancelled');
    assert.ok(hasCheckpoint(path.join(dir, 'ck')));
    const st = readCheckpointState(path.join(dir, 'ck'));
    assert.deepEqual([st.epoch, st.batchInEpoch, st.globalStep], [1, 2, 6]);
    assert.ok(events.some((e) => e.type === 'done' && e.status === 'cancelled'));
    const b = new GnnAdapter(tf, cfg, set, 4);
    const r2 = await train(options(tf, b, set, { checkpointDir: path.join(dir, 'ck'), resume: true }));
    assert.equal(r2.status, 'finished');
    assert.equal(r2.state.globalStep, 12);
    a.dispose();
    b.dispose();
  }));

test('the trainer only ever trains on the training split, and splits keep materials together', async () => {
  const tf = await getTf();
  const set = syntheticSet({ count: 60, perMaterial: 3 });
  const split = splitSet(set, { train: 0.6, val: 0.2, test: 0.2 }, 5);
  const side = new Map<string, string>();
  for (const name of ['train', 'val', 'test'] as const) {
    for (const i of split[name]) {
      const key = `${set.domainIndex[i]}|${set.materialIds[i]}`;
      assert.ok(!side.has(key) || side.get(key) === name, `material ${key} on two sides`);
      side.set(key, name);
    }
  }
  assert.equal(split.train.length + split.val.length + split.test.length, 60);
  assert.ok(split.val.length > 0 && split.test.length > 0);
  const cfg = smallConfig(set.domains.map((d) => ({ name: d.id, size: d.energies.length })));
  const inner = new GnnAdapter(tf, cfg, set, 1);
  const seen = new Set<number>();
  const spy: ModelAdapter = {
    kind: 'gnn', headSizes: inner.headSizes, variables: () => inner.variables(),
    forward: (idx, training) => {
      if (training) idx.forEach((i) => seen.add(i));
      return inner.forward(idx, training);
    },
    getWeights: () => inner.getWeights(), setWeights: (w) => inner.setWeights(w), parameterCount: () => inner.parameterCount(), dispose: () => inner.dispose(),
  };
  const o = options(tf, spy, set, { epochs: 1 });
  await train({ ...o, train: split.train, val: split.val, normalisation: fitNormalisation(set, split.train) });
  assert.deepEqual([...seen].sort((a, b) => a - b), [...split.train].sort((a, b) => a - b));
  inner.dispose();
});

test('early stopping ends a run whose validation score stops improving, keeping the best weights', async () => {
  const tf = await getTf();
  const set = syntheticSet({ count: 40 });
  const cfg = smallConfig(set.domains.map((d) => ({ name: d.id, size: d.energies.length })));
  const a = new GnnAdapter(tf, cfg, set, 3);
  // Batch-norm statistics still drift, so demand an impossible gain: only the first validation counts.
  const r = await train(options(tf, a, set, { learningRate: 1e-12, epochs: 20, earlyStopping: { patience: 2, minDelta: 10 } }));
  assert.equal(r.status, 'early-stopped');
  assert.equal(r.state.epoch, 3);
  assert.equal(r.state.bestEpoch, 0);
  a.dispose();
});

test('ensemble: mean and sample standard deviation per point', () => {
  const mk = (v: number[]): SamplePrediction => ({ sample: 0, domain: 'Cu-K-FEFF', pred: Float32Array.from(v), target: Float32Array.from([1, 1]), mask: Uint8Array.from([1, 1]) });
  const c = combineMembers([[mk([1, 2])], [mk([3, 2])], [mk([2, 5])]]);
  assert.deepEqual(Array.from(c[0].pred), [2, 3]);
  assert.ok(Math.abs(c[0].std![0] - 1) < 1e-6);
  assert.ok(Math.abs(c[0].std![1] - Math.sqrt(3)) < 1e-6);
  assert.equal(combineMembers([[mk([1, 2])]])[0].std, undefined);
});

test('schedules: cosine from base to minimum, warm-up ramps, plateau halves after patience', () => {
  const s: ScheduleConfig = { ...SCHEDULE, type: 'cosine', minLearningRate: 1e-5, warmupEpochs: 0 };
  assert.ok(Math.abs(learningRateAt(1e-3, s, 0, 10) - 1e-3) < 1e-12);
  assert.ok(Math.abs(learningRateAt(1e-3, s, 5, 10) - (1e-5 + 0.5 * (1e-3 - 1e-5))) < 1e-12);
  assert.ok(Math.abs(learningRateAt(1e-3, s, 10, 10) - 1e-5) < 1e-12);
  assert.ok(learningRateAt(1e-3, { ...s, warmupEpochs: 2 }, 0.5, 10) < 3e-4);
  let p = initialPlateau();
  const ps: ScheduleConfig = { ...SCHEDULE, type: 'plateau', patience: 2, factor: 0.5 };
  for (const score of [1, 0.9, 0.95, 0.95]) p = updatePlateau(p, score, ps);
  assert.equal(p.scale, 0.5);
  assert.equal(learningRateAt(1e-3, ps, 3, 10, p), 5e-4);
});

test('site-averaged records are scored once, on the mean of their sites\' predictions', () => {
  const set = syntheticSet({ count: 3, points: 4 });
  set.group[1] = 0; // samples 0 and 1: two sites of one site-averaged record
  set.domainIndex[1] = 0;
  const mk = (sample: number, v: number): SamplePrediction => ({
    sample, domain: 'Cu-K-FEFF', pred: Float32Array.from([v, v, v, v]), target: Float32Array.from([1, 1, 1, 1]), mask: Uint8Array.from([1, 1, 1, 1]),
  });
  const groups = averageGroups(set, [mk(0, 0), mk(1, 2), mk(2, 5)]);
  assert.equal(groups.length, 2);
  assert.deepEqual(Array.from(groups[0].pred), [1, 1, 1, 1]);
  assert.equal(metricsOf(set, [mk(0, 0), mk(1, 2)])['Cu-K-FEFF'].mae, 0);
});

test('a run stopped before its first validation still keeps a best model when resumed', () =>
  withRunDir('xl-train-', async ({ tf, set, cfg, dir }) => {
    const ck = path.join(dir, 'ck');
    const best = path.join(dir, 'best.bin');
    const a = new GnnAdapter(tf, cfg, set, 9);
    // 2 steps: inside epoch 1, before any validation, so no best score exists yet.
    assert.equal((await train(options(tf, a, set, { checkpointDir: ck, bestWeightsFile: best, maxSteps: 2 }))).status, 'step-limit');
    a.dispose();
    assert.equal(readCheckpointState(ck).bestScore, Infinity, 'a missing best score reads back as +∞, not null');
    const b = new GnnAdapter(tf, cfg, set, 9);
    const r = await train(options(tf, b, set, { checkpointDir: ck, bestWeightsFile: best, resume: true }));
    b.dispose();
    assert.equal(r.status, 'finished');
    assert.ok(r.state.bestEpoch >= 0 && Number.isFinite(r.state.bestScore), `best epoch ${r.state.bestEpoch}, score ${r.state.bestScore}`);
    assert.ok(existsSync(best), 'best weights written after the resume');
  }));

test('a finished run resumed with more epochs trains only the extra epochs', () =>
  withRunDir('xl-extend-', async ({ tf, set, cfg, dir }) => {
    const a = new GnnAdapter(tf, cfg, set, 4);
    const first = await train(options(tf, a, set, { epochs: 2, checkpointDir: path.join(dir, 'ck') }));
    assert.equal(first.status, 'finished');
    assert.equal(readCheckpointState(path.join(dir, 'ck')).finished, true);
    const again = await train(options(tf, a, set, { epochs: 2, checkpointDir: path.join(dir, 'ck'), resume: true }));
    assert.equal(again.state.globalStep, 8, 'same horizon: nothing more to do');
    const more = await train(options(tf, a, set, { epochs: 3, checkpointDir: path.join(dir, 'ck'), resume: true }));
    assert.equal(more.status, 'finished');
    assert.equal(more.state.globalStep, 12);
    assert.equal(more.state.history.length, 3);
    a.dispose();
  }));
