// Bundles the extension, language server, CLI, inference and training workers and webview with esbuild.
//   node scripts/build.mjs [--watch] [--production]
// Everything the extension needs at run time lands in dist/, so the .vsix ships no node_modules.
import { build, context } from 'esbuild';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_TF_EXTERNALS, tfjsEsmPlugin } from './esbuild-tfjs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native TensorFlow is optional: required at run time only when installed next to the extension.
const nativeTf = NATIVE_TF_EXTERNALS;

const nodeCommon = {
  bundle: true,
  // One tfjs-core copy, with its gradients, in every bundle (server/src/model/backend.ts).
  plugins: [tfjsEsmPlugin],
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  { ...nodeCommon, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...nodeCommon, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js', external: nativeTf },
  {
    ...nodeCommon,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.js',
    external: nativeTf,
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (existsSync(path.join(root, 'server/src/model/worker.ts'))) {
  targets.push({ ...nodeCommon, entryPoints: ['server/src/model/worker.ts'], outfile: 'dist/worker.js', external: nativeTf });
}
if (existsSync(path.join(root, 'server/src/training/worker.ts'))) {
  targets.push({ ...nodeCommon, entryPoints: ['server/src/training/worker.ts'], outfile: 'dist/trainWorker.js', external: nativeTf });
}
if (existsSync(path.join(root, 'webview/src/main.ts'))) {
  targets.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
  });
}

function copyAssets() {
  mkdirSync(dist, { recursive: true });
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  if (existsSync(wasmDir)) {
    for (const f of readdirSync(wasmDir)) if (f.endsWith('.wasm')) copyFileSync(path.join(wasmDir, f), path.join(dist, f));
  }
  const media = path.join(root, 'webview/media');
  if (existsSync(media)) cpSync(media, path.join(dist, 'media'), { recursive: true });
}

if (!watch) rmSync(dist, { recursive: true, force: true });
copyAssets();
if (watch) {
  for (const t of targets) await (await context(t)).watch();
  console.log('esbuild: watching', targets.map((t) => t.outfile).join(', '));
} else {
  await Promise.all(targets.map((t) => build(t)));
  chmodSync(path.join(dist, 'cli.js'), 0o755);
  console.log('built', targets.map((t) => t.outfile).join(', '));
}
