// `xanes-lens normalize FILE [--group LABEL|INDEX | --scan N] [--json] [--e0 E] [--pre a,b] [--norm a,b]
//  [--nnorm N] [--columns E,MU | --columns E,I0,IT --mode transmission|fluorescence]`
// The panel's normalisation, headless, for batch work on measured spectra.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliCommand, CliIo } from './io';
import { spectrumTextFromBytes } from '../spectrum/bytes';
import type { ColumnChoice, ColumnTable, MuMode } from '../spectrum/columns';
import { type LoadedSpectrum, type LoadOptions, loadSpectrumText, measuredTable, partChoiceNeeded } from '../spectrum/load';
import { type FitRegion, normalizeSpectrum, type NormalizeOptions } from '../spectrum/normalize';

const USAGE = `usage: xanes-lens normalize FILE [--group LABEL|INDEX | --scan N] [--json] [--e0 E] [--pre a,b] [--norm a,b] [--nnorm 0|1|2]
                            [--columns E,MU] [--columns E,I0,IT --mode transmission|fluorescence]
  FILE      XDI (.xdi), column text (.dat .xmu .txt .csv, 9809), Athena project (.prj, gzip or plain)
            or SPEC file (.spec, or any name: recognised by its #S scans)
  --group   Athena project group by label or record number (1-based); needed when several hold μ(E)
  --scan    SPEC scan by number (12, or 12.2 for the second scan numbered 12); needed when several scan energy
  --pre     pre-edge fit range relative to E0 (eV), e.g. -150,-30
  --norm    post-edge fit range relative to E0 (eV), e.g. 50,400
  --columns column numbers (1-based) or names`;

interface Parsed {
  file: string;
  json: boolean;
  options: NormalizeOptions;
  columns?: string[];
  mode?: MuMode;
  group?: string;
  scan?: string;
}

function pair(flag: string, value: string | undefined): [number, number] {
  const parts = (value ?? '').split(',').map(Number);
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p)) || parts[0] >= parts[1]) {
    throw new Error(`${flag} needs two increasing numbers "a,b", got "${value ?? ''}"`);
  }
  return [parts[0], parts[1]];
}

function number(flag: string, value: string | undefined): number {
  const v = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(v)) throw new Error(`${flag} needs a number, got "${value ?? ''}"`);
  return v;
}

function parseArgs(args: string[]): Parsed {
  const out: Parsed = { file: '', json: false, options: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = (): string | undefined => args[++i];
    if (a === '--json') out.json = true;
    else if (a === '--e0') out.options.e0 = number(a, next());
    else if (a === '--pre') out.options.pre = pair(a, next());
    else if (a === '--norm') out.options.norm = pair(a, next());
    else if (a === '--nnorm') out.options.nnorm = number(a, next());
    else if (a === '--group') {
      const g = next();
      if (g === undefined || g.trim() === '') throw new Error('--group needs a label or record number');
      out.group = g;
    } else if (a === '--scan') {
      const v = next();
      if (v === undefined || !/^\d+(\.\d+)?$/.test(v.trim())) throw new Error(`--scan needs a scan number (12, or 12.2 for the second scan numbered 12), got "${v ?? ''}"`);
      out.scan = v.trim();
    } else if (a === '--columns') out.columns = (next() ?? '').split(',').map((s) => s.trim());
    else if (a === '--mode') {
      const m = next();
      if (m !== 'mu' && m !== 'transmission' && m !== 'fluorescence') throw new Error(`--mode must be mu, transmission or fluorescence`);
      out.mode = m;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (out.file === '') out.file = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (out.file === '') throw new Error('no FILE given');
  if (out.group !== undefined && out.scan !== undefined) throw new Error('--group (Athena projects) and --scan (SPEC files) exclude each other');
  return out;
}

function columnIndex(table: ColumnTable, spec: string): number {
  if (/^\d+$/.test(spec)) {
    const i = Number(spec) - 1;
    if (i < 0 || i >= table.columns.length) throw new Error(`column ${spec} does not exist (file has ${table.columns.length})`);
    return i;
  }
  const i = table.names.findIndex((n) => n.toLowerCase() === spec.toLowerCase());
  if (i < 0) throw new Error(`no column named "${spec}" (columns: ${table.names.join(', ')})`);
  return i;
}

function choiceFrom(table: ColumnTable, columns: string[], mode: MuMode | undefined): ColumnChoice {
  const m = mode ?? (columns.length === 3 ? 'transmission' : 'mu');
  if (m === 'mu') {
    if (columns.length !== 2) throw new Error('--columns needs E,MU');
    return { energy: columnIndex(table, columns[0]), mode: 'mu', mu: columnIndex(table, columns[1]) };
  }
  if (columns.length !== 3) throw new Error(`--mode ${m} needs --columns E,I0,${m === 'transmission' ? 'IT' : 'IF'}`);
  return { energy: columnIndex(table, columns[0]), mode: m, i0: columnIndex(table, columns[1]), signal: columnIndex(table, columns[2]) };
}

const fmt = (x: number, d = 2): string => x.toFixed(d);
const DEGREE = ['constant', 'line', 'quadratic'];

function describe(name: string, r: FitRegion, e0: number): string {
  return `${name}: ${DEGREE[r.degree] ?? `degree ${r.degree}`} over [${fmt(r.range[0])}, ${fmt(r.range[1])}] eV from E0 ` +
    `(${fmt(e0 + r.range[0])}–${fmt(e0 + r.range[1])} eV), ${r.points} points`;
}

function load(p: Parsed): LoadedSpectrum {
  const name = path.basename(p.file);
  const text = spectrumTextFromBytes(readFileSync(p.file), name);
  const select = p.group ?? p.scan;
  const options: LoadOptions = select !== undefined ? { select } : {};
  try {
    const choice = p.columns ? choiceFrom(measuredTable(text, name, options), p.columns, p.mode) : undefined;
    const loaded = loadSpectrumText(text, name, choice, options);
    if (p.group !== undefined && !loaded.athena) throw new Error(`--group picks a group of an Athena project; ${name} is read as ${loaded.format}`);
    if (p.scan !== undefined && !loaded.spec) throw new Error(`--scan picks a scan of a SPEC file; ${name} is read as ${loaded.format}`);
    return loaded;
  } catch (e) {
    const part = partChoiceNeeded(e);
    if (part === 'group' && p.scan !== undefined) throw new Error(`--scan picks a scan of a SPEC file; ${name} is an Athena project: choose a group with --group LABEL|INDEX\n${e instanceof Error ? e.message : String(e)}`);
    if (part === 'scan' && p.group !== undefined) throw new Error(`--group picks a group of an Athena project; ${name} is a SPEC file: choose a scan with --scan N\n${e instanceof Error ? e.message : String(e)}`);
    if (part === 'group') throw new Error(`${(e as Error).message}\nchoose one with --group LABEL|INDEX`);
    if (part === 'scan') throw new Error(`${(e as Error).message}\nchoose one with --scan N`);
    throw e;
  }
}

function source(loaded: LoadedSpectrum): string {
  if (loaded.athena) return `Athena group ${loaded.athena.index} "${loaded.athena.label}"`;
  if (loaded.spec) return `SPEC scan ${loaded.spec.key} "${loaded.spec.command}"`;
  return loaded.format;
}

function execute(args: string[], io: CliIo): number {
  const p = parseArgs(args);
  const loaded = load(p);
  const r = normalizeSpectrum(loaded.spectrum.energies, loaded.spectrum.mu, p.options);
  const c = loaded.choice;
  const used = [c.energy, c.mu, c.i0, c.signal].filter((i): i is number => i !== undefined).map((i) => loaded.table.names[i]);
  const notes = [...loaded.notes, ...r.notes];
  if (p.json) {
    const region = (f: FitRegion): object => ({ ...f, absolute: [r.e0 + f.range[0], r.e0 + f.range[1]] });
    io.stdout(JSON.stringify({
      file: p.file,
      format: loaded.format,
      ...(loaded.athena ? { group: loaded.athena } : {}),
      ...(loaded.spec ? { scan: loaded.spec } : {}),
      mode: c.mode,
      columns: used,
      e0: r.e0,
      e0Source: r.e0Source,
      edgeStep: r.edgeStep,
      pre: region(r.pre),
      post: region(r.post),
      notes,
      energies: r.energies,
      mu: r.mu,
      norm: r.norm,
      flat: r.flat,
    }) + '\n');
    return 0;
  }
  const lines = [
    `file: ${p.file} (${source(loaded)}, ${c.mode} from ${used.join(', ')})`,
    `E0: ${fmt(r.e0)} eV (${r.e0Source === 'given' ? 'given' : 'maximum of the first derivative'})`,
    `edge step: ${r.edgeStep.toPrecision(5)}`,
    describe('pre-edge', r.pre, r.e0),
    describe('post-edge', r.post, r.e0),
    ...notes.map((n) => `note: ${n}`),
    '# energy_eV mu norm flat',
    ...r.energies.map((e, i) => `${e} ${r.mu[i].toPrecision(6)} ${r.norm[i].toPrecision(6)} ${r.flat[i].toPrecision(6)}`),
  ];
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

export const run: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  try {
    return execute(args, io);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`xanes-lens normalize: ${message}\n${/FILE|option|argument/.test(message) ? USAGE + '\n' : ''}`);
    return /ENOENT|EACCES|EISDIR/.test(message) ? 1 : 2;
  }
};
