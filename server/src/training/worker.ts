// Worker-thread entry (bundled as dist/trainWorker.js): runs one training, evaluation or
// fine-tuning job off the editor's thread and posts progress. Cancel arrives as a message, which
// the trainer sees because it yields to the event loop after every step.
import { parentPort } from 'node:worker_threads';
import { loadTf, type BackendPreference } from '../model/backend';
import { loadTrainConfig } from './config';
import { evaluateModel } from './evaluateModel';
import { finetuneModel } from './finetune';
import type { HostMessage, JobRequest, WorkerMessage } from './protocol';
import { partOptions, trainFromConfig } from './parallel';
import type { RunOptions } from './run';
import type { CancelFlag } from './trainer';

const port = parentPort;
const signal: CancelFlag = { aborted: false };
const post = (m: WorkerMessage): void => port?.postMessage(m);
const log = (line: string): void => post({ type: 'log', line });

async function runJob(job: JobRequest): Promise<void> {
  const { tf, backend } = await loadTf((job.backend ?? 'auto') as BackendPreference, job.wasmDir ? { wasmDir: job.wasmDir } : {});
  log(`backend ${backend}`);
  if (job.type === 'train') {
    const cfg = loadTrainConfig(job.configFile);
    if (job.outputDir) cfg.outputDir = job.outputDir;
    if (job.epochs) cfg.epochs = job.epochs;
    const options: RunOptions = {
      cfg, tf, backend, resume: job.resume ?? false, signal, log,
      onEvent: (event) => post({ type: 'event', event }),
      command: `xanes-lens train --config ${job.configFile}${job.resume ? ' --resume' : ''}`,
      ...partOptions(job),
      ...(job.timeLimitSeconds !== undefined ? { timeLimitSeconds: job.timeLimitSeconds } : {}),
    };
    // This file is the worker bundle: a parallel run starts more of it, one per part.
    const report = await trainFromConfig(options, job.configFile, __filename, job.wasmDir);
    post({ type: 'result', report });
  } else if (job.type === 'evaluate') {
    post({ type: 'result', report: await evaluateModel({ tf, ...job, log }) });
  } else {
    post({ type: 'result', report: await finetuneModel({ tf, ...job, log, signal, onEvent: (event) => post({ type: 'event', event }) }) });
  }
}

port?.on('message', (m: HostMessage) => {
  if (m.type === 'cancel') {
    signal.aborted = true;
    return;
  }
  runJob(m).then(
    () => process.exit(0),
    (e: unknown) => {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      setTimeout(() => process.exit(1), 50);
    },
  );
});
