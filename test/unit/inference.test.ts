import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { loadTf } from '../../server/src/model/backend';
import { CancelledError, InferenceService, requestKey } from '../../server/src/model/inferenceService';
import { loadModelFiles, saveModel } from '../../server/src/model/modelFiles';
import { XanesNetwork } from '../../server/src/model/network';
import { batchGraphs } from '../../server/src/graph/build';
import { loadPredictor } from '../../server/src/model/predictor';
import { randomGraphs, randomWeights, SMALL_CONFIG, smallDraft, tempDir, writeSmallModel } from '../fixtures/models/fixtures';

test('predictor: normalised head outputs, per-graph domains, attention per head and neighbour', async () => {
  const { tf } = await loadTf('cpu');
  const dir = writeSmallModel(tf, 1);
  const p = await loadPredictor(dir, { tf });
  assert.equal(p.info.name, 'test-small');
  assert.equal(p.info.backend, 'cpu');
  const graphs = randomGraphs(3, 5);
  const preds = p.predict(graphs, ['Fe-K-FEFF', 'Fe-K-FDMNES', 'Fe-K-FEFF']);
  assert.deepEqual(preds.map((x) => x.mu.length), [7, 3, 7]);
  assert.deepEqual(preds[0].energies, [7112, 7112.5, 7113, 7113.5, 7114, 7114.5, 7115]);
  assert.equal(preds[0].std, undefined);
  assert.equal(preds[0].attention.length, 2);
  assert.equal(preds[0].attention[0].length, 6);
  // Head 0 is stored normalised (mean 1, std 0.5), head 1 raw.
  const net = new XanesNetwork(tf, SMALL_CONFIG);
  net.setWeights(loadModelFiles(dir).members[0]);
  const raw = tf.tidy(() => net.forward(net.inputsFromBatch(batchGraphs(graphs))).outputs.map((o) => o.arraySync() as number[][]));
  preds[0].mu.forEach((m, i) => assert.ok(Math.abs(m - (raw[0][0][i] * 0.5 + 1)) < 1e-6));
  preds[1].mu.forEach((m, i) => assert.ok(Math.abs(m - raw[1][1][i]) < 1e-6));
  net.dispose();
  p.dispose();
});

test('predictor refuses spectra the model does not cover, never extrapolating', async () => {
  const { tf } = await loadTf('cpu');
  const p = await loadPredictor(writeSmallModel(tf), { tf });
  const [fe] = randomGraphs(1, 1);
  const [zn] = randomGraphs(1, 1, undefined, 'Zn');
  assert.throws(() => p.predict([zn], ['Zn-K-FEFF']), /model 'test-small' does not predict 'Zn-K-FEFF' spectra; it covers Fe-K-FEFF, Cu-K-FEFF, Fe-K-FDMNES/);
  assert.throws(() => p.predict([fe], ['Cu-K-FEFF']), /domain 'Cu-K-FEFF' is for Cu absorbers, but graph 0 is centred on Fe/);
  assert.equal(p.domainFor('Zn'), undefined);
  assert.equal(p.domainFor('fe')?.id, 'Fe-K-FEFF');
  assert.equal(p.domainFor('Fe', 'fdmnes')?.id, 'Fe-K-FDMNES');
  assert.equal(p.domainFor('Cu', 'FDMNES'), undefined);
  const [wide] = randomGraphs(1, 1, { maxNeighbours: 20, cutoff: 8, rbfCount: 64 });
  assert.throws(() => p.predict([wide], ['Fe-K-FEFF']), /the model needs/);
  p.dispose();
});

test('ensembles give the member mean and the member standard deviation', async () => {
  const { tf } = await loadTf('cpu');
  const members = [randomWeights(tf, SMALL_CONFIG, 21), randomWeights(tf, SMALL_CONFIG, 22), randomWeights(tf, SMALL_CONFIG, 23)];
  const dir = tempDir();
  saveModel(dir, smallDraft(), members);
  const singles = members.map((m) => {
    const d = tempDir();
    saveModel(d, smallDraft(), [m]);
    return d;
  });
  const graphs = randomGraphs(2, 8);
  const ens = (await loadPredictor(dir, { tf })).predict(graphs, ['Fe-K-FEFF']);
  const each = await Promise.all(singles.map(async (d) => (await loadPredictor(d, { tf })).predict(graphs, ['Fe-K-FEFF'])));
  ens.forEach((p, g) => {
    p.mu.forEach((m, i) => {
      const vals = each.map((e) => e[g].mu[i]);
      const mean = vals.reduce((s, v) => s + v, 0) / 3;
      const sd = Math.sqrt(vals.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
      assert.ok(Math.abs(m - mean) < 1e-6);
      assert.ok(Math.abs(p.std![i] - sd) < 1e-6);
      assert.ok(sd > 0);
    });
    const att = each.map((e) => e[g].attention[1][0]);
    assert.ok(Math.abs(p.attention[1][0] - att.reduce((s, v) => s + v, 0) / 3) < 1e-7);
  });
});

// ---- inference service with a scripted worker: queue, de-duplication, cancellation, restart ----
const FAKE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let ran = 0;
if (workerData.modelDir === 'bad') parentPort.postMessage({ type: 'fatal', message: 'no model at bad' });
else {
  parentPort.postMessage({ type: 'ready', info: { name: 'fake', version: '1', backend: 'none', members: 1, domains: [] }, fallbacks: [] });
  parentPort.on('message', (m) => {
    if (m.domainIds[0] === 'crash') process.exit(3);
    if (m.domainIds[0] === 'fail') return parentPort.postMessage({ type: 'error', id: m.id, message: 'bad request' });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120); // a blocking kernel
    ran++;
    parentPort.postMessage({ type: 'result', id: m.id, predictions: [{ domainId: m.domainIds[0], energies: [], mu: [ran], attention: [] }] });
  });
}`;

function fakeService(modelDir = 'ok'): InferenceService {
  const file = path.join(tempDir('xanes-worker-'), 'fake-worker.js');
  fs.writeFileSync(file, FAKE_WORKER);
  return new InferenceService({ modelDir, workerPath: file });
}

test('identical in-flight requests share one run', async () => {
  const s = fakeService();
  const g = randomGraphs(1, 3);
  const [a, b] = await Promise.all([s.predict(g, ['x']), s.predict(g, ['x'])]);
  assert.deepEqual(a, b);
  assert.equal(a[0].mu[0], 1);
  const c = await s.predict(g, ['y']);
  assert.equal(c[0].mu[0], 2, 'a different request runs on its own');
  assert.notEqual(requestKey(g, ['x']), requestKey(randomGraphs(1, 4), ['x']));
  await s.dispose();
});

test('a cancelled queued request never runs and rejects with CancelledError', async () => {
  const s = fakeService();
  const g = randomGraphs(3, 3);
  const first = s.predict([g[0]], ['a']);
  const ac = new AbortController();
  const second = s.predict([g[1]], ['b'], ac.signal);
  assert.equal(s.pending, 2);
  ac.abort();
  await assert.rejects(second, (e: Error) => e instanceof CancelledError && e.message === 'prediction cancelled');
  assert.equal((await first)[0].mu[0], 1);
  assert.equal((await s.predict([g[2]], ['c']))[0].mu[0], 2, 'the cancelled job was skipped');
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(s.predict([g[2]], ['d'], pre.signal), CancelledError);
  await s.dispose();
});

test('a crashed worker fails its request and is restarted for the next', async () => {
  const s = fakeService();
  const g = randomGraphs(1, 3);
  await assert.rejects(s.predict(g, ['crash']), /inference worker exited \(code 3\)/);
  assert.equal((await s.predict(g, ['ok']))[0].mu[0], 1);
  assert.equal(s.starts, 2);
  await assert.rejects(s.predict(g, ['fail']), /^Error: bad request$/);
  await s.dispose();
  await assert.rejects(s.predict(g, ['ok']), /disposed/);
});

test('a worker that cannot load its model reports why', async () => {
  const s = fakeService('bad');
  await assert.rejects(s.predict(randomGraphs(1, 3), ['x']), /inference worker could not start: no model at bad/);
  await s.dispose();
});

test('the real worker bundle predicts the same as the in-process predictor', async () => {
  const { tf } = await loadTf('cpu');
  const dir = writeSmallModel(tf, 2);
  const outdir = path.resolve('out/test-worker');
  // Bundled like dist/worker.js: one tfjs copy inside the bundle (scripts/esbuild-tfjs.mjs).
  const { tfjsEsmPlugin, NATIVE_TF_EXTERNALS } = (await import(path.resolve('scripts/esbuild-tfjs.mjs'))) as { tfjsEsmPlugin: never; NATIVE_TF_EXTERNALS: string[] };
  await build({
    entryPoints: [path.resolve('server/src/model/worker.ts')], bundle: true, platform: 'node', target: 'node20',
    format: 'cjs', outfile: path.join(outdir, 'worker.js'), external: NATIVE_TF_EXTERNALS, plugins: [tfjsEsmPlugin], logLevel: 'warning',
  });
  const s = new InferenceService({ modelDir: dir, backend: 'cpu', workerPath: path.join(outdir, 'worker.js') });
  const info = await s.info();
  assert.equal(info.backend, 'cpu');
  assert.equal(info.members, 2);
  const graphs = randomGraphs(4, 17);
  const viaWorker = await s.predict(graphs, ['Fe-K-FEFF']);
  const local = (await loadPredictor(dir, { tf })).predict(graphs, ['Fe-K-FEFF']);
  viaWorker.forEach((p, i) => {
    p.mu.forEach((m, k) => assert.ok(Math.abs(m - local[i].mu[k]) < 1e-6));
    assert.equal(p.std!.length, 7);
    assert.equal(p.members, undefined, 'member curves only when asked for');
  });
  // Asked for (neighbour sensitivity's spread): each member's curve, whose mean is μ.
  const withMembers = await s.predict(graphs, ['Fe-K-FEFF'], undefined, { members: true });
  withMembers.forEach((p, i) => {
    assert.equal(p.members!.length, 2);
    p.mu.forEach((m, k) => {
      assert.ok(Math.abs((p.members![0][k] + p.members![1][k]) / 2 - m) < 1e-6);
      assert.ok(Math.abs(m - local[i].mu[k]) < 1e-6);
    });
  });
  await assert.rejects(s.predict(graphs, ['Zn-K-FEFF']), /does not predict 'Zn-K-FEFF'/);
  await s.dispose();
});

test('background jobs (sensitivity) wait behind every queued prediction; a foreground caller promotes a shared job', async () => {
  const s = fakeService();
  const g = randomGraphs(4, 3);
  const first = s.predict([g[0]], ['a']);
  const background = s.predict([g[1]], ['b'], undefined, { background: true });
  const click = s.predict([g[2]], ['c']);
  assert.equal((await first)[0].mu[0], 1);
  assert.equal((await click)[0].mu[0], 2, 'the later lens click ran before the queued background job');
  assert.equal((await background)[0].mu[0], 3);
  // A foreground request identical to a queued background job joins it and lifts it to the front.
  const busy = s.predict([g[0]], ['busy']);
  const lifted = s.predict([g[3]], ['d'], undefined, { background: true });
  const other = s.predict([g[1]], ['e'], undefined, { background: true });
  const same = s.predict([g[3]], ['d']);
  await busy;
  assert.equal((await same)[0].mu[0], 5);
  assert.equal((await lifted)[0].mu[0], 5);
  assert.equal((await other)[0].mu[0], 6);
  await s.dispose();
});

test('a request for member curves does not share a job with the same graphs without them', async () => {
  const s = fakeService();
  const g = randomGraphs(1, 5);
  const [plain, members] = await Promise.all([s.predict(g, ['x']), s.predict(g, ['x'], undefined, { members: true })]);
  assert.notEqual(plain[0].mu[0], members[0].mu[0], 'two jobs ran');
  await s.dispose();
});

test('request keys see the absorber descriptor: graphs that differ only beyond the N nearest atoms do not share a job', () => {
  const [g] = randomGraphs(1, 3);
  const a = { ...g, descriptor: new Float32Array([1, 2, 3]) };
  const b = { ...g, descriptor: new Float32Array([1, 2, 4]) };
  assert.notEqual(requestKey([a], ['x']), requestKey([b], ['x']));
  assert.equal(requestKey([a], ['x']), requestKey([{ ...a, descriptor: new Float32Array([1, 2, 3]) }], ['x']));
});
