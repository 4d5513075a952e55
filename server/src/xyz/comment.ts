// Extended-XYZ comment line: key=value pairs, values bare, "double" or 'single' quoted (\"
// escapes), or bracketed [..] / {..} (nested for 2-D arrays: Lattice=[[..],[..],[..]]); bare
// keys are boolean flags. Keys are matched case-insensitively.
export interface CommentField {
  key: string;
  value: string;
  /** Character offsets of the value within the line. */
  start: number;
  end: number;
  /**
   * false for a bare key (no `=`). A plain-XYZ title such as "Lattice constant 5.43 Å" then
   * holds the flag `Lattice`, which must not be read as a cell.
   */
  hasValue: boolean;
}

const CLOSE: Record<string, string> = { '"': '"', "'": "'", '[': ']', '{': '}' };
const OPENERS = '"\'[{';

export function parseCommentFields(line: string): Map<string, CommentField> {
  const out = new Map<string, CommentField>();
  const n = line.length;
  let i = 0;
  const ws = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';
  /** Reads a quoted or bracketed run starting at i (an opening character); returns its content. */
  const delimited = (): string => {
    const open = line[i++];
    const close = CLOSE[open];
    const quote = open === '"' || open === "'";
    let depth = 1;
    let s = '';
    while (i < n) {
      const c = line[i];
      if (c === '\\' && i + 1 < n) {
        s += line[i + 1];
        i += 2;
        continue;
      }
      if (!quote && c === open) depth++;
      else if (c === close && --depth === 0) break;
      s += c;
      i++;
    }
    i++;
    // Brackets are part of an array value (the 2-D Lattice form needs its inner ones); quotes are not.
    return quote ? s : open + s + close;
  };
  while (i < n) {
    while (i < n && ws(line[i])) i++;
    if (i >= n) break;
    const keyStart = i;
    let key: string;
    if (line[i] === '"' || line[i] === "'") key = delimited();
    else {
      while (i < n && !ws(line[i]) && line[i] !== '=') i++;
      key = line.slice(keyStart, i);
    }
    const keyEnd = Math.min(i, n);
    let j = i;
    while (j < n && ws(line[j])) j++;
    if (line[j] !== '=') {
      if (key) out.set(key.toLowerCase(), { key, value: 'T', start: keyStart, end: keyEnd, hasValue: false });
      continue;
    }
    i = j + 1;
    while (i < n && ws(line[i])) i++;
    let value = '';
    const start = i;
    if (i < n && OPENERS.includes(line[i])) {
      value = delimited();
    } else {
      while (i < n && !ws(line[i])) i++;
      value = line.slice(start, i);
    }
    if (key) out.set(key.toLowerCase(), { key, value, start, end: Math.min(i, n), hasValue: true });
  }
  return out;
}

/**
 * A real number as the extended-XYZ specification and Fortran programs write it: optional sign,
 * digits with an optional point (`1.`, `.5`), optional exponent with e, E, d or D (`1.0D-03`).
 * NaN for anything else, including what Number() would also accept (`0x1F`, `Infinity`, '').
 * A scan, not a regular expression: it runs for every coordinate of 10^5-atom files, and a
 * 100 kB junk token must fail in linear time.
 */
export function parseReal(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  let digits = 0;
  while (c >= 48 && c <= 57) { digits++; c = s.charCodeAt(++i); }
  if (c === 46) {
    c = s.charCodeAt(++i);
    while (c >= 48 && c <= 57) { digits++; c = s.charCodeAt(++i); }
  }
  if (digits === 0) return NaN;
  let fortran = false;
  if (c === 101 || c === 69 || c === 100 || c === 68) {
    fortran = c === 100 || c === 68;
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    let exp = 0;
    while (c >= 48 && c <= 57) { exp++; c = s.charCodeAt(++i); }
    if (exp === 0) return NaN;
  }
  if (i !== n) return NaN;
  return Number(fortran ? s.replace(/[dD]/, 'e') : s);
}

/** NaN, Inf or Infinity as written by C, Fortran and numpy for a diverged value. */
export function isNonFiniteWord(s: string): boolean {
  return /^[+-]?(?:nan|inf|infinity)$/i.test(s);
}

/** Numbers of an array value (`"a b c"`, `[a, b, c]`, `[[a,b,c],[..],[..]]`, `{a b c}`). */
export function parseRealArray(value: string): number[] {
  const parts = value.split(/[\s,[\]{}]+/).filter((x) => x.length > 0);
  return parts.map(parseReal);
}

/**
 * Booleans of a pbc value (`"T T F"`, `[T, T, F]`, `T`), or undefined when any entry is not one.
 * One value stands for all three directions, as ASE reads it.
 */
export function parseBoolArray(value: string): boolean[] | undefined {
  const parts = value.split(/[\s,[\]{}]+/).filter((x) => x.length > 0);
  const out: boolean[] = [];
  for (const p of parts) {
    if (/^(?:t|true|1)$/i.test(p)) out.push(true);
    else if (/^(?:f|false|0)$/i.test(p)) out.push(false);
    else return undefined;
  }
  return out;
}

export interface Columns {
  species: number;
  /** The species column is a `species` (symbols by the specification), not `Z`. */
  symbols: boolean;
  pos: number;
  /** Total number of columns the Properties declare. */
  width: number;
}

const MAX_COLUMNS = 10000;

/** Column layout from Properties=species:S:1:pos:R:3:...; undefined when species or pos is missing. */
export function parseProperties(spec: string): Columns | string {
  const parts = spec.split(':');
  if (parts.length % 3 !== 0) return `Properties '${spec}' is not a list of name:type:count triples`;
  let col = 0;
  let species = -1;
  let symbols = false;
  let pos = -1;
  for (let k = 0; k < parts.length; k += 3) {
    const name = parts[k].toLowerCase();
    const count = Number(parts[k + 2]);
    // A column count is small; 1e23 would make every line "too short" and the column arrays absurd.
    if (!Number.isInteger(count) || count < 1 || count > MAX_COLUMNS) return `Properties entry '${parts[k]}' has a bad column count '${parts[k + 2]}'`;
    if (name === 'species') { species = col; symbols = true; }
    if (name === 'z' && species < 0 && parts[k + 1].toUpperCase() === 'I') species = col;
    // `positions` is ASE's own name for pos; hand-written and converted files use it.
    if ((name === 'pos' || name === 'positions') && count === 3 && pos < 0) pos = col;
    col += count;
  }
  if (species < 0) return `Properties '${spec}' has no species column`;
  if (pos < 0) return `Properties '${spec}' has no pos:R:3 columns`;
  return { species, symbols, pos, width: col };
}

/** Å per unit of length, by i-PI's unit names. */
const IPI_LENGTH: Record<string, number> = {
  atomic_unit: 0.529177210903, bohr: 0.529177210903, angstrom: 1, nanometer: 10, picometer: 0.01,
};
/** i-PI trajectories whose xyz columns are positions; every other quantity (forces, velocities, …) is not. */
const IPI_POSITIONS = new Set(['positions', 'x_centroid']);

export interface IpiHeader {
  /** a, b, c (Å) and alpha, beta, gamma (degrees), or undefined when the cell is all zero. */
  cell?: [number, number, number, number, number, number];
  /** Å per coordinate unit and per cell unit; undefined when the unit is not one i-PI writes. */
  scale?: number;
  cellScale?: number;
  cellUnit: string;
  /** What the columns hold and in which unit, as written (`positions{atomic_unit}`). */
  quantity: string;
  unit: string;
  /** false when the title names no units: i-PI then means atomic units. */
  unitsGiven: boolean;
  positions: boolean;
  /** Offsets of the `CELL(abcABC):` … part, for diagnostics. */
  start: number;
  end: number;
}

/**
 * i-PI's xyz title: `# CELL(abcABC): a b c α β γ  Step: 4  Bead: 0 positions{atomic_unit} cell{atomic_unit}`.
 * i-PI writes atomic units (bohr) unless told otherwise, and its cell is periodic.
 */
export function parseIpiHeader(line: string): IpiHeader | undefined {
  const m = /CELL[([{]abcABC[)\]}]:((?:\s+[-+0-9.EeDd]+){6})/.exec(line);
  if (!m) return undefined;
  const nums = m[1].trim().split(/\s+/).map(parseReal);
  if (nums.some((x) => !Number.isFinite(x))) return undefined;
  const traj = /(?:^|\s)([A-Za-z_]+)\{([A-Za-z_]+)\}/.exec(line.replace(/cell\{[A-Za-z_]*\}/g, ''));
  const quantity = traj?.[1] ?? 'positions';
  const unit = traj?.[2] ?? 'atomic_unit';
  const cellUnit = /cell\{([A-Za-z_]+)\}/.exec(line)?.[1] ?? 'atomic_unit';
  const cellScale: number | undefined = IPI_LENGTH[cellUnit.toLowerCase()];
  const [a, b, c, al, be, ga] = nums;
  const k = cellScale ?? 1;
  const cell: IpiHeader['cell'] = a === 0 && b === 0 && c === 0 ? undefined : [a * k, b * k, c * k, al, be, ga];
  return {
    cell,
    scale: IPI_LENGTH[unit.toLowerCase()],
    cellScale,
    cellUnit,
    quantity,
    unit,
    unitsGiven: traj !== null || /cell\{/.test(line),
    positions: IPI_POSITIONS.has(quantity.toLowerCase()),
    start: m.index,
    end: m.index + m[0].length,
  };
}
