// Bundles a training entry (bench or CLI) with the tfjs ESM plugin into runs/bin/ and copies the
// wasm files beside it, so long runs do not depend on dist/ (which a rebuild deletes).
//   node bench/training-build.mjs bench/training-speed.ts server/src/cli.ts ...
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { tfjsEsmPlugin, NATIVE_TF_EXTERNALS } from '../scripts/esbuild-tfjs.mjs';

const out = path.resolve('runs/bin');
mkdirSync(out, { recursive: true });
for (const entry of process.argv.slice(2)) {
  await build({
    entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline',
    outfile: path.join(out, path.basename(entry).replace(/\.ts$/, '.js')),
    external: [...NATIVE_TF_EXTERNALS, 'vscode'], plugins: [tfjsEsmPlugin], logLevel: 'warning',
  });
}
const wasmDir = path.resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) copyFileSync(path.join(wasmDir, f), path.join(out, f));
console.log('built into', out);
