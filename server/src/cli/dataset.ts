// `xanes-lens dataset SOURCE... [--json] [--min-coverage F] [--wacsf] [--cache DIR] [--limit N] [--model DIR]`:
// loads data sources, resamples them onto their domains and builds graphs, then prints counts per
// domain, what was skipped and why, coverage and timings. With --model, on that model's domains
// and graph settings, as evaluate and finetune will see the data (measured pairs land on its heads).
import type { CliCommand } from './io';
import { DATA_SOURCE_HELP } from './args';
import type { DomainSpec } from '../data/domains';
import { loadDatasets, type DataSourceSpec } from '../data/load';
import { tensorize, prepareDataset, targetDomainsOf, type TensorizeOptions, type TensorizeReport } from '../data/tensorize';
import type { ModelMetadata } from '../model/metadata';
import { readMetadata } from '../model/modelFiles';
import type { ImportIssue } from '../data/record';
import { DEFAULT_WACSF_OPTIONS } from '../baseline/wacsf';

export interface DatasetSummary {
  sources: string[];
  records: number;
  samples: number;
  perDomain: TensorizeReport['perDomain'];
  importIssues: number;
  skipped: number;
  /** Reason (numbers blanked) → count, for both import issues and skipped records. */
  reasons: Record<string, number>;
  examples: { id?: string; file?: string; line?: number; reason: string }[];
  timings: { loadMs: number; tensorizeMs: number; fromCache: boolean };
}

const USAGE = `usage: xanes-lens dataset SOURCE... [--json] [--min-coverage 0.8] [--wacsf] [--cache DIR] [--limit N] [--model DIR]
  --model   count on this model's domains and graph settings (what evaluate/finetune will use)
${DATA_SOURCE_HELP}`;

function reasonKey(reason: string): string {
  return reason.replace(/-?\d+(\.\d+)?/g, '#');
}

export const run: CliCommand = async (args, io) => {
  const paths: string[] = [];
  let json = false;
  let minCoverage = 0.8;
  let wacsf = false;
  let cacheDir: string | undefined;
  let limit: number | undefined;
  let modelDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--wacsf') wacsf = true;
    else if (a === '--min-coverage' || a === '--cache' || a === '--limit' || a === '--model') {
      const v = args[++i];
      if (v === undefined) {
        io.stderr(`${a} needs a value\n${USAGE}\n`);
        return 2;
      }
      if (a === '--cache') cacheDir = v;
      else if (a === '--model') modelDir = v;
      else {
        const x = Number(v);
        if (!Number.isFinite(x) || x < 0 || (a === '--min-coverage' && x > 1)) {
          io.stderr(`${a}: bad value '${v}'\n${USAGE}\n`);
          return 2;
        }
        if (a === '--limit') limit = x;
        else minCoverage = x;
      }
    } else if (a === '--help' || a === '-h') {
      io.stdout(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith('--')) {
      io.stderr(`unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  const sources: DataSourceSpec[] = paths.map((p) => ({ path: p, ...(limit !== undefined ? { limit } : {}) }));
  const opts: TensorizeOptions = { minCoverage, ...(wacsf ? { wacsf: DEFAULT_WACSF_OPTIONS } : {}) };
  if (modelDir !== undefined) {
    let meta: ModelMetadata;
    try {
      meta = readMetadata(modelDir);
    } catch (e) {
      io.stderr(`xanes-lens dataset: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    const domains: DomainSpec[] = meta.domains.map((d) => ({
      id: d.id, element: d.element, edge: d.edge, method: d.method, energies: [...d.energies], ...(d.relative ? { relative: true } : {}),
    }));
    opts.graph = meta.graph;
    opts.domains = domains;
    opts.onlyDomains = domains.map((d) => d.id);
  }
  let issues: ImportIssue[];
  let report: TensorizeReport;
  let count: number;
  let records: number;
  let timings: DatasetSummary['timings'];
  if (cacheDir) {
    const p = await prepareDataset(sources, { ...opts, cacheDir });
    issues = p.issues;
    report = p.report;
    count = p.set.count;
    records = Object.values(p.report.perDomain).reduce((s, d) => s + d.records + d.skipped, 0) + p.report.skipped.filter((s) => !s.domain).length;
    timings = { ...p.timings, fromCache: p.fromCache };
  } else {
    const t0 = Date.now();
    const targets = targetDomainsOf(opts);
    const loaded = await loadDatasets(sources, { minCoverage, ...(targets ? { targetDomains: targets } : {}) });
    const t1 = Date.now();
    const t = tensorize(loaded.records, opts);
    issues = loaded.issues;
    report = t.report;
    count = t.set.count;
    records = loaded.records.length;
    timings = { loadMs: t1 - t0, tensorizeMs: Date.now() - t1, fromCache: false };
  }
  const reasons: Record<string, number> = {};
  const all = [...issues, ...report.skipped];
  for (const x of all) reasons[reasonKey(x.reason)] = (reasons[reasonKey(x.reason)] ?? 0) + 1;
  const summary: DatasetSummary = {
    sources: paths, records, samples: count, perDomain: report.perDomain,
    importIssues: issues.length, skipped: report.skipped.length, reasons,
    examples: all.slice(0, 10).map((x) => ({ ...('id' in x && x.id ? { id: x.id } : {}), ...('file' in x ? { file: x.file } : {}), ...('line' in x && x.line ? { line: x.line } : {}), reason: x.reason })),
    timings,
  };
  if (json) {
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  lines.push(`${records} records read, ${count} training samples, ${issues.length} import problems, ${report.skipped.length} records skipped`);
  lines.push('');
  lines.push(`${'domain'.padEnd(18)} ${'records'.padStart(8)} ${'samples'.padStart(8)} ${'skipped'.padStart(8)} ${'partial'.padStart(8)} ${'cov mean'.padStart(9)} ${'cov min'.padStart(8)}`);
  for (const [id, d] of Object.entries(report.perDomain)) {
    lines.push(`${id.padEnd(18)} ${String(d.records).padStart(8)} ${String(d.samples).padStart(8)} ${String(d.skipped).padStart(8)} ${String(d.partial).padStart(8)} ${(100 * d.coverageMean).toFixed(1).padStart(8)}% ${(100 * d.coverageMin).toFixed(1).padStart(7)}%`);
  }
  if (Object.keys(reasons).length) {
    lines.push('');
    lines.push('problems (numbers shown as #):');
    for (const [r, n] of Object.entries(reasons).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(6)} × ${r}`);
    lines.push('first examples:');
    for (const e of summary.examples) lines.push(`  ${e.id ?? ''}${e.file ? ` (${e.file}${e.line ? `:${e.line}` : ''})` : ''}: ${e.reason}`);
  }
  lines.push('');
  lines.push(`load ${(timings.loadMs / 1000).toFixed(2)} s, resample + graphs${wacsf ? ' + wACSF' : ''} ${(timings.tensorizeMs / 1000).toFixed(2)} s${timings.fromCache ? ' (from cache)' : ''}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
};
