// Messages between a training worker thread and its host (CLI, language server or extension).
import type { RunReport } from './run';
import type { TrainEvent } from './trainer';
import type { DomainMetrics } from './metrics';

export type JobRequest =
  | {
    type: 'train';
    configFile: string;
    resume?: boolean;
    outputDir?: string;
    epochs?: number;
    backend?: string;
    wasmDir?: string;
    member?: number;
    /** Train only the baseline (a part of a parallel run, like `--baseline-only`). */
    baselineOnly?: boolean;
    timeLimitSeconds?: number;
  }
  | { type: 'evaluate'; modelDir: string; configFile?: string; data?: string[]; split?: 'val' | 'test' | 'all'; backend?: string; wasmDir?: string }
  | { type: 'finetune'; modelDir: string; data: string[]; outDir: string; epochsPerStage?: number; backend?: string; wasmDir?: string };

export type HostMessage = JobRequest | { type: 'cancel' };

export type WorkerMessage =
  | { type: 'event'; event: TrainEvent }
  | { type: 'log'; line: string }
  | { type: 'result'; report: RunReport | EvaluateReport | FinetuneReport }
  | { type: 'error'; message: string };

export interface EvaluateReport {
  kind: 'evaluate';
  model: string;
  split: string;
  /** model label ('gnn', 'gnn-ensemble'...) → domain → metrics. */
  metrics: Record<string, Record<string, DomainMetrics>>;
  samples: number;
}

export interface FinetuneReport {
  kind: 'finetune';
  modelDir: string;
  before: Record<string, DomainMetrics>;
  after: Record<string, DomainMetrics>;
  samples: { train: number; val: number };
}
