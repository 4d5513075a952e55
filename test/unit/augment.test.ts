// Training-time position noise (training/augment.ts), the slope term of the loss (training/loss.ts)
// and the evenly spaced radial Gaussians (graph/rbf.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { loadTf } from '../../server/src/model/backend';
import { gaussianRbf, linearGaussianRbf, smoothCutoff } from '../../server/src/graph/rbf';
import { edgeFeatureSize, writeEdgeFeatures } from '../../server/src/graph/build';
import { DEFAULT_GRAPH_OPTIONS } from '../../server/src/graph/types';
import { jitterNeighbours, noiseSeed, positionNoise } from '../../server/src/training/augment';
import { factoredBatch } from '../../server/src/training/fastForward';
import { maskedLoss, maskedLossArrays } from '../../server/src/training/loss';
import { syntheticSet } from '../../server/src/training/synthetic';
import { SeededRng } from '../../server/src/random';

test('evenly spaced Gaussians peak at their centres, one spacing wide, and vanish at the cutoff', () => {
  const out = new Float32Array(17);
  linearGaussianRbf(3, 17, 8, out); // centres every 0.5 Å: k = 6 sits at 3 Å
  assert.ok(Math.abs(out[6] - smoothCutoff(3, 8)) < 1e-6);
  assert.ok(Math.abs(out[5] - smoothCutoff(3, 8) * Math.exp(-1)) < 1e-6, 'one spacing away = e^-1 of the peak');
  assert.ok(out[0] < 1e-10 && out[16] < 1e-10);
  // Resolution where the exp(−r) basis is coarse: 3.9 and 4.1 Å differ far more than in 64 exp-spaced RBFs.
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  const a = new Float32Array(17);
  const b = new Float32Array(17);
  linearGaussianRbf(3.9, 17, 8, a);
  linearGaussianRbf(4.1, 17, 8, b);
  const expSpaced = maxDiff(gaussianRbf(3.9, 64, 8), gaussianRbf(4.1, 64, 8));
  assert.ok(maxDiff(a, b) > 0.1 && maxDiff(a, b) > 2 * expSpaced, `${maxDiff(a, b)} vs ${expSpaced}`);
  linearGaussianRbf(8, 17, 8, out);
  assert.ok(out.every((v) => v === 0), 'the padding atom at the cutoff has no radial features');
});

test('edge features: the evenly spaced block sits between the RBFs and the angular block', () => {
  const o = { ...DEFAULT_GRAPH_OPTIONS, maxNeighbours: 2, linearRbfCount: 9, angular: true };
  const E = edgeFeatureSize(o);
  assert.equal(E, 1 + 64 + 9 + 25);
  const out = new Float32Array(2 * E);
  writeEdgeFeatures(o, [2, 3], 2, [2, 0, 0, 0, 3, 0], [8, 8], out, 0);
  const lin = new Float32Array(9);
  linearGaussianRbf(3, 9, 8, lin);
  assert.deepEqual(Array.from(out.subarray(E + 65, E + 74)), Array.from(lin));
});

test('position noise: reproducible per (seed, step), σ per component, graph-only neighbours move along the bond', () => {
  assert.notEqual(noiseSeed(1, 0), noiseSeed(1, 1));
  assert.notEqual(noiseSeed(1, 0), noiseSeed(2, 0));
  assert.equal(positionNoise(0, 1, 0), undefined);
  const n = 4000;
  const vectors = new Float32Array(n * 3);
  const distances = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    vectors.set([0, 0, 2.5], 3 * k);
    distances[k] = 2.5;
  }
  const a = jitterNeighbours(distances, vectors, n, { sigma: 0.05, rng: new SeededRng(7) });
  const b = jitterNeighbours(distances, vectors, n, { sigma: 0.05, rng: new SeededRng(7) });
  assert.deepEqual(Array.from(a.vectors), Array.from(b.vectors));
  for (let c = 0; c < 3; c++) {
    let s = 0;
    let ss = 0;
    for (let k = 0; k < n; k++) {
      const d = a.vectors[3 * k + c] - vectors[3 * k + c];
      s += d;
      ss += d * d;
    }
    const mean = s / n;
    const sd = Math.sqrt(ss / n - mean * mean);
    assert.ok(Math.abs(mean) < 0.005, `component ${c}: mean shift ${mean}`);
    assert.ok(Math.abs(sd - 0.05) < 0.004, `component ${c}: σ ${sd}`);
  }
  for (let k = 0; k < n; k++) assert.ok(Math.abs(a.distances[k] - Math.hypot(a.vectors[3 * k], a.vectors[3 * k + 1], a.vectors[3 * k + 2])) < 1e-5);
  const graphOnly = jitterNeighbours([2.5, 3], [0, 0, 0, 0, 0, 0], 2, { sigma: 0.05, rng: new SeededRng(3) });
  assert.deepEqual(Array.from(graphOnly.vectors), [0, 0, 0, 0, 0, 0]);
  assert.ok(graphOnly.distances[0] !== 2.5 && Math.abs(graphOnly.distances[0] - 2.5) < 0.3);
});

test('training batches: noise changes the edge features, never the atoms; no noise = the cached geometry', () => {
  const set = syntheticSet({ count: 6, graph: { ...DEFAULT_GRAPH_OPTIONS, maxNeighbours: 6, angular: true } });
  const plain = factoredBatch(set, [0, 2, 5]);
  const again = factoredBatch(set, [0, 2, 5], undefined);
  assert.deepEqual(Array.from(plain.edges), Array.from(again.edges));
  const noisy = factoredBatch(set, [0, 2, 5], positionNoise(0.05, 1, 3));
  const same = factoredBatch(set, [0, 2, 5], positionNoise(0.05, 1, 3));
  assert.deepEqual(Array.from(noisy.edges), Array.from(same.edges));
  assert.deepEqual(Array.from(noisy.oneHot), Array.from(plain.oneHot));
  assert.deepEqual(Array.from(noisy.neighbourMask), Array.from(plain.neighbourMask));
  let maxDistanceShift = 0;
  for (let e = 0; e < plain.edges.length / plain.edgeSize; e++) {
    if (!plain.neighbourMask[e]) continue;
    maxDistanceShift = Math.max(maxDistanceShift, Math.abs(noisy.edges[e * plain.edgeSize] - plain.edges[e * plain.edgeSize]));
  }
  assert.ok(maxDistanceShift > 0.01 && maxDistanceShift < 0.5, `largest distance shift ${maxDistanceShift} Å`);
});

test('slope term: tensor and array forms agree, a constant offset costs nothing, unscored pairs count nothing', async () => {
  const { tf } = await loadTf('wasm');
  const B = 2;
  const L = 6;
  const target = Float32Array.from({ length: B * L }, (_, i) => Math.sin(i));
  const w = new Float32Array(B * L).fill(1 / (B * L));
  w[9] = 0; // one unscored point: its two pairs drop out
  const tensors = (p: Float32Array): number => tf.tidy(() => maskedLoss(tf, [tf.tensor2d(p, [B, L]) as Tensor2D], [tf.tensor2d(target, [B, L]) as Tensor2D], [tf.tensor2d(w, [B, L]) as Tensor2D], 'L1', 3).dataSync()[0]);
  const arrays = (p: Float32Array): number => maskedLossArrays([p], [target], [w], 'L1', 3, L);
  const offset = Float32Array.from(target, (v) => v + 0.2);
  const pointOnly = maskedLossArrays([offset], [target], [w], 'L1');
  assert.ok(Math.abs(arrays(offset) - pointOnly) < 1e-7, 'a level offset has the right slopes');
  assert.ok(Math.abs(tensors(offset) - pointOnly) < 1e-6);
  const wiggle = Float32Array.from(target, (v, i) => v + (i % 2 ? 0.1 : -0.1));
  assert.ok(Math.abs(tensors(wiggle) - arrays(wiggle)) < 1e-6, `${tensors(wiggle)} vs ${arrays(wiggle)}`);
  // Same pointwise error as the offset, but every slope is off by 0.2: 9 scored pairs (10 minus the two around point 9, minus none across rows).
  const expectedSlope = 3 * (1 / (B * L)) * 0.2 * 8;
  assert.ok(Math.abs(arrays(wiggle) - maskedLossArrays([wiggle], [target], [w], 'L1') - expectedSlope) < 1e-6);
  const spike = Float32Array.from(wiggle);
  spike[9] = 1e3;
  assert.ok(Math.abs(arrays(spike) - arrays(wiggle)) < 1e-9, 'an unscored point changes nothing');
});
