// Multi-column text spectra (.dat, .xmu, .txt, .csv as beamlines, Athena and Larch write them):
// comment lines start with #, ; or !; columns are separated by whitespace, commas or semicolons;
// names come from a header row or from the last comment line with as many words as there are
// columns (Athena/Larch put the labels there).
import { cleanSpectrum } from './interp';
import type { Spectrum } from './types';

export type Delimiter = 'whitespace' | ',' | ';';

export interface ColumnTable {
  names: string[];
  units?: (string | undefined)[];
  /** Column-major numeric data. */
  columns: number[][];
  comments: string[];
  delimiter: Delimiter;
  /** Rows dropped because they were not numeric or had the wrong number of fields. */
  skippedRows: number;
}

export type MuMode = 'mu' | 'transmission' | 'fluorescence';

/** Which columns (0-based) make the spectrum. */
export interface ColumnChoice {
  energy: number;
  mode: MuMode;
  /** μ column (mode 'mu'). */
  mu?: number;
  /** Incident intensity (transmission and fluorescence). */
  i0?: number;
  /** Transmitted (transmission) or fluorescence (fluorescence) intensity. */
  signal?: number;
}

const COMMENT = /^\s*[#;!%]/;

function detectDelimiter(line: string): Delimiter {
  if (line.includes(';')) return ';';
  if (line.includes(',')) return ',';
  return 'whitespace';
}

function split(line: string, delimiter: Delimiter): string[] {
  if (delimiter === 'whitespace') return line.trim().split(/\s+/);
  // With ';' a comma can only be a decimal comma (European locale exports).
  const fields = line.split(delimiter).map((f) => f.trim());
  return delimiter === ';' ? fields.map((f) => f.replace(',', '.')) : fields;
}

function numeric(field: string): number {
  return field === '' ? NaN : Number(field);
}

function isNumericRow(fields: string[]): boolean {
  return fields.length > 0 && fields.every((f) => Number.isFinite(numeric(f)));
}

export function parseColumns(text: string): ColumnTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const comments: string[] = [];
  const body: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    if (COMMENT.test(line) && body.length === 0) comments.push(line.replace(/^\s*[#;!%]+\s?/, ''));
    else if (!COMMENT.test(line)) body.push(line);
  }
  if (body.length === 0) throw new Error('no data rows (only comments or empty lines)');
  const firstNumeric = body.findIndex((l) => isNumericRow(split(l, detectDelimiter(l))));
  if (firstNumeric < 0) throw new Error('no numeric data rows found');
  const delimiter = detectDelimiter(body[firstNumeric]);
  const rows = body.slice(firstNumeric).map((l) => split(l, delimiter));
  // The most common field count is the table width; odd rows (footers, truncated lines) are dropped.
  const counts = new Map<number, number>();
  for (const r of rows) if (isNumericRow(r)) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let width = 0;
  for (const [w, c] of counts) if (width === 0 || c > (counts.get(width) ?? 0)) width = w;
  const columns: number[][] = Array.from({ length: width }, () => []);
  let skippedRows = 0;
  for (const r of rows) {
    if (r.length !== width || !isNumericRow(r)) {
      skippedRows++;
      continue;
    }
    r.forEach((f, i) => columns[i].push(numeric(f)));
  }
  if (columns.length === 0 || columns[0].length === 0) throw new Error('no numeric data rows found');
  const names = headerNames(body.slice(0, firstNumeric), comments, delimiter, width);
  return { names, columns, comments, delimiter, skippedRows };
}

function headerNames(preamble: string[], comments: string[], delimiter: Delimiter, width: number): string[] {
  const header = preamble.length > 0 ? split(preamble[preamble.length - 1], delimiter) : [];
  if (header.length === width) return header.map(cleanName);
  for (let i = comments.length - 1; i >= 0; i--) {
    const words = split(comments[i], delimiter === 'whitespace' ? 'whitespace' : delimiter).filter((w) => w !== '');
    if (words.length === width && !isNumericRow(words)) return words.map(cleanName);
  }
  return Array.from({ length: width }, (_, i) => `col${i + 1}`);
}

function cleanName(name: string): string {
  return name.replace(/^["']|["']$/g, '').trim();
}

const ENERGY = /^(e|en|energy|energy_?ev|ev|e\(ev\)|energy\(ev\)|mono_?energy)$/i;
const MU = /^(xmu|mu|mu_?e?|mutrans|mufluor|norm|normtrans|normfluor|flat|mu_?norm|norm_?mu|absorption|xanes)$/i;
const I0 = /^(i0|io|i_0|izero)$/i;
const IT = /^(it|i1|itrans|i_t|itr)$/i;
const IF = /^(if|ifluor|fluo|fl|ifl|i_f|pfy|tfy)$/i;

/** Best guess of the spectrum columns from their names; energy first and μ second otherwise. */
export function guessColumns(table: ColumnTable): ColumnChoice {
  const find = (re: RegExp): number => table.names.findIndex((n) => re.test(n));
  let energy = find(ENERGY);
  if (energy < 0) energy = table.names.findIndex((n) => /energy/i.test(n));
  if (energy < 0) energy = 0;
  const mu = find(MU);
  if (mu >= 0) return { energy, mode: 'mu', mu };
  const i0 = find(I0);
  const it = find(IT);
  const fl = find(IF);
  if (i0 >= 0 && it >= 0) return { energy, mode: 'transmission', i0, signal: it };
  if (i0 >= 0 && fl >= 0) return { energy, mode: 'fluorescence', i0, signal: fl };
  return { energy, mode: 'mu', mu: energy === 0 ? 1 : 0 };
}

function column(table: ColumnTable, index: number | undefined, what: string): number[] {
  if (index === undefined || index < 0 || index >= table.columns.length) {
    throw new Error(`${what} column ${index === undefined ? 'not chosen' : index + 1} does not exist (table has ${table.columns.length})`);
  }
  return table.columns[index];
}

export interface TableSpectrum extends Spectrum {
  notes: string[];
}

/**
 * μ(E) from the chosen columns: μ directly, ln(I0/It) for transmission, If/I0 for fluorescence.
 * Energies below 100 are taken as keV (no K edge we model lies below 4 keV) and converted.
 */
export function spectrumFromTable(table: ColumnTable, choice: ColumnChoice): TableSpectrum {
  const notes: string[] = [];
  let energies = column(table, choice.energy, 'energy');
  let mu: number[];
  if (choice.mode === 'mu') {
    mu = column(table, choice.mu, 'μ');
  } else {
    const i0 = column(table, choice.i0, 'I0');
    const sig = column(table, choice.signal, choice.mode === 'transmission' ? 'It' : 'If');
    mu = choice.mode === 'transmission' ? i0.map((v, i) => Math.log(v / sig[i])) : sig.map((v, i) => v / i0[i]);
  }
  const finite = energies.filter(Number.isFinite);
  if (finite.length > 0 && Math.max(...finite) < 100) {
    energies = energies.map((e) => e * 1000);
    notes.push('energies below 100 read as keV and converted to eV');
  }
  const clean = cleanSpectrum(energies, mu);
  const dropped = Math.min(energies.length, mu.length) - clean.energies.length;
  if (dropped > 0) notes.push(`${dropped} point(s) dropped (non-finite or repeated energy)`);
  if (clean.energies.length < 5) throw new Error(`only ${clean.energies.length} usable points in the chosen columns`);
  return { ...clean, notes };
}
