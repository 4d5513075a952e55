// Plain and extended XYZ: one StructureBlock per frame. Atom ranges are whole lines.
import { checkStructure, degenerateCell } from '../structure/checks';
import { MAX_COORDINATE } from '../structure/limits';
import { cartToFrac, fracToCart, latticeFromMatrix } from '../structure/lattice';
import { wrap01 } from '../structure/linalg';
import { elementFromSpecies } from '../structure/species';
import type {
  Lattice, ParseOptions, Site, SourceSite, Structure, StructureBlock, StructureDiagnostic, TextRange, Vec3,
} from '../structure/types';
import { parseCommentFields, parseProperties, type Columns } from './comment';

const DEFAULT_COLUMNS: Columns = { species: 0, pos: 1, width: 4 };

export interface XyzParseResult {
  blocks: StructureBlock[];
  diagnostics: StructureDiagnostic[];
}

function lineRange(line: number, start: number, end: number): TextRange {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Split into lines on CRLF, LF or CR, keeping no terminators. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[0].charCodeAt(0) === 0xfeff) lines[0] = ' ' + lines[0].slice(1);
  return lines;
}

const isBlank = (s: string): boolean => s.trim().length === 0;
const isCountLine = (s: string): boolean => /^\s*\d+\s*$/.test(s);

export function parseXyz(text: string, options?: ParseOptions): XyzParseResult {
  const maxAtoms = options?.maxAtoms ?? 200000;
  const lines = splitLines(text);
  const blocks: StructureBlock[] = [];
  const diagnostics: StructureDiagnostic[] = [];
  const report = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string): void => {
    diagnostics.push({ range, severity, code, message });
  };
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i])) { i++; continue; }
    const countLine = i;
    const header = lineRange(countLine, 0, lines[countLine].length);
    if (!isCountLine(lines[countLine])) {
      report(header, 'error', 'xyz.count', `Expected the number of atoms of frame ${blocks.length + 1} on this line, found '${abbreviate(lines[countLine].trim())}'`);
      i++;
      while (i < lines.length && !isCountLine(lines[i])) i++;
      continue;
    }
    const count = Number(lines[countLine].trim());
    const commentLine = countLine + 1;
    const comment = commentLine < lines.length ? lines[commentLine] : '';
    i = commentLine + 1;
    // Atom lines: the declared count, plus any further lines that are clearly atoms.
    const atomLines: number[] = [];
    while (i < lines.length && atomLines.length < count && !isBlank(lines[i]) && !isCountLine(lines[i])) atomLines.push(i++);
    if (atomLines.length < count) {
      report(header, 'error', 'xyz.count', `Frame ${blocks.length + 1} declares ${count} atoms but has ${atomLines.length} atom lines`);
    } else {
      const extraStart = atomLines.length;
      while (i < lines.length && !isBlank(lines[i]) && !isCountLine(lines[i])) atomLines.push(i++);
      if (atomLines.length > extraStart) {
        report(header, 'error', 'xyz.count', `Frame ${blocks.length + 1} declares ${count} atoms but has ${atomLines.length} atom lines; all are read`);
      }
    }
    const name = `frame ${blocks.length + 1}`;
    const lastLine = atomLines.length > 0 ? atomLines[atomLines.length - 1] : Math.min(commentLine, lines.length - 1);
    const range: TextRange = { start: header.start, end: { line: lastLine, character: lines[lastLine].length } };
    if (atomLines.length > maxAtoms) {
      report(header, 'error', 'structure.tooLarge', `${atomLines.length} atoms exceed the limit of ${maxAtoms}`);
      blocks.push({ name, range, headerRange: header, structure: null });
      continue;
    }
    let structure: Structure | null = frameStructure(name, lines, commentLine < lines.length ? commentLine : -1, comment, atomLines, report);
    const degenerate = structure.lattice ? degenerateCell(structure.lattice, structure.sites.length) : undefined;
    if (degenerate) {
      report(commentLine < lines.length ? lineRange(commentLine, 0, lines[commentLine].length) : header, 'error', 'cell.degenerate', degenerate);
      structure = null;
    }
    if (structure) diagnostics.push(...checkStructure(structure, { sharedPosition: Math.max(options?.symmetryTolerance ?? 0.01, 0.05) }));
    blocks.push({ name, range, headerRange: header, structure });
  }
  return { blocks, diagnostics };
}

type Reporter = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string) => void;

function frameStructure(
  name: string, lines: string[], commentLine: number, comment: string, atomLines: number[], report: Reporter,
): Structure {
  const fields = parseCommentFields(comment);
  let columns = DEFAULT_COLUMNS;
  const props = fields.get('properties');
  if (props) {
    const c = parseProperties(props.value);
    if (typeof c === 'string') report(lineRange(commentLine, props.start, props.end), 'error', 'xyz.properties', `${c}; species x y z columns assumed`);
    else columns = c;
  }
  let lattice: Lattice | null = null;
  let pbc: [boolean, boolean, boolean] = [false, false, false];
  const lat = fields.get('lattice');
  if (lat) {
    const nums = lat.value.trim().split(/[\s,]+/).map(Number);
    const where = lineRange(commentLine, lat.start, lat.end);
    if (nums.length !== 9 || nums.some((x) => !Number.isFinite(x))) {
      report(where, 'error', 'cell.invalid', `Lattice must be 9 numbers (a, b, c vectors), got '${lat.value}'`);
    } else {
      try {
        lattice = latticeFromMatrix([nums.slice(0, 3), nums.slice(3, 6), nums.slice(6, 9)]);
        pbc = [true, true, true];
      } catch (e) {
        report(where, 'error', 'cell.invalid', `Lattice is not a cell: ${(e as Error).message}`);
      }
    }
  }
  const pbcField = fields.get('pbc');
  if (pbcField && lattice) {
    const flags = pbcField.value.trim().split(/[\s,]+/).map((x) => /^(t|true|1)$/i.test(x));
    if (flags.length === 3) pbc = [flags[0], flags[1], flags[2]];
    // A box around a molecule: ASE writes a Lattice with pbc="F F F".
    if (!pbc.some((x) => x)) lattice = null;
  }

  const sourceSites: SourceSite[] = [];
  const sites: Site[] = [];
  // Field offsets of the current line, for the columns we read (no per-line array of strings:
  // at 10^5 atoms the split() garbage was a third of the parse time).
  const needed = Math.max(columns.pos + 3, columns.species + 1);
  const starts = new Int32Array(needed);
  const ends = new Int32Array(needed);
  const field = (text: string, k: number): string => text.slice(starts[k], ends[k]);
  for (const ln of atomLines) {
    const text = lines[ln];
    const range = lineRange(ln, 0, text.length);
    const count = splitFields(text, starts, ends);
    // Properties may put species after pos: both columns must be on the line.
    if (count < needed) {
      report(range, 'error', 'coord.nonnumeric', `Atom line needs ${columns.width} columns (species and x y z), found ${count}`);
      continue;
    }
    const x = Number(field(text, columns.pos));
    const y = Number(field(text, columns.pos + 1));
    const z = Number(field(text, columns.pos + 2));
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      const written = [0, 1, 2].map((k) => field(text, columns.pos + k)).join(' ');
      report(range, 'error', 'coord.nonnumeric', `Coordinates '${written}' are not three numbers; atom skipped`);
      continue;
    }
    if (Math.max(Math.abs(x), Math.abs(y), Math.abs(z)) > MAX_COORDINATE) {
      report(range, 'error', 'coord.range', `Coordinates ${x} ${y} ${z} are out of range (beyond ±${MAX_COORDINATE} Å); atom skipped`);
      continue;
    }
    const sp = field(text, columns.species);
    const match = elementFromSpecies(sp);
    if (!match) report(range, 'error', 'element.unknown', `'${sp}' is not a chemical element or atomic number`);
    const element = match?.element ?? sp;
    const Z = match?.Z ?? 0;
    const index = sourceSites.length;
    const label = `${element}${index + 1}`;
    let cart: Vec3 = [x, y, z];
    let frac: Vec3 | null = null;
    if (lattice) {
      const f = cartToFrac(lattice, cart);
      frac = [pbc[0] ? wrap01(f[0]) : f[0], pbc[1] ? wrap01(f[1]) : f[1], pbc[2] ? wrap01(f[2]) : f[2]];
      cart = fracToCart(lattice, frac);
    }
    const source: SourceSite = { index, label, element, Z, occupancy: 1, cart, range };
    if (frac) source.frac = frac;
    sourceSites.push(source);
    sites.push({ element, Z, frac, cart, occupancy: 1, label, sourceSite: index, orbit: index, range });
  }
  return {
    name,
    lattice,
    pbc: lattice ? pbc : [false, false, false],
    sites,
    sourceSites,
    orbits: sites.map((_, k) => [k]),
    symops: ['x,y,z'],
  };
}

/** JavaScript's \s (what trim() and split(/\s+/) use), so columns split exactly as before. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Whitespace-separated fields of a line: offsets of the first starts.length, and the total count. */
function splitFields(text: string, starts: Int32Array, ends: Int32Array): number {
  const n = text.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    if (count < starts.length) {
      starts[count] = s;
      ends[count] = i;
    }
    count++;
  }
  return count;
}

function abbreviate(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}
