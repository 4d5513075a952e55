// What a model directory declares about itself (models/<name>/metadata.json). Everything a
// predictor needs to rebuild the network, featurise graphs identically and label its outputs.
import { descriptorSize, edgeFeatureSize } from '../graph/build';
import type { GraphOptions } from '../graph/types';
import { FEATURE_VERSION } from '../graph/features';
import { validateConfig, type NetworkConfig } from './config';

export const MODEL_FORMAT = 'xanes-lens-model';
export const MODEL_FORMAT_VERSION = 1;

/** One spectrum type the model predicts, e.g. Cu K-edge by FEFF on an absolute eV grid. */
export interface OutputDomain {
  /** e.g. 'Cu-K-FEFF' */
  id: string;
  element: string;
  edge: string;
  method: string;
  /** Absolute energies (eV) of the output points; length = the head's size. */
  energies: number[];
  /** Index into network.outputs: several domains may share one head (family bucket). */
  head: number;
  /** The energies are relative to the edge (E − E0), not absolute (the Ti set). */
  relative?: boolean;
}

/** Per-head output scaling: μ = y·std + mean, each array of length 1 (scalar) or the head size. */
export interface OutputNormalisation {
  mean: number[];
  std: number[];
}

export interface WeightEntry {
  name: string;
  shape: number[];
  /** Byte offset in each member's weights file (float32 little-endian, concatenated). */
  offset: number;
}

export interface DataProvenance {
  name: string;
  source: string;
  licence: string;
  records?: number;
}

/** Spectra per split of a training run (training.samples). */
export interface TrainingSamples {
  total: number;
  train: number;
  val: number;
  test: number;
  /** The same per output domain id; written by trainers after mem-xanes-v7 (absent in v7 and older). */
  byDomain?: Record<string, { train: number; val: number; test: number }>;
}

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  name: string;
  version: string;
  description?: string;
  featureVersion: string;
  graph: GraphOptions;
  network: NetworkConfig;
  domains: OutputDomain[];
  /** Indexed by head; absent entries (or no array) mean the head predicts μ directly. */
  normalisation?: (OutputNormalisation | null)[];
  weights: {
    dtype: 'float32';
    manifest: WeightEntry[];
    /** One file per ensemble member, all with the same manifest. */
    members: string[];
  };
  training?: {
    data: DataProvenance[];
    samples?: TrainingSamples;
    [key: string]: unknown;
  };
  /**
   * As training/run.ts writes it: split ('val', 'test') → model ('gnn' = the ensemble,
   * 'gnn-member0', 'wacsf-mlp', 'mean-spectrum') → domain id → training/metrics.ts DomainMetrics.
   * Untyped because older and hand-made models differ; model/reliability.ts reads it defensively.
   */
  metrics?: Record<string, unknown>;
  /**
   * Ensemble calibration (training/calibration.ts): per domain id, the factor the members'
   * standard deviation is multiplied by so that ±2σ covers 95 % of validation points.
   */
  uncertainty?: { stdScale: Record<string, number>; fittedOn: string; coverage: number };
  created: string;
}

/** The calibration factor of a domain's ensemble standard deviation (1 when uncalibrated). */
export function stdScaleOf(m: Pick<ModelMetadata, 'uncertainty'>, domainId: string): number {
  const s = m.uncertainty?.stdScale?.[domainId];
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? s : 1;
}

/** Throws an Error naming every problem with a metadata object (structure and consistency). */
export function validateMetadata(m: ModelMetadata, where: string): void {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  if (!m || typeof m !== 'object') fail('metadata is not a JSON object');
  if (m.format !== MODEL_FORMAT) fail(`not a XANES Lens model (format '${String(m.format)}', expected '${MODEL_FORMAT}')`);
  if (m.formatVersion !== MODEL_FORMAT_VERSION) {
    fail(`model format version ${m.formatVersion} is not supported (this build reads version ${MODEL_FORMAT_VERSION})`);
  }
  if (m.featureVersion !== FEATURE_VERSION) {
    fail(`model was trained on features '${m.featureVersion}', this build computes '${FEATURE_VERSION}'`);
  }
  const g = m.graph;
  if (!g || !(g.maxNeighbours > 0 && g.cutoff > 0 && g.rbfCount > 0)) fail('graph options missing or invalid');
  try {
    validateConfig(m.network);
  } catch (e) {
    fail((e as Error).message);
  }
  if (m.network.nodeFeatureSize !== 118) fail(`nodeFeatureSize ${m.network.nodeFeatureSize} ≠ 118`);
  if (m.network.edgeFeatureSize !== edgeFeatureSize(g)) {
    fail(`edgeFeatureSize ${m.network.edgeFeatureSize} ≠ ${edgeFeatureSize(g)} (1 + rbfCount${g.linearRbfCount ? ' + linearRbfCount' : ''}${g.angular ? ' + angular features' : ''}${g.angularZ ? ' + Z-weighted angular features' : ''}${g.angularFine ? ' + fine angular features' : ''}${g.context ? ' + neighbour-context features' : ''})`);
  }
  if ((m.network.descriptorSize ?? 0) !== descriptorSize(g)) {
    fail(`descriptorSize ${m.network.descriptorSize ?? 0} ≠ ${descriptorSize(g)} (the absorber descriptor of the graph options)`);
  }
  if (!Array.isArray(m.domains) || m.domains.length === 0) fail('no output domains declared');
  const ids = new Set<string>();
  for (const d of m.domains) {
    if (ids.has(d.id)) fail(`domain '${d.id}' declared twice`);
    ids.add(d.id);
    const head = m.network.outputs[d.head];
    if (!head) fail(`domain '${d.id}' uses output head ${d.head}, the network has ${m.network.outputs.length}`);
    if (!Array.isArray(d.energies) || d.energies.length !== head.size) {
      fail(`domain '${d.id}' has ${d.energies?.length} energies but head ${d.head} outputs ${head.size} points`);
    }
  }
  (m.normalisation ?? []).forEach((n, h) => {
    if (!n) return;
    const size = m.network.outputs[h]?.size;
    if (size === undefined) fail(`normalisation given for head ${h}, which does not exist`);
    for (const key of ['mean', 'std'] as const) {
      const a = n[key];
      if (!Array.isArray(a) || (a.length !== 1 && a.length !== size) || !a.every(Number.isFinite)) {
        fail(`normalisation.${key} of head ${h} must have 1 or ${size} finite numbers`);
      }
    }
  });
  const w = m.weights;
  if (!w || w.dtype !== 'float32' || !Array.isArray(w.manifest) || !Array.isArray(w.members) || w.members.length === 0) {
    fail('weights section missing or invalid (need dtype float32, manifest, members)');
  }
}
