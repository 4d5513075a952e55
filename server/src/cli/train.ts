// `xanes-lens train --config FILE [--resume] [--out DIR] [--epochs N] [--backend B]
//   [--member K] [--no-baseline] [--baseline-only] [--assemble] [--time-limit MIN] [--model-dir DIR]`
// Trains the GNN ensemble members and the wACSF+MLP baseline on the same split (in turn, or on
// config.workers threads at once, or only member K so that processes can share the cores), then
// evaluates and writes the model directory. Progress goes to stderr one line per epoch; the final table to stdout.
import path from 'node:path';
import type { CliCommand } from './io';
import { numberOption, parseArgs } from './args';
import { loadTf, type BackendPreference } from '../model/backend';
import { loadTrainConfig } from '../training/config';
import { formatEvent, formatMetricsTable } from '../training/format';
import { partOptions, trainFromConfig } from '../training/parallel';
import { assembleModel, runContext, type RunOptions } from '../training/run';
import type { CancelFlag } from '../training/trainer';

const USAGE = `usage: xanes-lens train --config FILE [--resume] [--out DIR] [--epochs N] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu]
       [--member K] [--no-baseline] [--baseline-only] [--assemble] [--time-limit MINUTES] [--model-dir DIR] [--name NAME]
  --resume         continue from the last checkpoint in the output directory
  --member K       train only ensemble member K (one process per member is another way to use several cores)
  --assemble       only evaluate the trained members/baseline and write the model directory
  --time-limit M   stop each member (resumably) after the first epoch ending beyond M minutes`;

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, {
    flags: ['resume', 'no-baseline', 'baseline-only', 'assemble', 'help', 'json'],
    options: ['config', 'out', 'epochs', 'backend', 'member', 'time-limit', 'model-dir', 'name'],
  });
  if (args.flags.has('help')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const file = args.options.get('config') ?? args.positionals[0];
  if (!file) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  const cfg = loadTrainConfig(file);
  const out = args.options.get('out');
  if (out) cfg.outputDir = path.resolve(out);
  const epochs = numberOption(args, 'epochs');
  if (epochs !== undefined) cfg.epochs = epochs;
  const backendPref = (args.options.get('backend') ?? cfg.backend) as BackendPreference;
  const { tf, backend, fallbacks } = await loadTf(backendPref);
  const log = (l: string): void => io.stderr(`${new Date().toISOString().slice(11, 19)} ${l}\n`);
  log(`backend ${backend}${fallbacks.length ? ` (skipped: ${fallbacks.join('; ')})` : ''}; output ${cfg.outputDir}`);
  const member = numberOption(args, 'member');
  const timeLimit = numberOption(args, 'time-limit');
  const signal: CancelFlag = { aborted: false };
  const onSignal = (): void => {
    if (signal.aborted) process.exit(130);
    signal.aborted = true;
    log('stopping after the current step (checkpoint follows; Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Assembling follows separate member/baseline runs: record the whole recipe, not just this step.
  const command = args.flags.has('assemble')
    ? [
      ...Array.from({ length: cfg.ensemble.size }, (_, k) => `xanes-lens train --config ${file} --member ${k} &`),
      ...(cfg.baseline.enabled ? [`xanes-lens train --config ${file} --baseline-only &`] : []),
      'wait',
      ['xanes-lens', 'train', ...argv].join(' '),
    ].join('\n')
    : ['xanes-lens', 'train', ...argv].join(' ');
  const common = {
    cfg, tf, backend, signal, log, command,
    ...(args.options.get('model-dir') ? { modelDir: path.resolve(args.options.get('model-dir') as string) } : {}),
    ...(args.options.get('name') ? { name: args.options.get('name') as string } : {}),
  };
  try {
    if (args.flags.has('assemble')) {
      const ctx = await runContext(cfg, log);
      const r = assembleModel(common, ctx);
      for (const side of ['val', 'test'] as const) io.stdout(`\n${side}:\n${formatMetricsTable(r.metrics[side])}\n`);
      return 0;
    }
    const options: RunOptions = {
      ...common,
      resume: args.flags.has('resume'),
      onEvent: (e) => {
        const line = formatEvent(e);
        if (line) log(line);
      },
      ...partOptions({ member, baselineOnly: args.flags.has('baseline-only') }),
      ...(args.flags.has('no-baseline') ? { baseline: false } : {}),
      ...(timeLimit !== undefined ? { timeLimitSeconds: timeLimit * 60 } : {}),
    };
    // config.workers > 1: members and baseline in worker threads (dist/trainWorker.js beside dist/cli.js).
    const report = await trainFromConfig(options, path.resolve(file), path.join(__dirname, 'trainWorker.js'), __dirname);
    if (args.flags.has('json')) io.stdout(`${JSON.stringify(report, null, 1)}\n`);
    else {
      for (const side of ['val', 'test'] as const) {
        if (Object.keys(report.metrics[side]).length) io.stdout(`\n${side}:\n${formatMetricsTable(report.metrics[side])}\n`);
      }
      if (report.modelDir) io.stdout(`\nmodel: ${report.modelDir}\n`);
    }
    return report.status === 'cancelled' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};
