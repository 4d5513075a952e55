// Runs a job in a worker thread and turns its messages into callbacks and one promise, so the
// caller (VS Code command, language server) never blocks on training.
import { Worker } from 'node:worker_threads';
import type { JobRequest, WorkerMessage } from './protocol';
import type { TrainEvent } from './trainer';

export interface JobHandle<R> {
  /** Resolves with the job's report; rejects with the worker's error. */
  done: Promise<R>;
  /**
   * Ask the job to stop: training and fine-tuning stop after their current step (training leaves
   * a resumable checkpoint) and report status 'cancelled'. An evaluation has nothing to keep and
   * runs without yielding, so its thread is stopped at once and `done` rejects with JobCancelled.
   */
  cancel(): void;
  /** Kill the thread at once (no checkpoint of the current epoch). */
  terminate(): Promise<number>;
}

export interface JobCallbacks {
  onEvent?: (e: TrainEvent) => void;
  onLog?: (line: string) => void;
}

export class JobCancelled extends Error {
  constructor(what: string) {
    super(`${what} cancelled`);
    this.name = 'JobCancelled';
  }
}

export function isJobCancelled(e: unknown): e is JobCancelled {
  return e instanceof Error && e.name === 'JobCancelled';
}

export function startJob<R>(workerFile: string, job: JobRequest, cb: JobCallbacks = {}): JobHandle<R> {
  const worker = new Worker(workerFile);
  let settled = false;
  let rejectDone: (e: Error) => void = () => {};
  const done = new Promise<R>((resolve, reject) => {
    rejectDone = reject;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'event') cb.onEvent?.(m.event);
      else if (m.type === 'log') cb.onLog?.(m.line);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.report as R);
      } else if (m.type === 'error') {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`training worker exited with code ${code} before reporting`));
    });
  });
  worker.postMessage(job);
  return {
    done,
    cancel: () => {
      if (job.type !== 'evaluate') {
        worker.postMessage({ type: 'cancel' });
        return;
      }
      if (settled) return;
      settled = true;
      rejectDone(new JobCancelled('evaluation'));
      void worker.terminate();
    },
    terminate: () => worker.terminate(),
  };
}
