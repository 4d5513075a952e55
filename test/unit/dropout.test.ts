import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MlpAdapter } from '../../server/src/baseline/mlp';
import { batchGraphs } from '../../server/src/graph/build';
import { loadTf } from '../../server/src/model/backend';
import { validateConfig } from '../../server/src/model/config';
import { XanesNetwork } from '../../server/src/model/network';
import { splitSet, subsampleTraining } from '../../server/src/training/setup';
import { syntheticSet } from '../../server/src/training/synthetic';
import { randomGraphs, SMALL_CONFIG } from '../fixtures/models/fixtures';

const values = (t: { dataSync(): ArrayLike<number> }): number[] => Array.from(t.dataSync());

test('GNN dropout: training forwards draw new masks, inference is the plain network', async () => {
  const { tf } = await loadTf('wasm');
  const graphs = randomGraphs(6, 3);
  const plain = new XanesNetwork(tf, SMALL_CONFIG, { seed: 4 });
  const dropped = new XanesNetwork(tf, { ...SMALL_CONFIG, dropout: 0.5 }, { seed: 4 });
  try {
    const infer = (n: XanesNetwork): number[] => tf.tidy(() => values(n.forwardBatch(batchGraphs(graphs)).outputs[0]));
    assert.deepEqual(infer(dropped), infer(plain), 'inference ignores dropout');
    const a = tf.tidy(() => values(dropped.forwardBatch(batchGraphs(graphs), { training: true }).outputs[0]));
    const b = tf.tidy(() => values(dropped.forwardBatch(batchGraphs(graphs), { training: true }).outputs[0]));
    const c = tf.tidy(() => values(plain.forwardBatch(batchGraphs(graphs), { training: true }).outputs[0]));
    assert.notDeepEqual(a, b, 'each training forward draws a new mask');
    assert.notDeepEqual(a, c, 'training output differs from the network without dropout');
    // Seeded: a second network with the same seed draws the same masks.
    const again = new XanesNetwork(tf, { ...SMALL_CONFIG, dropout: 0.5 }, { seed: 4 });
    again.setWeights(dropped.getWeights());
    const a2 = tf.tidy(() => values(again.forwardBatch(batchGraphs(graphs), { training: true }).outputs[0]));
    again.dispose();
    assert.deepEqual(a2, a);
  } finally {
    plain.dispose();
    dropped.dispose();
  }
  assert.throws(() => validateConfig({ ...SMALL_CONFIG, dropout: 1 }), /dropout/);
});

test('MLP dropout acts in training only', async () => {
  const { tf } = await loadTf('wasm');
  const set = syntheticSet({ count: 20, wacsfLength: 8 });
  const idx = [0, 1, 2, 3];
  const mlp = new MlpAdapter(tf, { inputSize: 8, hidden: [16, 16], headSizes: set.domains.map((d) => d.energies.length), dropout: 0.5 }, set, idx, 2);
  try {
    const run = (training: boolean): number[] => tf.tidy(() => values(mlp.forward(idx, training)[0]));
    assert.deepEqual(run(false), run(false));
    assert.notDeepEqual(run(true), run(true));
    assert.notDeepEqual(run(true), run(false));
  } finally {
    mlp.dispose();
  }
});

test('learning-curve subsets keep validation and test, and whole materials of the training side', () => {
  const set = syntheticSet({ count: 120, perMaterial: 3 });
  const split = splitSet(set, { train: 0.8, val: 0.1, test: 0.1 }, 42);
  const half = subsampleTraining(set, split, 0.5, 43);
  assert.deepEqual(half.val, split.val);
  assert.deepEqual(half.test, split.test);
  assert.ok(half.train.every((i) => split.train.includes(i)));
  const materials = (idx: number[]): Set<string> => new Set(idx.map((i) => `${set.domainIndex[i]}|${set.materialIds[i]}`));
  const all = materials(split.train);
  const kept = materials(half.train);
  assert.ok(Math.abs(kept.size - all.size / 2) <= set.domains.length, `${kept.size} of ${all.size} materials`);
  // Every site of a kept material is kept.
  for (const i of split.train) assert.equal(half.train.includes(i), kept.has(`${set.domainIndex[i]}|${set.materialIds[i]}`));
  assert.deepEqual(subsampleTraining(set, split, 0.5, 43).train, half.train, 'seeded');
  assert.equal(subsampleTraining(set, split, 1, 43), split);
});
