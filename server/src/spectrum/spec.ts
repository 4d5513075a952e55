// SPEC data files (Certified Scientific Software's acquisition program at many beamlines, ESRF
// BM23 among them): a file header (#F file, #E epoch, #D date, #C comments, #O motor names), then
// any number of scans, each "#S n command" with header lines (#D date, #T/#M count time, #G, #Q,
// #P motor positions, #N column count, #L labels separated by two spaces since a label may hold
// one), whitespace-separated data rows, #C comments (an aborted scan says so) and, in MCA scans,
// "#@MCA"-style header lines and "@A" spectra continued over lines ending in "\". Scan numbers
// repeat when a file is reused after a restart, so a scan is named "12.2" for the second 12.
// Pure: text in; the caller picks the scan and reads its table like any column file.
import { type ColumnTable, isEnergyName, splitLines } from './columns';

export interface SpecScan {
  /** The number after #S. */
  number: number;
  /** 1 for the first scan with this number, 2 for the next… */
  occurrence: number;
  /** "12", or "12.2" when several scans carry number 12: what a selection names. */
  key: string;
  /** The rest of the #S line: "ascan  energy 7.05 7.25 100 1". */
  command: string;
  date?: string;
  /** 1-based line of the #S line. */
  line: number;
  table: ColumnTable;
  /** Data rows read. */
  points: number;
  /** A #C comment says the scan was aborted. */
  aborted: boolean;
  notes: string[];
  /** Why the scan has nothing to show (no data rows). */
  problem?: string;
}

export interface SpecFile {
  /** The #F line: the file's name when SPEC wrote it. */
  file?: string;
  /** Lines before the first scan (#F, #E, #D, #C, #O…). */
  header: string[];
  scans: SpecScan[];
}

/** SPEC text: scans with #S and #N or #L lines, or a file header (#F then #E) with none yet. */
export function isSpecText(text: string): boolean {
  const head = text.slice(0, 1 << 20);
  if (/^\uFEFF?#F\s/.test(head) && /^#E\s*\d/m.test(head)) return true;
  return /^#S\s+\d+/m.test(head) && /^#[NL]\s/m.test(head);
}

interface Builder {
  number: number;
  command: string;
  line: number;
  date?: string;
  declared?: number;
  labels?: string;
  rows: number[][];
  comments: string[];
  aborted: boolean;
  mcaLines: number;
  badRows: number;
  firstBad?: { line: number; text: string };
}

/** #L labels: two or more spaces separate them; single spaces only when that gives the count. */
function labelsOf(text: string | undefined, width: number, notes: string[]): string[] {
  const generic = (from: number): string[] => Array.from({ length: width - from }, (_, i) => `col${from + i + 1}`);
  if (text === undefined) {
    if (width > 0) notes.push('no #L line: columns are named col1…');
    return generic(0);
  }
  const wide = text.trim().split(/\s{2,}|\t/).filter((w) => w !== '');
  if (wide.length === width) return wide;
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === width) return words;
  notes.push(`#L names ${wide.length} column(s) but the data rows have ${width}`);
  return wide.length > width ? wide.slice(0, width) : [...wide, ...generic(wide.length)];
}

function finish(b: Builder, occurrence: number, key: string): SpecScan {
  const notes: string[] = [];
  const counts = new Map<number, number>();
  for (const r of b.rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let width = b.declared !== undefined && counts.has(b.declared) ? b.declared : 0;
  if (width === 0) for (const [w, c] of counts) if (width === 0 || c > (counts.get(width) ?? 0)) width = w;
  const rows = b.rows.filter((r) => r.length === width);
  const cut = b.rows.length - rows.length;
  if (b.declared !== undefined && width !== 0 && b.declared !== width) notes.push(`#N says ${b.declared} columns, the data rows have ${width}`);
  const names = width === 0 ? [] : labelsOf(b.labels, width, notes);
  if (cut > 0) notes.push(`${cut} data row(s) with a number of values other than ${width} left out (a line cut off when the scan stopped?)`);
  if (b.badRows > 0 && b.firstBad) notes.push(`${b.badRows} line(s) in the scan are not numbers, first at line ${b.firstBad.line}: "${b.firstBad.text.slice(0, 60)}"`);
  if (b.mcaLines > 0) notes.push(`${b.mcaLines} MCA line(s) (@A) skipped`);
  if (b.aborted) notes.push(`the scan was aborted after ${rows.length} point(s)`);
  const table: ColumnTable = {
    names,
    columns: names.map((_, i) => rows.map((r) => r[i])),
    comments: b.comments,
    delimiter: 'whitespace',
    skippedRows: cut + b.badRows,
  };
  const scan: SpecScan = {
    number: b.number, occurrence, key, command: b.command, line: b.line, table, points: rows.length, aborted: b.aborted, notes,
    ...(b.date !== undefined ? { date: b.date } : {}),
  };
  if (rows.length === 0) scan.problem = b.aborted ? 'it was aborted before its first point' : 'it has no data rows';
  return scan;
}

const NOT_A_NUMBER = /^[-+]?(nan|inf|infinity)$/i;

export function parseSpec(text: string): SpecFile {
  const lines = splitLines(text);
  const header: string[] = [];
  const builders: Builder[] = [];
  let b: Builder | undefined;
  let mcaContinues = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    if (mcaContinues) {
      if (b) b.mcaLines++;
      mcaContinues = line.trimEnd().endsWith('\\');
      continue;
    }
    // [\s\S]*, not .*$: lines may hold U+2028, where . stops and $ fails, and the digits were
    // then split every possible way (a #S line of 10^5 digits took 8–12 s).
    const s = /^#S\s+(\d+)\s*([\s\S]*)/.exec(line);
    if (s) {
      b = { number: Number(s[1]), command: s[2].trim(), line: n + 1, rows: [], comments: [], aborted: false, mcaLines: 0, badRows: 0 };
      builders.push(b);
      continue;
    }
    const trimmed = line.trim();
    if (!b) {
      if (trimmed !== '') header.push(trimmed);
      continue;
    }
    if (trimmed === '') continue;
    if (trimmed.startsWith('@')) {
      b.mcaLines++;
      mcaContinues = trimmed.endsWith('\\');
      continue;
    }
    if (trimmed.startsWith('#')) {
      const m = /^#(\S+)\s?([\s\S]*)/.exec(trimmed);
      const tag = m?.[1] ?? '';
      const value = m?.[2] ?? '';
      if (tag === 'N') {
        const v = Number.parseInt(value, 10);
        if (v > 0) b.declared = v;
      } else if (tag === 'L') b.labels = value;
      else if (tag === 'D') b.date ??= value.trim();
      else if (tag === 'C') {
        b.comments.push(value.trim());
        if (/abort/i.test(value)) b.aborted = true;
      }
      continue;
    }
    const words = trimmed.split(/\s+/);
    const values = words.map(Number);
    // Counters divided by a zero monitor print nan or inf; the cell is empty, the row stays.
    if (values.every((v, i) => Number.isFinite(v) || NOT_A_NUMBER.test(words[i]))) b.rows.push(values.map((v) => (Number.isFinite(v) ? v : NaN)));
    else {
      b.badRows++;
      b.firstBad ??= { line: n + 1, text: trimmed };
    }
  }
  const total = new Map<number, number>();
  for (const x of builders) total.set(x.number, (total.get(x.number) ?? 0) + 1);
  const seen = new Map<number, number>();
  const scans = builders.map((x) => {
    const occurrence = (seen.get(x.number) ?? 0) + 1;
    seen.set(x.number, occurrence);
    return finish(x, occurrence, (total.get(x.number) ?? 0) > 1 ? `${x.number}.${occurrence}` : String(x.number));
  });
  const f = header.find((h) => /^#F\s/.test(h));
  return { ...(f ? { file: f.replace(/^#F\s+/, '') } : {}), header, scans };
}

/** Scans that can be shown: data rows enough for a spectrum. */
function usable(scan: SpecScan): boolean {
  return !scan.problem && scan.points >= 5;
}

/** A scan over energy: an energy-like column, or an energy scan command. */
export function isEnergyScan(scan: SpecScan): boolean {
  return scan.table.names.some(isEnergyName) || /\b(energy|escan|exafs|xanes|xas|qexafs|zap\w*energy)\b/i.test(scan.command);
}

/** The scans a caller should be offered: the usable energy scans, or every usable scan when none is one. */
export function offeredScans(file: SpecFile): SpecScan[] {
  const ok = file.scans.filter(usable);
  const energy = ok.filter(isEnergyScan);
  return energy.length > 0 ? energy : ok;
}

/** One line per scan for lists and messages: `  12  ascan  energy 7.05 7.25 100 1   (101 points: Energy, I0, It)`. */
export function describeSpecScan(s: SpecScan): string {
  const what = s.problem ? s.problem : `${s.points} point${s.points === 1 ? '' : 's'}: ${s.table.names.slice(0, 8).join(', ')}${s.table.names.length > 8 ? ', …' : ''}${s.aborted ? '; aborted' : ''}`;
  return `${s.key.padStart(4)}  ${s.command}   (${what})`;
}

/** Thrown when the caller has to name one of several scans; the message lists them. */
export class SpecScanChoiceError extends Error {}

function listing(file: SpecFile): string {
  return file.scans.map(describeSpecScan).join('\n');
}

/**
 * The scan to use: `want` is its number, or "12.2" for the second scan numbered 12. Without
 * `want` the only energy scan (or the only scan with data) is taken; several are an error that
 * lists them.
 */
export function selectSpecScan(file: SpecFile, fileName: string, want?: string | number): SpecScan {
  const scans = file.scans;
  if (scans.length === 0) throw new Error(`${fileName}: the SPEC file holds no scans (no "#S" lines)`);
  if (want === undefined) {
    const offered = offeredScans(file);
    if (offered.length === 1) return offered[0];
    if (offered.length === 0) {
      if (scans.length === 1) throw new Error(`${fileName}: scan ${scans[0].key} cannot be used: ${scans[0].problem ?? `only ${scans[0].points} point(s)`}`);
      throw new Error(`${fileName}: none of its ${scans.length} scans has data enough for a spectrum:\n${listing(file)}`);
    }
    throw new SpecScanChoiceError(`${fileName} holds ${offered.length} ${offered.every(isEnergyScan) ? 'energy ' : ''}scans; choose one by number:\n${listing(file)}`);
  }
  const text = String(want).trim();
  const found = scans.filter((s) => s.key === text || (/^\d+$/.test(text) && s.number === Number(text)));
  if (found.length === 0) throw new SpecScanChoiceError(`${fileName}: no scan numbered "${text}"; its scans:\n${listing(file)}`);
  if (found.length > 1) {
    throw new SpecScanChoiceError(`${fileName}: ${found.length} scans are numbered ${text} (SPEC restarted its numbering); choose one of ${found.map((s) => s.key).join(', ')}:\n${listing(file)}`);
  }
  const s = found[0];
  if (s.problem) throw new Error(`${fileName}: scan ${s.key} cannot be used: ${s.problem}`);
  const energy = offeredScans(file).filter(isEnergyScan);
  if (!isEnergyScan(s) && energy.length > 0) {
    throw new SpecScanChoiceError(`${fileName}: scan ${s.key} (${s.command}) does not scan energy (columns ${s.table.names.join(', ')}); the energy scans are ${energy.map((x) => x.key).join(', ')}:\n${listing(file)}`);
  }
  return s;
}

/**
 * One scan as a SPEC file of its own, read back by the same parser: the extension host picks
 * the scan and hands the panel only that, as it does with an Athena project's group.
 */
export function specScanText(file: SpecFile, scan: SpecScan, source: string): string {
  const t = scan.table;
  const lines = [
    `#F ${file.file ?? source.replace(/[\r\n]+/g, ' ')}`,
    `#C one scan extracted by XANES Lens from ${source.replace(/[\r\n]+/g, ' ')}`,
    '',
    `#S ${scan.number} ${scan.command}`,
  ];
  if (scan.date !== undefined) lines.push(`#D ${scan.date}`);
  lines.push(`#N ${t.columns.length}`, `#L ${t.names.join('  ')}`);
  const n = t.columns[0]?.length ?? 0;
  for (let r = 0; r < n; r++) lines.push(t.columns.map((c) => String(c[r])).join(' '));
  for (const c of t.comments) lines.push(`#C ${c}`);
  lines.push('');
  return lines.join('\n');
}
