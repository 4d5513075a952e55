// Per-domain reliability: the numbers come from metadata.json unchanged, the level from the
// documented thresholds, and models without metrics say so instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run as predictCli } from '../../server/src/cli/predict';
import { run as trainCli } from '../../server/src/cli/train';
import { loadTf } from '../../server/src/model/backend';
import type { ModelMetadata } from '../../server/src/model/metadata';
import { readMetadata } from '../../server/src/model/modelFiles';
import {
  domainReliability, MIN_REFERENCE_SPECTRA, MIN_TRAINING_SPECTRA, modelReliability, reliabilityLevel, reliabilityLogLine,
} from '../../server/src/model/reliability';
import { SHIPPED_MODEL, smallDraft, writeSmallModel } from '../fixtures/models/fixtures';

interface RecordedMetrics { spectra: number; mae: number; deltaMu: { median: number } }
type MetricsTable = Record<'val' | 'test', Record<string, Record<string, RecordedMetrics>>>;

function capture(): { io: { stdout(t: string): void; stderr(t: string): void }; out: () => string; err: () => string } {
  let o = '', e = '';
  return { io: { stdout: (t) => { o += t; }, stderr: (t) => { e += t; } }, out: () => o, err: () => e };
}

test('shipped model: every number is the metadata\'s own (ensemble, per split), and the levels follow the spectrum counts', () => {
  const metadata = readMetadata(SHIPPED_MODEL);
  const metrics = metadata.metrics as unknown as MetricsTable;
  const all = modelReliability(metadata);
  assert.deepEqual(all.map((r) => r.domain), metadata.domains.map((d) => d.id));
  for (const r of all) {
    for (const [side, got] of [['val', r.validation], ['test', r.test]] as const) {
      const m = metrics[side].gnn[r.domain];
      assert.ok(got, `${r.domain} ${side} present`);
      assert.equal(got.mae, m.mae);
      assert.equal(got.deltaMuMedian, m.deltaMu.median);
      assert.equal(got.spectra, m.spectra);
    }
    const n = metrics.val.gnn[r.domain].spectra + metrics.test.gnn[r.domain].spectra;
    assert.equal(r.level, n < MIN_REFERENCE_SPECTRA ? 'few' : 'well-tested', `${r.domain}: ${n} reference spectra`);
    // v7 and older do not record training spectra per domain.
    assert.equal(r.trainingSpectra, undefined);
  }
  const by = new Map(all.map((r) => [r.domain, r]));
  assert.equal(by.get('Cu-K-FEFF')?.level, 'well-tested');
  assert.equal(by.get('Fe-K-FDMNES')?.level, 'well-tested');
  assert.equal(by.get('Fe-K-FEFF')?.level, 'few');
  assert.equal(by.get('Ti-K-FDMNES-rel')?.level, 'few');
  const fe = by.get('Fe-K-FEFF');
  assert.ok(fe);
  assert.equal(fe.validation?.spectra, 2);
  assert.equal(fe.summary, `Fe-K-FEFF: validation MAE ${metrics.val.gnn['Fe-K-FEFF'].mae.toPrecision(2)} (Δμ median ${metrics.val.gnn['Fe-K-FEFF'].deltaMu.median.toFixed(1)} %) on 2 spectra, ` +
    `test MAE ${metrics.test.gnn['Fe-K-FEFF'].mae.toPrecision(2)} on 2 spectra — few reference spectra, treat as qualitative`);
  assert.match(fe.summary, /^Fe-K-FEFF: validation MAE 0\.051 /);
  assert.match(by.get('Cu-K-FEFF')?.summary ?? '', /^Cu-K-FEFF: validation MAE 0\.026 .* on 392 spectra, test MAE 0\.026 on 425 spectra — well tested$/);
  assert.equal(reliabilityLogLine(fe), `caution: ${fe.summary}`);
  assert.match(reliabilityLogLine(by.get('Cu-K-FEFF')!), /^accuracy: Cu-K-FEFF/);
});

test('a model without metrics (test fixtures, hand-made or older models) is untested and says so', () => {
  const draft = smallDraft();
  for (const r of modelReliability(draft)) {
    assert.equal(r.level, 'untested');
    assert.equal(r.levelText, 'untested');
    assert.equal(r.validation, undefined);
    assert.equal(r.test, undefined);
    assert.equal(r.summary, `${r.domain}: no measured accuracy in this model — untested, treat as qualitative`);
  }
  // Metrics in another shape, or for other domains only, never throw and never invent numbers.
  const shapes: unknown[] = [
    'x', [], { val: 'x' }, { val: { gnn: { 'Fe-K-FEFF': { spectra: -1, mae: 0.1 } } } },
    { val: { gnn: { 'Fe-K-FEFF': { spectra: 3, mae: 'a' } } } }, { val: { gnn: { 'Fe-K-FEFF': { spectra: 0, mae: 0.1 } } } },
    { val: { 'gnn-member0': { 'Fe-K-FEFF': { spectra: 300, mae: 0.1 } } } },
    { val: { gnn: { 'Cu-K-FEFF': { spectra: 300, mae: 0.1 } } } },
  ];
  for (const metrics of shapes) {
    const r = domainReliability({ ...draft, metrics: metrics as Record<string, unknown> }, 'Fe-K-FEFF');
    assert.equal(r.level, 'untested', JSON.stringify(metrics));
    assert.equal(r.validation, undefined);
  }
  // A domain the model does not have at all.
  assert.equal(domainReliability(readMetadata(SHIPPED_MODEL), 'Zn-K-FEFF').level, 'untested');
});

test('thresholds: 30 held-out spectra, 100 training spectra when recorded; one split is enough; Δμ is optional', () => {
  assert.equal(MIN_REFERENCE_SPECTRA, 30);
  assert.equal(MIN_TRAINING_SPECTRA, 100);
  assert.equal(reliabilityLevel(0), 'untested');
  assert.equal(reliabilityLevel(29), 'few');
  assert.equal(reliabilityLevel(30), 'well-tested');
  assert.equal(reliabilityLevel(30, 99), 'few');
  assert.equal(reliabilityLevel(30, 100), 'well-tested');
  const base = smallDraft();
  const onlyTest = domainReliability({ ...base, metrics: { test: { gnn: { 'Cu-K-FEFF': { spectra: 31, mae: 0.0312 } } } } }, 'Cu-K-FEFF');
  assert.equal(onlyTest.level, 'well-tested');
  assert.deepEqual(onlyTest.test, { mae: 0.0312, spectra: 31 });
  assert.equal(onlyTest.summary, 'Cu-K-FEFF: test MAE 0.031 on 31 spectra — well tested');
  // Enough held-out spectra, but the head learned from few: the level says which is short.
  const training: ModelMetadata['training'] = { data: [], samples: { total: 260, train: 200, val: 30, test: 30, byDomain: { 'Cu-K-FEFF': { train: 40, val: 20, test: 20 } } } };
  const fewTrain = domainReliability({ ...base, training, metrics: { val: { gnn: { 'Cu-K-FEFF': { spectra: 20, mae: 0.03 } } }, test: { gnn: { 'Cu-K-FEFF': { spectra: 20, mae: 0.04 } } } } }, 'Cu-K-FEFF');
  assert.equal(fewTrain.level, 'few');
  assert.equal(fewTrain.levelText, 'few training spectra');
  assert.equal(fewTrain.trainingSpectra, 40);
  assert.equal(fewTrain.summary, 'Cu-K-FEFF: validation MAE 0.030 on 20 spectra, test MAE 0.040 on 20 spectra; 40 training spectra — few training spectra, treat as qualitative');
});

test('a fine-tuned model carries its base model\'s metrics: the summary says whose they are', () => {
  const shipped = readMetadata(SHIPPED_MODEL);
  const tuned = { ...shipped, training: { ...shipped.training, data: [], finetune: { from: shipped.name, spectra: 5 } } };
  const r = domainReliability(tuned, 'Cu-K-FEFF');
  assert.equal(r.level, 'well-tested');
  assert.equal(r.note, `measured for ${shipped.name} before fine-tuning`);
  assert.match(r.summary, new RegExp(`on 425 spectra \\(measured for ${shipped.name} before fine-tuning\\) — well tested$`));
});

test('CLI predict: each JSON line has the domain\'s reliability (snake_case, the metadata\'s numbers); stderr has one line per domain', async () => {
  const { tf } = await loadTf('cpu');
  const model = writeSmallModel(tf, 2);
  try {
    // Metrics as the trainer writes them, for Cu only: Fe stays untested.
    const file = path.join(model, 'metadata.json');
    const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const cu = (spectra: number, mae: number, median: number): Record<string, unknown> => ({ spectra, points: 7 * spectra, mae, deltaMu: { q1: median / 2, median, q3: 2 * median } });
    meta.metrics = { val: { gnn: { 'Cu-K-FEFF': cu(12, 0.0412, 4.25) } }, test: { gnn: { 'Cu-K-FEFF': cu(3, 0.05, 5) } } };
    writeFileSync(file, JSON.stringify(meta));
    const c = capture();
    const code = await predictCli(['test/fixtures/structures/CuO-tenorite-C2c.cif', 'test/fixtures/structures/cod-hematite-R-3c.cif', '--model', model, '--backend', 'cpu'], c.io);
    assert.equal(code, 0, c.err());
    const lines = c.out().trim().split('\n').map((l) => JSON.parse(l) as { domain: string; reliability: Record<string, unknown> });
    const cuLine = lines.find((l) => l.domain === 'Cu-K-FEFF');
    const feLine = lines.find((l) => l.domain === 'Fe-K-FEFF');
    assert.ok(cuLine && feLine, lines.map((l) => l.domain).join(', '));
    const summary = 'Cu-K-FEFF: validation MAE 0.041 (Δμ median 4.3 %) on 12 spectra, test MAE 0.050 on 3 spectra — few reference spectra, treat as qualitative';
    assert.deepEqual(cuLine.reliability, {
      level: 'few', level_text: 'few reference spectra', summary,
      validation: { mae: 0.0412, delta_mu_median: 4.25, spectra: 12 }, test: { mae: 0.05, delta_mu_median: 5, spectra: 3 },
    });
    assert.equal(feLine.reliability.level, 'untested');
    assert.equal(feLine.reliability.summary, 'Fe-K-FEFF: no measured accuracy in this model — untested, treat as qualitative');
    assert.equal(c.err().split('\n').filter((l) => l === `caution: ${summary}`).length, 1, c.err());
    assert.match(c.err(), /^caution: Fe-K-FEFF: no measured accuracy in this model/m);
  } finally {
    rmSync(model, { recursive: true, force: true });
  }
});

test('the trainer records training spectra per domain; the summary then reports them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-reliability-'));
  try {
    const fix = path.resolve('test/fixtures/data/jsonl');
    const cfg = path.join(dir, 'train.json');
    writeFileSync(cfg, JSON.stringify({
      data: { sources: ['cu-k-feff-fixture.jsonl', 'fe-k-fdmnes-fixture.jsonl'].map((f) => ({ path: path.join(fix, f) })), cacheDir: path.join(dir, 'cache') },
      split: { seed: 1, train: 0.5, val: 0.5, test: 0 },
      model: { convWidths: [6], headWidth: 4, attentionHeads: 1, denseWidths: [8] },
      epochs: 1, batchSize: 2, schedule: { type: 'none' }, earlyStopping: { patience: 0 },
      baseline: { enabled: false }, ensemble: { size: 1 }, workers: 1,
      backend: 'cpu', outputDir: path.join(dir, 'run'),
    }));
    const c = capture();
    assert.equal(await trainCli(['--config', cfg, '--backend', 'cpu'], c.io), 0, c.err());
    const meta = readMetadata(path.join(dir, 'run', 'model'));
    const samples = meta.training?.samples;
    assert.ok(samples?.byDomain, 'training.samples.byDomain written');
    assert.deepEqual(Object.keys(samples.byDomain).sort(), meta.domains.map((d) => d.id).sort());
    for (const side of ['train', 'val', 'test'] as const) {
      assert.equal(Object.values(samples.byDomain).reduce((s, d) => s + d[side], 0), samples[side], `${side} adds up`);
    }
    for (const d of meta.domains) {
      const r = domainReliability(meta, d.id);
      assert.equal(r.trainingSpectra, samples.byDomain[d.id].train);
      // A handful of fixture spectra: never more than 'few'.
      assert.notEqual(r.level, 'well-tested');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
