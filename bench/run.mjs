// Runs the benchmarks and prints one table of medians.
//   npm run bench                      every bench file
//   npm run bench -- parse inference   only these (file name prefixes)
//   BENCH_QUICK=1 npm run bench        fewer runs (smoke test)
// Each bench/*.bench.ts is bundled with esbuild (tfjs resolved to its ES modules, one copy) and
// run in its own node process so backends and heaps do not interfere; it prints one JSON line
// of rows. The table also goes to bench/results/latest.json (gitignored) with machine info.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tfjsEsmPlugin, NATIVE_TF_EXTERNALS } from '../scripts/esbuild-tfjs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'bench');
const outDir = path.join(root, 'out/bench');
const MARKER = 'BENCH_ROWS ';
// Order matters a little: the cheap, load-sensitive benches first.
const ORDER = ['parse', 'dataset', 'graph', 'inference', 'training', 'server'];

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort((a, b) => rank(a) - rank(b));

function rank(f) {
  const i = ORDER.findIndex((o) => f.startsWith(o));
  return i < 0 ? ORDER.length : i;
}

function runOne(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; process.stderr.write(d); });
    child.on('close', (code) => {
      const rows = out.split('\n').filter((l) => l.startsWith(MARKER)).flatMap((l) => JSON.parse(l.slice(MARKER.length)));
      if (code !== 0) rows.push({ group: path.basename(file, '.js'), name: 'bench process', value: null, unit: '', runs: 0, note: `exit ${code}: ${err.trim().split('\n').slice(-1)[0] ?? ''}` });
      resolve(rows);
    });
  });
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version, platform: `${os.platform()} ${os.release()}`, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function table(rows) {
  const header = ['group', 'benchmark', 'median', 'unit', 'N', 'also', 'target', 'ok'];
  const body = rows.map((r) => [
    r.group, r.name, r.value === null ? 'n/a' : String(r.value), r.unit, String(r.runs), r.extra ?? '',
    r.target ?? '', r.pass === undefined ? '' : r.pass ? 'yes' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const lines = [fmt(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(fmt)];
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.group} / ${r.name}: ${r.note}`);
  return lines.join('\n') + (notes.length ? '\n\nNotes:\n' + notes.join('\n') : '');
}

const startInfo = machine();
const all = [];
for (const f of files) {
  const out = path.join(outDir, f.replace(/\.ts$/, '.js'));
  await build({
    entryPoints: [path.join(benchDir, f)], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    outfile: out, external: [...NATIVE_TF_EXTERNALS], plugins: [tfjsEsmPlugin], logLevel: 'warning', sourcemap: 'inline',
  });
  const t0 = Date.now();
  process.stderr.write(`bench: ${f} ...\n`);
  const rows = await runOne(out);
  process.stderr.write(`bench: ${f} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  all.push(...rows);
}
const info = { ...startInfo, loadavgAfter: machine().loadavg, date: new Date().toISOString() };
const text = table(all);
console.log(`\nXANES Lens benchmarks — ${info.cpu}, ${info.cores} cores, ${info.memoryGB} GB, node ${info.node}, load ${info.loadavg.join(' ')} → ${info.loadavgAfter.join(' ')}\n`);
console.log(text);
mkdirSync(path.join(benchDir, 'results'), { recursive: true });
writeFileSync(path.join(benchDir, 'results/latest.json'), JSON.stringify({ machine: info, rows: all }, null, 1) + '\n');
console.log('\nwritten bench/results/latest.json');
