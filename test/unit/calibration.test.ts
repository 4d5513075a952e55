import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadTf } from '../../server/src/model/backend';
import { createPredictor } from '../../server/src/model/predictor';
import { applyStdScale, fitStdScale } from '../../server/src/training/calibration';
import { validateTrainConfig } from '../../server/src/training/config';
import { evaluateByDomain } from '../../server/src/training/metrics';
import type { SamplePrediction } from '../../server/src/training/predict';
import { portableConfig } from '../../server/src/training/run';
import { randomGraphs, smallDomains, writeSmallModel } from '../fixtures/models/fixtures';

function predictions(domain: string, n: number, errScale: number, std: number, seed: number): SamplePrediction[] {
  let s = seed;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, (_, k) => {
    const size = 10;
    const target = Float32Array.from({ length: size }, () => rand());
    // Gaussian errors (Box–Muller) of known spread: the right factor is errScale / std.
    const pred = target.map((t) => t + errScale * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
    return { sample: k, domain, pred, target, mask: new Uint8Array(size).fill(1), std: new Float32Array(size).fill(std) };
  });
}

test('fitStdScale makes ±2σ cover 95 % per domain; the factor carries over to new data of the same kind', () => {
  const val = [...predictions('Cu-K-FEFF', 300, 0.03, 0.01, 1), ...predictions('Fe-K-FDMNES', 300, 0.01, 0.02, 2)];
  const scale = fitStdScale(val);
  assert.ok(Math.abs(scale['Cu-K-FEFF'] - 3) < 0.3, `Cu factor ${scale['Cu-K-FEFF']}`);
  assert.ok(Math.abs(scale['Fe-K-FDMNES'] - 0.5) < 0.05, `Fe factor ${scale['Fe-K-FDMNES']}`);
  const testSet = [...predictions('Cu-K-FEFF', 300, 0.03, 0.01, 3), ...predictions('Fe-K-FDMNES', 300, 0.01, 0.02, 4)];
  const grid = Array.from({ length: 10 }, (_, i) => 8984 + i);
  const domains = [{ id: 'Cu-K-FEFF', energies: grid }, { id: 'Fe-K-FDMNES', energies: grid }];
  const before = evaluateByDomain(domains as never, testSet);
  const after = evaluateByDomain(domains as never, applyStdScale(testSet, scale));
  assert.ok((before['Cu-K-FEFF'].coverage2Sigma ?? 1) < 0.6, 'uncalibrated Cu band is too narrow');
  for (const id of ['Cu-K-FEFF', 'Fe-K-FDMNES']) {
    const c = after[id].coverage2Sigma ?? 0;
    assert.ok(c > 0.93 && c < 0.975, `${id} calibrated coverage ${c}`);
  }
});

test('the predictor multiplies the ensemble spread by the stored factor', async () => {
  const { tf } = await loadTf('cpu');
  const dir = writeSmallModel(tf, 2);
  const graphs = randomGraphs(3, 5);
  const id = smallDomains()[0].id;
  const plain = createPredictor(tf, dir, 'cpu');
  const a = plain.predict(graphs, [id]);
  plain.dispose();
  const file = path.join(dir, 'metadata.json');
  const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
  meta.uncertainty = { stdScale: { [id]: 2.5 }, fittedOn: 'validation split', coverage: 0.9545 };
  fs.writeFileSync(file, JSON.stringify(meta));
  const calibrated = createPredictor(tf, dir, 'cpu');
  const b = calibrated.predict(graphs, [id]);
  calibrated.dispose();
  a.forEach((p, k) => {
    assert.deepEqual(b[k].mu, p.mu);
    p.std!.forEach((s, i) => assert.ok(Math.abs(b[k].std![i] - 2.5 * s) < 1e-9 + 1e-6 * s));
    assert.ok(p.std!.some((s) => s > 0));
  });
});

test('the config stored in metadata has repository-relative paths', () => {
  const root = path.resolve('.');
  const cfg = validateTrainConfig({ data: { sources: [{ path: path.resolve(root, '../shared/data/x.jsonl') }], cacheDir: path.join(root, 'out/cache') }, outputDir: path.join(root, 'runs/a'), initFrom: path.join(root, 'models/m') });
  const p = portableConfig(cfg, root);
  assert.equal(p.data.sources[0].path, path.join('..', 'shared', 'data', 'x.jsonl'));
  assert.equal(p.data.cacheDir, path.join('out', 'cache'));
  assert.equal(p.outputDir, path.join('runs', 'a'));
  assert.equal(p.initFrom, path.join('models', 'm'));
  assert.ok(!JSON.stringify(p).includes(root + path.sep), 'no absolute path of this checkout left');
});
