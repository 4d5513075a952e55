// From a validated TrainConfig to what the trainer needs: the prepared dataset, the split by
// material, the network shape with one output head per domain, and a settings fingerprint.
import { createHash } from 'node:crypto';
import { DEFAULT_WACSF_OPTIONS, type WacsfOptions } from '../baseline/wacsf';
import type { DomainSpec } from '../data/domains';
import { shuffledMaterials, splitByMaterial, type SplitName } from '../data/split';
import { prepareDataset, type PreparedDataset, type TensorizedSet } from '../data/tensorize';
import { descriptorSize, edgeFeatureSize } from '../graph/build';
import type { GraphOptions } from '../graph/types';
import { DEFAULT_ATTENTION_TEMPERATURE, type NetworkConfig } from '../model/config';
import type { TrainConfig } from './config';

export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}

export function wacsfOptionsOf(cfg: TrainConfig): WacsfOptions {
  const w = cfg.baseline.wacsf;
  return { ...DEFAULT_WACSF_OPTIONS, cutoff: w.cutoff, nG2: w.nG2, nG4: w.nG4, zetas: w.zetas };
}

/** Configured grid overrides as domain specs (ids carry element, edge, method). */
export function configuredDomains(cfg: TrainConfig): DomainSpec[] {
  return Object.entries(cfg.data.grids).map(([id, g]) => {
    const [element, edge, method] = id.split('-');
    return {
      id, element, edge, method, relative: id.endsWith('-rel'),
      energies: Array.from({ length: g.points }, (_, i) => g.start + g.step * i),
    };
  });
}

export async function prepareFromConfig(cfg: TrainConfig, withWacsf = cfg.baseline.enabled || cfg.model.descriptor === 'wacsf'): Promise<PreparedDataset> {
  return prepareDataset(
    cfg.data.sources.map((s) => ({ ...s })),
    {
      graph: graphOptionsOf(cfg),
      minCoverage: cfg.data.minCoverage,
      domains: configuredDomains(cfg),
      onlyDomains: cfg.data.domains,
      ...(withWacsf ? { wacsf: wacsfOptionsOf(cfg) } : {}),
      cacheDir: cfg.data.cacheDir,
    },
  );
}

/**
 * Split by material, per domain: every domain gets its own train/val/test shares (so a 20-sample
 * set still has validation spectra), and a material never straddles sides.
 */
export function splitSet(set: TensorizedSet, fractions: { train: number; val: number; test: number }, seed: number): SplitIndices {
  const out: SplitIndices = { train: [], val: [], test: [] };
  set.domains.forEach((_, di) => {
    const idx: number[] = [];
    for (let i = 0; i < set.count; i++) if (set.domainIndex[i] === di) idx.push(i);
    const side = splitByMaterial(idx.map((i) => `${di}|${set.materialIds[i]}`), fractions, seed);
    for (const i of idx) out[side.get(`${di}|${set.materialIds[i]}`) as SplitName].push(i);
  });
  return out;
}

/**
 * Learning curves: keep a seeded `fraction` of the training materials of each domain (at least
 * one), validation and test unchanged, so scores at several training-set sizes compare directly.
 */
export function subsampleTraining(set: TensorizedSet, split: SplitIndices, fraction: number, seed: number): SplitIndices {
  if (fraction >= 1) return split;
  const kept = new Set<string>();
  set.domains.forEach((_, di) => {
    const ids = shuffledMaterials(split.train.filter((i) => set.domainIndex[i] === di).map((i) => set.materialIds[i]), seed);
    ids.slice(0, Math.max(1, Math.round(fraction * ids.length))).forEach((id) => kept.add(`${di}|${id}`));
  });
  return { ...split, train: split.train.filter((i) => kept.has(`${set.domainIndex[i]}|${set.materialIds[i]}`)) };
}

function numberArray(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

export function graphOptionsOf(cfg: TrainConfig): GraphOptions {
  const m = cfg.model;
  return {
    maxNeighbours: m.maxNeighbours, cutoff: m.cutoff, rbfCount: m.rbfCount,
    ...(m.linearRbf ? { linearRbfCount: m.linearRbf } : {}),
    ...(m.angular ? { angular: true } : {}),
    ...(m.angularZ ? { angularZ: true } : {}),
    ...(m.angularFine ? { angularFine: true } : {}),
    ...(m.context ? { context: true } : {}),
    ...(m.descriptor === 'wacsf' ? { descriptor: wacsfOptionsOf(cfg) } : {}),
  };
}

/** Network shape from config.model: explicit convWidths/headWidth/denseWidths win over hidden. */
export function networkConfigOf(cfg: TrainConfig, domains: readonly DomainSpec[]): NetworkConfig {
  const m = cfg.model;
  return {
    nodeFeatureSize: 118,
    edgeFeatureSize: edgeFeatureSize(graphOptionsOf(cfg)),
    ...(m.descriptor === 'wacsf' ? { descriptorSize: descriptorSize(graphOptionsOf(cfg)) } : {}),
    convWidths: numberArray(m.convWidths) ?? Array.from({ length: m.convLayers }, () => m.hidden),
    heads: m.attentionHeads,
    headWidth: typeof m.headWidth === 'number' ? m.headWidth : m.hidden,
    ...(typeof m.attentionSize === 'number' ? { attentionSize: m.attentionSize } : {}),
    denseWidths: numberArray(m.denseWidths) ?? m.dense,
    outputs: domains.map((d) => ({ name: d.id, size: d.energies.length })),
    batchNorm: m.batchNorm !== false,
    ...(m.transformer ? { transformer: { ...m.transformer, cutoff: m.cutoff } } : {}),
    ...(m.dropout > 0 ? { dropout: m.dropout } : {}),
    ...(m.attention === 'cosine' ? { attention: 'cosine' as const, attentionTemperature: m.attentionTemperature ?? DEFAULT_ATTENTION_TEMPERATURE } : {}),
  };
}

/** Digest of everything that changes what a checkpoint means (not epochs, not output paths). */
export function fingerprintOf(cfg: TrainConfig, kind: string, seed: number): string {
  const { epochs: _e, outputDir: _o, backend: _b, workers: _w, ...rest } = cfg;
  return createHash('sha256').update(JSON.stringify({ kind, seed, rest })).digest('hex').slice(0, 16);
}
