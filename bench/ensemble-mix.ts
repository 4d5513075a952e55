// Do two trained ensembles with different graph settings make a better ensemble together? Each
// model is run on the split of its own training config (same data and split seed, so the same
// samples in the same order; checked), then the members of all models are averaged with equal
// weight and scored as `evaluate` scores (metricsOf), on validation and on test.
//   node bench/training-build.mjs bench/ensemble-mix.ts && node runs/bin/ensemble-mix.js models/mem-xanes-v4:models/mem-xanes-v4.train.json models/mem-xanes-v5:models/mem-xanes-v5.train.json
import { loadTf } from '../server/src/model/backend';
import { loadModelFiles } from '../server/src/model/modelFiles';
import { loadTrainConfig } from '../server/src/training/config';
import { predictWithModel } from '../server/src/training/evaluateModel';
import { combineMembers, metricsOf, type SamplePrediction } from '../server/src/training/predict';
import { prepareFromConfig, splitSet } from '../server/src/training/setup';
import type { TensorizedSet } from '../server/src/data/tensorize';

const CU = 'Cu-K-FEFF';
const FE = 'Fe-K-FDMNES';
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

interface Run {
  name: string;
  set: TensorizedSet;
  members: Record<'val' | 'test', SamplePrediction[][]>;
}

function row(label: string, set: TensorizedSet, members: readonly SamplePrediction[][], part: string): string {
  const m = metricsOf(set, combineMembers(members));
  return `| ${label} | ${part} | ${members.length} | ${m[CU]?.mae.toFixed(4) ?? 'n/a'} | ${m[FE]?.deltaMu.median.toFixed(2) ?? 'n/a'} % | ${m[FE]?.mae.toFixed(4) ?? 'n/a'} |`;
}

async function main(): Promise<void> {
  const pairs = process.argv.slice(2).map((a) => a.split(':'));
  if (pairs.length < 2 || pairs.some((p) => p.length !== 2)) throw new Error('usage: ensemble-mix MODEL_DIR:CONFIG MODEL_DIR:CONFIG [...]');
  const { tf } = await loadTf('wasm');
  const runs: Run[] = [];
  for (const [dir, configFile] of pairs) {
    const cfg = loadTrainConfig(configFile);
    const { set } = await prepareFromConfig(cfg, false);
    const split = splitSet(set, cfg.split, cfg.split.seed);
    const model = loadModelFiles(dir);
    const t0 = Date.now();
    const val = predictWithModel(tf, model, set, split.val).members;
    const test = predictWithModel(tf, model, set, split.test).members;
    log(`${model.metadata.name}: ${model.members.length} members on ${split.val.length} + ${split.test.length} samples (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    if (runs.length && (runs[0].set.count !== set.count || runs[0].set.ids.some((id, i) => id !== set.ids[i]))) {
      throw new Error(`${configFile} prepares different samples from ${pairs[0][1]}: not comparable`);
    }
    runs.push({ name: model.metadata.name, set, members: { val, test } });
  }
  console.log('| ensemble | split | members | Cu MAE | Fe tmQM median Δμ | Fe tmQM MAE |');
  console.log('|---|---|---|---|---|---|');
  for (const part of ['val', 'test'] as const) {
    for (const r of runs) console.log(row(r.name, r.set, r.members[part], part));
    const all = runs.flatMap((r) => r.members[part]);
    console.log(row(runs.map((r) => r.name).join(' + '), runs[0].set, all, part));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
