// "Family bucket" check (paper 000's Tc experiment) for one small domain: train the same network
// on that domain alone vs the mixed model trained on everything, on the same held-out spectra;
// plus k-fold cross-validation (by material) of the domain-alone model.
//   node bench/training-build.mjs bench/training-family.ts && node runs/bin/training-family.js \
//     --config models/mem-xanes-v1.train.json --domain Tc-K-FEFF --model models/mem-xanes-v1 [--epochs 60] [--folds 5]
import fs from 'node:fs';
import { kFoldByMaterial } from '../server/src/data/split';
import { loadTf } from '../server/src/model/backend';
import { loadModelFiles } from '../server/src/model/modelFiles';
import { loadTrainConfig } from '../server/src/training/config';
import { predictWithModel } from '../server/src/training/evaluateModel';
import type { DomainMetrics } from '../server/src/training/metrics';
import { fitNormalisation } from '../server/src/training/normalisation';
import { metricsOf, predictSamples } from '../server/src/training/predict';
import { createGnn, runContext } from '../server/src/training/run';
import { train } from '../server/src/training/trainer';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const cfg = loadTrainConfig(arg('config', 'models/mem-xanes-v1.train.json'));
  const domainId = arg('domain', 'Tc-K-FEFF');
  const epochs = Number(arg('epochs', '60'));
  const folds = Number(arg('folds', '5'));
  const { tf } = await loadTf('wasm');
  const ctx = await runContext(cfg);
  const di = ctx.set.domains.findIndex((d) => d.id === domainId);
  if (di < 0) throw new Error(`no domain ${domainId}`);
  const mine = (idx: number[]): number[] => idx.filter((i) => ctx.set.domainIndex[i] === di);
  const trainIdx = mine(ctx.split.train);
  const heldOut = [...mine(ctx.split.val), ...mine(ctx.split.test)];
  const alone = async (tr: number[], ev: number[], seed: number): Promise<DomainMetrics> => {
    const norm = fitNormalisation(ctx.set, tr);
    const adapter = createGnn(tf, ctx, seed, tr);
    const r = await train({
      tf, adapter, set: ctx.set, train: tr, val: [], normalisation: norm, headOfDomain: ctx.headOfDomain, loss: cfg.loss,
      learningRate: 1e-3, clipNorm: 5, schedule: { ...cfg.schedule, warmupEpochs: 2 }, epochs, batchSize: 16,
      earlyStopping: { patience: 0, minDelta: 0 }, seed,
    });
    adapter.setWeights(r.bestWeights);
    const m = metricsOf(ctx.set, predictSamples(tf, adapter, ctx.set, ev, norm, ctx.headOfDomain))[domainId];
    adapter.dispose();
    return m;
  };
  const out: Record<string, unknown> = { domain: domainId, epochs, train: trainIdx.length, heldOut: heldOut.length };
  const modelDir = arg('model', '');
  if (modelDir && fs.existsSync(modelDir)) {
    out.mixedHeldOut = metricsOf(ctx.set, predictWithModel(tf, loadModelFiles(modelDir), ctx.set, heldOut).combined)[domainId];
  }
  if (process.argv.includes('--mixed-only')) {
    console.log(JSON.stringify(out, null, 1));
    return;
  }
  out.aloneHeldOut = await alone(trainIdx, heldOut, 1);
  console.log(JSON.stringify(out.aloneHeldOut));
  const all = Array.from({ length: ctx.set.count }, (_, i) => i).filter((i) => ctx.set.domainIndex[i] === di);
  const cv = kFoldByMaterial(all.map((i) => ({ materialId: ctx.set.materialIds[i] })), folds, 3);
  const maes: number[] = [];
  for (const [f, fold] of cv.entries()) {
    const m = await alone(fold.train.map((k) => all[k]), fold.val.map((k) => all[k]), 10 + f);
    maes.push(m.mae);
    console.log(`fold ${f + 1}/${folds}: MAE ${m.mae.toFixed(4)} Δμ median ${m.deltaMu.median.toFixed(2)} %`);
  }
  const mean = maes.reduce((a, b) => a + b, 0) / maes.length;
  const sd = Math.sqrt(maes.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, maes.length - 1));
  out.aloneCv = { folds, mae: maes, mean, sd };
  console.log(JSON.stringify(out, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
