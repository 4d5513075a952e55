// Transfer learning to a small set of (measured) spectra, as in paper 003 (CGXAS): the graph
// layers stay frozen and the dense head is tuned layer by layer — first the output layer, then
// the last dense layer with it, and so on — each stage with early stopping on a held-out part.
// Batch norm runs in inference mode throughout (frozen statistics of the pre-trained model).
import path from 'node:path';
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';
import { loadModelFiles, saveModel } from '../model/modelFiles';
import type { NamedWeight } from '../model/network';
import { prepareDataset } from '../data/tensorize';
import type { ModelAdapter } from './adapter';
import { logNotUsed, mapDomains, modelDomainSpecs, predictWithModel } from './evaluateModel';
import { GnnAdapter } from './gnnAdapter';
import { metricsOf } from './predict';
import type { FinetuneReport } from './protocol';
import { splitSet } from './setup';
import { train, type CancelFlag, type TrainEvent } from './trainer';

/** Trains only the variables whose names start with one of `prefixes`. */
export class FrozenAdapter implements ModelAdapter {
  readonly kind = 'gnn' as const;
  readonly headSizes: number[];

  constructor(private readonly inner: GnnAdapter, private readonly prefixes: string[]) {
    this.headSizes = inner.headSizes;
  }

  variables(): Variable[] {
    return [...this.inner.net.params.variables.entries()]
      .filter(([name, v]) => v.trainable && this.prefixes.some((p) => name.startsWith(p)))
      .map(([, v]) => v);
  }

  forward(indices: readonly number[], _training: boolean): Tensor2D[] {
    return this.inner.forward(indices, false);
  }

  getWeights(): NamedWeight[] {
    return this.inner.getWeights();
  }

  setWeights(w: NamedWeight[]): void {
    this.inner.setWeights(w);
  }

  parameterCount(): number {
    return this.variables().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.inner.dispose();
  }
}

/** Stages of paper 003: output layer, then one more dense layer per stage, from the top. */
export function finetuneStages(denseLayers: number): string[][] {
  const stages: string[][] = [['output']];
  for (let i = denseLayers - 1; i >= 0; i--) stages.push([...stages[stages.length - 1], `dense${i}.`]);
  return stages;
}

export interface FinetuneOptions {
  tf: TfModule;
  modelDir: string;
  data: string[];
  outDir: string;
  epochsPerStage?: number;
  learningRate?: number;
  seed?: number;
  log?: (line: string) => void;
  signal?: CancelFlag;
  onEvent?: (e: TrainEvent) => void;
}

export async function finetuneModel(o: FinetuneOptions): Promise<FinetuneReport> {
  const log = o.log ?? (() => {});
  const model = loadModelFiles(o.modelDir);
  const { set, issues, report } = await prepareDataset(o.data.map((p) => ({ path: p })), {
    graph: model.metadata.graph, domains: modelDomainSpecs(model), onlyDomains: model.metadata.domains.map((d) => d.id),
  });
  logNotUsed(log, issues, report.skipped);
  const map = mapDomains(model, set);
  const usable = Array.from({ length: set.count }, (_, i) => i).filter((i) => map.covered(i));
  if (usable.length < 2) throw new Error(`fine-tuning needs at least 2 spectra in the model's domains; found ${usable.length}`);
  const s = splitSet(set, { train: 0.8, val: 0.2, test: 0 }, o.seed ?? 1);
  const trainIdx = s.train.filter((i) => map.covered(i));
  let valIdx = s.val.filter((i) => map.covered(i));
  // Tiny sets: validate on the training spectra rather than not at all (said in the log).
  if (valIdx.length === 0) {
    valIdx = trainIdx;
    log('too few materials for a held-out part: validating on the training spectra');
  }
  log(`fine-tuning on ${trainIdx.length} spectra, validating on ${valIdx.length}`);
  const before = metricsOf(set, predictWithModel(o.tf, model, set, valIdx).combined);
  const tuned: NamedWeight[][] = [];
  for (const [k, weights] of model.members.entries()) {
    const inner = new GnnAdapter(o.tf, model.metadata.network, set, 1, false);
    inner.setWeights(weights);
    for (const prefixes of finetuneStages(model.metadata.network.denseWidths.length)) {
      const adapter = new FrozenAdapter(inner, prefixes);
      log(`member ${k}: tuning ${prefixes.join(', ')} (${adapter.parameterCount()} parameters)`);
      const r = await train({
        tf: o.tf, adapter, set, train: trainIdx, val: valIdx, normalisation: map.norm, headOfDomain: map.headOfDomain.map((h) => Math.max(h, 0)),
        loss: 'L1', learningRate: o.learningRate ?? 1e-4, clipNorm: 1,
        schedule: { type: 'none', warmupEpochs: 0, minLearningRate: 0, stepEpochs: 1, factor: 1, patience: 1 },
        epochs: o.epochsPerStage ?? 30, batchSize: Math.min(16, trainIdx.length), earlyStopping: { patience: 10, minDelta: 0 },
        seed: (o.seed ?? 1) + k, member: `finetune ${k}`, ...(o.signal ? { signal: o.signal } : {}), ...(o.onEvent ? { onEvent: o.onEvent } : {}),
      });
      inner.setWeights(r.bestWeights);
      if (r.status === 'cancelled') break;
    }
    tuned.push(inner.getWeights());
    inner.dispose();
  }
  const { weights: _w, ...meta } = model.metadata;
  const draft = {
    ...meta,
    name: path.basename(o.outDir),
    created: new Date().toISOString(),
    training: {
      ...(meta.training ?? { data: [] }),
      finetune: { from: model.metadata.name, data: o.data, stages: finetuneStages(model.metadata.network.denseWidths.length), spectra: trainIdx.length },
    },
  };
  saveModel(o.outDir, draft, tuned);
  const after = metricsOf(set, predictWithModel(o.tf, loadModelFiles(o.outDir), set, valIdx).combined);
  return { kind: 'finetune', modelDir: o.outDir, before, after, samples: { train: trainIdx.length, val: valIdx.length } };
}
