// Bundles the given test files with esbuild and runs them under node's test runner.
// Lets one module's tests run while other parts of the tree are mid-edit.
//   node scripts/test-one.mjs test/unit/cif.test.ts [more.test.ts ...]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { tfjsEsmPlugin, NATIVE_TF_EXTERNALS } from './esbuild-tfjs.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/test-one.mjs FILE.test.ts ...');
  process.exit(2);
}
const outdir = path.resolve('out/test-one');
const outputs = [];
for (const file of files) {
  const out = path.join(outdir, file.replace(/\.ts$/, '.js'));
  await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    outfile: out,
    external: [...NATIVE_TF_EXTERNALS, 'vscode', 'playwright-core', 'esbuild'],
    plugins: [tfjsEsmPlugin],
    logLevel: 'warning',
  });
  outputs.push(out);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...outputs], { stdio: 'inherit' });
process.exit(r.status ?? 1);
