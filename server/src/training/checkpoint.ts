// Training checkpoints: state.json (epoch, position in the epoch, RNG/schedule state, best score,
// history) + weights.bin (every model parameter) + optimizer.bin (Adam moments). Written to a
// temporary directory and renamed into place, so a run killed mid-write leaves the previous
// checkpoint intact.
import fs from 'node:fs';
import path from 'node:path';
import { decodeWeights, encodeWeights, manifestFor } from '../model/modelFiles';
import type { WeightEntry } from '../model/metadata';
import type { NamedWeight } from '../model/network';
import type { AdamState } from './optimizer';
import type { PlateauState } from './schedule';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valScore: number;
  learningRate: number;
  seconds: number;
  /** Per-domain validation MAE (μ units). */
  valMae: Record<string, number>;
}

export interface TrainState {
  /** Identifies the run's settings; resume refuses a checkpoint of another configuration. */
  fingerprint: string;
  /** Epoch in progress (0-based) and the number of its batches already done. */
  epoch: number;
  batchInEpoch: number;
  /** Sum of batch losses of the epoch so far (to report the epoch mean after a resume). */
  epochLossSum: number;
  globalStep: number;
  plateau: PlateauState;
  bestScore: number;
  bestEpoch: number;
  epochsWithoutGain: number;
  history: EpochRecord[];
  elapsedSeconds: number;
  finished: boolean;
  manifest: WeightEntry[];
  optimizerStep: number;
}

export interface Checkpoint {
  state: TrainState;
  weights: NamedWeight[];
  optimizer: AdamState;
}

const STATE = 'state.json';
const WEIGHTS = 'weights.bin';
const OPT = 'optimizer.bin';

function concat(arrays: Float32Array[]): Buffer {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export function saveCheckpoint(dir: string, c: Checkpoint): void {
  const parent = path.dirname(dir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const state: TrainState = { ...c.state, manifest: manifestFor(c.weights), optimizerStep: c.optimizer.step };
  fs.writeFileSync(path.join(tmp, WEIGHTS), encodeWeights(c.weights));
  fs.writeFileSync(path.join(tmp, OPT), concat([...c.optimizer.m, ...c.optimizer.v]));
  fs.writeFileSync(path.join(tmp, STATE), JSON.stringify(state, null, 1));
  const old = `${dir}.old-${process.pid}`;
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, STATE));
}

export function readCheckpointState(dir: string): TrainState {
  const state = JSON.parse(fs.readFileSync(path.join(dir, STATE), 'utf8')) as TrainState;
  // JSON has no Infinity: a run stopped before its first validation wrote bestScore as null, and
  // `score < null` is false for every score, so the resumed run would never keep a best model.
  if (typeof state.bestScore !== 'number') state.bestScore = Infinity;
  return state;
}

export interface LoadedCheckpoint {
  state: TrainState;
  weights: NamedWeight[];
  /** Adam moments, m of every trainable variable then v of every one (split with splitMoments). */
  moments: Float32Array;
}

export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const state = readCheckpointState(dir);
  const weights = decodeWeights(fs.readFileSync(path.join(dir, WEIGHTS)), state.manifest, path.join(dir, WEIGHTS));
  return { state, weights, moments: loadMoments(dir) };
}

/** Split the flat moment buffer for variables of the given sizes (m for all, then v for all). */
export function splitMoments(raw: Float32Array, sizes: readonly number[]): { m: Float32Array[]; v: Float32Array[] } {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (raw.length !== 2 * total) throw new Error(`optimizer.bin holds ${raw.length} values, the model needs ${2 * total}`);
  const m: Float32Array[] = [];
  const v: Float32Array[] = [];
  let o = 0;
  for (const s of sizes) {
    m.push(raw.slice(o, o + s));
    o += s;
  }
  for (const s of sizes) {
    v.push(raw.slice(o, o + s));
    o += s;
  }
  return { m, v };
}

/** Raw optimizer moments of a checkpoint (m then v, concatenated). */
export function loadMoments(dir: string): Float32Array {
  const raw = fs.readFileSync(path.join(dir, OPT));
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

export function saveWeightsFile(file: string, weights: NamedWeight[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, encodeWeights(weights));
  fs.writeFileSync(`${file}.json`, JSON.stringify(manifestFor(weights)));
  fs.renameSync(`${file}.tmp`, file);
}

export function loadWeightsFile(file: string): NamedWeight[] {
  const manifest = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as WeightEntry[];
  return decodeWeights(fs.readFileSync(file), manifest, file);
}
