// Training throughput of the default (paper-size) model: forward + backward + Adam on batches of
// 64 real Cu samples, exactly the trainer's step (GnnAdapter, maskedLoss, Adam), per backend;
// and the dense matmul GFLOP/s the backend reaches here, against which the step's achieved
// FLOP rate is reported.
import { denseForward } from '../test/fixtures/models/denseForward';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { tensorize } from '../server/src/data/tensorize';
import { loadTf, type TfModule } from '../server/src/model/backend';
import { PAPER_CONFIG } from '../server/src/model/config';
import { XanesNetwork } from '../server/src/model/network';
import { batchGraphs } from '../server/src/graph/build';
import { sampleGraph, type TensorizedSet } from '../server/src/data/tensorize';
import { batchTargets } from '../server/src/training/batches';
import { GnnAdapter } from '../server/src/training/gnnAdapter';
import { maskedLoss } from '../server/src/training/loss';
import { Adam } from '../server/src/training/optimizer';
import { cuRecords } from './data';
import { matmulCeiling, matmulFlops } from './flops';
import { emit, median, round, runsFor, timeSync, type BenchRow } from './lib';

const B = 64;

function trainStep(tf: TfModule, adapter: GnnAdapter, opt: Adam, set: TensorizedSet, batch: number[]): void {
  const norm = set.domains.map(() => ({ mean: [0], std: [1] }));
  const heads = batchTargets(set, batch, norm, set.domains.map(() => 0), adapter.headSizes);
  const vars = adapter.variables();
  tf.tidy(() => {
    const t = heads.map((h) => tf.tensor2d(h.values, [batch.length, h.size]));
    const w = heads.map((h) => tf.tensor2d(h.weights, [batch.length, h.size]));
    const { value, grads } = tf.variableGrads(() => maskedLoss(tf, adapter.forward(batch, true), t as Tensor2D[], w as Tensor2D[], 'L1'), vars);
    opt.apply(vars.map((v) => grads[v.name] as Tensor), 1e-4);
    value.dataSync();
  });
}

async function backendRows(name: 'wasm' | 'cpu', set: TensorizedSet): Promise<BenchRow[]> {
  const loaded = await loadTf(name);
  if (loaded.backend !== name) return [{ group: 'training', name, value: null, unit: 'samples/s', runs: 0, note: loaded.fallbacks.join('; ') }];
  const tf = loaded.tf;
  const slow = name === 'cpu';
  const adapter = new GnnAdapter(tf, PAPER_CONFIG, set, 1);
  const opt = new Adam(tf, adapter.variables());
  const batches = Array.from({ length: 4 }, (_, k) => Array.from({ length: B }, (_, i) => (k * B + i) % set.count));
  let step = 0;
  const runs = runsFor(slow ? 2 : 8);
  const ms = median(timeSync(() => trainStep(tf, adapter, opt, set, batches[step++ % batches.length]), runs, 1));
  const rate = (B * 1000) / ms;
  // FLOPs: what the factored training pass really multiplies, and the nominal model FLOPs
  // (the network's own forward, ×3 for forward + backward) the step stands for.
  const executed = (await matmulFlops(tf, () => trainStep(tf, adapter, opt, set, batches[0]))).flops;
  const net = new XanesNetwork(tf, PAPER_CONFIG);
  const graphs = batchGraphs(batches[0].map((i) => sampleGraph(set, i)));
  // The dense (unfactored) forward is the model as the paper writes it: its FLOPs are what a step stands for.
  const nominal = 3 * (await matmulFlops(tf, () => tf.tidy(() => denseForward(net, net.inputsFromBatch(graphs)).outputs[0].dataSync()))).flops;
  net.dispose();
  adapter.dispose();
  opt.dispose();
  const ceiling = matmulCeiling(tf, slow ? 2 : 5, !slow);
  const achieved = executed / (ms * 1e6);
  const effective = nominal / (ms * 1e6);
  return [
    {
      group: 'training', name: `${name}: paper-size step (batch 64, fwd+bwd+Adam)`, value: round(rate, 1), unit: 'samples/s', runs,
      extra: `${round(ms, 0)} ms/step`, ...(name === 'cpu' || name === 'wasm' ? { target: '≥ 150 samples/s', pass: rate >= 150 } : {}),
    },
    { group: 'training', name: `${name}: dense matmul ceiling (${ceiling.shape})`, value: round(ceiling.gflops, 2), unit: 'GFLOP/s', runs: slow ? 2 : 5 },
    {
      group: 'training', name: `${name}: step FLOP rate (matmuls executed)`, value: round(achieved, 2), unit: 'GFLOP/s', runs,
      extra: `${round((100 * achieved) / ceiling.gflops, 1)} % of ceiling; ${round(executed / 1e9, 2)} GFLOP/step`,
    },
    {
      group: 'training', name: `${name}: model-equivalent FLOP rate (3× plain forward)`, value: round(effective, 2), unit: 'GFLOP/s', runs,
      extra: `${round((100 * effective) / ceiling.gflops, 1)} % of ceiling; ${round(nominal / 1e9, 2)} GFLOP/step nominal`,
    },
  ];
}

async function main(): Promise<void> {
  const records = await cuRecords(400);
  const { set } = tensorize(records, { wacsf: false });
  const rows: BenchRow[] = [];
  rows.push({ group: 'training', name: 'tensorflow (native)', value: null, unit: 'samples/s', runs: 0, note: 'not installable here (libtensorflow download); see inference row' });
  for (const name of ['wasm', 'cpu'] as const) rows.push(...(await backendRows(name, set)));
  emit(rows);
}

void main();
