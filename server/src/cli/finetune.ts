// `xanes-lens finetune --model DIR --data SOURCE [--data-more ...] --out DIR [--epochs N] [--lr X] [--json]`
// Transfer learning on a small set of measured spectra (paper 003): graph layers frozen, the dense
// head tuned layer by layer from the output down; writes a new model directory.
import path from 'node:path';
import type { CliCommand } from './io';
import { DATA_SOURCE_HELP, numberOption, parseArgs, UsageError, dataSources } from './args';
import { loadTf, type BackendPreference } from '../model/backend';
import { finetuneModel } from '../training/finetune';
import { formatEvent, formatMetricsTable } from '../training/format';

const USAGE = `usage: xanes-lens finetune --model DIR --data SOURCE [SOURCE...] --out DIR [--epochs N] [--lr 1e-4] [--json] [--backend B]\n${DATA_SOURCE_HELP}`;

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { flags: ['json', 'help'], options: ['model', 'data', 'out', 'epochs', 'lr', 'backend'] });
  if (args.flags.has('help')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const modelDir = args.options.get('model');
  const out = args.options.get('out');
  const data = dataSources(args);
  if (!modelDir || !out || data.length === 0) throw new UsageError(`need --model, --data and --out\n${USAGE}`);
  const { tf } = await loadTf((args.options.get('backend') ?? 'auto') as BackendPreference);
  const epochs = numberOption(args, 'epochs');
  const lr = numberOption(args, 'lr');
  const report = await finetuneModel({
    tf, modelDir, data, outDir: path.resolve(out),
    ...(epochs !== undefined ? { epochsPerStage: epochs } : {}), ...(lr !== undefined ? { learningRate: lr } : {}),
    log: (l) => io.stderr(`${l}\n`),
    onEvent: (e) => {
      const line = e.type === 'done' ? formatEvent(e) : undefined;
      if (line) io.stderr(`${line}\n`);
    },
  });
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(report, null, 1)}\n`);
  else io.stdout(`fine-tuned model: ${report.modelDir} (${report.samples.train} train / ${report.samples.val} val spectra)\n${formatMetricsTable({ before: report.before, after: report.after })}\n`);
  return 0;
};
