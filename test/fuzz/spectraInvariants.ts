// What must hold for ANY bytes handed to the measured-spectrum loaders, whatever their name:
//  - every entry point returns, or throws an Error (not a TypeError, a RangeError from a stack
//    overflow or an array length, or a non-Error) with a message to show;
//  - each call takes at most 50 ms + 2 µs per byte (or character) it reads: catastrophic regular
//    expression backtracking and quadratic loops fail this long before they hang an editor;
//  - a loaded spectrum has ≥ 5 finite, strictly increasing energies and as many finite μ
//    (spectrumFromTable refuses fewer usable points), notes and metadata are strings, and the
//    column choice names columns of the table;
//  - normalizeSpectrum on it returns finite results with E0 inside the data, or throws an Error;
//  - a file with several spectra (Athena project, SPEC file) agrees with itself: without a
//    selection it loads the only offered part or asks for a choice, and each offered part,
//    extracted as the extension host hands it to the panel, loads to the same spectrum as
//    selecting it in the whole file.
import { performance } from 'node:perf_hooks';
import { loadSpectrumBytes, spectrumTextFromBytes } from '../../server/src/spectrum/bytes';
import type { ColumnChoice, ColumnTable } from '../../server/src/spectrum/columns';
import { type LoadedSpectrum, type LoadOptions, loadSpectrumText, measuredTable, multiPartFile, partChoiceNeeded } from '../../server/src/spectrum/load';
import { normalizeSpectrum } from '../../server/src/spectrum/normalize';

/** A column choice and/or part selection to load a file with, besides the default. */
export interface LoadVariant {
  choice?: ColumnChoice;
  select?: string | number;
}

export interface MeasuredCheck {
  problems: string[];
  /** Calls over their time budget (a second run decides whether it was the machine). */
  slow: string[];
  /** Loads that returned a spectrum, and of those, normalisations that succeeded. */
  loaded: number;
  normalised: number;
  /** Offered parts of multi-part files whose extraction was checked against selection. */
  parts: number;
  /** Slowest call relative to its budget (1 = at the budget). */
  worst: { op: string; ms: number; size: number };
}

export const BUDGET_BASE_MS = 50;
export const BUDGET_MS_PER_BYTE = 0.002;

export function budgetMs(size: number): number {
  return BUDGET_BASE_MS + BUDGET_MS_PER_BYTE * size;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Why a thrown value breaks the contract, or undefined when it is a proper refusal. */
export function errorProblem(e: unknown): string | undefined {
  if (!(e instanceof Error)) return `threw a non-Error: ${typeof e} ${String(e).slice(0, 200)}`;
  // Our refusals are Error or subclasses that keep its name (AthenaGroupChoiceError…).
  if (e.name !== 'Error') return `threw ${e.name}: ${e.message.slice(0, 300)}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}`;
  if (typeof e.message !== 'string' || e.message.trim() === '') return 'threw an Error with an empty message';
  return undefined;
}

const finiteArray = (a: readonly unknown[]): boolean => a.every((v) => typeof v === 'number' && Number.isFinite(v));

function increasing(a: readonly number[]): number {
  for (let i = 1; i < a.length; i++) if (!(a[i] > a[i - 1])) return i;
  return -1;
}

function tableProblems(t: ColumnTable): string[] {
  const out: string[] = [];
  if (t.names.length !== t.columns.length) out.push(`table has ${t.names.length} names for ${t.columns.length} columns`);
  if (t.units && t.units.length !== t.names.length) out.push(`table has ${t.units.length} units for ${t.names.length} names`);
  if (!t.names.every((n) => typeof n === 'string')) out.push('a column name is not a string');
  const rows = t.columns[0]?.length ?? 0;
  if (t.columns.some((c) => c.length !== rows)) out.push('table columns differ in length');
  if (t.notes && !t.notes.every((n) => typeof n === 'string' && n !== '')) out.push('a table note is not a non-empty string');
  return out;
}

function loadedProblems(l: LoadedSpectrum): string[] {
  const out: string[] = [];
  const { energies, mu } = l.spectrum;
  if (!['xdi', 'columns', 'athena', 'spec'].includes(l.format)) out.push(`format ${String(l.format)}`);
  if (energies.length !== mu.length) out.push(`${energies.length} energies but ${mu.length} μ values`);
  if (energies.length < 5) out.push(`only ${energies.length} points returned`);
  if (!finiteArray(energies)) out.push('energies not all finite');
  if (!finiteArray(mu)) out.push('μ not all finite');
  const k = increasing(energies);
  if (k >= 0) out.push(`energies not strictly increasing at ${k}: ${energies[k - 1]}, ${energies[k]}`);
  if (!Array.isArray(l.notes) || !l.notes.every((n) => typeof n === 'string' && n !== '')) out.push('a note is not a non-empty string');
  if (!Object.values(l.metadata).every((v) => typeof v === 'string')) out.push('a metadata value is not a string');
  out.push(...tableProblems(l.table));
  const c = l.choice;
  for (const i of [c.energy, c.mu, c.i0, c.signal]) {
    if (i !== undefined && !(Number.isInteger(i) && i >= 0 && i < l.table.columns.length)) out.push(`choice names column ${i} of ${l.table.columns.length}`);
  }
  return out;
}

function normalizedProblems(energies: readonly number[], r: ReturnType<typeof normalizeSpectrum>): string[] {
  const out: string[] = [];
  const n = r.energies.length;
  if (!(Number.isFinite(r.e0) && r.e0 > r.energies[0] && r.e0 < r.energies[n - 1])) out.push(`E0 ${r.e0} outside ${r.energies[0]}–${r.energies[n - 1]}`);
  if (!(Number.isFinite(r.edgeStep) && r.edgeStep > 0)) out.push(`edge step ${r.edgeStep}`);
  if (n !== energies.length) out.push(`normalisation kept ${n} of ${energies.length} points of a clean spectrum`);
  for (const [name, a] of [['mu', r.mu], ['norm', r.norm], ['flat', r.flat], ['preEdge', r.preEdge], ['postEdge', r.postEdge]] as const) {
    if (a.length !== n) out.push(`${name} has ${a.length} values for ${n} energies`);
    else if (!finiteArray(a)) out.push(`${name} not all finite (first bad at ${a.findIndex((v) => !Number.isFinite(v))}: ${a.find((v) => !Number.isFinite(v))})`);
  }
  for (const f of [r.pre, r.post]) if (!finiteArray(f.coefficients) || !finiteArray(f.range)) out.push(`fit region not finite: ${JSON.stringify(f)}`);
  if (!r.notes.every((x) => typeof x === 'string')) out.push('a normalisation note is not a string');
  return out;
}

const sameNumbers = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i] || (Number.isNaN(v) && Number.isNaN(b[i])));

/**
 * Runs every entry point on one file. Never throws: what goes wrong is in `problems`, and calls
 * over budget in `slow`.
 */
export function checkMeasured(bytes: Uint8Array, fileName: string, variants: readonly LoadVariant[] = []): MeasuredCheck {
  const res: MeasuredCheck = { problems: [], slow: [], loaded: 0, normalised: 0, parts: 0, worst: { op: '', ms: 0, size: 0 } };

  function run<T>(op: string, size: number, f: () => T): Outcome<T> {
    const t0 = performance.now();
    let out: Outcome<T>;
    try {
      out = { ok: true, value: f() };
    } catch (error) {
      out = { ok: false, error };
      const p = errorProblem(error);
      if (p) res.problems.push(`${op} ${p}`);
    }
    const ms = performance.now() - t0;
    if (ms / budgetMs(size) > res.worst.ms / budgetMs(res.worst.size)) res.worst = { op, ms, size };
    if (ms > budgetMs(size)) res.slow.push(`${op}: ${ms.toFixed(0)} ms for ${size} bytes (budget ${budgetMs(size).toFixed(0)} ms)`);
    return out;
  }

  function check(op: string, size: number, l: LoadedSpectrum): void {
    const lp = loadedProblems(l);
    if (lp.length > 0) {
      res.problems.push(`${op}: ${lp.slice(0, 4).join('; ')}`);
      return;
    }
    res.loaded++;
    const n = run(`normalizeSpectrum after ${op}`, size, () => normalizeSpectrum(l.spectrum.energies, l.spectrum.mu));
    if (!n.ok) return;
    const np = normalizedProblems(l.spectrum.energies, n.value);
    if (np.length > 0) res.problems.push(`normalizeSpectrum after ${op}: ${np.slice(0, 4).join('; ')}`);
    else res.normalised++;
  }

  const decoded = run('spectrumTextFromBytes', bytes.length, () => spectrumTextFromBytes(bytes, fileName));
  const text = decoded.ok ? decoded.value : undefined;
  if (decoded.ok && typeof text !== 'string') res.problems.push('spectrumTextFromBytes returned a non-string');
  const size = Math.max(bytes.length, text?.length ?? 0);

  const primary = run('loadSpectrumBytes', size, () => loadSpectrumBytes(bytes, fileName));
  if (primary.ok) check('loadSpectrumBytes', size, primary.value);
  if (text === undefined) {
    if (primary.ok) res.problems.push('loadSpectrumBytes loaded a file that spectrumTextFromBytes refuses');
    return res;
  }

  variants.forEach((v, i) => {
    const options: LoadOptions = v.select !== undefined ? { select: v.select } : {};
    const op = `loadSpectrumText variant ${i} (choice ${JSON.stringify(v.choice)}, select ${JSON.stringify(v.select)})`;
    const l = run(op, size, () => loadSpectrumText(text, fileName, v.choice, options));
    if (l.ok) check(op, size, l.value);
  });

  // The CLI reads the table only to resolve --columns, so only cases that choose columns do.
  const table = variants.some((v) => v.choice !== undefined) ? run('measuredTable', size, () => measuredTable(text, fileName)) : undefined;
  if (table?.ok) {
    const tp = tableProblems(table.value);
    if (tp.length > 0) res.problems.push(`measuredTable: ${tp.join('; ')}`);
  }

  const multi = run('multiPartFile', size, () => multiPartFile(text, fileName));
  if (!multi.ok || multi.value === undefined) return res;
  const parts = multi.value;
  const keys = parts.offered.map((p) => String(p.key));
  if (new Set(keys).size !== keys.length) res.problems.push(`multiPartFile offers repeated keys: ${keys.slice(0, 10).join(', ')}`);
  if (!(parts.others >= 0)) res.problems.push(`multiPartFile: ${parts.others} other parts`);
  // Without a selection: the only offered part, or a request to choose, or a refusal.
  const plain = primary.ok ? primary : run('loadSpectrumText without selection', size, () => loadSpectrumText(text, fileName));
  if (parts.offered.length > 1 && (plain.ok || partChoiceNeeded(plain.error) === undefined)) {
    res.problems.push(`${parts.offered.length} ${parts.noun}s offered, yet loading without a selection ${plain.ok ? 'picked one' : `did not ask to choose: ${String(plain.error)}`}`);
  }
  if (parts.offered.length === 0 && plain.ok) res.problems.push(`no ${parts.noun} offered, yet loading without a selection returned one`);
  // Each round trip parses the whole file twice: two parts of small files, one of large ones.
  parts.offered.slice(0, size < 50000 ? 2 : 1).forEach((p, k) => {
    const selected = run(`loadSpectrumText select ${JSON.stringify(p.key)}`, size, () => loadSpectrumText(text, fileName, undefined, { select: p.key }));
    if (parts.offered.length === 1 && k === 0 && plain.ok !== selected.ok) {
      res.problems.push(`the only ${parts.noun} offered (${p.key}) ${selected.ok ? 'loads' : 'fails'} when selected but ${plain.ok ? 'loads' : 'fails'} without a selection`);
    }
    const ex = run(`extract ${JSON.stringify(p.key)}`, size, () => parts.extract(p.key));
    if (!ex.ok) {
      res.problems.push(`offered ${parts.noun} ${JSON.stringify(p.key)} cannot be extracted: ${String(ex.error)}`);
      return;
    }
    const back = run(`loadSpectrumText of extracted ${JSON.stringify(p.key)}`, ex.value.text.length, () => loadSpectrumText(ex.value.text, ex.value.fileName));
    res.parts++;
    if (selected.ok !== back.ok) {
      res.problems.push(`${parts.noun} ${JSON.stringify(p.key)}: selected in the file it ${selected.ok ? 'loads' : `fails (${String(selected.error).slice(0, 200)})`}, extracted it ${back.ok ? 'loads' : `fails (${String(back.error).slice(0, 200)})`}`);
    } else if (selected.ok && back.ok) {
      const a = selected.value.spectrum;
      const b = back.value.spectrum;
      if (!sameNumbers(a.energies, b.energies) || !sameNumbers(a.mu, b.mu)) {
        res.problems.push(`${parts.noun} ${JSON.stringify(p.key)}: extracted, it loads to a different spectrum (${a.energies.length} vs ${b.energies.length} points)`);
      }
    }
  });
  return res;
}
