// Multi-column text spectra (.dat, .xmu, .txt, .csv as beamlines, Athena, Larch and spreadsheets
// write them): comment lines start with # ; ! % or *; columns are separated by whitespace, tabs,
// commas or semicolons (with decimal commas when the separator is not a comma); names come from a
// header row, from the comment line above the data (Athena/Larch), from one name per line (SSRL),
// or are col1…colN. A cell that is empty, NaN or text does not cost its row: the row is dropped
// later only if a column the spectrum uses lacks a number there. SPring-8/KEK-PF "9809" files,
// which record monochromator angles under a header without comment marks, are read here too.
import { cleanSpectrum } from './interp';
import type { Spectrum } from './types';

export type Delimiter = 'whitespace' | ',' | ';' | '\t';

export interface ColumnTable {
  names: string[];
  units?: (string | undefined)[];
  /** Column-major numeric data; NaN where a cell is empty, NaN or text. */
  columns: number[][];
  comments: string[];
  delimiter: Delimiter;
  /** Lines after the first data row that were not read as data (text, other field counts). */
  skippedRows: number;
  /** What reading the table did that the user should know (skipped lines, text columns). */
  notes?: string[];
  /** Monochromator crystal d-spacing (Å) from the header, to turn Bragg angles into energies. */
  dSpacing?: number;
  /** Edge energy (eV) from the header, for energies written relative to it. */
  edgeEnergy?: number;
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

/** hc in eV·Å (CODATA 2018), for E = hc / (2 d sin θ). */
export const HC_EV_ANGSTROM = 12398.419843320026;

const COMMENT = /^\s*[#;!%*]/;
const MISSING = new Set(['', 'nan', '-nan', '+nan', 'na', 'n/a', '--', '-', 'null', 'none', 'inf', '-inf', '+inf', 'infinity', '-infinity']);
const DECIMAL_COMMA = /^[-+]?\d*,\d+(?:[eE][-+]?\d+)?$/;
// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter splits a run of digits every possible way, and a
// 10^5-digit field that is not a number took seconds to refuse.
const FORTRAN_D = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)[dD][-+]?\d+$/;
const NUMBER_START = /^\s*["']?[-+.\d]/;

export function splitLines(text: string): string[] {
  // XDI allows CR-only line ends (old Mac files); \r?\n would read such a file as one line.
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}

/** Cell value: a number, NaN for an empty or NaN cell, undefined for text. */
function cell(field: string): number | undefined {
  if (field === '') return NaN;
  const v = Number(field);
  if (!Number.isNaN(v)) return v;
  const lower = field.toLowerCase();
  if (MISSING.has(lower)) return NaN;
  // A comma left inside a field is a decimal mark: a separating comma would have split it.
  if (DECIMAL_COMMA.test(field)) return Number(field.replace(',', '.'));
  if (FORTRAN_D.test(field)) return Number(field.replace(/[dD]/, 'e'));
  return undefined;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && ((f[0] === '"' && f.endsWith('"')) || (f[0] === "'" && f.endsWith("'"))) ? f.slice(1, -1).trim() : f;
}

/** Fields of a CSV line whose quoted fields may hold the separator ("7100,5";"Energy, eV"). */
function splitQuoted(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      if (quoted && line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === delimiter && !quoted) {
      out.push(field.trim());
      field = '';
    } else field += ch;
  }
  out.push(field.trim());
  return out;
}

function splitFields(line: string, delimiter: Delimiter): string[] {
  if (delimiter === 'whitespace') return line.trim().split(/\s+/);
  if (line.includes('"')) return splitQuoted(line, delimiter);
  return line.split(delimiter).map(unquote);
}

const WS_DECIMAL_COMMA = /^[-+]?\d+(?:,\d+)?(?:[eE][-+]?\d+)?$/;

/** The separator of a data line: ; then tab then comma, except commas that are decimal marks. */
function lineDelimiter(line: string): Delimiter {
  if (line.includes(';')) return ';';
  if (line.includes('\t') && line.split('\t').every((f) => !/\S\s+\S/.test(f.trim()))) return '\t';
  if (line.includes(',')) {
    // "7100,5 0,25": space-separated with decimal commas (German-locale text exports).
    const words = line.trim().split(/\s+/);
    return words.length > 1 && words.every((w) => WS_DECIMAL_COMMA.test(w)) ? 'whitespace' : ',';
  }
  return 'whitespace';
}

function detectDelimiter(lines: readonly string[]): Delimiter {
  const votes = new Map<Delimiter, number>();
  let seen = 0;
  for (const line of lines) {
    if (!NUMBER_START.test(line)) continue;
    const d = lineDelimiter(line);
    votes.set(d, (votes.get(d) ?? 0) + 1);
    if (++seen >= 50) break;
  }
  let best: Delimiter = 'whitespace';
  for (const [d, n] of votes) if (n > (votes.get(best) ?? 0)) best = d;
  return best;
}

interface Row {
  values: (number | undefined)[];
  line: number;
  text: string;
}

/** A data row starts with a number and has at least as many numbers as text fields. */
function dataRow(fields: readonly string[]): (number | undefined)[] | undefined {
  const values = fields.map(cell);
  if (values.length === 0 || values[0] === undefined || Number.isNaN(values[0])) return undefined;
  let numbers = 0;
  let text = 0;
  for (const v of values) {
    if (v === undefined) text++;
    else if (!Number.isNaN(v)) numbers++;
  }
  return numbers >= text ? values : undefined;
}

export function parseColumns(text: string): ColumnTable {
  const lines = splitLines(text);
  if (is9809(lines)) return parse9809(lines);
  const comments: string[] = [];
  const body: { text: string; line: number }[] = [];
  lines.forEach((line, n) => {
    if (line.trim() === '') return;
    if (COMMENT.test(line)) {
      if (body.length === 0) comments.push(line.replace(/^\s*[#;!%*]+\s?/, ''));
    } else body.push({ text: line, line: n + 1 });
  });
  if (body.length === 0) throw new Error('no data rows (only comments or empty lines)');
  const delimiter = detectDelimiter(body.map((b) => b.text));
  const rows: (Row | undefined)[] = body.map((b) => {
    const values = dataRow(splitFields(b.text, delimiter));
    return values ? { values, line: b.line, text: b.text } : undefined;
  });
  const counts = new Map<number, number>();
  for (const r of rows) if (r) counts.set(r.values.length, (counts.get(r.values.length) ?? 0) + 1);
  let width = 0;
  for (const [w, c] of counts) if (width === 0 || c > (counts.get(width) ?? 0)) width = w;
  const first = rows.findIndex((r) => r !== undefined && r.values.length === width);
  if (first < 0) throw new Error(`no numeric data rows found (first line read: "${body[0].text.trim().slice(0, 60)}")`);
  const columns: number[][] = Array.from({ length: width }, () => []);
  const numbers = new Array<number>(width).fill(0);
  const texts = new Array<number>(width).fill(0);
  let skippedRows = 0;
  let firstSkipped: { line: number; text: string } | undefined;
  for (let k = first; k < rows.length; k++) {
    const r = rows[k];
    if (!r || r.values.length !== width) {
      skippedRows++;
      firstSkipped ??= { line: body[k].line, text: body[k].text };
      continue;
    }
    for (let i = 0; i < width; i++) {
      const v = r.values[i];
      if (v === undefined) texts[i]++;
      else if (!Number.isNaN(v)) numbers[i]++;
      columns[i].push(v ?? NaN);
    }
  }
  // Trailing separators (Excel's "1;2;;") make columns with neither numbers nor text.
  let keep = width;
  while (keep > 1 && numbers[keep - 1] === 0 && texts[keep - 1] === 0) keep--;
  const preamble = body.slice(0, first).map((b) => b.text);
  const header = headerNames(preamble, comments, delimiter, keep);
  const notes: string[] = [];
  if (skippedRows > 0 && firstSkipped) {
    notes.push(`${skippedRows} line(s) after the first data row were not read as data (text, or not ${width} fields), first at line ${firstSkipped.line}: "${firstSkipped.text.trim().slice(0, 60)}"`);
  }
  for (let i = 0; i < keep; i++) {
    if (texts[i] > numbers[i]) notes.push(`column ${i + 1} ("${header.names[i]}") holds text, not numbers; it is left out`);
  }
  const meta = [...comments, ...preamble];
  const table: ColumnTable = {
    names: header.names.slice(0, keep),
    columns: columns.slice(0, keep),
    comments,
    delimiter,
    skippedRows,
  };
  if (header.units.some((u) => u !== undefined)) table.units = header.units.slice(0, keep);
  if (notes.length > 0) table.notes = notes;
  const d = dSpacingFrom(meta);
  if (d !== undefined) table.dSpacing = d;
  const e0 = edgeEnergyFrom(meta);
  if (e0 !== undefined) table.edgeEnergy = e0;
  return table;
}

// ---- Column names ---------------------------------------------------------------------------

const UNIT_WORDS = /^(ev|kev|mev|deg|degs?|degrees?|rad|radians?|mdeg|mrad|counts?|cts|cps|a\.?u\.?|arb\.?(\s*units?)?|s|sec|secs|seconds?|ms|v|mv|a|ma|na|pa|ua|hz|khz|%|steps?|a\^-1|1\/a|å\^-1)$/i;

/** "Energy (eV)", "I0 [counts]", "energy_keV", "E/eV" → the name and its units. */
export function splitUnits(name: string): { base: string; units?: string } {
  const bracket = bracketedUnits(name);
  if (bracket && bracket.base !== '' && UNIT_WORDS.test(bracket.units)) return bracket;
  const suffix = /^(.*?[a-z0-9])[_/ ](ev|kev|deg|degrees|rad)$/i.exec(name);
  if (suffix) return { base: suffix[1], units: suffix[2] };
  return { base: name };
}

/**
 * "Energy (eV)" → base "Energy", units "eV": a name ending in a bracketed part without brackets
 * inside. Found by scanning back from the end, not with a regular expression: the expression
 * this replaces backtracked cubically, and a header cell "energy (" with 2,000 spaces after it
 * took 35 s.
 */
function bracketedUnits(name: string): { base: string; units: string } | undefined {
  const close = name.length - 1;
  if (name[close] !== ')' && name[close] !== ']') return undefined;
  let open = close - 1;
  while (open >= 0 && !'()[]'.includes(name[open])) open--;
  if (open < 0 || (name[open] !== '(' && name[open] !== '[')) return undefined;
  const units = name.slice(open + 1, close).trim();
  return units === '' ? undefined : { base: name.slice(0, open).trimEnd(), units };
}

/** Lower-case name without units, spaces, underscores, dashes or dots, for matching. */
function key(name: string): string {
  return splitUnits(name.trim()).base.toLowerCase().replace(/[\s_.-]+/g, '');
}

/** Ways a header line may split into names: its separator, tabs, two or more spaces, words. */
function headerSplits(line: string, delimiter: Delimiter): string[][] {
  const text = line.trim();
  if (delimiter === ',' || delimiter === ';') return [splitFields(text, delimiter)];
  // SPEC (#L) and Larch-style label lines keep the letter after the comment mark.
  const bare = text.replace(/^[LC]\s+(?=\S)/, '');
  const out: string[][] = [];
  for (const t of bare === text ? [text] : [bare, text]) {
    out.push(t.split('\t').map((w) => w.trim()));
    out.push(t.split(/\s{2,}|\t/).map((w) => w.trim()));
    out.push(t.split(/\s+/));
    // "Energy (eV) I0 (cts)": a unit in brackets belongs to the word before it.
    // The lookbehind starts a match only where a run of whitespace starts: tried inside the run,
    // a 10^5-space comment line took 10 s.
    out.push(t.replace(/(?<!\s)\s+([([][^()[\]]*[)\]])/g, '$1').split(/\s+/));
  }
  return out.map((words) => words.map((w) => unquote(w).replace(/^[#@%&]+/, '')));
}

function looksLikeNames(words: readonly string[]): boolean {
  return words.some((w) => w !== '' && cell(w) === undefined) && !/^-{3,}$/.test(words.join(''));
}

const KNOWN = (k: string): boolean => ENERGY.has(k) || ANGLE.has(k) || RELATIVE.has(k) || I0.has(k) || IT.has(k) || IF.has(k) || MU.has(k) || MU_TRANS.has(k) || MU_FLUO.has(k) || REFERENCE.has(k) || /energy/.test(k);

interface Header {
  names: string[];
  units: (string | undefined)[];
}

function headerNames(preamble: readonly string[], comments: readonly string[], delimiter: Delimiter, width: number): Header {
  const candidates: string[][] = [];
  let last = preamble[preamble.length - 1];
  let unitRow: string[] | undefined;
  // Origin and spreadsheet exports put a row of units ("eV  counts  counts") under the names.
  if (last !== undefined && preamble.length >= 2) {
    const words = headerSplits(last, delimiter)[0].filter((w) => w !== '');
    if (words.length > 0 && words.every((w) => UNIT_WORDS.test(w))) {
      unitRow = headerSplits(last, delimiter)[0];
      last = preamble[preamble.length - 2];
    }
  }
  if (last !== undefined) candidates.push(...headerSplits(last, delimiter));
  // SSRL's data collector lists the names one per line between "Data:" and the numbers.
  if (preamble.length >= width) {
    const tail = preamble.slice(preamble.length - width).map((l) => l.trim());
    if (tail.every((l) => l !== '' && cell(l.split(/\s+/)[0]) === undefined)) candidates.push(tail);
  }
  for (let i = comments.length - 1; i >= 0; i--) candidates.push(...headerSplits(comments[i], delimiter));
  const trimmed = candidates.map((c) => {
    let n = c.length;
    while (n > width && c[n - 1] === '') n--;
    return c.slice(0, n);
  });
  const fitting = trimmed.filter((c) => c.length === width && looksLikeNames(c));
  // A prose comment can have as many words as there are columns; known names win over it.
  const chosen = fitting.find((c) => c.some((w) => KNOWN(key(w)))) ?? fitting[0];
  const names = Array.from({ length: width }, (_, i) => chosen?.[i] || `col${i + 1}`);
  const rowUnits = unitRow && unitRow.length >= width && unitRow.slice(width).every((u) => u === '') ? unitRow : undefined;
  return { names, units: names.map((n, i) => splitUnits(n).units ?? (rowUnits?.[i] || undefined)) };
}

function dSpacingFrom(lines: readonly string[]): number | undefined {
  for (const l of lines) {
    const m = /(?:d[_ -]?spacing|\bD)\s*[=:]\s*(\d+(?:\.\d+)?)/i.exec(l);
    const d = m ? Number(m[1]) : NaN;
    if (d > 0.5 && d < 50) return d;
  }
  return undefined;
}

function edgeEnergyFrom(lines: readonly string[]): number | undefined {
  for (const l of lines) {
    const m = /\b(?:E0|edge[_ ]energy)\s*[=:]\s*(\d+(?:\.\d+)?)/i.exec(l);
    const e = m ? Number(m[1]) : NaN;
    if (e > 100) return e;
  }
  return undefined;
}

// ---- SPring-8 / KEK-PF 9809 ------------------------------------------------------------------

function is9809(lines: readonly string[]): boolean {
  const first = lines.find((l) => l.trim() !== '');
  // The facility follows ("9809  KEK-PF  BL12C"): a data row starting at 9809 eV has a number there.
  return first !== undefined && /^\s*9809\s+[A-Za-z]/.test(first);
}

/**
 * "9809" files (SPring-8, KEK-PF): free-text header with "Mono : … D= 3.13551 A", block and mode
 * lines, an "Offset" line, then rows of requested angle, observed angle (degrees), counting time,
 * I0, I1 and further detector channels.
 */
function parse9809(lines: readonly string[]): ColumnTable {
  const offset = lines.findIndex((l) => /^\s*offset/i.test(l));
  const header = lines.slice(0, offset < 0 ? 0 : offset + 1).filter((l) => l.trim() !== '').map((l) => l.trim());
  const rows: number[][] = [];
  let skippedRows = 0;
  for (let n = offset + 1; n < lines.length; n++) {
    const t = lines[n].trim();
    if (t === '') continue;
    const v = t.split(/\s+/).map(Number);
    if (v.every(Number.isFinite)) rows.push(v);
    else skippedRows++;
  }
  if (offset < 0) throw new Error('9809-format file without its "Offset" line: the header cannot be told from the data');
  if (rows.length === 0) throw new Error('9809-format file without data rows after the "Offset" line');
  const width = Math.max(...rows.slice(0, 100).map((r) => r.length));
  const names = ['angle_c', 'angle_o', 'time', 'I0', 'I1'].slice(0, width);
  for (let i = names.length; i < width; i++) names.push(`ch${i + 1}`);
  const units = names.map((_, i) => (i < 2 ? 'deg' : i === 2 ? 's' : undefined));
  const kept = rows.filter((r) => r.length === width);
  skippedRows += rows.length - kept.length;
  const table: ColumnTable = {
    names,
    units,
    columns: names.map((_, i) => kept.map((r) => r[i])),
    comments: header,
    delimiter: 'whitespace',
    skippedRows,
    notes: ['9809 format (SPring-8/KEK-PF): columns are requested and observed monochromator angle, time, I0, I1 and further channels'],
  };
  const d = dSpacingFrom(header);
  if (d !== undefined) table.dSpacing = d;
  return table;
}

// ---- Choosing the columns ---------------------------------------------------------------------

const set = (...words: string[]): Set<string> => new Set(words);
const ENERGY_READ = set('achievedenergy', 'energyachieved', 'energyattained', 'energyenc', 'energyencoder', 'energyreadback', 'energyrbv', 'energyread', 'energyobserved', 'energyo', 'actualenergy');
const ENERGY_SET = set('requestedenergy', 'energyrequested', 'energyset', 'energysetpoint', 'energytarget', 'energyc', 'energydrive');
const ENERGY = set('e', 'en', 'ener', 'energy', 'energie', 'énergie', 'ev', 'eev', 'energyev', 'energykev', 'ekev', 'monoenergy', 'monoe', 'zapenergy', 'dcmenergy', 'photonenergy', 'incidentenergy', 'xenergy', ...ENERGY_READ, ...ENERGY_SET);
const RELATIVE = set('ee0', 'erel', 'relativeenergy', 'energyrelative', 'de', 'deltae', 'dee0', 'energye0');
const ANGLE = set('angle', 'theta', 'bragg', 'braggangle', 'monoangle', 'monotheta', 'th', 'dcmtheta', 'dcmbragg', 'angleo', 'anglec', 'angleread', 'angledrive', 'angleobserved');
const MU = set('mu', 'xmu', 'mue', 'mu(e)', 'mux', 'µ', 'μ', 'µ(e)', 'μ(e)', 'absorption', 'xanes', 'xas', 'nor', 'norm', 'normalized', 'normalised', 'normmu', 'munorm', 'normalizedmu', 'flat', 'flattened', 'xmunorm', 'normxmu');
const MU_TRANS = set('mutrans', 'mutransmission', 'mut', 'mutr', 'normtrans', 'lni0it', 'lni0i1', 'ln(i0/it)', 'ln(i0/i1)', 'log(i0/it)', 'log(i0/i1)', 'ln(i0/itrans)', 'transmu', 'xmutrans');
const MU_FLUO = set('mufluor', 'mufluo', 'muf', 'mufl', 'mufy', 'normfluor', 'if/i0', 'ifluor/i0', 'fluo/i0', 'fluor/i0', 'fl/i0', 'ff/i0', 'ffi0', 'pfy/i0', 'tfy/i0', 'fy/i0', 'sdd/i0', 'pips/i0', 'xmufluor', 'fluomu');
const REFERENCE = set('murefer', 'muref', 'mur', 'mureference', 'normrefer', 'normref', 'lniti2', 'lnitiref', 'lnitir', 'ln(it/iref)', 'ln(it/ir)', 'ln(i1/i2)', 'refmu', 'mu(ref)', 'reference', 'ref', 'ir', 'iref', 'irefer', 'ireference', 'i2', 'ic2', 'itref');
const I0 = set('i0', 'io', 'izero', 'i0c', 'ic0', 'mon', 'monitor', 'i0counts', 'flux', 'i0ch');
const IT = set('it', 'i1', 'itrans', 'itransmission', 'itr', 'trans', 'transmission', 'ic1', 'it1');
const IF = set('if', 'ifluor', 'ifl', 'iff', 'ifluo', 'fluo', 'fluor', 'fluorescence', 'fl', 'fy', 'pfy', 'tfy', 'sdd', 'pips', 'vortex', 'ketek', 'lytle', 'tey', 'ff', 'ffsum', 'sumff', 'fluosum', 'ifsum', 'sddsum', 'xspress3', 'xsp3', 'ge', 'gesum', 'fltot', 'fluotot');
const TIME = set('time', 'seconds', 'second', 'sec', 's', 'epoch', 'timestamp', 'counttime', 'realtime', 'realtimeclock', 'clock', 'livetime', 'index', 'point', 'pt', 'n', 'no', 'npts', 'points', 'nr', 'temperature', 'temp', 'ringcurrent', 'current', 'icr', 'ocr', 'deadtime', 'elapsedtime');
/** Channels of a multi-element fluorescence detector, summed as the usual practice is. */
const CHANNEL = /^(ff|if|fl|fluo|fluor|sdd|dtc|xsp3|xspress3|ge|vortex|ketek|sca|roi|pfy)(\d{1,3})(dtc|corr|cor|c)?$/;

/** A column name that says energy (absolute, relative or as a monochromator angle). */
export function isEnergyName(name: string): boolean {
  const k = key(name);
  return ENERGY.has(k) || RELATIVE.has(k) || ANGLE.has(k) || /energy/.test(k);
}

function finiteCount(values: readonly number[]): number {
  let n = 0;
  for (const v of values) if (Number.isFinite(v)) n++;
  return n;
}

/**
 * A column withChannelSums added: "sum(FF1..FF13)". Tested without a regular expression: the
 * expression `^sum\((.+)\.\.(.+)\)$` tried every ".." of a name, and a header cell of 20,000
 * dots took 0.7 s.
 */
function isSumName(name: string): boolean {
  const dots = name.indexOf('..', 5);
  return name.startsWith('sum(') && name.endsWith(')') && dots >= 0 && dots + 3 < name.length;
}

/**
 * The table with a column summing the channels of each multi-element fluorescence detector
 * (FF1…FF13, DTC1…DTC4): beamlines write the channels, analysis uses their sum. The sum is
 * appended, so column numbers of the file stay valid.
 */
export function withChannelSums(table: ColumnTable): ColumnTable {
  const groups = new Map<string, number[]>();
  table.names.forEach((name, i) => {
    const m = CHANNEL.exec(key(name));
    if (!m || finiteCount(table.columns[i]) === 0) return;
    const g = m[1] + (m[3] ?? '');
    groups.set(g, [...(groups.get(g) ?? []), i]);
  });
  // Dead-time corrected channels first: when a file has both, they are the ones to use.
  const corrected = (g: string): number => (/dtc|cor|c$/.test(g) ? 0 : 1);
  const sums = [...groups.entries()].filter(([, g]) => g.length >= 2).sort((a, b) => corrected(a[0]) - corrected(b[0])).map(([, g]) => g);
  if (sums.length === 0 || table.names.some((n) => isSumName(n))) return table;
  const names = [...table.names];
  const columns = [...table.columns];
  const units = table.units ? [...table.units] : undefined;
  for (const g of sums) {
    names.push(`sum(${table.names[g[0]]}..${table.names[g[g.length - 1]]})`);
    const n = table.columns[g[0]].length;
    const total = new Array<number>(n).fill(0);
    for (const i of g) {
      const c = table.columns[i];
      for (let r = 0; r < n; r++) total[r] += c[r];
    }
    columns.push(total);
    units?.push(undefined);
  }
  return { ...table, names, columns, ...(units ? { units } : {}) };
}

export interface GuessedColumns {
  choice: ColumnChoice;
  /** Why these columns, when the names left room for doubt. */
  notes: string[];
}

/** Median of the finite values in [from, to). */
function median(values: readonly number[], from: number, to: number): number {
  const v: number[] = [];
  for (let i = from; i < to; i++) if (Number.isFinite(values[i])) v.push(values[i]);
  if (v.length === 0) return NaN;
  v.sort((a, b) => a - b);
  return v[v.length >> 1];
}

/**
 * How much a signal changes between the first and the last fifth of the scan, as a difference
 * and relative to the smaller end: whichever way the scan runs (energy up, angle up).
 */
function endToEnd(y: readonly number[]): { step: number; jump: number } {
  const n = y.length;
  const k = Math.max(1, Math.floor(n / 5));
  const a = median(y, 0, k);
  const b = median(y, n - k, n);
  return { step: Math.abs(b - a), jump: Math.abs(b - a) / Math.min(Math.abs(a), Math.abs(b)) };
}

/**
 * Transmission unless the sample barely absorbs across the edge while the fluorescence channel
 * jumps: a dilute sample measured in fluorescence also records an ion chamber behind it, and
 * ln(I0/It) from it is flat and noisy. Both measures are independent of detector gains.
 */
function fluorescenceWins(transmissionMu: readonly number[], fluorescenceMu: readonly number[]): { fluorescence: boolean; step: number; jump: number } {
  const step = endToEnd(transmissionMu).step;
  const jump = endToEnd(fluorescenceMu).jump;
  return { fluorescence: Number.isFinite(jump) && jump > 0.1 && !(step >= 0.05), step, jump };
}

/** Best guess of the spectrum columns from their names (and, between transmission and fluorescence, their data). */
export function chooseColumns(table: ColumnTable): GuessedColumns {
  const notes: string[] = [];
  const keys = table.names.map(key);
  const usable = table.columns.map((c) => finiteCount(c) > 0);
  const find = (...sets: Set<string>[]): number => keys.findIndex((k, i) => usable[i] && sets.some((s) => s.has(k)));
  const findAll = (s: Set<string>): number[] => keys.flatMap((k, i) => (usable[i] && s.has(k) ? [i] : []));
  const name = (i: number): string => table.names[i];

  const kIndex = keys.findIndex((k) => k === 'k' || k === 'wavenumber');
  if (kIndex >= 0 && keys.some((k) => /^chi/.test(k)) && !keys.some((k, i) => i !== kIndex && isEnergyName(table.names[i]))) {
    throw new Error(`the file holds χ(k) (columns ${table.names.slice(0, 6).join(', ')}), not μ(E): export μ(E) or normalised μ(E) (.xmu, .nor, .xdi)`);
  }
  if (keys.includes('r') && keys.some((k) => /^chir/.test(k))) {
    throw new Error(`the file holds χ(R) (columns ${table.names.slice(0, 6).join(', ')}), not μ(E): export μ(E) or normalised μ(E) (.xmu, .nor, .xdi)`);
  }
  let energy = find(ENERGY_READ);
  if (energy < 0) energy = keys.findIndex((k, i) => usable[i] && ENERGY.has(k) && !ENERGY_SET.has(k));
  if (energy < 0) energy = keys.findIndex((k, i) => usable[i] && /energy/.test(k) && !/request|set|target|drive/.test(k));
  if (energy < 0) energy = find(ENERGY);
  if (energy < 0) energy = keys.findIndex((k, i) => usable[i] && /energy/.test(k));
  if (energy < 0) energy = find(RELATIVE);
  if (energy < 0) {
    const angles = findAll(ANGLE);
    energy = angles.find((i) => /o$|read|obs/.test(keys[i])) ?? angles[0] ?? -1;
  }
  if (energy < 0) energy = usable.findIndex((u) => u);
  if (energy < 0) energy = 0;
  const notEnergy = (i: number): boolean => i !== energy;

  const generic = findAll(MU).filter(notEnergy);
  const muT = findAll(MU_TRANS).filter(notEnergy);
  const muF = findAll(MU_FLUO).filter(notEnergy);
  if (generic.length > 0) return { choice: { energy, mode: 'mu', mu: generic[0] }, notes };
  if (muT.length > 0 && muF.length > 0) {
    const fluo = fluorescenceWins(table.columns[muT[0]], table.columns[muF[0]]).fluorescence;
    const [chosen, other] = fluo ? [muF[0], muT[0]] : [muT[0], muF[0]];
    notes.push(`μ from "${name(chosen)}"; the file also has "${name(other)}"${fluo ? ' (its edge step is too small to be the measurement)' : ''}`);
    return { choice: { energy, mode: 'mu', mu: chosen }, notes };
  }
  if (muT.length > 0 || muF.length > 0) return { choice: { energy, mode: 'mu', mu: muT[0] ?? muF[0] }, notes };

  const i0 = find(I0);
  const it = find(IT);
  const sums = table.names.flatMap((n, i) => (isSumName(n) && usable[i] ? [i] : []));
  const single = find(IF);
  const fl = single >= 0 ? single : sums.length > 0 ? sums[0] : -1;
  const flName = fl < 0 ? '' : fl === single ? `"${name(fl)}"` : `${name(fl)} (the sum of the detector channels)`;
  if (i0 >= 0 && it >= 0 && fl >= 0) {
    const I = table.columns;
    const p = fluorescenceWins(I[i0].map((v, r) => Math.log(v / I[it][r])), I[fl].map((v, r) => v / I[i0][r]));
    if (p.fluorescence) {
      notes.push(`fluorescence ${flName}/I0 chosen: ln(I0/It) changes by only ${p.step.toFixed(3)} across the scan (a dilute or thick sample), the fluorescence by ${(100 * p.jump).toFixed(0)}%`);
      return { choice: { energy, mode: 'fluorescence', i0, signal: fl }, notes };
    }
    notes.push(`transmission ln(I0/It) chosen; the file also has fluorescence ${flName}: choose the fluorescence mode to use it`);
    return { choice: { energy, mode: 'transmission', i0, signal: it }, notes };
  }
  if (i0 >= 0 && it >= 0) return { choice: { energy, mode: 'transmission', i0, signal: it }, notes };
  if (i0 >= 0 && fl >= 0) {
    if (fl !== single) notes.push(`fluorescence is ${flName}`);
    return { choice: { energy, mode: 'fluorescence', i0, signal: fl }, notes };
  }

  const excluded = (i: number): boolean => i === energy || !usable[i] || I0.has(keys[i]) || TIME.has(keys[i]) || ENERGY.has(keys[i]) || ANGLE.has(keys[i]) || /energy/.test(keys[i]);
  const named = table.names.some((n, i) => n !== `col${i + 1}`);
  const sample = keys.findIndex((k, i) => !excluded(i) && !REFERENCE.has(k));
  if (sample >= 0) {
    if (named && !KNOWN(keys[sample])) notes.push(`"${name(sample)}" taken as μ: no column is named as μ, It or If (choose the columns if this is wrong)`);
    else if (!named && table.columns.length > 2) notes.push(`no column names: column ${energy + 1} read as energy and column ${sample + 1} as μ (choose the columns if this is wrong)`);
    if (IT.has(keys[sample]) || IF.has(keys[sample])) notes.push(`"${name(sample)}" shown as it is: the file has no I0 column to divide by`);
    return { choice: { energy, mode: 'mu', mu: sample }, notes };
  }
  const reference = keys.findIndex((_, i) => !excluded(i));
  if (reference >= 0) {
    notes.push(`only a reference channel ("${name(reference)}") holds a spectrum; it is shown`);
    return { choice: { energy, mode: 'mu', mu: reference }, notes };
  }
  const any = table.columns.findIndex((_, i) => i !== energy && usable[i]);
  return { choice: { energy, mode: 'mu', mu: any >= 0 ? any : energy === 0 ? 1 : 0 }, notes };
}

/** Best guess of the spectrum columns; chooseColumns also says why. */
export function guessColumns(table: ColumnTable): ColumnChoice {
  return chooseColumns(table).choice;
}

function column(table: ColumnTable, index: number | undefined, what: string): number[] {
  // Choices arrive from saved webview state and manifests too: 0.5 or NaN must be refused here,
  // not read as a missing column name further on.
  if (index === undefined || !Number.isInteger(index) || index < 0 || index >= table.columns.length) {
    throw new Error(`${what} column ${index === undefined ? 'not chosen' : index + 1} does not exist (table has ${table.columns.length})`);
  }
  return table.columns[index];
}

export interface TableSpectrum extends Spectrum {
  notes: string[];
}

const ANGLE_UNITS = /^(deg|degs?|degrees?|rad|radians?|mdeg|mrad)$/i;

function range(values: readonly number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

const fmt = (v: number): string => String(Number(v.toFixed(3)));

/** The energy column in eV: keV, Bragg angles and energies relative to E0 recognised and converted. */
function energyAxis(table: ColumnTable, index: number, raw: readonly number[], notes: string[]): number[] {
  const name = table.names[index];
  const units = (table.units?.[index] ?? splitUnits(name).units)?.trim().toLowerCase();
  const k = key(name);
  const { min, max } = range(raw);
  if ((units !== undefined && ANGLE_UNITS.test(units)) || (units === undefined && ANGLE.has(k))) {
    const d = table.dSpacing;
    if (d === undefined) {
      throw new Error(`column "${name}" holds monochromator angles, and the file gives no crystal d-spacing (XDI "Mono.d_spacing", 9809 "D= … A") to turn them into energies`);
    }
    const radians = units !== undefined ? /^(rad|radians?)$/.test(units) : units === undefined && max < 1.6;
    const scale = units === 'mdeg' ? Math.PI / 180000 : units === 'mrad' ? 1e-3 : radians ? 1 : Math.PI / 180;
    const e = raw.map((v) => HC_EV_ANGSTROM / (2 * d * Math.sin(v * scale)));
    notes.push(`energies from the monochromator angle "${name}" (${radians ? 'radians' : units === 'mdeg' || units === 'mrad' ? units : 'degrees'}) by Bragg's law with d = ${d} Å`);
    return e;
  }
  if (units === 'kev') {
    notes.push(`energies in keV ("${name}") converted to eV`);
    return raw.map((v) => v * 1000);
  }
  const relative = RELATIVE.has(k) || min < 0;
  if (relative && Number.isFinite(min)) {
    const e0 = table.edgeEnergy;
    if (e0 !== undefined && max < 3000) {
      notes.push(`energies are relative to the edge; E0 = ${e0} eV from the file header added`);
      return raw.map((v) => v + e0);
    }
    notes.push(`energies run from ${fmt(min)} to ${fmt(max)} eV: relative to the edge (E − E0), not absolute, and the file gives no E0; they are used as they are, so predictions (absolute eV) will not line up without a shift`);
    return [...raw];
  }
  if (units !== 'ev' && Number.isFinite(max) && max < 100) {
    notes.push('energies below 100 read as keV and converted to eV');
    return raw.map((v) => v * 1000);
  }
  return [...raw];
}

/** A note when the energies go back and forth: sweeps are merged by sorting, so they interleave. */
function orderNote(energies: readonly number[]): string | undefined {
  let up = 0;
  let down = 0;
  for (let i = 1; i < energies.length; i++) {
    if (energies[i] > energies[i - 1]) up++;
    else if (energies[i] < energies[i - 1]) down++;
  }
  if (up === 0 || down === 0) return undefined;
  const main = up >= down ? 1 : -1;
  let prev = NaN;
  let dir = 0;
  let back = 0;
  let first: { row: number; from: number; to: number } | undefined;
  for (let i = 0; i < energies.length; i++) {
    const e = energies[i];
    if (!Number.isFinite(e)) continue;
    if (Number.isFinite(prev) && e !== prev) {
      const d = e > prev ? 1 : -1;
      if (d !== main && dir === main) {
        back++;
        first ??= { row: i + 1, from: prev, to: e };
      }
      dir = d;
    }
    prev = e;
  }
  if (!first) return undefined;
  return `the energy goes back ${back} time(s) (first at data row ${first.row}: ${fmt(first.from)} → ${fmt(first.to)} eV, a restarted or repeated sweep); all points are taken in energy order, so overlapping sweeps interleave`;
}

/**
 * μ(E) from the chosen columns: μ directly, ln(I0/It) for transmission, If/I0 for fluorescence.
 * Energies are made absolute eV (keV below 100, Bragg angles, E − E0 with a known E0); points
 * without a number in a used column and repeated energies are dropped, and the notes say so.
 */
export function spectrumFromTable(table: ColumnTable, choice: ColumnChoice): TableSpectrum {
  const notes: string[] = [];
  const raw = column(table, choice.energy, 'energy');
  let mu: number[];
  if (choice.mode === 'mu') {
    mu = column(table, choice.mu, 'μ');
  } else {
    const i0 = column(table, choice.i0, 'I0');
    const sig = column(table, choice.signal, choice.mode === 'transmission' ? 'It' : 'If');
    mu = choice.mode === 'transmission' ? i0.map((v, i) => Math.log(v / sig[i])) : sig.map((v, i) => v / i0[i]);
  }
  const energies = energyAxis(table, choice.energy, raw, notes);
  const order = orderNote(energies);
  if (order) notes.push(order);
  const n = Math.min(energies.length, mu.length);
  let finite = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(energies[i]) && Number.isFinite(mu[i])) finite++;
  const clean = cleanSpectrum(energies, mu);
  const why = choice.mode === 'transmission' ? 'an empty, NaN or text cell, or I0 or It ≤ 0' : choice.mode === 'fluorescence' ? 'an empty, NaN or text cell, or I0 = 0' : 'an empty, NaN or text cell';
  if (n - finite > 0) notes.push(`${n - finite} point(s) dropped: ${why} in the columns used`);
  if (finite - clean.energies.length > 0) notes.push(`${finite - clean.energies.length} point(s) at a repeated energy dropped (the first kept)`);
  if (clean.energies.length < 5) {
    const used = [choice.energy, choice.mu, choice.i0, choice.signal].filter((i): i is number => i !== undefined).map((i) => `"${table.names[i]}"`);
    throw new Error(`only ${clean.energies.length} usable points in the chosen columns (${used.join(', ')}) of ${n} rows${n - finite > 0 ? `: ${n - finite} have ${why}` : ''}`);
  }
  return { ...clean, notes };
}
