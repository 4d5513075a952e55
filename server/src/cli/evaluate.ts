// `xanes-lens evaluate --model DIR (--config FILE | --data SOURCE...) [--split val|test|all] [--json] [--backend B]`
// Per-domain metrics of a model directory: MAE, R², Pearson, Δμ median and quartiles, peak
// position error, and the ±2σ coverage of an ensemble.
import type { CliCommand } from './io';
import { DATA_SOURCE_HELP, parseArgs, UsageError, dataSources } from './args';
import { loadTf, type BackendPreference } from '../model/backend';
import { evaluateModel } from '../training/evaluateModel';
import { formatMetricsTable } from '../training/format';

const USAGE = `usage: xanes-lens evaluate --model DIR (--config FILE | --data SOURCE...) [--split val|test|all] [--json] [--backend B]\n${DATA_SOURCE_HELP}`;

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { flags: ['json', 'help'], options: ['model', 'config', 'data', 'split', 'backend'] });
  if (args.flags.has('help')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const modelDir = args.options.get('model');
  const configFile = args.options.get('config');
  const data = dataSources(args);
  if (!modelDir || (!configFile && data.length === 0)) throw new UsageError(`need --model and --config or --data\n${USAGE}`);
  const split = args.options.get('split') ?? (configFile ? 'val' : 'all');
  if (split !== 'val' && split !== 'test' && split !== 'all') throw new UsageError(`--split must be val, test or all, got "${split}"`);
  const { tf, backend } = await loadTf((args.options.get('backend') ?? 'auto') as BackendPreference);
  const report = await evaluateModel({
    tf, modelDir, split, ...(configFile ? { configFile } : { data }), log: (l) => io.stderr(`${l}\n`),
  });
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(report, null, 1)}\n`);
  else io.stdout(`model ${report.model} on ${report.samples} samples (${split}), backend ${backend}\n${formatMetricsTable(report.metrics)}\n`);
  return 0;
};
