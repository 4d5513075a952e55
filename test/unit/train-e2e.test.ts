import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run as trainCli } from '../../server/src/cli/train';
import { run as evaluateCli } from '../../server/src/cli/evaluate';
import { run as datasetCli, type DatasetSummary } from '../../server/src/cli/dataset';
import { readMetadata, loadModelFiles } from '../../server/src/model/modelFiles';
import { loadPredictor } from '../../server/src/model/predictor';
import { sampleGraph, prepareDataset } from '../../server/src/data/tensorize';
import { isJobCancelled, startJob, type JobHandle } from '../../server/src/training/host';
import type { EvaluateReport } from '../../server/src/training/protocol';
import type { RunReport } from '../../server/src/training/run';
import { finetuneModel } from '../../server/src/training/finetune';
import { loadTf } from '../../server/src/model/backend';
import type { TrainEvent } from '../../server/src/training/trainer';

const FIX = path.resolve('test/fixtures/data/jsonl');
const SOURCES = ['cu-k-feff-fixture.jsonl', 'fe-k-fdmnes-fixture.jsonl', 'tc-k-feff-fixture.jsonl'].map((f) => path.join(FIX, f));

/** The Cu fixture's good records copied under several material ids, so a split has two sides. */
function moreCu(dir: string): string {
  const lines = readFileSync(SOURCES[0], 'utf8').split('\n').filter((l) => l.trim());
  const out: string[] = [];
  for (const l of lines) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(l) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (let k = 0; k < 4; k++) out.push(JSON.stringify({ ...r, id: `${String(r.id)}-copy${k}`, material_id: `${String(r.material_id)}-copy${k}` }));
  }
  const file = path.join(dir, 'cu-more.jsonl');
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

function writeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'train.json');
  writeFileSync(file, JSON.stringify({
    data: { sources: [...SOURCES, moreCu(dir)].map((p) => ({ path: p })), cacheDir: path.join(dir, 'cache') },
    split: { seed: 1, train: 0.5, val: 0.5, test: 0 },
    model: { convWidths: [12, 10], headWidth: 8, attentionHeads: 2, denseWidths: [16] },
    epochs: 3, batchSize: 2, schedule: { type: 'cosine' }, earlyStopping: { patience: 0 },
    baseline: { enabled: true, hidden: [16, 16], epochs: 3 },
    backend: 'wasm', outputDir: path.join(dir, 'run'), ...extra,
  }));
  return file;
}

function capture(): { io: { stdout(t: string): void; stderr(t: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, out, err };
}

test('train CLI on fixtures writes a complete model directory that the predictor loads', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-e2e-'));
  try {
    const cfg = writeConfig(dir);
    const c = capture();
    const code = await trainCli(['--config', cfg, '--backend', 'wasm'], c.io);
    assert.equal(code, 0, c.err.join(''));
    const stderr = c.err.join('');
    assert.match(stderr, /\[member 0\] epoch 3\/3 loss/);
    assert.match(stderr, /\[baseline\] epoch 3\/3/);
    const modelDir = path.join(dir, 'run', 'model');
    const meta = readMetadata(modelDir);
    assert.deepEqual(meta.domains.map((d) => d.id).sort(), ['Cu-K-FEFF', 'Fe-K-FDMNES', 'Tc-K-FEFF']);
    assert.equal(meta.normalisation?.length, 3);
    assert.equal(meta.network.outputs.length, 3);
    assert.ok(meta.training?.data.every((d) => d.licence.length > 0));
    assert.match(String((meta.training as Record<string, unknown>).command), /xanes-lens train --config/);
    const val = (meta.metrics as { val: Record<string, Record<string, unknown>> }).val;
    assert.ok(val.gnn && val['wacsf-mlp'] && val['mean-spectrum'], `metrics for ${Object.keys(val)}`);
    assert.match(c.out.join(''), /mean-spectrum/);
    // The shipped inference path reads it and predicts finite μ on the model's grid.
    const prepared = await prepareDataset(SOURCES.map((p) => ({ path: p })), {});
    const i = prepared.set.domains.findIndex((d) => d.id === 'Cu-K-FEFF');
    const s = Array.from(prepared.set.domainIndex).indexOf(i);
    const predictor = await loadPredictor(modelDir, { backend: 'wasm' });
    const [p] = predictor.predict([sampleGraph(prepared.set, s)], ['Cu-K-FEFF']);
    assert.equal(p.mu.length, 111);
    assert.ok(p.mu.every(Number.isFinite));
    predictor.dispose();
    // Evaluate on all fixture records through the CLI.
    const e = capture();
    assert.equal(await evaluateCli(['--model', modelDir, '--data', SOURCES[0], '--json'], e.io), 0, e.err.join(''));
    const report = JSON.parse(e.out.join('')) as { samples: number; metrics: Record<string, Record<string, { mae: number }>> };
    assert.equal(report.samples, 2);
    assert.ok(Number.isFinite(report.metrics.gnn['Cu-K-FEFF'].mae));
    assert.equal(loadModelFiles(modelDir).members.length, 1);
    // Fine-tuning (paper 003): graph layers frozen, dense head tuned; a new model directory.
    const { tf } = await loadTf('wasm');
    const ftDir = path.join(dir, 'ft');
    const ft = await finetuneModel({ tf, modelDir, data: [path.join(dir, 'cu-more.jsonl')], outDir: ftDir, epochsPerStage: 3, learningRate: 1e-2 });
    assert.ok(ft.samples.train > 0);
    const before = loadModelFiles(modelDir).members[0];
    const after = loadModelFiles(ftDir).members[0];
    const changed = (name: string): boolean => {
      const a = before.find((w) => w.name === name)!;
      const b = after.find((w) => w.name === name)!;
      return a.data.some((v, i) => v !== b.data[i]);
    };
    for (const frozen of ['conv0.update.kernel', 'head0.edge.kernel', 'conv1.bn.movingMean']) assert.equal(changed(frozen), false, `${frozen} must stay frozen`);
    assert.ok(changed('output0.kernel') || changed('output1.kernel') || changed('output2.kernel'), 'an output layer was tuned');
    assert.ok(changed('dense0.kernel'), 'the dense layer was tuned in the last stage');
    const ftMeta = readMetadata(ftDir) as unknown as { training: { finetune?: { stages: string[][] } } };
    assert.deepEqual(ftMeta.training.finetune?.stages, [['output'], ['output', 'dense0.']]);
    // Measured spectra beside their structures (CuO.cif + CuO.xdi, an XYZ + .dat): method
    // 'experiment', mapped onto the model's Cu head, which fine-tuning then tunes (and no other).
    const pairs = path.resolve('test/fixtures/data/measured/pairs');
    const ds = capture();
    assert.equal(await datasetCli([pairs, '--model', modelDir, '--json'], ds.io), 0, ds.err.join(''));
    const summary = JSON.parse(ds.out.join('')) as DatasetSummary;
    assert.deepEqual(Object.keys(summary.perDomain), ['Cu-K-FEFF']);
    assert.equal(summary.perDomain['Cu-K-FEFF'].samples, 5, 'CuO: its 4 Cu sites; the aqua ion: 1');
    const ev = capture();
    assert.equal(await evaluateCli(['--model', modelDir, '--data', pairs, '--json'], ev.io), 0, ev.err.join(''));
    const measuredEval = JSON.parse(ev.out.join('')) as { samples: number; metrics: Record<string, Record<string, { mae: number; spectra: number }>> };
    assert.equal(measuredEval.samples, 5);
    assert.equal(measuredEval.metrics.gnn['Cu-K-FEFF'].spectra, 2, 'site-averaged: scored once per measured spectrum');
    const ftLog: string[] = [];
    const mDir = path.join(dir, 'ft-measured');
    const mft = await finetuneModel({ tf, modelDir, data: [pairs], outDir: mDir, epochsPerStage: 30, learningRate: 3e-2, log: (l) => ftLog.push(l) });
    assert.deepEqual(Object.keys(mft.before), ['Cu-K-FEFF']);
    // Two materials: no held-out part, so both sides score the 5 samples (2 measured spectra).
    assert.deepEqual(mft.samples, { train: 5, val: 5 });
    assert.equal(mft.before['Cu-K-FEFF'].spectra, 2);
    // The synthetic measurements are far from the 3-epoch model (MAE ≈ 0.34): tuning the Cu head cuts that by a quarter.
    assert.ok(mft.after['Cu-K-FEFF'].mae < 0.85 * mft.before['Cu-K-FEFF'].mae, `MAE ${mft.before['Cu-K-FEFF'].mae} → ${mft.after['Cu-K-FEFF'].mae}`);
    assert.ok(ftLog.some((l) => /not used: .*lonely\.cif \(lonely\): no measured spectrum/.test(l)), ftLog.join('\n'));
    assert.ok(ftLog.some((l) => /not used: .*Cu-foil\.dat \(Cu-foil\): covers 20\.7 % of the Cu-K-FEFF window/.test(l)));
    const heads = readMetadata(modelDir).domains;
    const cuHead = heads.find((d) => d.id === 'Cu-K-FEFF')!.head;
    const tuned = loadModelFiles(mDir).members[0];
    const moved = (name: string): boolean => {
      const a = before.find((w) => w.name === name)!;
      const b = tuned.find((w) => w.name === name)!;
      return a.data.some((v, i) => v !== b.data[i]);
    };
    assert.ok(moved(`output${cuHead}.kernel`), 'the Cu head was tuned');
    for (const d of heads.filter((x) => x.head !== cuHead)) assert.equal(moved(`output${d.head}.kernel`), false, `${d.id}'s head saw no measured spectrum`);
    assert.equal(moved('conv0.update.kernel'), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** training/worker.ts bundled as dist/trainWorker.js is (built once per test file). */
let bundled: Promise<string> | undefined;
function workerBundle(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const { tfjsEsmPlugin, NATIVE_TF_EXTERNALS } = (await import(path.resolve('scripts/esbuild-tfjs.mjs'))) as { tfjsEsmPlugin: never; NATIVE_TF_EXTERNALS: string[] };
    // Inside the repository so the bundle's runtime require of tfjs finds node_modules.
    mkdirSync(path.resolve('out/test-worker'), { recursive: true });
    const workerFile = path.resolve('out/test-worker/trainWorker.js');
    await build({
      entryPoints: ['server/src/training/worker.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
      outfile: workerFile, external: NATIVE_TF_EXTERNALS, plugins: [tfjsEsmPlugin], logLevel: 'error',
    });
    return workerFile;
  })();
  return bundled;
}

test('workers: 2 trains the members and the baseline on two threads; cancel and resume work per part', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-parallel-'));
  try {
    const workerFile = await workerBundle();
    const cfg = writeConfig(dir, { epochs: 3, workers: 2, ensemble: { size: 2 } });
    const job = { type: 'train' as const, configFile: cfg, backend: 'wasm' };
    // The first epoch of either member cancels the whole run: every part stops with a checkpoint.
    const events: TrainEvent[] = [];
    const first = startJob<RunReport>(workerFile, job, {
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'epoch' && e.epoch === 1) first.cancel();
      },
    });
    const stopped = await first.done;
    assert.equal(stopped.status, 'cancelled');
    assert.equal(stopped.modelDir, undefined, 'no model from a cancelled run');
    const started = new Set(events.filter((e) => e.type === 'start').map((e) => (e as { member: string }).member));
    assert.deepEqual([...started].sort(), ['member 0', 'member 1'], 'both members started at once, the baseline waits for a free thread');
    const second = await startJob<RunReport>(workerFile, { ...job, resume: true }).done;
    assert.equal(second.status, 'finished');
    assert.deepEqual(second.members.map((m) => [m.index, m.epochs]), [[0, 3], [1, 3]]);
    assert.ok(second.modelDir && existsSync(path.join(second.modelDir, 'metadata.json')));
    const meta = readMetadata(second.modelDir) as unknown as { training: { members: unknown[] }; metrics: { val: Record<string, unknown> } };
    assert.equal(meta.training.members.length, 2, 'both members in the model (one may have stopped before its first validation)');
    assert.ok(meta.metrics.val['wacsf-mlp'], 'the baseline trained as a part of the run');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('training in a worker thread: progress events, cancel, then resume to the end', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-worker-'));
  try {
    const workerFile = await workerBundle();
    const cfg = writeConfig(dir, { epochs: 4, baseline: { enabled: false } });
    const events: TrainEvent[] = [];
    const job = startJob<RunReport>(workerFile, { type: 'train', configFile: cfg, backend: 'wasm' }, {
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'epoch' && e.epoch === 1) job.cancel();
      },
    });
    const first = await job.done;
    assert.equal(first.status, 'cancelled');
    assert.ok(events.some((e) => e.type === 'start'));
    assert.ok(existsSync(path.join(dir, 'run', 'member-0', 'checkpoint', 'state.json')));
    const again: TrainEvent[] = [];
    const second = await startJob<RunReport>(workerFile, { type: 'train', configFile: cfg, backend: 'wasm', resume: true }, { onEvent: (e) => again.push(e) }).done;
    assert.equal(second.status, 'finished');
    const start = again.find((e) => e.type === 'start');
    assert.ok(start && start.type === 'start' && start.resumedFrom && start.resumedFrom.epoch >= 1, 'resumed after the first epoch');
    assert.ok(existsSync(path.join(dir, 'run', 'model', 'metadata.json')));
    // An evaluation cannot yield to a cancel message, so cancelling stops its thread at once.
    let evaluation: JobHandle<EvaluateReport> | undefined;
    evaluation = startJob<EvaluateReport>(workerFile, { type: 'evaluate', modelDir: path.join(dir, 'run', 'model'), configFile: cfg, backend: 'wasm' }, {
      onLog: (line) => {
        if (line.startsWith('backend')) evaluation?.cancel();
      },
    });
    await assert.rejects(evaluation.done, (e: unknown) => isJobCancelled(e) && (e as Error).message === 'evaluation cancelled');
    const finished = await startJob<EvaluateReport>(workerFile, { type: 'evaluate', modelDir: path.join(dir, 'run', 'model'), configFile: cfg, backend: 'wasm' }).done;
    assert.equal(finished.kind, 'evaluate');
    assert.ok(finished.samples > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('warm start into angular features, cosine attention and the wACSF descriptor: exact start, calibrated ensemble, same features at inference', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-e2e-v2-'));
  try {
    const c1 = capture();
    assert.equal(await trainCli(['--config', writeConfig(dir, { baseline: { enabled: false } }), '--backend', 'wasm'], c1.io), 0, c1.err.join(''));
    const first = path.join(dir, 'run', 'model');
    const cfg2 = path.join(dir, 'train2.json');
    const base = JSON.parse(readFileSync(path.join(dir, 'train.json'), 'utf8')) as Record<string, unknown> & { model: Record<string, unknown> };
    writeFileSync(cfg2, JSON.stringify({
      ...base, model: { ...base.model, angular: true, attention: 'cosine', descriptor: 'wacsf' },
      initFrom: first, ensemble: { size: 2 }, baseline: { enabled: false }, outputDir: path.join(dir, 'run2'),
    }));
    const c2 = capture();
    assert.equal(await trainCli(['--config', cfg2, '--backend', 'wasm'], c2.io), 0, c2.err.join(''));
    const log = c2.err.join('');
    assert.match(log, /member 0: warm start from .* member 0: \d+ tensors copied, 5 grown with zero rows \(conv0\.edge\.kernel.*dense0\.kernel\), 2 fresh \(descriptor\.mean, descriptor\.std\)/);
    assert.match(log, /member 1: warm start from .* member 0:/, 'a 1-member source serves every member');
    assert.match(log, /calibration Cu-K-FEFF: ensemble std × /);
    const modelDir = path.join(dir, 'run2', 'model');
    const meta = readMetadata(modelDir);
    assert.equal(meta.graph.angular, true);
    assert.equal(meta.network.attention, 'cosine');
    assert.equal(meta.network.descriptorSize, 97);
    assert.equal(meta.network.edgeFeatureSize, 90);
    assert.ok((meta.uncertainty?.stdScale['Cu-K-FEFF'] ?? 0) > 0);
    const stored = (meta.training as unknown as { config: { initFrom?: string; data: { sources: { path: string }[] } } }).config;
    assert.ok(stored.data.sources.every((s) => !path.isAbsolute(s.path)) && !path.isAbsolute(stored.initFrom ?? ''), 'portable config');
    const members = loadModelFiles(modelDir).members;
    const scale = members[0].find((w) => w.name === 'descriptor.std')!;
    assert.ok(scale.data.some((v) => v !== 1), 'descriptor scaling was fitted on the training split');
    // Features at inference (from the structure) equal the cached training features.
    const prepared = await prepareDataset([{ path: SOURCES[0] }], { graph: meta.graph, wacsf: meta.graph.descriptor });
    const { loadDatasets } = await import('../../server/src/data/load');
    const { buildAbsorberGraph } = await import('../../server/src/graph/build');
    const records = (await loadDatasets([{ path: SOURCES[0] }])).records;
    const s = 0;
    const rec = records[prepared.set.group[s]];
    const fresh = buildAbsorberGraph(rec.structure!, rec.absorberIndex!, meta.graph);
    const cached = sampleGraph(prepared.set, s);
    const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    assert.ok(maxDiff(fresh.edgeFeatures, cached.edgeFeatures) < 1e-5, 'edge features (with angular block)');
    assert.ok(maxDiff(fresh.descriptor!, cached.descriptor!) < 1e-4, 'absorber descriptor');
    assert.ok(fresh.edgeFeatures.some((v, i) => i % 90 >= 65 && v > 0), 'angular block filled');
    const predictor = await loadPredictor(modelDir, { backend: 'wasm' });
    const [a, b] = predictor.predict([fresh, cached], ['Cu-K-FEFF']);
    a.mu.forEach((m, i) => assert.ok(Math.abs(m - b.mu[i]) < 1e-4));
    assert.ok(a.std && a.std.every((v) => Number.isFinite(v) && v >= 0));
    predictor.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
