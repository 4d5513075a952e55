// "XANES: Train Model…", "XANES: Evaluate Model…", "XANES: Fine-tune on Experimental Spectra…".
// Each runs in a worker thread (dist/trainWorker.js) so the editor never waits on TensorFlow;
// progress shows as a cancellable notification and every line goes to the output channel.
// Called with an argument object they skip every prompt and return their report, so tests and
// automation can drive them; "XANES: Cancel Model Training/Evaluation" stops them like the
// notification's Cancel button does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isJobCancelled, startJob, type JobHandle } from '../../../server/src/training/host';
import type { EvaluateReport, FinetuneReport, JobRequest } from '../../../server/src/training/protocol';
import type { RunReport } from '../../../server/src/training/run';
import { formatDuration, formatEvent, formatMetricsTable } from '../../../server/src/training/format';
import type { TrainEvent } from '../../../server/src/training/trainer';

export const TRAINING_COMMANDS = {
  train: 'xanes.trainModel',
  evaluate: 'xanes.evaluateModel',
  finetune: 'xanes.finetuneModel',
  cancel: 'xanes.cancelModelJob',
} as const;

/** Arguments that make xanes.trainModel run without prompts (tests, tasks, keybindings). */
export interface TrainArgs {
  configFile: string;
  /** Resume from the checkpoint in the config's output directory (default: start again). */
  resume?: boolean;
  /** Point xanes.modelPath at the written model (default: leave the setting alone). */
  useModel?: boolean;
}

export interface EvaluateArgs {
  modelDir: string;
  configFile?: string;
  data?: string[];
  split?: 'val' | 'test' | 'all';
}

export interface FinetuneArgs {
  modelDir: string;
  data: string[];
  outDir: string;
  useModel?: boolean;
}

/** A job in progress, as the notification's Cancel button and xanes.cancelModelJob see it. */
interface RunningJob {
  cancel(): void;
}

type ArgRecord = Record<string, unknown>;

function isRecord(v: unknown): v is ArgRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * Palette and menus call with no argument (interactive); automation passes an object. Anything
 * else is a caller's mistake, reported with the expected shape rather than silently prompting.
 */
function commandArgs<T>(command: string, shape: string, value: unknown, parse: (r: ArgRecord) => T | undefined): T | undefined {
  if (value === undefined) return undefined;
  const parsed = isRecord(value) ? parse(value) : undefined;
  if (parsed === undefined) throw new Error(`${command} expects no argument or ${shape}; got ${JSON.stringify(value)}`);
  return parsed;
}

/** Relative paths in arguments mean the workspace, not the extension host's working directory. */
function absolute(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  return path.isAbsolute(p) || !folder ? p : path.resolve(folder.uri.fsPath, p);
}

function optionalBoolean(v: unknown): v is boolean | undefined {
  return v === undefined || typeof v === 'boolean';
}

function trainArgs(value: unknown): TrainArgs | undefined {
  return commandArgs(TRAINING_COMMANDS.train, '{ configFile: string; resume?: boolean; useModel?: boolean }', value, (r) => {
    const { configFile, resume, useModel } = r;
    if (typeof configFile !== 'string' || !optionalBoolean(resume) || !optionalBoolean(useModel)) return undefined;
    return { configFile: absolute(configFile), resume: resume ?? false, useModel: useModel ?? false };
  });
}

function evaluateArgs(value: unknown): EvaluateArgs | undefined {
  const shape = "{ modelDir: string; configFile?: string; data?: string[]; split?: 'val' | 'test' | 'all' } with configFile or data";
  return commandArgs(TRAINING_COMMANDS.evaluate, shape, value, (r) => {
    const { modelDir, configFile, data, split } = r;
    if (typeof modelDir !== 'string') return undefined;
    if (configFile !== undefined && typeof configFile !== 'string') return undefined;
    if (data !== undefined && !isStringArray(data)) return undefined;
    if (split !== undefined && split !== 'val' && split !== 'test' && split !== 'all') return undefined;
    if (configFile === undefined && !data?.length) return undefined;
    return {
      modelDir: absolute(modelDir),
      ...(configFile !== undefined ? { configFile: absolute(configFile) } : {}),
      ...(data !== undefined ? { data: data.map(absolute) } : {}),
      ...(split !== undefined ? { split } : {}),
    };
  });
}

function finetuneArgs(value: unknown): FinetuneArgs | undefined {
  return commandArgs(TRAINING_COMMANDS.finetune, '{ modelDir: string; data: string[]; outDir: string; useModel?: boolean }', value, (r) => {
    const { modelDir, data, outDir, useModel } = r;
    if (typeof modelDir !== 'string' || !isStringArray(data) || data.length === 0 || typeof outDir !== 'string' || !optionalBoolean(useModel)) return undefined;
    return { modelDir: absolute(modelDir), data: data.map(absolute), outDir: absolute(outDir), useModel: useModel ?? false };
  });
}

function workerFile(context: vscode.ExtensionContext): string {
  return context.asAbsolutePath(path.join('dist', 'trainWorker.js'));
}

function backendSetting(): string {
  return vscode.workspace.getConfiguration('xanes').get<string>('backend', 'auto');
}

/** Progress text for the notification: epoch, losses, ETA. */
export function progressMessage(e: TrainEvent): string | undefined {
  switch (e.type) {
    case 'start':
      return `${e.member}: starting (${e.trainSamples} training spectra)`;
    case 'step':
      return `${e.member}: epoch ${e.epoch + 1}, step ${e.step}/${e.stepsPerEpoch}, loss ${e.loss.toFixed(4)}, ${e.samplesPerSecond.toFixed(0)} spectra/s, ETA ${formatDuration(e.etaSeconds)}`;
    case 'epoch':
      return `${e.member}: epoch ${e.epoch}/${e.epochs}, train ${e.trainLoss.toFixed(4)}, val ${e.valScore.toFixed(4)} (best ${e.bestScore.toFixed(4)}), ETA ${formatDuration(e.etaSeconds)}`;
    default:
      return undefined;
  }
}

/** What the training commands share: one set of running jobs, so a cancel reaches them all. */
interface TrainingHost {
  context: vscode.ExtensionContext;
  output: vscode.OutputChannel;
  jobs: Set<RunningJob>;
}

async function runWithProgress<R>(host: TrainingHost, title: string, job: JobRequest): Promise<R | undefined> {
  const { context, output } = host;
  output.show(true);
  output.appendLine(`${title}: ${JSON.stringify(job)}`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      let lastFraction = 0;
      const handle: JobHandle<R> = startJob<R>(workerFile(context), job, {
        onLog: (line) => output.appendLine(line),
        onEvent: (e) => {
          const line = formatEvent(e);
          if (line) output.appendLine(line);
          const message = progressMessage(e);
          let increment: number | undefined;
          if (e.type === 'epoch') {
            const f = (100 * e.epoch) / e.epochs;
            increment = Math.max(0, f - lastFraction);
            lastFraction = f;
          }
          if (message) progress.report({ message, ...(increment !== undefined ? { increment } : {}) });
        },
      });
      const running: RunningJob = {
        cancel: () => {
          output.appendLine(job.type === 'evaluate' ? 'cancel requested: stopping the evaluation' : 'cancel requested: stopping after the current step');
          handle.cancel();
        },
      };
      host.jobs.add(running);
      token.onCancellationRequested(() => running.cancel());
      try {
        return await handle.done;
      } catch (e) {
        if (isJobCancelled(e)) {
          output.appendLine(`${title}: ${e.message}`);
          return undefined;
        }
        const msg = e instanceof Error ? e.message : String(e);
        output.appendLine(`${title} failed: ${msg}`);
        void vscode.window.showErrorMessage(`${title} failed: ${msg}`);
        return undefined;
      } finally {
        host.jobs.delete(running);
      }
    },
  );
}

async function pickConfig(context: vscode.ExtensionContext): Promise<string | undefined> {
  const shipped = context.asAbsolutePath(path.join('config', 'train.default.json'));
  const items: (vscode.QuickPickItem & { file?: string })[] = [];
  if (fs.existsSync(shipped)) items.push({ label: 'Default configuration', description: 'config/train.default.json', file: shipped });
  const found = await vscode.workspace.findFiles('**/{train,training}*.json', '**/node_modules/**', 20);
  for (const uri of found) items.push({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), file: uri.fsPath });
  items.push({ label: 'Browse…' });
  const pick = await vscode.window.showQuickPick(items, { title: 'XANES: training configuration' });
  if (!pick) return undefined;
  if (pick.file) return pick.file;
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Training config': ['json'] } });
  return uris?.[0]?.fsPath;
}

async function pickFolder(title: string): Promise<string | undefined> {
  const uris = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, title });
  return uris?.[0]?.fsPath;
}

/**
 * Data files or data folders: asked first, because on Windows and Linux one open dialog cannot
 * select both (with both allowed it shows a folder picker, and JSON files could not be chosen).
 */
async function pickDataSources(title: string): Promise<string[] | undefined> {
  const files = 'Files: JSONL records, pymatgen XAS JSON, or a measured-pairs manifest (*.pairs.json)';
  const folders = 'Folders: measured spectra beside their structures (CuO.cif + CuO.xdi), FEFF runs, XANESNET xyz/ + xanes/, or folders of JSON files';
  const kind = await vscode.window.showQuickPick([files, folders], { title });
  if (!kind) return undefined;
  const uris = await vscode.window.showOpenDialog(kind === files
    ? { canSelectMany: true, title, filters: { 'Data files': ['jsonl', 'ndjson', 'json', 'gz'], 'All files': ['*'] } }
    : { canSelectMany: true, canSelectFiles: false, canSelectFolders: true, title });
  return uris?.length ? uris.map((u) => u.fsPath) : undefined;
}

/** Output directory a config trains into (the worker resolves it the same way). */
function outputDirOf(configFile: string): string | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { outputDir?: string };
    let dir = path.dirname(configFile);
    while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const root = fs.existsSync(path.join(dir, 'package.json')) ? dir : path.dirname(configFile);
    return path.resolve(root, raw.outputDir ?? 'out/train');
  } catch {
    return undefined;
  }
}

function useModel(modelDir: string): Thenable<void> {
  return vscode.workspace.getConfiguration('xanes').update('modelPath', modelDir, vscode.ConfigurationTarget.Global);
}

async function offerModel(modelDir: string): Promise<void> {
  const use = await vscode.window.showInformationMessage(`Model written to ${modelDir}. Use it for predictions?`, 'Use this model', 'Not now');
  if (use === 'Use this model') await useModel(modelDir);
}

/** Interactive: the config quick pick, then Resume/Start again when a checkpoint exists. */
async function askTrainArgs(context: vscode.ExtensionContext): Promise<{ configFile: string; resume: boolean } | undefined> {
  const configFile = await pickConfig(context);
  if (!configFile) return undefined;
  const out = outputDirOf(configFile);
  if (!out || !fs.existsSync(path.join(out, 'member-0', 'checkpoint', 'state.json'))) return { configFile, resume: false };
  const answer = await vscode.window.showQuickPick(['Resume from the checkpoint', 'Start again'], { title: `A checkpoint exists in ${out}` });
  return answer ? { configFile, resume: answer.startsWith('Resume') } : undefined;
}

async function trainModel(host: TrainingHost, args: TrainArgs | undefined): Promise<RunReport | undefined> {
  const { context, output } = host;
  const chosen = args ?? (await askTrainArgs(context));
  if (!chosen) return undefined;
  const report = await runWithProgress<RunReport>(host, 'XANES: training', {
    type: 'train', configFile: chosen.configFile, resume: chosen.resume ?? false, backend: backendSetting(), wasmDir: context.asAbsolutePath('dist'),
  });
  if (!report) return undefined;
  for (const side of ['val', 'test'] as const) {
    if (Object.keys(report.metrics[side]).length) output.appendLine(`${side}:\n${formatMetricsTable(report.metrics[side])}`);
  }
  if (report.status === 'cancelled') {
    void vscode.window.showInformationMessage('Training stopped; run "XANES: Train Model…" again to resume from the checkpoint.');
  } else if (report.modelDir) {
    if (!args) await offerModel(report.modelDir);
    else if (args.useModel) await useModel(report.modelDir);
  }
  return report;
}

/** Interactive: model folder, then a config split or data files. */
async function askEvaluateArgs(context: vscode.ExtensionContext): Promise<EvaluateArgs | undefined> {
  const modelDir = await pickFolder('Model directory to evaluate');
  if (!modelDir) return undefined;
  const how = await vscode.window.showQuickPick(['Validation split of a training config', 'Test split of a training config', 'All records of data files or folders'], { title: 'Evaluate on' });
  if (!how) return undefined;
  if (how.startsWith('All')) {
    const data = await pickDataSources('Data to evaluate on');
    if (!data) return undefined;
    return { modelDir, data, split: 'all' };
  }
  const configFile = await pickConfig(context);
  if (!configFile) return undefined;
  return { modelDir, configFile, split: how.startsWith('Test') ? 'test' : 'val' };
}

async function evaluateModel(host: TrainingHost, args: EvaluateArgs | undefined): Promise<EvaluateReport | undefined> {
  const chosen = args ?? (await askEvaluateArgs(host.context));
  if (!chosen) return undefined;
  const report = await runWithProgress<EvaluateReport>(host, 'XANES: evaluating', {
    type: 'evaluate', ...chosen, backend: backendSetting(), wasmDir: host.context.asAbsolutePath('dist'),
  });
  if (report) host.output.appendLine(`model ${report.model}, ${report.samples} spectra (${report.split}):\n${formatMetricsTable(report.metrics)}`);
  return report;
}

/** Interactive: pre-trained model folder, measured spectra, output folder. */
async function askFinetuneArgs(): Promise<FinetuneArgs | undefined> {
  const modelDir = await pickFolder('Pre-trained model directory');
  if (!modelDir) return undefined;
  const data = await pickDataSources('Measured spectra');
  if (!data) return undefined;
  const outDir = await vscode.window.showInputBox({ title: 'Output model directory', value: `${modelDir}-finetuned` });
  if (!outDir) return undefined;
  return { modelDir, data, outDir };
}

async function finetuneModel(host: TrainingHost, args: FinetuneArgs | undefined): Promise<FinetuneReport | undefined> {
  const chosen = args ?? (await askFinetuneArgs());
  if (!chosen) return undefined;
  const report = await runWithProgress<FinetuneReport>(host, 'XANES: fine-tuning', {
    type: 'finetune', modelDir: chosen.modelDir, data: chosen.data, outDir: chosen.outDir, backend: backendSetting(), wasmDir: host.context.asAbsolutePath('dist'),
  });
  if (!report) return undefined;
  host.output.appendLine(`fine-tuned on ${report.samples.train} spectra:\n${formatMetricsTable({ before: report.before, after: report.after })}`);
  if (!args) await offerModel(report.modelDir);
  else if (args.useModel) await useModel(report.modelDir);
  return report;
}

/** Same as each notification's Cancel button: the jobs stop after their current step (training checkpoints). */
function cancelModelJobs(host: TrainingHost): boolean {
  if (host.jobs.size === 0) {
    void vscode.window.showInformationMessage('No model training, evaluation or fine-tuning is running.');
    return false;
  }
  for (const job of host.jobs) job.cancel();
  return true;
}

export function registerTrainingCommands(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  const host: TrainingHost = { context, output, jobs: new Set() };
  context.subscriptions.push(
    vscode.commands.registerCommand(TRAINING_COMMANDS.train, (args?: unknown) => trainModel(host, trainArgs(args))),
    vscode.commands.registerCommand(TRAINING_COMMANDS.evaluate, (args?: unknown) => evaluateModel(host, evaluateArgs(args))),
    vscode.commands.registerCommand(TRAINING_COMMANDS.finetune, (args?: unknown) => finetuneModel(host, finetuneArgs(args))),
    vscode.commands.registerCommand(TRAINING_COMMANDS.cancel, () => cancelModelJobs(host)),
  );
}
