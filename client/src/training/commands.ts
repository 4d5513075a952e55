// "XANES: Train Model…", "XANES: Evaluate Model…", "XANES: Fine-tune on Experimental Spectra…".
// Each runs in a worker thread (dist/trainWorker.js) so the editor never waits on TensorFlow;
// progress shows as a cancellable notification and every line goes to the output channel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startJob, type JobHandle } from '../../../server/src/training/host';
import type { EvaluateReport, FinetuneReport, JobRequest } from '../../../server/src/training/protocol';
import type { RunReport } from '../../../server/src/training/run';
import { formatDuration, formatEvent, formatMetricsTable } from '../../../server/src/training/format';
import type { TrainEvent } from '../../../server/src/training/trainer';

export const TRAINING_COMMANDS = {
  train: 'xanes.trainModel',
  evaluate: 'xanes.evaluateModel',
  finetune: 'xanes.finetuneModel',
} as const;

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

async function runWithProgress<R>(
  context: vscode.ExtensionContext, output: vscode.OutputChannel, title: string, job: JobRequest,
): Promise<R | undefined> {
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
      token.onCancellationRequested(() => {
        output.appendLine('cancel requested: stopping after the current step');
        handle.cancel();
      });
      try {
        return await handle.done;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        output.appendLine(`${title} failed: ${msg}`);
        void vscode.window.showErrorMessage(`${title} failed: ${msg}`);
        return undefined;
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

async function offerModel(modelDir: string): Promise<void> {
  const use = await vscode.window.showInformationMessage(`Model written to ${modelDir}. Use it for predictions?`, 'Use this model', 'Not now');
  if (use === 'Use this model') {
    await vscode.workspace.getConfiguration('xanes').update('modelPath', modelDir, vscode.ConfigurationTarget.Global);
  }
}

export function registerTrainingCommands(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(TRAINING_COMMANDS.train, async () => {
      const configFile = await pickConfig(context);
      if (!configFile) return;
      const out = outputDirOf(configFile);
      let resume = false;
      if (out && fs.existsSync(path.join(out, 'member-0', 'checkpoint', 'state.json'))) {
        const answer = await vscode.window.showQuickPick(['Resume from the checkpoint', 'Start again'], { title: `A checkpoint exists in ${out}` });
        if (!answer) return;
        resume = answer.startsWith('Resume');
      }
      const report = await runWithProgress<RunReport>(context, output, 'XANES: training', {
        type: 'train', configFile, resume, backend: backendSetting(), wasmDir: context.asAbsolutePath('dist'),
      });
      if (!report) return;
      for (const side of ['val', 'test'] as const) {
        if (Object.keys(report.metrics[side]).length) output.appendLine(`${side}:\n${formatMetricsTable(report.metrics[side])}`);
      }
      if (report.status === 'cancelled') {
        void vscode.window.showInformationMessage('Training stopped; run "XANES: Train Model…" again to resume from the checkpoint.');
      } else if (report.modelDir) await offerModel(report.modelDir);
    }),
    vscode.commands.registerCommand(TRAINING_COMMANDS.evaluate, async () => {
      const modelDir = await pickFolder('Model directory to evaluate');
      if (!modelDir) return;
      const how = await vscode.window.showQuickPick(['Validation split of a training config', 'Test split of a training config', 'All records of data files'], { title: 'Evaluate on' });
      if (!how) return;
      let job: JobRequest;
      if (how.startsWith('All')) {
        const uris = await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFolders: false, title: 'Data files (JSONL, pymatgen JSON)' });
        if (!uris?.length) return;
        job = { type: 'evaluate', modelDir, data: uris.map((u) => u.fsPath), split: 'all', backend: backendSetting(), wasmDir: context.asAbsolutePath('dist') };
      } else {
        const configFile = await pickConfig(context);
        if (!configFile) return;
        job = { type: 'evaluate', modelDir, configFile, split: how.startsWith('Test') ? 'test' : 'val', backend: backendSetting(), wasmDir: context.asAbsolutePath('dist') };
      }
      const report = await runWithProgress<EvaluateReport>(context, output, 'XANES: evaluating', job);
      if (report) output.appendLine(`model ${report.model}, ${report.samples} spectra (${report.split}):\n${formatMetricsTable(report.metrics)}`);
    }),
    vscode.commands.registerCommand(TRAINING_COMMANDS.finetune, async () => {
      const modelDir = await pickFolder('Pre-trained model directory');
      if (!modelDir) return;
      const uris = await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFolders: true, title: 'Measured spectra (pymatgen JSON, JSONL, FEFF or XANESNET folders)' });
      if (!uris?.length) return;
      const outDir = await vscode.window.showInputBox({ title: 'Output model directory', value: `${modelDir}-finetuned` });
      if (!outDir) return;
      const report = await runWithProgress<FinetuneReport>(context, output, 'XANES: fine-tuning', {
        type: 'finetune', modelDir, data: uris.map((u) => u.fsPath), outDir, backend: backendSetting(), wasmDir: context.asAbsolutePath('dist'),
      });
      if (!report) return;
      output.appendLine(`fine-tuned on ${report.samples.train} spectra:\n${formatMetricsTable({ before: report.before, after: report.after })}`);
      await offerModel(report.modelDir);
    }),
  );
}
