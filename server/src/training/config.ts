// Training configuration: JSON file → validated, defaults filled, paths resolved.
// Data paths are tried relative to the config file first and then to the repository root (the
// nearest ancestor holding package.json), so '../shared/data/…' works from config/ on any checkout.
import type { ScheduleConfig } from './schedule';
import Ajv, { type ErrorObject } from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { TRAIN_CONFIG_SCHEMA } from './schema';

export type SourceKindSetting = 'auto' | 'jsonl' | 'pymatgen' | 'feff' | 'xanesnet' | 'measured';

export interface SourceConfig {
  path: string;
  kind: SourceKindSetting;
  absorber?: string;
  absorberIndex?: number;
  method?: string;
  licence?: string;
  limit?: number;
}

export interface GridOverride {
  start: number;
  step: number;
  points: number;
}

export interface TrainConfig {
  description?: string;
  data: {
    sources: SourceConfig[];
    domains: string[];
    grids: Record<string, GridOverride>;
    minCoverage: number;
    cacheDir: string;
  };
  split: { seed: number; train: number; val: number; test: number; folds?: number; trainFraction?: number };
  model: {
    maxNeighbours: number;
    cutoff: number;
    rbfCount: number;
    hidden: number;
    convLayers: number;
    attentionHeads: number;
    dense: number[];
    dropout: number;
    linearRbf?: number;
    angular?: boolean;
    angularZ?: boolean;
    angularFine?: boolean;
    transformer?: { layers: number; width: number; heads: number; pairRbf: number; tokens?: number; pairValues?: boolean; pathRbf?: number };
    context?: boolean;
    attention?: 'tanh' | 'cosine';
    attentionTemperature?: number;
    descriptor?: 'none' | 'wacsf';
    [extra: string]: unknown;
  };
  loss: 'L1' | 'MSE';
  slopeLoss?: number;
  augment?: { positionNoise?: number };
  optimizer: { name: 'adam' | 'adamw'; learningRate: number; weightDecay: number };
  schedule: ScheduleConfig;
  epochs: number;
  /** Warm start: a model directory (resolved like data paths). */
  initFrom?: string;
  earlyStopping: { patience: number; minDelta: number };
  batchSize: number;
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  workers: number;
  ensemble: { size: number; seeds?: number[] };
  baseline: {
    enabled: boolean;
    hidden: number[];
    epochs: number;
    learningRate: number;
    dropout?: number;
    wacsf: { cutoff: number; nG2: number; nG4: number; zetas: number[] };
  };
  seed: number;
  outputDir: string;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: invalid training config\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validate = ajv.compile(TRAIN_CONFIG_SCHEMA);

/** 'data.sources[0].kind' style paths and plain-English reasons. */
function describe(e: ErrorObject): string {
  const where = e.instancePath
    ? e.instancePath.slice(1).split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '')
    : '(top level)';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key '${String(params.additionalProperty)}'`;
    case 'required':
      return `${where}: missing required key '${String(params.missingProperty)}'`;
    case 'enum':
      return `${where}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${where}: must be ${String(params.type)}`;
    default:
      return `${where}: ${e.message ?? e.keyword}`;
  }
}

/** Validates a parsed object (defaults are filled in place); semantic checks beyond the schema too. */
export function validateTrainConfig(raw: unknown, file = '<config>'): TrainConfig {
  const copy: unknown = JSON.parse(JSON.stringify(raw ?? null));
  if (!validate(copy)) throw new ConfigError(file, (validate.errors ?? []).map(describe));
  const cfg = copy as TrainConfig;
  const problems: string[] = [];
  const sum = cfg.split.train + cfg.split.val + cfg.split.test;
  if (Math.abs(sum - 1) > 1e-6) problems.push(`split: train + val + test must be 1, got ${sum}`);
  if (cfg.split.val === 0) problems.push('split.val: must be > 0 (early stopping and model selection need a validation side)');
  if (cfg.ensemble.seeds && cfg.ensemble.seeds.length !== cfg.ensemble.size) {
    problems.push(`ensemble.seeds: ${cfg.ensemble.seeds.length} seeds for an ensemble of ${cfg.ensemble.size}`);
  }
  const perRadial = 2 * cfg.baseline.wacsf.zetas.length;
  if (cfg.baseline.wacsf.nG4 % perRadial !== 0) {
    problems.push(`baseline.wacsf.nG4: ${cfg.baseline.wacsf.nG4} is not a multiple of 2 λ × ${cfg.baseline.wacsf.zetas.length} ζ`);
  }
  if (problems.length) throw new ConfigError(file, problems);
  return cfg;
}

export function findRepoRoot(from: string): string | undefined {
  let d = resolve(from);
  for (;;) {
    if (existsSync(join(d, 'package.json'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** An input path: absolute as is; else config-relative if it exists there, else repo-root-relative. */
export function resolveInputPath(p: string, configDir: string, repoRoot: string | undefined): string {
  if (isAbsolute(p)) return p;
  const a = resolve(configDir, p);
  if (existsSync(a) || !repoRoot) return a;
  return resolve(repoRoot, p);
}

/** Reads, validates and resolves a config file. Output paths are relative to the repository root. */
export function loadTrainConfig(file: string): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, [e instanceof Error ? e.message : String(e)]);
  }
  const cfg = validateTrainConfig(raw, file);
  const configDir = dirname(resolve(file));
  const root = findRepoRoot(configDir);
  const missing: string[] = [];
  cfg.data.sources = cfg.data.sources.map((s, i) => {
    const path = resolveInputPath(s.path, configDir, root);
    if (!existsSync(path)) missing.push(`data.sources[${i}].path: '${s.path}' not found (tried ${resolve(configDir, s.path)}${root ? ` and ${resolve(root, s.path)}` : ''})`);
    return { ...s, path };
  });
  if (cfg.initFrom !== undefined) {
    const dir = resolveInputPath(cfg.initFrom, configDir, root);
    if (!existsSync(join(dir, 'metadata.json'))) missing.push(`initFrom: '${cfg.initFrom}' is not a model directory (no metadata.json in ${dir})`);
    cfg.initFrom = dir;
  }
  if (missing.length) throw new ConfigError(file, missing);
  const outBase = root ?? configDir;
  cfg.data.cacheDir = isAbsolute(cfg.data.cacheDir) ? cfg.data.cacheDir : resolve(outBase, cfg.data.cacheDir);
  cfg.outputDir = isAbsolute(cfg.outputDir) ? cfg.outputDir : resolve(outBase, cfg.outputDir);
  return cfg;
}
