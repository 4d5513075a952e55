// A whole training run from a config: GNN ensemble members, the wACSF+MLP baseline on the same
// split, evaluation on validation and test next to the mean-spectrum predictor, and the model
// directory (best-on-validation weights of every member, metrics, config, provenance).
import fs from 'node:fs';
import path from 'node:path';
import { fitFeatureScaling, MlpAdapter } from '../baseline/mlp';
import type { TensorizedSet } from '../data/tensorize';
import { FEATURE_VERSION } from '../graph/features';
import type { TfModule } from '../model/backend';
import type { NetworkConfig } from '../model/config';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelMetadata, type OutputDomain, type OutputNormalisation, type TrainingSamples } from '../model/metadata';
import { loadModelFiles, saveModel } from '../model/modelFiles';
import type { NamedWeight } from '../model/network';
import type { ModelAdapter } from './adapter';
import { hasCheckpoint, loadWeightsFile, readCheckpointState } from './checkpoint';
import { findRepoRoot, type TrainConfig } from './config';
import { GnnAdapter } from './gnnAdapter';
import type { DomainMetrics } from './metrics';
import { fitNormalisation } from './normalisation';
import { combineMembers, metricsOf, predictSamples, type SamplePrediction } from './predict';
import { provenanceFor } from './provenance';
import { fingerprintOf, networkConfigOf, prepareFromConfig, splitSet, subsampleTraining, type SplitIndices } from './setup';
import { warmStartWeights } from './warmStart';
import { applyStdScale, fitStdScale, TWO_SIGMA_COVERAGE } from './calibration';
import { train, type CancelFlag, type TrainEvent, type TrainStatus } from './trainer';

export interface RunOptions {
  cfg: TrainConfig;
  tf: TfModule;
  backend: string;
  resume?: boolean;
  signal?: CancelFlag;
  onEvent?: (e: TrainEvent) => void;
  log?: (line: string) => void;
  /** Train only these ensemble members (another process may train the rest); default all. */
  members?: number[];
  /** Train the baseline (default cfg.baseline.enabled). */
  baseline?: boolean;
  /** Evaluate and write the model directory when training ends (default true). */
  assemble?: boolean;
  /** Wall-time limit per member (s). */
  timeLimitSeconds?: number;
  /** The command line that reproduces this run (goes into metadata). */
  command?: string;
  name?: string;
  version?: string;
  /** Where the model directory goes (default <outputDir>/model). */
  modelDir?: string;
}

export type MetricsTable = Record<string, Record<string, DomainMetrics>>;

export interface RunReport {
  status: TrainStatus | 'assembled';
  modelDir?: string;
  split: { train: number; val: number; test: number };
  /** split → model ('gnn', 'baseline', 'mean-spectrum') → domain → metrics. */
  metrics: { val: MetricsTable; test: MetricsTable };
  members: { index: number; seed: number; bestEpoch: number; epochs: number; status: string }[];
}

export interface RunContext {
  set: TensorizedSet;
  split: SplitIndices;
  norm: OutputNormalisation[];
  network: NetworkConfig;
  headOfDomain: number[];
}

export async function runContext(cfg: TrainConfig, log: (l: string) => void = () => {}): Promise<RunContext> {
  const prepared = await prepareFromConfig(cfg);
  const { set } = prepared;
  log(`data: ${set.count} samples in ${set.domains.length} domains (${prepared.fromCache ? 'from cache' : `loaded in ${((prepared.timings.loadMs + prepared.timings.tensorizeMs) / 1000).toFixed(1)} s`})`);
  if (set.count === 0) throw new Error('no training samples: check data.sources and data.domains');
  const full = splitSet(set, cfg.split, cfg.split.seed);
  const split = subsampleTraining(set, full, cfg.split.trainFraction ?? 1, cfg.split.seed + 1);
  if (split !== full) log(`training on ${split.train.length} of ${full.train.length} training samples (split.trainFraction ${cfg.split.trainFraction})`);
  const norm = fitNormalisation(set, split.train);
  const network = networkConfigOf(cfg, set.domains);
  return { set, split, norm, network, headOfDomain: set.domains.map((_, i) => i) };
}

/**
 * A fresh network for this run's data: its absorber-descriptor standardisation (if it takes one)
 * fitted on `trainIndices` (default the run's training split) before any training step.
 */
export function createGnn(tf: TfModule, ctx: RunContext, seed: number, trainIndices: readonly number[] = ctx.split.train): GnnAdapter {
  const adapter = new GnnAdapter(tf, ctx.network, ctx.set, seed);
  if (ctx.network.descriptorSize) {
    const { mean, std } = fitFeatureScaling(ctx.set.wacsf as Float32Array, ctx.set.wacsfLength, trainIndices);
    adapter.net.setDescriptorScaling(mean, std);
  }
  return adapter;
}

export function memberSeed(cfg: TrainConfig, k: number): number {
  return cfg.ensemble.seeds?.[k] ?? cfg.seed + 1000 * k;
}

export function memberDir(cfg: TrainConfig, k: number): string {
  return path.join(cfg.outputDir, `member-${k}`);
}

const BASELINE_SEED_OFFSET = 7919;

function baselineAdapter(tf: TfModule, cfg: TrainConfig, ctx: RunContext): MlpAdapter {
  return new MlpAdapter(tf, {
    inputSize: ctx.set.wacsfLength, hidden: cfg.baseline.hidden, headSizes: ctx.network.outputs.map((o) => o.size),
    ...(cfg.baseline.dropout ? { dropout: cfg.baseline.dropout } : {}),
  }, ctx.set, ctx.split.train, cfg.seed + BASELINE_SEED_OFFSET);
}

function trainOne(o: RunOptions, ctx: RunContext, adapter: ModelAdapter, dir: string, member: string, seed: number, kind: 'gnn' | 'mlp'): ReturnType<typeof train> {
  const { cfg } = o;
  const isBaseline = kind === 'mlp';
  return train({
    tf: o.tf, adapter, set: ctx.set, train: ctx.split.train, val: ctx.split.val, normalisation: ctx.norm, headOfDomain: ctx.headOfDomain,
    loss: cfg.loss,
    ...(cfg.slopeLoss && !isBaseline ? { slopeWeight: cfg.slopeLoss } : {}),
    ...(cfg.augment?.positionNoise && !isBaseline ? { positionNoise: cfg.augment.positionNoise } : {}),
    learningRate: isBaseline ? cfg.baseline.learningRate : cfg.optimizer.learningRate,
    weightDecay: cfg.optimizer.weightDecay, decoupledWeightDecay: cfg.optimizer.name === 'adamw',
    clipNorm: typeof cfg.model.clipNorm === 'number' ? cfg.model.clipNorm : 5,
    schedule: cfg.schedule,
    epochs: isBaseline ? cfg.baseline.epochs : cfg.epochs,
    batchSize: cfg.batchSize,
    earlyStopping: cfg.earlyStopping,
    seed,
    checkpointDir: path.join(dir, 'checkpoint'),
    bestWeightsFile: path.join(dir, 'best.bin'),
    resume: o.resume ?? false,
    fingerprint: fingerprintOf(cfg, kind, seed),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
    member,
    ...(o.timeLimitSeconds !== undefined && !isBaseline ? { timeLimitSeconds: o.timeLimitSeconds } : {}),
  });
}

function meanSpectrumPredictions(ctx: RunContext, indices: readonly number[]): SamplePrediction[] {
  const G = ctx.set.gridLength;
  return indices.map((s) => {
    const di = ctx.set.domainIndex[s];
    const size = ctx.set.domains[di].energies.length;
    return {
      sample: s, domain: ctx.set.domains[di].id, pred: Float32Array.from(ctx.norm[di].mean),
      target: ctx.set.targets.slice(s * G, s * G + size), mask: ctx.set.targetMask.slice(s * G, s * G + size),
    };
  });
}

function evaluateWeights(o: RunOptions, ctx: RunContext, make: () => ModelAdapter, weights: NamedWeight[][], indices: readonly number[]): SamplePrediction[] {
  const perMember = weights.map((w) => {
    const a = make();
    try {
      a.setWeights(w);
      return predictSamples(o.tf, a, ctx.set, indices, ctx.norm, ctx.headOfDomain);
    } finally {
      a.dispose();
    }
  });
  return combineMembers(perMember);
}

/** Member k starts from member k mod count of the model in `dir` (a resumed run then loads its checkpoint over it). */
function warmStart(adapter: GnnAdapter, dir: string, k: number, log: (l: string) => void): void {
  const { members } = loadModelFiles(dir);
  const j = k % members.length;
  const w = warmStartWeights(adapter.getWeights(), members[j]);
  if (w.copied.length + w.grown.length === 0) throw new Error(`initFrom ${dir}: no parameter of that model fits this network`);
  adapter.setWeights(w.weights);
  log(`member ${k}: warm start from ${dir} member ${j}: ${w.copied.length} tensors copied, ${w.grown.length} grown with zero rows (${w.grown.join(', ') || 'none'}), ${w.fresh.length} fresh (${w.fresh.join(', ') || 'none'})`);
}

/** Runs what the options ask for; returns the report (also written to <outputDir>/report.json). */
export async function runTraining(o: RunOptions): Promise<RunReport> {
  const { cfg, tf } = o;
  const log = o.log ?? (() => {});
  const ctx = await runContext(cfg, log);
  const { split } = ctx;
  log(`split by material (seed ${cfg.split.seed}): ${split.train.length} train, ${split.val.length} val, ${split.test.length} test samples`);
  fs.mkdirSync(cfg.outputDir, { recursive: true });
  const members = o.members ?? Array.from({ length: cfg.ensemble.size }, (_, k) => k);
  const report: RunReport = {
    status: 'finished', split: { train: split.train.length, val: split.val.length, test: split.test.length },
    metrics: { val: {}, test: {} }, members: [],
  };
  for (const k of members) {
    if (o.signal?.aborted) break;
    const seed = memberSeed(cfg, k);
    const adapter = createGnn(tf, ctx, seed);
    try {
      if (cfg.initFrom) warmStart(adapter, cfg.initFrom, k, log);
      const r = await trainOne(o, ctx, adapter, memberDir(cfg, k), `member ${k}`, seed, 'gnn');
      report.members.push({ index: k, seed, bestEpoch: r.state.bestEpoch + 1, epochs: r.state.epoch, status: r.status });
      if (r.status === 'cancelled') report.status = 'cancelled';
    } finally {
      adapter.dispose();
    }
  }
  const doBaseline = o.baseline ?? cfg.baseline.enabled;
  if (doBaseline && !o.signal?.aborted && report.status !== 'cancelled') {
    const adapter = baselineAdapter(tf, cfg, ctx);
    try {
      const r = await trainOne(o, ctx, adapter, path.join(cfg.outputDir, 'baseline'), 'baseline', cfg.seed + BASELINE_SEED_OFFSET, 'mlp');
      if (r.status === 'cancelled') report.status = 'cancelled';
    } finally {
      adapter.dispose();
    }
  }
  if ((o.assemble ?? true) && report.status !== 'cancelled') {
    const assembled = assembleModel(o, ctx);
    report.metrics = assembled.metrics;
    report.modelDir = assembled.modelDir;
  }
  fs.writeFileSync(path.join(cfg.outputDir, 'report.json'), JSON.stringify(report, null, 1));
  return report;
}

/**
 * The config as stored in metadata.json: paths relative to the repository root (so
 * '../shared/data/…', not one machine's absolute path), or left as they are outside any repository.
 */
export function portableConfig(cfg: TrainConfig, root = findRepoRoot(process.cwd())): TrainConfig {
  const rel = (p: string): string => (root && path.isAbsolute(p) ? path.relative(root, p) || '.' : p);
  return {
    ...cfg,
    data: { ...cfg.data, sources: cfg.data.sources.map((s) => ({ ...s, path: rel(s.path) })), cacheDir: rel(cfg.data.cacheDir) },
    outputDir: rel(cfg.outputDir),
    ...(cfg.initFrom ? { initFrom: rel(cfg.initFrom) } : {}),
  };
}

/**
 * Spectra per domain and split: the whole-run totals hide that one head may have learned from a
 * handful of spectra (model/reliability.ts reads the training side).
 */
function samplesByDomain(ctx: RunContext): NonNullable<TrainingSamples['byDomain']> {
  const out: NonNullable<TrainingSamples['byDomain']> = {};
  for (const d of ctx.set.domains) out[d.id] = { train: 0, val: 0, test: 0 };
  for (const side of ['train', 'val', 'test'] as const) {
    for (const i of ctx.split[side]) out[ctx.set.domains[ctx.set.domainIndex[i]].id][side]++;
  }
  return out;
}

/** Evaluates every finished member (and the baseline) and writes the model directory. */
export function assembleModel(o: RunOptions, ctx: RunContext): { modelDir: string; metrics: RunReport['metrics'] } {
  const { cfg, tf } = o;
  const log = o.log ?? (() => {});
  const memberWeights: NamedWeight[][] = [];
  const memberInfo: { index: number; seed: number; bestEpoch: number; epochs: number }[] = [];
  for (let k = 0; k < cfg.ensemble.size; k++) {
    const file = path.join(memberDir(cfg, k), 'best.bin');
    if (!fs.existsSync(file)) {
      log(`member ${k}: no best weights yet (${file}), left out`);
      continue;
    }
    memberWeights.push(loadWeightsFile(file));
    const ck = path.join(memberDir(cfg, k), 'checkpoint');
    const st = hasCheckpoint(ck) ? readCheckpointState(ck) : undefined;
    memberInfo.push({ index: k, seed: memberSeed(cfg, k), bestEpoch: (st?.bestEpoch ?? -1) + 1, epochs: st?.epoch ?? 0 });
  }
  if (memberWeights.length === 0) throw new Error(`no trained member in ${cfg.outputDir}`);
  const metrics: RunReport['metrics'] = { val: {}, test: {} };
  const makeGnn = (): ModelAdapter => new GnnAdapter(tf, ctx.network, ctx.set, 1);
  const baselineFile = path.join(cfg.outputDir, 'baseline', 'best.bin');
  const baselineWeights = fs.existsSync(baselineFile) ? loadWeightsFile(baselineFile) : undefined;
  // Calibration first: the ensemble's spread scaled per domain on validation (calibration.ts).
  let stdScale: Record<string, number> = {};
  const ensemble: Partial<Record<'val' | 'test', SamplePrediction[]>> = {};
  for (const side of ['val', 'test'] as const) {
    if (ctx.split[side].length) ensemble[side] = evaluateWeights(o, ctx, makeGnn, memberWeights, ctx.split[side]);
  }
  if (memberWeights.length > 1 && ensemble.val) {
    stdScale = fitStdScale(ensemble.val);
    const raw = ensemble.test ? metricsOf(ctx.set, ensemble.test) : {};
    for (const [id, s] of Object.entries(stdScale)) {
      log(`calibration ${id}: ensemble std × ${s.toFixed(2)} (uncalibrated ±2σ test coverage ${raw[id]?.coverage2Sigma?.toFixed(3) ?? 'n/a'})`);
    }
  }
  for (const side of ['val', 'test'] as const) {
    const idx = ctx.split[side];
    const preds = ensemble[side];
    if (idx.length === 0 || !preds) continue;
    metrics[side].gnn = metricsOf(ctx.set, applyStdScale(preds, stdScale));
    if (memberWeights.length > 1) {
      metrics[side]['gnn-member0'] = metricsOf(ctx.set, evaluateWeights(o, ctx, makeGnn, [memberWeights[0]], idx));
    }
    if (baselineWeights) metrics[side]['wacsf-mlp'] = metricsOf(ctx.set, evaluateWeights(o, ctx, () => baselineAdapter(tf, cfg, ctx), [baselineWeights], idx));
    metrics[side]['mean-spectrum'] = metricsOf(ctx.set, meanSpectrumPredictions(ctx, idx));
  }
  const modelDir = o.modelDir ?? path.join(cfg.outputDir, 'model');
  const domains: OutputDomain[] = ctx.set.domains.map((d, i) => ({
    id: d.id, element: d.element, edge: d.edge, method: d.method, energies: [...d.energies], head: ctx.headOfDomain[i],
    ...(d.relative ? { relative: true } : {}),
  }));
  const countBySource = new Map<string, number>();
  const draft: Omit<ModelMetadata, 'weights'> = {
    format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION,
    name: o.name ?? path.basename(modelDir), version: o.version ?? '1.0.0',
    description: cfg.description ?? 'XANES Lens graph attention network',
    featureVersion: FEATURE_VERSION,
    graph: ctx.set.graphOptions,
    network: ctx.network,
    domains,
    normalisation: ctx.norm,
    training: {
      data: cfg.data.sources.map((s) => provenanceFor(s.path, countBySource.get(s.path), s.licence)),
      samples: { total: ctx.set.count, train: ctx.split.train.length, val: ctx.split.val.length, test: ctx.split.test.length, byDomain: samplesByDomain(ctx) },
      split: { ...cfg.split, by: 'material, per domain' },
      config: portableConfig(cfg),
      members: memberInfo,
      backend: o.backend,
      command: o.command ?? '',
    },
    metrics,
    ...(Object.keys(stdScale).length ? { uncertainty: { stdScale, fittedOn: 'validation split', coverage: TWO_SIGMA_COVERAGE } } : {}),
    created: new Date().toISOString(),
  };
  saveModel(modelDir, draft, memberWeights);
  log(`model directory written: ${modelDir} (${memberWeights.length} member${memberWeights.length > 1 ? 's' : ''})`);
  return { modelDir, metrics };
}
