// `workers` > 1 in the config: the ensemble members and the baseline train at the same time, each
// in its own worker thread (TensorFlow.js runs one op at a time per thread, so a thread per
// model is how a run uses several cores), then this thread evaluates them and writes the model
// directory. Each part is the same job `--member K` / `--baseline-only` would run, with its own
// checkpoints, so cancel and resume work per part exactly as in a sequential run.
import fs from 'node:fs';
import path from 'node:path';
import { startJob, type JobHandle } from './host';
import type { JobRequest } from './protocol';
import { assembleModel, runContext, runTraining, type RunOptions, type RunReport } from './run';

export interface ParallelOptions extends RunOptions {
  /** The config file the parts load (with cfg's outputDir and epochs passed on as overrides). */
  configFile: string;
  /** dist/trainWorker.js (or a test's bundle of training/worker.ts). */
  workerFile: string;
  wasmDir?: string;
}

type Part = { label: string; job: JobRequest };

/** The run options of one part, as `--member K` / `--baseline-only` or a parallel run's job asks. */
export function partOptions(part: { member?: number | undefined; baselineOnly?: boolean | undefined }): Partial<RunOptions> {
  if (part.baselineOnly) return { members: [], assemble: false, baseline: true };
  if (part.member !== undefined) return { members: [part.member], assemble: false, baseline: false };
  return {};
}

/**
 * Trains what the options ask for: on worker threads (runParallel) when the config has
 * `workers` > 1, there is more than one part and the worker bundle exists; otherwise in turn here.
 */
export function trainFromConfig(o: RunOptions, configFile: string, workerFile: string, wasmDir?: string): Promise<RunReport> {
  if (o.cfg.workers > 1 && !fs.existsSync(workerFile)) o.log?.(`workers: ${o.cfg.workers} needs ${workerFile}; training the parts in turn`);
  return runsInParallel(o, workerFile)
    ? runParallel({ ...o, configFile, workerFile, ...(wasmDir ? { wasmDir } : {}) })
    : runTraining(o);
}

/** Whether a run with these options would train more than one part on more than one thread. */
export function runsInParallel(o: RunOptions, workerFile: string | undefined): workerFile is string {
  return o.cfg.workers > 1 && partsOf(o).length > 1 && workerFile !== undefined && fs.existsSync(workerFile);
}

function partsOf(o: RunOptions): { member?: number; baseline?: true }[] {
  const members = o.members ?? Array.from({ length: o.cfg.ensemble.size }, (_, k) => k);
  const baseline = o.baseline ?? o.cfg.baseline.enabled;
  return [...members.map((member) => ({ member })), ...(baseline ? [{ baseline: true as const }] : [])];
}

export async function runParallel(o: ParallelOptions): Promise<RunReport> {
  const { cfg } = o;
  const log = o.log ?? (() => {});
  const parts: Part[] = partsOf(o).map((p) => ({
    label: p.baseline ? 'baseline' : `member ${p.member}`,
    job: {
      type: 'train', configFile: o.configFile, outputDir: cfg.outputDir, epochs: cfg.epochs, resume: o.resume ?? false,
      backend: o.backend, ...(o.wasmDir ? { wasmDir: o.wasmDir } : {}),
      ...(p.baseline ? { baselineOnly: true } : { member: p.member as number }),
      ...(o.timeLimitSeconds !== undefined ? { timeLimitSeconds: o.timeLimitSeconds } : {}),
    },
  }));
  const threads = Math.min(cfg.workers, parts.length);
  log(`training ${parts.map((p) => p.label).join(', ')} on ${threads} worker threads`);
  const report: RunReport = { status: 'finished', split: { train: 0, val: 0, test: 0 }, metrics: { val: {}, test: {} }, members: [] };
  const running = new Set<JobHandle<RunReport>>();
  const poll = setInterval(() => {
    if (o.signal?.aborted) for (const h of running) h.cancel();
  }, 100);
  let next = 0;
  const failures: string[] = [];
  const lane = async (): Promise<void> => {
    while (next < parts.length && !o.signal?.aborted) {
      const part = parts[next++];
      const handle = startJob<RunReport>(o.workerFile, part.job, {
        ...(o.onEvent ? { onEvent: o.onEvent } : {}),
        // Each part's own lines (backend, data, split), labelled so parallel parts can be told apart.
        onLog: (line) => log(`[${part.label}] ${line}`),
      });
      running.add(handle);
      try {
        const r = await handle.done;
        report.split = r.split;
        report.members.push(...r.members);
        if (r.status === 'cancelled') report.status = 'cancelled';
      } catch (e) {
        failures.push(`${part.label}: ${e instanceof Error ? e.message : String(e)}`);
        // One failed part stops the others (resumable) rather than leaving a half-trained run.
        for (const h of running) h.cancel();
      } finally {
        running.delete(handle);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    clearInterval(poll);
  }
  if (failures.length) throw new Error(`parallel training failed: ${failures.join('; ')}`);
  if (o.signal?.aborted) report.status = 'cancelled';
  report.members.sort((a, b) => a.index - b.index);
  if ((o.assemble ?? true) && report.status !== 'cancelled') {
    const assembled = assembleModel(o, await runContext(cfg, log));
    report.metrics = assembled.metrics;
    report.modelDir = assembled.modelDir;
  }
  fs.mkdirSync(cfg.outputDir, { recursive: true });
  fs.writeFileSync(path.join(cfg.outputDir, 'report.json'), JSON.stringify(report, null, 1));
  return report;
}
