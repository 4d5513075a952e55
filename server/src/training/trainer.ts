// The generic training loop: seeded batches of the training split, masked loss over per-domain
// heads, Adam with a schedule and gradient clipping, validation each epoch with early stopping,
// a checkpoint each epoch (and on cancel) that resumes bit-for-bit, and the best weights kept.
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';
import type { OutputNormalisation } from '../model/metadata';
import type { NamedWeight } from '../model/network';
import type { TensorizedSet } from '../data/tensorize';
import type { ModelAdapter } from './adapter';
import { batchTargets } from './batches';
import {
  hasCheckpoint, loadCheckpoint, loadWeightsFile, saveCheckpoint, saveWeightsFile, splitMoments, type EpochRecord, type TrainState,
} from './checkpoint';
import { maskedLoss, type LossKind } from './loss';
import { positionNoise, type PositionNoise } from './augment';
import type { DomainMetrics } from './metrics';
import { Adam } from './optimizer';
import { metricsOf, predictSamples, selectionScore } from './predict';
import { batchesOf, epochOrder } from './rng';
import { initialPlateau, learningRateAt, updatePlateau, type ScheduleConfig } from './schedule';

export interface CancelFlag {
  aborted: boolean;
}

export type TrainEvent =
  | { type: 'start'; member: string; epochs: number; stepsPerEpoch: number; trainSamples: number; valSamples: number; parameters: number; resumedFrom?: { epoch: number; batch: number } }
  | { type: 'step'; member: string; epoch: number; step: number; stepsPerEpoch: number; loss: number; samplesPerSecond: number; etaSeconds: number }
  | {
    type: 'epoch'; member: string; epoch: number; epochs: number; trainLoss: number; valScore: number; bestScore: number; bestEpoch: number;
    learningRate: number; seconds: number; samplesPerSecond: number; etaSeconds: number; val: Record<string, DomainMetrics>; improved: boolean;
  }
  | { type: 'checkpoint'; member: string; epoch: number; batch: number; dir: string }
  | { type: 'done'; member: string; status: TrainStatus; bestScore: number; bestEpoch: number; epochs: number };

export type TrainStatus = 'finished' | 'early-stopped' | 'cancelled' | 'time-limit' | 'step-limit';

export interface TrainerOptions {
  tf: TfModule;
  adapter: ModelAdapter;
  set: TensorizedSet;
  train: readonly number[];
  val: readonly number[];
  /** Per domain (indexed like set.domains). */
  normalisation: readonly OutputNormalisation[];
  /** Output head of each domain. */
  headOfDomain: readonly number[];
  loss: LossKind;
  /** Weight of the slope term of the loss (loss.ts); absent = 0. */
  slopeWeight?: number;
  /** σ (Å) of the neighbour displacements drawn every step (augment.ts); absent = 0. */
  positionNoise?: number;
  learningRate: number;
  weightDecay?: number;
  decoupledWeightDecay?: boolean;
  clipNorm?: number;
  schedule: ScheduleConfig;
  epochs: number;
  batchSize: number;
  earlyStopping: { patience: number; minDelta: number };
  seed: number;
  /** Checkpoint directory (written each epoch and on cancel); absent = no checkpoints. */
  checkpointDir?: string;
  /** Where the best-on-validation weights go (with a .json manifest beside). */
  bestWeightsFile?: string;
  resume?: boolean;
  /** Settings digest stored in checkpoints; resume refuses a different one. */
  fingerprint?: string;
  signal?: CancelFlag;
  onEvent?: (e: TrainEvent) => void;
  /** Label of this run in events (ensemble member). */
  member?: string;
  /** Stop (resumably) after this many optimisation steps in this call: tests. */
  maxSteps?: number;
  /** Stop after the first epoch that ends beyond this wall time (s, counted over resumes). */
  timeLimitSeconds?: number;
  /** Emit a step event every this many steps (default 10). */
  stepEventEvery?: number;
  /** Only validate every k epochs (and the last); default 1. */
  validateEvery?: number;
}

export interface TrainResult {
  status: TrainStatus;
  state: TrainState;
  /** Best-on-validation weights (the current ones when no validation ran). */
  bestWeights: NamedWeight[];
  bestVal?: Record<string, DomainMetrics>;
}

function freshState(fingerprint: string): TrainState {
  return {
    fingerprint, epoch: 0, batchInEpoch: 0, epochLossSum: 0, globalStep: 0, plateau: initialPlateau(),
    bestScore: Infinity, bestEpoch: -1, epochsWithoutGain: 0, history: [], elapsedSeconds: 0, finished: false,
    manifest: [], optimizerStep: 0,
  };
}

/** One optimisation step on the given samples; returns the batch loss. */
export function trainStep(
  o: Pick<TrainerOptions, 'tf' | 'adapter' | 'set' | 'normalisation' | 'headOfDomain' | 'loss' | 'slopeWeight'>, opt: Adam, batch: readonly number[], lr: number,
  noise?: PositionNoise,
): number {
  const { tf, adapter, set } = o;
  const heads = batchTargets(set, batch, o.normalisation, o.headOfDomain, adapter.headSizes);
  const vars = adapter.variables();
  const lossValue = tf.tidy(() => {
    const B = batch.length;
    const t = heads.map((h) => tf.tensor2d(h.values, [B, h.size]));
    const w = heads.map((h) => tf.tensor2d(h.weights, [B, h.size]));
    const { value, grads } = tf.variableGrads(() => maskedLoss(tf, adapter.forward(batch, true, noise), t as Tensor2D[], w as Tensor2D[], o.loss, o.slopeWeight ?? 0), vars);
    opt.apply(vars.map((v) => grads[v.name] as Tensor), lr);
    return value.dataSync()[0];
  });
  return lossValue;
}

export function createOptimizer(o: TrainerOptions): Adam {
  return new Adam(o.tf, o.adapter.variables(), {
    weightDecay: o.weightDecay ?? 0, decoupled: o.decoupledWeightDecay ?? false, clipNorm: o.clipNorm ?? 0,
  });
}

/** Yields to the event loop after every step so signals and worker messages (cancel) get through. */
export async function train(o: TrainerOptions): Promise<TrainResult> {
  const member = o.member ?? 'model';
  const emit = (e: TrainEvent): void => o.onEvent?.(e);
  const fingerprint = o.fingerprint ?? '';
  const opt = createOptimizer(o);
  const vars = o.adapter.variables();
  let state = freshState(fingerprint);
  let bestWeights: NamedWeight[] = o.adapter.getWeights();
  let bestVal: Record<string, DomainMetrics> | undefined;
  let resumedFrom: { epoch: number; batch: number } | undefined;
  if (o.resume && o.checkpointDir && hasCheckpoint(o.checkpointDir)) {
    const c = loadCheckpoint(o.checkpointDir);
    if (c.state.fingerprint !== fingerprint) {
      throw new Error(`checkpoint in ${o.checkpointDir} belongs to other settings (${c.state.fingerprint} ≠ ${fingerprint}); start without --resume or pick another output`);
    }
    o.adapter.setWeights(c.weights);
    const { m, v } = splitMoments(c.moments, vars.map((x) => x.size));
    opt.setState({ step: c.state.optimizerStep, m, v });
    state = c.state;
    // A finished run resumed with more epochs continues (the schedule follows the new horizon).
    if (state.finished && state.epoch < o.epochs) state.finished = false;
    resumedFrom = { epoch: state.epoch, batch: state.batchInEpoch };
    if (o.bestWeightsFile) {
      try {
        bestWeights = loadWeightsFile(o.bestWeightsFile);
      } catch {
        bestWeights = o.adapter.getWeights();
      }
    }
  }
  const checkpoint = (): void => {
    if (!o.checkpointDir) return;
    saveCheckpoint(o.checkpointDir, { state, weights: o.adapter.getWeights(), optimizer: opt.getState() });
    emit({ type: 'checkpoint', member, epoch: state.epoch, batch: state.batchInEpoch, dir: o.checkpointDir });
  };
  const stepsPerEpoch = Math.ceil(o.train.length / o.batchSize);
  emit({
    type: 'start', member, epochs: o.epochs, stepsPerEpoch, trainSamples: o.train.length, valSamples: o.val.length,
    parameters: o.adapter.parameterCount(), ...(resumedFrom ? { resumedFrom } : {}),
  });
  const every = o.stepEventEvery ?? 10;
  const validateEvery = o.validateEvery ?? 1;
  let stepsThisCall = 0;
  let status: TrainStatus = 'finished';
  // Throughput measured in this call only (a resumed run may be on another machine).
  let sampleCount = 0;
  let sampleSeconds = 0;
  const sps = (): number => (sampleSeconds > 0 ? sampleCount / sampleSeconds : 0);
  const eta = (): number => {
    const left = (o.epochs - state.epoch) * o.train.length - state.batchInEpoch * o.batchSize;
    return sps() > 0 ? Math.max(0, left) / sps() : NaN;
  };
  outer: while (state.epoch < o.epochs && !state.finished) {
    const epochStart = Date.now();
    const batches = batchesOf(epochOrder(o.train, o.seed, state.epoch), o.batchSize);
    while (state.batchInEpoch < batches.length) {
      if (o.signal?.aborted) {
        status = 'cancelled';
        break outer;
      }
      if (o.maxSteps !== undefined && stepsThisCall >= o.maxSteps) {
        status = 'step-limit';
        break outer;
      }
      const batch = batches[state.batchInEpoch];
      const t = (state.epoch + state.batchInEpoch / batches.length);
      const lr = learningRateAt(o.learningRate, o.schedule, t, o.epochs, state.plateau);
      const t0 = performance.now();
      const loss = trainStep(o, opt, batch, lr, positionNoise(o.positionNoise ?? 0, o.seed, state.globalStep));
      await new Promise<void>((resolve) => setImmediate(resolve));
      const dt = (performance.now() - t0) / 1000;
      if (!Number.isFinite(loss)) throw new Error(`loss became ${loss} at epoch ${state.epoch + 1}, step ${state.batchInEpoch + 1}; lower the learning rate`);
      sampleCount += batch.length;
      sampleSeconds += dt;
      state.epochLossSum += loss;
      state.batchInEpoch++;
      state.globalStep++;
      stepsThisCall++;
      if (state.batchInEpoch % every === 0) {
        emit({ type: 'step', member, epoch: state.epoch, step: state.batchInEpoch, stepsPerEpoch: batches.length, loss, samplesPerSecond: sps(), etaSeconds: eta() });
      }
    }
    // End of an epoch: validate, keep the best, decide about stopping, checkpoint.
    const trainLoss = state.epochLossSum / batches.length;
    const lastEpoch = state.epoch + 1 >= o.epochs;
    let val: Record<string, DomainMetrics> = {};
    let score = NaN;
    let improved = false;
    if (o.val.length > 0 && ((state.epoch + 1) % validateEvery === 0 || lastEpoch)) {
      val = metricsOf(o.set, predictSamples(o.tf, o.adapter, o.set, o.val, o.normalisation, o.headOfDomain));
      score = selectionScore(val, o.set, o.normalisation);
      improved = score < state.bestScore - o.earlyStopping.minDelta;
      if (improved) {
        state.bestScore = score;
        state.bestEpoch = state.epoch;
        state.epochsWithoutGain = 0;
        bestWeights = o.adapter.getWeights();
        bestVal = val;
        if (o.bestWeightsFile) saveWeightsFile(o.bestWeightsFile, bestWeights);
      } else {
        state.epochsWithoutGain += validateEvery;
      }
      if (o.schedule.type === 'plateau') state.plateau = updatePlateau(state.plateau, score, o.schedule);
    }
    if (o.val.length === 0) {
      // Nothing to select on: the latest weights are the result.
      bestWeights = o.adapter.getWeights();
      state.bestEpoch = state.epoch;
      if (o.bestWeightsFile) saveWeightsFile(o.bestWeightsFile, bestWeights);
    }
    const seconds = (Date.now() - epochStart) / 1000;
    state.elapsedSeconds += seconds;
    const lr = learningRateAt(o.learningRate, o.schedule, state.epoch + 1, o.epochs, state.plateau);
    const record: EpochRecord = {
      epoch: state.epoch + 1, trainLoss, valScore: score, learningRate: lr, seconds,
      valMae: Object.fromEntries(Object.entries(val).map(([k, m]) => [k, m.mae])),
    };
    state.history.push(record);
    emit({
      type: 'epoch', member, epoch: state.epoch + 1, epochs: o.epochs, trainLoss, valScore: score, bestScore: state.bestScore,
      bestEpoch: state.bestEpoch + 1, learningRate: lr, seconds, samplesPerSecond: sps(), etaSeconds: eta(), val, improved,
    });
    state.epoch++;
    state.batchInEpoch = 0;
    state.epochLossSum = 0;
    if (o.earlyStopping.patience > 0 && state.epochsWithoutGain >= o.earlyStopping.patience) {
      state.finished = true;
      status = 'early-stopped';
    } else if (o.timeLimitSeconds !== undefined && state.elapsedSeconds >= o.timeLimitSeconds) {
      state.finished = true;
      status = 'time-limit';
    }
    checkpoint();
  }
  if (status === 'cancelled' || status === 'step-limit') checkpoint();
  else state.finished = true;
  if (status === 'finished' && o.checkpointDir) checkpoint();
  if (o.val.length === 0) bestWeights = o.adapter.getWeights();
  opt.dispose();
  emit({ type: 'done', member, status, bestScore: state.bestScore, bestEpoch: state.bestEpoch + 1, epochs: state.epoch });
  return { status, state, bestWeights, ...(bestVal ? { bestVal } : {}) };
}
