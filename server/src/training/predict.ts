// Predictions of a trainer model on a set of samples, de-normalised to μ, grouped for metrics.
import type { OutputNormalisation } from '../model/metadata';
import type { TfModule } from '../model/backend';
import type { TensorizedSet } from '../data/tensorize';
import type { ModelAdapter } from './adapter';
import { denormaliseRow } from './normalisation';
import { evaluateByDomain, type DomainMetrics } from './metrics';

export interface SamplePrediction {
  sample: number;
  domain: string;
  pred: Float32Array;
  target: Float32Array;
  mask: Uint8Array;
  std?: Float32Array;
}

export function predictSamples(
  tf: TfModule, adapter: ModelAdapter, set: TensorizedSet, indices: readonly number[],
  norm: readonly OutputNormalisation[], headOfDomain: readonly number[], batchSize = 128,
): SamplePrediction[] {
  const out: SamplePrediction[] = [];
  const G = set.gridLength;
  for (let i = 0; i < indices.length; i += batchSize) {
    const chunk = indices.slice(i, i + batchSize);
    const outputs = tf.tidy(() => adapter.forward(chunk, false).map((t) => t.dataSync() as Float32Array));
    chunk.forEach((s, b) => {
      const di = set.domainIndex[s];
      const h = headOfDomain[di];
      const size = adapter.headSizes[h];
      out.push({
        sample: s,
        domain: set.domains[di].id,
        pred: denormaliseRow(norm[di], outputs[h], b * size, size),
        target: set.targets.slice(s * G, s * G + size),
        mask: set.targetMask.slice(s * G, s * G + size),
      });
    });
  }
  return out;
}

/**
 * Site-averaged records (one measured spectrum, several absorber sites) give one sample per site;
 * the record's prediction is the mean over its sites, so it is scored once, as one spectrum.
 */
export function averageGroups(set: TensorizedSet, preds: readonly SamplePrediction[]): SamplePrediction[] {
  const byGroup = new Map<number, SamplePrediction[]>();
  for (const p of preds) {
    const g = set.group[p.sample];
    const list = byGroup.get(g);
    if (list) list.push(p);
    else byGroup.set(g, [p]);
  }
  return [...byGroup.values()].map((list) => {
    if (list.length === 1) return list[0];
    const pred = new Float32Array(list[0].pred.length);
    for (const p of list) for (let i = 0; i < pred.length; i++) pred[i] += p.pred[i] / list.length;
    const std = list[0].std ? new Float32Array(pred.length) : undefined;
    if (std) for (const p of list) for (let i = 0; i < pred.length; i++) std[i] += (p.std as Float32Array)[i] / list.length;
    return { ...list[0], pred, ...(std ? { std } : {}) };
  });
}

export function metricsOf(set: TensorizedSet, preds: readonly SamplePrediction[]): Record<string, DomainMetrics> {
  return evaluateByDomain(set.domains, averageGroups(set, preds));
}

/**
 * One number to select models by: the mean over validation spectra of their domain's MAE in
 * units of that head's std, so a large Cu set and a small Tc set are both in view but the
 * score is not dominated by whichever head has the larger μ scale.
 */
export function selectionScore(metrics: Record<string, DomainMetrics>, set: TensorizedSet, norm: readonly OutputNormalisation[]): number {
  let num = 0;
  let den = 0;
  set.domains.forEach((d, di) => {
    const m = metrics[d.id];
    if (!m || !Number.isFinite(m.mae)) return;
    num += (m.spectra * m.mae) / norm[di].std[0];
    den += m.spectra;
  });
  return den > 0 ? num / den : NaN;
}

/** Mean ± std over ensemble members' predictions (sample order must match). */
export function combineMembers(members: readonly SamplePrediction[][]): SamplePrediction[] {
  if (members.length === 0) throw new Error('combineMembers: no members');
  const n = members.length;
  return members[0].map((p0, k) => {
    const size = p0.pred.length;
    const mean = new Float32Array(size);
    const std = new Float32Array(size);
    for (const m of members) {
      if (m[k].sample !== p0.sample) throw new Error('combineMembers: members predicted different samples');
      for (let i = 0; i < size; i++) mean[i] += m[k].pred[i] / n;
    }
    if (n > 1) {
      for (const m of members) for (let i = 0; i < size; i++) std[i] += (m[k].pred[i] - mean[i]) ** 2 / (n - 1);
      for (let i = 0; i < size; i++) std[i] = Math.sqrt(std[i]);
    }
    return { ...p0, pred: mean, ...(n > 1 ? { std } : {}) };
  });
}
