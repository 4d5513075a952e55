import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTf } from '../../server/src/model/backend';
import { fitFeatureScaling, MlpAdapter } from '../../server/src/baseline/mlp';
import { fitNormalisation } from '../../server/src/training/normalisation';
import { metricsOf, predictSamples } from '../../server/src/training/predict';
import { splitSet } from '../../server/src/training/setup';
import { syntheticSet } from '../../server/src/training/synthetic';
import { train } from '../../server/src/training/trainer';

test('feature scaling: training-split mean and std, constant features left at scale 1', () => {
  const f = Float32Array.from([1, 5, 3, 5, 5, 5, 100, 5]);
  const { mean, std } = fitFeatureScaling(f, 2, [0, 1, 2]);
  assert.deepEqual(Array.from(mean), [3, 5]);
  assert.ok(Math.abs(std[0] - 2) < 1e-6);
  assert.equal(std[1], 1);
});

test('the wACSF+MLP baseline trains in the same trainer and beats the mean spectrum on held-out samples', async () => {
  const { tf } = await loadTf('wasm');
  const set = syntheticSet({ count: 90, wacsfLength: 12 });
  const split = splitSet(set, { train: 0.7, val: 0.3, test: 0 }, 2);
  const norm = fitNormalisation(set, split.train);
  const adapter = new MlpAdapter(tf, { inputSize: 12, hidden: [32, 32], headSizes: set.domains.map((d) => d.energies.length) }, set, split.train, 3);
  const r = await train({
    tf, adapter, set, train: split.train, val: split.val, normalisation: norm, headOfDomain: [0, 1], loss: 'L1',
    learningRate: 3e-3, schedule: { type: 'none', warmupEpochs: 0, minLearningRate: 0, stepEpochs: 1, factor: 1, patience: 1 },
    epochs: 40, batchSize: 16, earlyStopping: { patience: 0, minDelta: 0 }, seed: 1,
  });
  assert.equal(r.status, 'finished');
  const first = r.state.history[0].trainLoss;
  const last = r.state.history[r.state.history.length - 1].trainLoss;
  assert.ok(last < first / 2, `train loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
  adapter.setWeights(r.bestWeights);
  const m = metricsOf(set, predictSamples(tf, adapter, set, split.val, norm, [0, 1]));
  const mean = metricsOf(set, split.val.map((s) => {
    const di = set.domainIndex[s];
    const L = set.domains[di].energies.length;
    return { sample: s, domain: set.domains[di].id, pred: Float32Array.from(norm[di].mean), target: set.targets.slice(s * set.gridLength, s * set.gridLength + L), mask: set.targetMask.slice(s * set.gridLength, s * set.gridLength + L) };
  }));
  assert.ok(m['Cu-K-FEFF'].mae < 0.8 * mean['Cu-K-FEFF'].mae, `baseline ${m['Cu-K-FEFF'].mae} vs mean ${mean['Cu-K-FEFF'].mae}`);
  adapter.dispose();
});
