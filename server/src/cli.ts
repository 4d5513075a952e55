// `xanes-lens` (dist/cli.js): routes a subcommand to its module in server/src/cli/. Each module
// exports `run: CliCommand`; this file only dispatches, prints help and maps errors to exit codes.
import { UsageError } from './cli/args';
import type { CliCommand, CliIo } from './cli/io';

/** Subcommands in help order. A module that is not part of this build answers with exit 2. */
export const SUBCOMMANDS: readonly { name: string; summary: string }[] = [
  { name: 'parse', summary: 'parse a CIF/XYZ file or POSCAR: blocks, cell, expanded atoms, diagnostics' },
  { name: 'sites', summary: 'symmetry-inequivalent absorbing sites with multiplicity' },
  { name: 'graph', summary: 'absorber-centred graph of one site (neighbours, features)' },
  { name: 'predict', summary: 'predict the K-edge XANES spectrum of absorbing sites' },
  { name: 'normalize', summary: 'normalise a measured/computed spectrum' },
  { name: 'train', summary: 'train a model' },
  { name: 'evaluate', summary: 'evaluate a model on a dataset' },
  { name: 'dataset', summary: 'build or inspect a training dataset' },
  { name: 'finetune', summary: 'fine-tune a model on a few measured spectra (dense head only)' },
];

export const USAGE = [
  'usage: xanes-lens <command> [options]   (xanes-lens <command> --help for details)',
  '',
  'commands:',
  ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
  '',
  'exit codes: 0 success, 1 the input has errors, 2 usage error or command not available',
].join('\n');

/**
 * esbuild turns this template import into a table of every module in cli/, so subcommands
 * written later are picked up without touching the dispatcher; missing ones reject.
 */
async function loadCommand(name: string): Promise<CliCommand | null> {
  let mod: unknown;
  try {
    mod = await import(`./cli/${name}.ts`);
  } catch {
    return null;
  }
  const run = (mod as { run?: unknown }).run;
  return typeof run === 'function' ? (run as CliCommand) : null;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  if (!SUBCOMMANDS.some((c) => c.name === name)) {
    io.stderr(`xanes-lens: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  const run = await loadCommand(name);
  if (!run) {
    io.stderr(`xanes-lens: the "${name}" command is not available in this build\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`xanes-lens ${name}: ${err.message}\n(see xanes-lens ${name} --help)\n`);
      return 2;
    }
    io.stderr(`xanes-lens ${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  const io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      io.stderr(String(err) + '\n');
      process.exitCode = 1;
    },
  );
}
