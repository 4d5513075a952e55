// Training throughput of the GNN (and the baseline MLP) on the real data, per backend and width.
//   node bench/training-build.mjs bench/training-speed.ts && node runs/bin/training-speed.js [--batch 64] [--steps 8] [--widths 600,500,400:300:200,200] [--config FILE]
import { loadTf, type BackendPreference } from '../server/src/model/backend';
import { loadTrainConfig } from '../server/src/training/config';
import { GnnAdapter } from '../server/src/training/gnnAdapter';
import { createOptimizer, trainStep } from '../server/src/training/trainer';
import { runContext } from '../server/src/training/run';
import { epochOrder } from '../server/src/training/rng';
import { MlpAdapter } from '../server/src/baseline/mlp';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main(): Promise<void> {
  const cfg = loadTrainConfig(arg('config', 'config/train.default.json'));
  const batch = Number(arg('batch', '64'));
  const steps = Number(arg('steps', '8'));
  const [conv, head, dense] = arg('widths', '600,500,400:300:200,200').split(':');
  cfg.model.convWidths = conv.split(',').map(Number);
  cfg.model.headWidth = Number(head);
  cfg.model.denseWidths = dense.split(',').map(Number);
  const { tf, backend } = await loadTf(arg('backend', 'wasm') as BackendPreference);
  const ctx = await runContext(cfg, (l) => console.log(l));
  const order = epochOrder(ctx.split.train, 1, 0);
  const run = (name: string, adapter: GnnAdapter | MlpAdapter): void => {
    const o = { tf, adapter, set: ctx.set, normalisation: ctx.norm, headOfDomain: ctx.headOfDomain, loss: 'L1' as const, learningRate: 1e-3, schedule: cfg.schedule, epochs: 1, batchSize: batch, earlyStopping: cfg.earlyStopping, seed: 1, train: ctx.split.train, val: [] };
    const opt = createOptimizer(o);
    const times: number[] = [];
    for (let s = 0; s < steps + 2; s++) {
      const b = order.slice((s * batch) % (order.length - batch), ((s * batch) % (order.length - batch)) + batch);
      const t0 = performance.now();
      const loss = trainStep(o, opt, b, 1e-3);
      times.push(performance.now() - t0);
      if (s === steps + 1) console.log(`  last loss ${loss.toFixed(4)}`);
    }
    const warm = times.slice(2);
    const mean = warm.reduce((a, b) => a + b, 0) / warm.length;
    console.log(`${name} [${backend}] batch ${batch}: ${mean.toFixed(0)} ms/step, ${(batch / (mean / 1000)).toFixed(1)} samples/s, ${adapter.parameterCount()} params, tensors ${tf.memory().numTensors}`);
    opt.dispose();
    adapter.dispose();
  };
  if (arg('mlp', 'no') === 'yes') {
    run('mlp 512-512', new MlpAdapter(tf, { inputSize: ctx.set.wacsfLength, hidden: [512, 512], headSizes: ctx.network.outputs.map((o) => o.size) }, ctx.set, ctx.split.train, 1));
  }
  run(`gnn ${conv}|${head}|${dense}`, new GnnAdapter(tf, ctx.network, ctx.set, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
