// Inference of the paper-size network through the real predictor (server/src/model/predictor.ts),
// batch 1 and batch 64, per available backend. Random weights: the speed is that of a trained model.
import fs from 'node:fs';
import { loadTf, loadTfUncached, type BackendPreference, type TfModule } from '../server/src/model/backend';
import { createPredictor } from '../server/src/model/predictor';
import { tensorize } from '../server/src/data/tensorize';
import { matMulFor } from '../server/src/model/matmul';
import { PAPER_CONFIG } from '../server/src/model/config';
import { XanesNetwork } from '../server/src/model/network';
import { factoredBatch, fastTrainingForward } from '../server/src/training/fastForward';
import { cuRecords } from './data';
import { emit, median, round, runsFor, timeSync, type BenchRow } from './lib';
import { cuGraphs, writePaperModel } from './paperModel';

function rowsFor(tf: TfModule, backend: string, dir: string, slow: boolean): BenchRow[] {
  const p = createPredictor(tf, dir, backend, 64);
  const one = cuGraphs(1);
  const batch = cuGraphs(64, 12);
  const r1 = runsFor(slow ? 5 : 30);
  const r64 = runsFor(slow ? 2 : 9);
  const t1 = median(timeSync(() => p.predict(one, ['Cu-K-FEFF']), r1, 2));
  const t64 = median(timeSync(() => p.predict(batch, ['Cu-K-FEFF']), r64, slow ? 0 : 1));
  p.dispose();
  const per64 = t64 / 64;
  const wasm = backend === 'wasm';
  return [
    { group: 'inference', name: `${backend}: 1 site`, value: round(t1, 2), unit: 'ms/site', runs: r1, extra: `${round(1000 / t1, 0)} sites/s`, ...(wasm ? { target: '≤ 10 ms', pass: t1 <= 10 } : {}) },
    { group: 'inference', name: `${backend}: batch of 64`, value: round(per64, 2), unit: 'ms/site', runs: r64, extra: `${round(1000 / per64, 0)} sites/s, ${round(t64, 0)} ms/batch`, ...(wasm ? { target: '≤ 2 ms', pass: per64 <= 2 } : {}) },
  ];
}

/**
 * What inference could cost: the trainer's factored forward (exact, neighbour states computed
 * once per element) timed forward-only on real Cu graphs. Not the shipped inference path.
 */
async function factoredRows(tf: TfModule, backend: string): Promise<BenchRow[]> {
  const { set } = tensorize(await cuRecords(200), { wacsf: false });
  const net = new XanesNetwork(tf, PAPER_CONFIG, { seed: 3 });
  const mm = matMulFor(tf, true);
  const run = (idx: number[]): void => tf.tidy(() => { fastTrainingForward(net, factoredBatch(set, idx), mm)[0].dataSync(); });
  const one = [0];
  const batch = Array.from({ length: 64 }, (_, i) => i % set.count);
  const r1 = runsFor(30), r64 = runsFor(9);
  const t1 = median(timeSync(() => run(one), r1, 2));
  const t64 = median(timeSync(() => run(batch), r64, 1));
  net.dispose();
  return [
    { group: 'inference', name: `${backend}: 1 site, factored forward (trainer's exact rewrite; experiment)`, value: round(t1, 2), unit: 'ms/site', runs: r1, extra: `${round(1000 / t1, 0)} sites/s`, note: 'not the shipped predictor path: shows what predictor.ts would reach with the fastForward.ts factorisation' },
    { group: 'inference', name: `${backend}: batch of 64, factored forward (experiment)`, value: round(t64 / 64, 2), unit: 'ms/site', runs: r64, extra: `${round(64000 / t64, 0)} sites/s, ${round(t64, 0)} ms/batch` },
  ];
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const { tf } = await loadTf('cpu');
  const dir = writePaperModel(tf);
  try {
    // Native TensorFlow first: when it loads it owns the process (one tfjs copy).
    try {
      const native = await loadTfUncached('tensorflow' as BackendPreference);
      if (native.backend === 'tensorflow') rows.push(...rowsFor(native.tf, 'tensorflow', dir, false));
      else throw new Error(native.fallbacks[0] ?? 'not loaded');
    } catch (e) {
      rows.push({ group: 'inference', name: 'tensorflow (native)', value: null, unit: 'ms/site', runs: 0, note: `not available: ${(e as Error).message.split('\n')[0]}` });
    }
    for (const name of ['wasm', 'cpu'] as const) {
      const loaded = await loadTf(name);
      if (loaded.backend !== name) {
        rows.push({ group: 'inference', name, value: null, unit: 'ms/site', runs: 0, note: `backend did not load: ${loaded.fallbacks.join('; ')}` });
        continue;
      }
      rows.push(...rowsFor(loaded.tf, name, dir, name === 'cpu'));
      if (name === 'wasm') rows.push(...(await factoredRows(loaded.tf, name)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  emit(rows);
}

void main();
