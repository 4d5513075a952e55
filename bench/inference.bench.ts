// Inference of the paper-size network through the real predictor (server/src/model/predictor.ts),
// batch 1 and batch 64, per available backend. Random weights: the speed is that of a trained model.
import fs from 'node:fs';
import { loadTf, loadTfUncached, type BackendPreference, type TfModule } from '../server/src/model/backend';
import { createPredictor } from '../server/src/model/predictor';
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
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  emit(rows);
}

void main();
