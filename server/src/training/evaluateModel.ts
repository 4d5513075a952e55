// Evaluates a model directory on data: either the validation/test split of a training config
// (the same split the model was selected on) or any data sources (all samples). Samples whose
// domain the model does not predict are left out and counted.
import { sameGraphOptions } from '../graph/build';
import type { TfModule } from '../model/backend';
import { loadModelFiles, type LoadedModelFiles } from '../model/modelFiles';
import { stdScaleOf, type OutputNormalisation } from '../model/metadata';
import { applyStdScale } from './calibration';
import type { DomainSpec } from '../data/domains';
import type { ImportIssue } from '../data/record';
import { prepareDataset, type SkippedRecord, type TensorizedSet } from '../data/tensorize';
import { loadTrainConfig } from './config';
import { GnnAdapter } from './gnnAdapter';
import { combineMembers, metricsOf, predictSamples, type SamplePrediction } from './predict';
import type { EvaluateReport } from './protocol';
import { prepareFromConfig, splitSet } from './setup';

export interface ModelOnSet {
  /** Per set domain: the model's head (−1 = not predicted) and normalisation. */
  headOfDomain: number[];
  norm: OutputNormalisation[];
  covered: (i: number) => boolean;
}

export function mapDomains(model: LoadedModelFiles, set: TensorizedSet): ModelOnSet {
  const m = model.metadata;
  const headOfDomain = set.domains.map((d) => m.domains.find((x) => x.id === d.id)?.head ?? -1);
  const norm = headOfDomain.map((h, di) => {
    const n = h >= 0 ? m.normalisation?.[h] : null;
    return n ?? { mean: new Array<number>(set.domains[di].energies.length).fill(0), std: [1] };
  });
  return { headOfDomain, norm, covered: (i) => headOfDomain[set.domainIndex[i]] >= 0 };
}

/**
 * Says which inputs were left out and why (first 20): data given by hand, such as measured
 * pairs, is small, and a silently missing spectrum would go unnoticed.
 */
export function logNotUsed(log: (line: string) => void, issues: readonly ImportIssue[], skipped: readonly SkippedRecord[]): void {
  const problems = [
    ...issues.map((i) => `${i.file}${i.line ? `:${i.line}` : ''}${i.id ? ` (${i.id})` : ''}: ${i.reason}`),
    ...skipped.map((k) => `${k.id}: ${k.reason}`),
  ];
  for (const line of problems.slice(0, 20)) log(`not used: ${line}`);
  if (problems.length > 20) log(`not used: … and ${problems.length - 20} more`);
}

/** The model's own grids as domain specs, so data is resampled exactly onto its outputs. */
export function modelDomainSpecs(model: Pick<LoadedModelFiles, 'metadata'>): DomainSpec[] {
  return model.metadata.domains.map((d) => ({
    id: d.id, element: d.element, edge: d.edge, method: d.method, energies: [...d.energies],
    ...(d.relative ? { relative: true } : {}),
  }));
}

export function predictWithModel(tf: TfModule, model: LoadedModelFiles, set: TensorizedSet, indices: readonly number[]): { members: SamplePrediction[][]; combined: SamplePrediction[] } {
  if (!sameGraphOptions(model.metadata.graph, set.graphOptions)) {
    throw new Error(`model '${model.metadata.name}' featurises graphs as ${JSON.stringify(model.metadata.graph)}, the data were prepared as ${JSON.stringify(set.graphOptions)}`);
  }
  const map = mapDomains(model, set);
  const members = model.members.map((w) => {
    const a = new GnnAdapter(tf, model.metadata.network, set, 1, false);
    try {
      a.setWeights(w);
      return predictSamples(tf, a, set, indices, map.norm, map.headOfDomain);
    } finally {
      a.dispose();
    }
  });
  const combined = combineMembers(members);
  const scale = Object.fromEntries(model.metadata.domains.map((d) => [d.id, stdScaleOf(model.metadata, d.id)]));
  return { members, combined: applyStdScale(combined, scale) };
}

export interface EvaluateOptions {
  tf: TfModule;
  modelDir: string;
  configFile?: string;
  data?: string[];
  split?: 'val' | 'test' | 'all';
  log?: (line: string) => void;
}

export async function evaluateModel(o: EvaluateOptions): Promise<EvaluateReport> {
  const model = loadModelFiles(o.modelDir);
  const log = o.log ?? (() => {});
  let set: TensorizedSet;
  let indices: number[];
  const split = o.split ?? (o.configFile ? 'val' : 'all');
  if (o.configFile) {
    const cfg = loadTrainConfig(o.configFile);
    set = (await prepareFromConfig(cfg, false)).set;
    const s = splitSet(set, cfg.split, cfg.split.seed);
    indices = split === 'all' ? Array.from({ length: set.count }, (_, i) => i) : s[split];
  } else if (o.data && o.data.length) {
    const g = model.metadata.graph;
    const prepared = await prepareDataset(o.data.map((p) => ({ path: p })), { graph: g, domains: modelDomainSpecs(model), onlyDomains: model.metadata.domains.map((d) => d.id) });
    set = prepared.set;
    logNotUsed(log, prepared.issues, prepared.report.skipped);
    indices = Array.from({ length: set.count }, (_, i) => i);
  } else {
    throw new Error('evaluate needs a training config (--config) or data sources (--data)');
  }
  const map = mapDomains(model, set);
  const covered = indices.filter((i) => map.covered(i));
  if (covered.length < indices.length) log(`${indices.length - covered.length} samples are in domains the model does not predict; left out`);
  if (covered.length === 0) throw new Error(`no samples in the model's domains (${model.metadata.domains.map((d) => d.id).join(', ')})`);
  const { members, combined } = predictWithModel(o.tf, model, set, covered);
  const metrics: EvaluateReport['metrics'] = {};
  metrics[members.length > 1 ? `gnn-ensemble-${members.length}` : 'gnn'] = metricsOf(set, combined);
  if (members.length > 1) members.forEach((m, k) => (metrics[`member-${k}`] = metricsOf(set, m)));
  return { kind: 'evaluate', model: model.metadata.name, split, metrics, samples: covered.length };
}
