import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadTrainConfig, resolveInputPath, validateTrainConfig } from '../../server/src/training/config';
import { runsInParallel } from '../../server/src/training/parallel';
import { SHIPPED_MODEL } from '../fixtures/models/fixtures';

test('a minimal config gets every default', () => {
  const c = validateTrainConfig({ data: { sources: [{ path: 'x.jsonl' }] } });
  assert.equal(c.loss, 'L1');
  assert.equal(c.batchSize, 32);
  assert.deepEqual(c.split, { seed: 42, train: 0.8, val: 0.1, test: 0.1 });
  assert.equal(c.data.sources[0].kind, 'auto');
  assert.equal(c.data.minCoverage, 0.8);
  assert.equal(c.model.maxNeighbours, 20);
  assert.deepEqual(c.baseline.hidden, [512, 512]);
  assert.deepEqual(c.baseline.wacsf.zetas, [1, 2, 4, 8]);
  assert.equal(c.schedule.type, 'cosine');
  // Options added later get no default key: checkpoint fingerprints (a digest of the whole
  // config) of runs made before them stay valid for --resume.
  assert.equal('context' in c.model, false);
  assert.equal('dropout' in c.baseline, false);
  assert.equal('trainFraction' in c.split, false);
});

test('errors name the path and what is wrong, all at once', () => {
  try {
    validateTrainConfig({ data: { sources: [{ path: 'a', kind: 'csv' }] }, loss: 'L3', batchSize: 0, optimiser: {} }, 'my.json');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const msg = e.problems.join('\n');
    assert.match(msg, /data\.sources\[0\]\.kind: must be one of "auto", "jsonl"/);
    assert.match(msg, /loss: must be one of "L1", "MSE"/);
    assert.match(msg, /batchSize: must be >= 1/);
    assert.match(msg, /\(top level\): unknown key 'optimiser'/);
    assert.match(e.message, /^my\.json: invalid training config/);
  }
  assert.throws(() => validateTrainConfig({}), /missing required key 'data'/);
  assert.throws(() => validateTrainConfig({ data: { sources: [{ path: 'a' }] }, split: { train: 0.5, val: 0.1, test: 0.1 } }), /must be 1, got 0.7/);
  assert.throws(() => validateTrainConfig({ data: { sources: [{ path: 'a' }] }, ensemble: { size: 3, seeds: [1] } }), /1 seeds for an ensemble of 3/);
  assert.throws(() => validateTrainConfig({ data: { sources: [{ path: 'a' }] }, baseline: { wacsf: { nG4: 60 } } }), /not a multiple of 2 λ × 4 ζ/);
});

test('paths: config-relative first, then the repository root; missing files reported', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'xl-cfg-'));
  writeFileSync(path.join(root, 'package.json'), '{}');
  const cfgDir = path.join(root, 'config');
  mkdirSync(cfgDir);
  writeFileSync(path.join(root, 'data.jsonl'), '');
  writeFileSync(path.join(cfgDir, 'local.jsonl'), '');
  assert.equal(resolveInputPath('data.jsonl', cfgDir, root), path.join(root, 'data.jsonl'));
  assert.equal(resolveInputPath('local.jsonl', cfgDir, root), path.join(cfgDir, 'local.jsonl'));
  const file = path.join(cfgDir, 't.json');
  writeFileSync(file, JSON.stringify({ data: { sources: [{ path: 'data.jsonl' }, { path: 'local.jsonl' }] } }));
  const c = loadTrainConfig(file);
  assert.deepEqual(c.data.sources.map((s) => s.path), [path.join(root, 'data.jsonl'), path.join(cfgDir, 'local.jsonl')]);
  assert.equal(c.outputDir, path.join(root, 'out/train'));
  assert.equal(c.data.cacheDir, path.join(root, 'out/cache'));
  writeFileSync(file, JSON.stringify({ data: { sources: [{ path: 'gone.jsonl' }] } }));
  assert.throws(() => loadTrainConfig(file), /data\.sources\[0\]\.path: 'gone\.jsonl' not found/);
  writeFileSync(file, '{ nope');
  assert.throws(() => loadTrainConfig(file), ConfigError);
});

test('the shipped default config is valid, finds ../shared/data, and is the recipe of the shipped model', () => {
  const c = loadTrainConfig(path.resolve('config/train.default.json'));
  assert.equal(c.data.sources.length, 5);
  assert.ok(c.data.sources.every((s) => path.isAbsolute(s.path)));
  // "Train the default model": what the palette offers first is what trained models/ (newest).
  const shipped = loadTrainConfig(path.join(SHIPPED_MODEL + '.train.json'));
  const recipe = (t: typeof c): unknown => ({ ...t, description: '', outputDir: '', backend: '' });
  assert.deepEqual(recipe(c), recipe(shipped));
});

test('initFrom must name a model directory; model options are checked', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-cfg-init-'));
  writeFileSync(path.join(dir, 'x.jsonl'), '');
  const file = path.join(dir, 'train.json');
  writeFileSync(file, JSON.stringify({ data: { sources: [{ path: 'x.jsonl' }] }, initFrom: 'no-such-model' }));
  assert.throws(() => loadTrainConfig(file), (e: unknown) => e instanceof ConfigError && /initFrom: 'no-such-model' is not a model directory/.test(e.message));
  mkdirSync(path.join(dir, 'm'));
  writeFileSync(path.join(dir, 'm', 'metadata.json'), '{}');
  writeFileSync(file, JSON.stringify({ data: { sources: [{ path: 'x.jsonl' }] }, initFrom: 'm', model: { angular: true, attention: 'cosine', descriptor: 'wacsf' } }));
  const c = loadTrainConfig(file);
  assert.equal(c.initFrom, path.join(dir, 'm'), 'resolved next to the config');
  assert.throws(() => validateTrainConfig({ data: { sources: [{ path: 'x' }] }, model: { attention: 'softmax', descriptor: 'soap' } }),
    (e: unknown) => e instanceof ConfigError && /model\.attention: must be one of "tanh", "cosine"/.test(e.message) && /model\.descriptor: must be one of "none", "wacsf"/.test(e.message));
});

test('a run uses worker threads only with workers > 1, more than one part and the worker bundle present', () => {
  const cfg = validateTrainConfig({ data: { sources: [{ path: 'x.jsonl' }] }, workers: 2, ensemble: { size: 2 } });
  const here = path.resolve('package.json'); // any existing file stands in for dist/trainWorker.js
  const base = { cfg, tf: {} as never, backend: 'wasm' };
  assert.equal(runsInParallel(base, here), true);
  assert.equal(runsInParallel(base, path.resolve('no-such-worker.js')), false, 'no bundle: in turn');
  assert.equal(runsInParallel(base, undefined), false);
  assert.equal(runsInParallel({ ...base, cfg: { ...cfg, workers: 1 } }, here), false, 'workers 1: in turn');
  assert.equal(runsInParallel({ ...base, members: [1], baseline: false }, here), false, 'one part (--member 1): nothing to share');
  assert.equal(runsInParallel({ ...base, members: [0], baseline: true }, here), true, 'a member and the baseline');
  const single = { ...cfg, ensemble: { size: 1 }, baseline: { ...cfg.baseline, enabled: false } };
  assert.equal(runsInParallel({ ...base, cfg: single }, here), false);
});
