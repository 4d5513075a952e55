// Plain and extended XYZ: one StructureBlock per frame. Atom ranges are whole lines.
import { checkStructure, degenerateCell } from '../structure/checks';
import { MAX_COORDINATE } from '../structure/limits';
import { cartToFrac, fracToCart, latticeFromMatrix, latticeFromParameters } from '../structure/lattice';
import { wrap01 } from '../structure/linalg';
import { hasNeighbourWithin } from '../structure/samePosition';
import { BONDED_WITHIN, elementFromSpecies, xyzSpecies, type XyzSpecies } from '../structure/species';
import type {
  Lattice, ParseOptions, Site, SourceSite, Structure, StructureBlock, StructureDiagnostic, TextRange, Vec3,
} from '../structure/types';
import { completeCell } from './cell';
import {
  isNonFiniteWord, parseBoolArray, parseCommentFields, parseIpiHeader, parseProperties, parseReal, parseRealArray,
  type Columns, type CommentField, type IpiHeader,
} from './comment';
import { lineRange, splitLines } from '../structure/textLines';

const DEFAULT_COLUMNS: Columns = { species: 0, symbols: false, pos: 1, width: 4 };

export interface XyzParseResult {
  blocks: StructureBlock[];
  diagnostics: StructureDiagnostic[];
}


const isBlank = (s: string): boolean => s.trim().length === 0;
/**
 * 'END' after a frame, as some programs write it: a terminator, read past without a word as
 * readers that stop at the count do; it is no atom and no count.
 */
const isEndLine = (s: string): boolean => /^\s*end\s*$/i.test(s);
const isCountLine = (s: string): boolean => /^\s*\d+\s*$/.test(s);
/** ADF/AMS (and ASE's vec_cell) write the periodic cell vectors as pseudo-atoms VEC1..VEC3 after the atoms. */
const VEC_LINE = /^\s*VEC([123])\s/i;
/** LAMMPS `dump xyz` titles every frame so, and writes atom types where the element belongs. */
const LAMMPS_TITLE = /^\s*Atoms\.\s+Timestep:/;
/**
 * Placeholders that are no atom: ASE's and Gaussian's dummy X, Open Babel's Xx, Gaussian's ghost
 * Bq, the Tripos dummy Du; CP2K writes Wannier centres as X. Read as labels, Bq would be boron
 * and Du deuterium.
 */
const DUMMY = /^(?:x|xx|bq|du)\d*$/i;

type Reporter = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string) => void;

export function parseXyz(text: string, options?: ParseOptions): XyzParseResult {
  const maxAtoms = options?.maxAtoms ?? 200000;
  const lines = splitLines(text);
  const blocks: StructureBlock[] = [];
  const diagnostics: StructureDiagnostic[] = [];
  const report: Reporter = (range, severity, code, message) => {
    diagnostics.push({ range, severity, code, message });
  };
  // Codes said once per document: a trajectory would otherwise repeat them on every frame.
  const once = new Set<string>();
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i]) || isEndLine(lines[i])) { i++; continue; }
    const countLine = i;
    const header = lineRange(countLine, 0, lines[countLine].length);
    if (!isCountLine(lines[countLine])) {
      report(header, 'error', 'xyz.count', countLineMessage(lines, countLine, blocks.length + 1));
      i++;
      while (i < lines.length && !isCountLine(lines[i])) i++;
      continue;
    }
    const count = Number(lines[countLine].trim());
    const frameNo = blocks.length + 1;
    const commentLine = countLine + 1;
    const comment = commentLine < lines.length ? lines[commentLine] : '';
    i = commentLine + 1;
    const atomLines: number[] = [];
    const vecLines: number[] = [];
    const take = (ln: number): void => {
      if (VEC_LINE.test(lines[ln])) vecLines.push(ln);
      else atomLines.push(ln);
    };
    while (i < lines.length && atomLines.length < count && !isCountLine(lines[i]) && !isEndLine(lines[i])) {
      if (isBlank(lines[i])) {
        // A blank line inside the atoms: read on when atoms follow (not when the next frame does).
        let k = i;
        while (k < lines.length && isBlank(lines[k])) k++;
        if (k >= lines.length || isCountLine(lines[k]) || isEndLine(lines[k])) break;
        report(lineRange(i, 0, lines[i].length), 'warning', 'xyz.blankLine',
          `Blank line inside the atoms of frame ${frameNo}: the atoms after it are read too, but most XYZ readers stop or fail here`);
        i = k;
        continue;
      }
      take(i++);
    }
    if (atomLines.length < count) {
      report(header, 'error', 'xyz.count', `Frame ${frameNo} declares ${count} atoms but has ${atomLines.length} atom lines${missingCommentHint(lines, commentLine, count, atomLines.length)}`);
    } else {
      while (i < lines.length && vecLines.length < 3 && VEC_LINE.test(lines[i])) vecLines.push(i++);
      const extraStart = atomLines.length;
      // Any further lines that are clearly atoms.
      while (i < lines.length && !isBlank(lines[i]) && !isCountLine(lines[i]) && !isEndLine(lines[i])) take(i++);
      if (atomLines.length > extraStart) {
        report(header, 'error', 'xyz.count', `Frame ${frameNo} declares ${count} atoms but has ${atomLines.length} atom lines; all are read`);
      }
    }
    const name = `frame ${frameNo}`;
    const lastUsed = Math.max(atomLines[atomLines.length - 1] ?? -1, vecLines[vecLines.length - 1] ?? -1);
    const lastLine = lastUsed >= 0 ? lastUsed : Math.min(commentLine, lines.length - 1);
    const range: TextRange = { start: header.start, end: { line: lastLine, character: lines[lastLine].length } };
    if (atomLines.length > maxAtoms) {
      report(header, 'error', 'structure.tooLarge', `${atomLines.length} atoms exceed the limit of ${maxAtoms}`);
      blocks.push({ name, range, headerRange: header, structure: null });
      continue;
    }
    const commentRange = commentLine < lines.length ? lineRange(commentLine, 0, lines[commentLine].length) : header;
    const frame = frameStructure(name, lines, commentLine < lines.length ? commentLine : -1, comment, atomLines, vecLines, report, once);
    let structure: Structure | null = frame.refused ? null : frame.structure;
    const lammps = LAMMPS_TITLE.test(comment);
    if (!once.has('xyz.typeIds') && frame.numericSpecies.length > 0 && (lammps || frame.symbolColumn)) {
      once.add('xyz.typeIds');
      const shown = frame.numericSpecies.slice(0, 3).map(([t, el]) => `${t} as ${el}`).join(', ');
      report(commentRange, 'warning', 'xyz.typeIds', lammps
        ? `LAMMPS writes atom types here, not atomic numbers: types were read as elements (${shown}). Write element names with dump_modify ... element`
        : `The species column holds numbers, read as atomic numbers (${shown}); extended XYZ species are element symbols, and numbers here are usually type ids (OVITO, LAMMPS). Name the types by element`);
    }
    const degenerate = structure?.lattice ? degenerateCell(structure.lattice, structure.sites.length) : undefined;
    if (degenerate) {
      report(commentRange, 'error', 'cell.degenerate', degenerate);
      structure = null;
    }
    const same = structure ? coincident(structure) : null;
    if (same && structure) {
      // Checked before the contact search, which pairs every atom with every other here.
      const first = structure.sites[0].range.start.line;
      const last = structure.sites[structure.sites.length - 1].range.end;
      report({ start: { line: first, character: 0 }, end: last }, 'error', 'xyz.noCoordinates',
        `All ${structure.sites.length} atoms of frame ${frameNo} are at one point (${same.map((x) => x.toFixed(3)).join(', ')}): the file has no 3-D coordinates (Open Babel writes zeros unless asked for --gen3d)`);
      structure = null;
    }
    if (structure) diagnostics.push(...checkStructure(structure, { sharedPosition: Math.max(options?.symmetryTolerance ?? 0.01, 0.05), noOccupancies: true }));
    blocks.push({ name, range, headerRange: header, structure });
  }
  return { blocks, diagnostics };
}

/** Why a line that should hold the atom count does not, with the likely cause when it is recognisable. */
function countLineMessage(lines: string[], ln: number, frame: number): string {
  const s = lines[ln].trim();
  const base = `Expected the number of atoms of frame ${frame} on this line, found '${abbreviate(s)}'`;
  if (/^\d+\s+\S/.test(s)) {
    let k = ln + 1;
    while (k < lines.length && isBlank(lines[k])) k++;
    // Tinker: "N title", then "index type x y z class bonds...".
    if (k < lines.length && /^\s*\d+\s+[A-Za-z]\S*\s+\S+\s+\S+\s+\S+/.test(lines[k])) {
      return `${base}: a count followed by a title, and numbered atom lines, are Tinker's XYZ format, which is not read here (plain XYZ has the count alone on its line)`;
    }
    return `${base}: plain XYZ has the count alone on its line`;
  }
  return base;
}

/** A hint when the frame is one atom short and its "comment" is an atom line: the comment line was left out. */
function missingCommentHint(lines: string[], commentLine: number, count: number, found: number): string {
  if (found !== count - 1 || commentLine >= lines.length) return '';
  const f = lines[commentLine].trim().split(/\s+/);
  const looksLikeAtom = f.length >= 4 && elementFromSpecies(f[0]) !== undefined && f.slice(1, 4).every((x) => Number.isFinite(parseReal(x)));
  return looksLikeAtom ? `; line ${commentLine + 1}, read as the comment line, looks like an atom: is the comment line missing?` : '';
}

/** The common position when a frame of ≥ 2 atoms has all of them within 1e-6 Å of the first. */
function coincident(s: Structure): Vec3 | null {
  const n = s.sites.length;
  if (n < 2) return null;
  const p = s.sites[0].cart;
  for (let k = 1; k < n; k++) {
    const q = s.sites[k].cart;
    if (Math.abs(q[0] - p[0]) > 1e-6 || Math.abs(q[1] - p[1]) > 1e-6 || Math.abs(q[2] - p[2]) > 1e-6) return null;
  }
  return p;
}

interface FrameResult {
  structure: Structure;
  /** The columns are not positions (an i-PI force or velocity trajectory): no structure. */
  refused: boolean;
  /** Species written as numbers, with the element each was read as (first of each, in order). */
  numericSpecies: [string, string][];
  /** Properties name the species column `species`, whose values the specification makes symbols. */
  symbolColumn: boolean;
}

interface CellSpec {
  rows: Vec3[];
  pbc: [boolean, boolean, boolean];
  where: TextRange;
}

function frameStructure(
  name: string, lines: string[], commentLine: number, comment: string, atomLines: number[], vecLines: number[], report: Reporter,
  once: Set<string>,
): FrameResult {
  const fields = parseCommentFields(comment);
  const valued = (key: string): CommentField | undefined => {
    const f = fields.get(key);
    return f && f.hasValue ? f : undefined;
  };
  const at = (f: { start: number; end: number }): TextRange => lineRange(commentLine, f.start, f.end);
  let columns = DEFAULT_COLUMNS;
  const props = valued('properties');
  if (props) {
    const c = parseProperties(props.value);
    if (typeof c === 'string') report(at(props), 'error', 'xyz.properties', `${c}; species x y z columns assumed`);
    else columns = c;
  }
  const lat = valued('lattice');
  const ipi = vecLines.length === 0 && !lat ? parseIpiHeader(comment) : undefined;
  let scale = 1;
  let refused = false;
  if (ipi) {
    const where = at(ipi);
    if (!ipi.positions) {
      report(where, 'error', 'xyz.notPositions', `This i-PI file holds ${ipi.quantity}{${ipi.unit}}, not atom positions: no structure is built from it`);
      refused = true;
    } else if (ipi.scale === undefined || ipi.cellScale === undefined) {
      report(where, 'warning', 'xyz.units', `Unknown i-PI length unit in ${ipi.quantity}{${ipi.unit}} cell{${ipi.cellUnit}}: read as Å`);
    } else {
      scale = ipi.scale;
      if ((scale !== 1 || ipi.cellScale !== 1) && !once.has('xyz.units')) {
        once.add('xyz.units');
        report(where, 'information', 'xyz.units', ipi.unitsGiven
          ? `i-PI wrote positions in ${ipi.unit} and the cell in ${ipi.cellUnit}; converted to Å`
          : 'An i-PI title without units: i-PI means atomic units (bohr); positions and cell converted to Å');
      }
    }
  }
  const cell = vecLines.length > 0 ? vecCell(lines, vecLines, report)
    : ipi ? ipiCell(ipi, at(ipi), report)
      : commentCell(lat, valued('pbc'), at, report);

  // Atoms kept, in flat arrays: the cell may need their extent before any site can be built.
  const n = atomLines.length;
  const coords = new Float64Array(3 * n);
  const zs = new Int32Array(n);
  const sourceLines = new Int32Array(n);
  const elements: string[] = [];
  let kept = 0;
  const numericSpecies: [string, string][] = [];
  const numericSeen = new Set<string>();
  let dummies = 0;
  let firstDummy = -1;
  const codes = new SpeciesCodes();
  // A frame has a handful of species over thousands of lines: each is looked at once.
  const speciesSeen = new Map<string, XyzSpecies>();
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
    const written = [field(text, columns.pos), field(text, columns.pos + 1), field(text, columns.pos + 2)];
    const x = parseReal(written[0]) * scale;
    const y = parseReal(written[1]) * scale;
    const z = parseReal(written[2]) * scale;
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
      const message = written.some(isNonFiniteWord)
        ? `Coordinates '${written.join(' ')}' are not finite (NaN or infinity: the run that wrote them diverged); atom skipped`
        : `Coordinates '${written.join(' ')}' are not three numbers; atom skipped`;
      report(range, 'error', 'coord.nonnumeric', message);
      continue;
    }
    if (Math.max(Math.abs(x), Math.abs(y), Math.abs(z)) > MAX_COORDINATE) {
      report(range, 'error', 'coord.range', `Coordinates ${x} ${y} ${z} are out of range (beyond ±${MAX_COORDINATE} Å); atom skipped`);
      continue;
    }
    const sp = field(text, columns.species);
    if (DUMMY.test(sp)) {
      if (dummies++ === 0) firstDummy = ln;
      continue;
    }
    let reading = speciesSeen.get(sp);
    if (!reading) {
      reading = xyzSpecies(sp);
      speciesSeen.set(sp, reading);
    }
    const match = reading.kind === 'element' || reading.kind === 'guess' ? reading
      : reading.kind === 'ambiguous' ? reading.apart : undefined;
    if (!match) report(range, 'error', 'element.unknown', `'${sp}' is not a chemical element or atomic number`);
    else if (/^\d+$/.test(sp) && !numericSeen.has(sp)) {
      numericSeen.add(sp);
      numericSpecies.push([sp, match.element]);
    }
    if (reading.kind === 'guess' || reading.kind === 'ambiguous') codes.add(kept, sp, ln, reading);
    coords[3 * kept] = x;
    coords[3 * kept + 1] = y;
    coords[3 * kept + 2] = z;
    zs[kept] = match?.Z ?? 0;
    sourceLines[kept] = ln;
    elements.push(match?.element ?? sp);
    kept++;
  }
  if (dummies > 0) {
    report(lineRange(firstDummy, 0, lines[firstDummy].length), 'information', 'xyz.dummy',
      `${dummies} dummy atom${dummies === 1 ? '' : 's'} (X, Xx, Bq, Du: placeholders, ghost atoms or Wannier centres) left out of the structure`);
  }

  let lattice: Lattice | null = null;
  let pbc: [boolean, boolean, boolean] = [false, false, false];
  // A box around a molecule: ASE writes a Lattice with pbc="F F F".
  if (cell && cell.pbc.some(Boolean)) {
    const m = completeCell(cell.rows, cell.pbc, coords.subarray(0, 3 * kept));
    if (typeof m === 'string') report(cell.where, 'error', 'cell.invalid', m);
    else {
      try {
        lattice = latticeFromMatrix(m);
        pbc = cell.pbc;
      } catch (e) {
        report(cell.where, 'error', 'cell.invalid', `Lattice is not a cell: ${(e as Error).message}`);
      }
    }
  }

  if (codes.ambiguous.length > 0) {
    // The atom's surroundings decide between two readings: periodic images count.
    const positions: Vec3[] = new Array<Vec3>(kept);
    for (let k = 0; k < kept; k++) {
      const cart: Vec3 = [coords[3 * k], coords[3 * k + 1], coords[3 * k + 2]];
      positions[k] = lattice ? cartToFrac(lattice, cart) : cart;
    }
    const near = hasNeighbourWithin(positions, lattice, pbc, BONDED_WITHIN);
    codes.ambiguous.forEach(({ k }, n) => {
      const m = codes.resolve(n, near[k] === 1);
      zs[k] = m.Z;
      elements[k] = m.element;
    });
  }
  codes.report(lines, report, once);

  const sourceSites: SourceSite[] = [];
  const sites: Site[] = [];
  for (let k = 0; k < kept; k++) {
    const ln = sourceLines[k];
    const range = lineRange(ln, 0, lines[ln].length);
    const element = elements[k];
    const Z = zs[k];
    const label = `${element}${k + 1}`;
    let cart: Vec3 = [coords[3 * k], coords[3 * k + 1], coords[3 * k + 2]];
    let frac: Vec3 | null = null;
    if (lattice) {
      const f = cartToFrac(lattice, cart);
      frac = [pbc[0] ? wrap01(f[0]) : f[0], pbc[1] ? wrap01(f[1]) : f[1], pbc[2] ? wrap01(f[2]) : f[2]];
      cart = fracToCart(lattice, frac);
    }
    const source: SourceSite = { index: k, label, element, Z, occupancy: 1, cart, range };
    if (frac) source.frac = frac;
    sourceSites.push(source);
    sites.push({ element, Z, frac, cart, occupancy: 1, label, sourceSite: k, orbit: k, range });
  }
  const structure: Structure = {
    name,
    lattice,
    pbc: lattice ? pbc : [false, false, false],
    sites,
    sourceSites,
    orbits: sites.map((_, k) => [k]),
    symops: ['x,y,z'],
  };
  return { structure, numericSpecies, refused, symbolColumn: columns.symbols };
}

interface CodeUse {
  reading: Extract<XyzSpecies, { kind: 'guess' | 'ambiguous' }>;
  /** First line written with it. */
  line: number;
  /** Atoms written with it, and of those read as the `apart` reading of an ambiguous code. */
  count: number;
  apart: number;
}

/**
 * Species that are not plain element symbols, per frame: what each was read as, for how many
 * atoms, said once per document at its first line (a trajectory repeats them every frame).
 */
class SpeciesCodes {
  /** Atoms (kept-atom indices) whose reading their surroundings decide, with their code. */
  readonly ambiguous: { k: number; use: CodeUse }[] = [];
  private readonly uses = new Map<string, CodeUse>();

  add(k: number, token: string, line: number, reading: CodeUse['reading']): void {
    let use = this.uses.get(token);
    if (!use) {
      use = { reading, line, count: 0, apart: 0 };
      this.uses.set(token, use);
    }
    use.count++;
    if (reading.kind === 'ambiguous') this.ambiguous.push({ k, use });
  }

  /** The element of ambiguous atom number `n` (in the order added), counted for the report. */
  resolve(n: number, bonded: boolean): { element: string; Z: number } {
    const { use } = this.ambiguous[n];
    const r = use.reading;
    if (r.kind !== 'ambiguous') return r;
    if (bonded) return r.bonded;
    use.apart++;
    return r.apart;
  }

  report(lines: string[], report: Reporter, once: Set<string>): void {
    // Atom types elsewhere in the frame say the file is written in them (an Amber or CHARMM export).
    const typed = [...this.uses].filter(([, u]) => u.reading.kind === 'guess').map(([t]) => t);
    const evidence = typed.length > 0 ? `; the file names atoms by codes (${typed.slice(0, 4).join(', ')}${typed.length > 4 ? ', …' : ''}), as force-field exports do` : '';
    const atoms = (n: number): string => `${n} atom${n === 1 ? '' : 's'}`;
    for (const [token, use] of this.uses) {
      const key = `xyz.species:${token}`;
      if (once.has(key)) continue;
      const r = use.reading;
      const range = lineRange(use.line, 0, lines[use.line].length);
      if (r.kind === 'guess') {
        once.add(key);
        report(range, r.certain ? 'information' : 'warning', 'element.assumed', r.certain
          ? `'${token}' read as ${r.element}, ${r.why} (${atoms(use.count)})`
          : `'${token}' is not an element symbol: read as ${r.element}, ${r.why} (${atoms(use.count)}). Write element symbols to be sure`);
        continue;
      }
      const bonded = use.count - use.apart;
      // A caseless 'CU' far from everything is copper, as old programs upper-case symbols.
      if (bonded === 0 && r.quietApart && typed.length === 0) continue;
      once.add(key);
      const parts: string[] = [];
      if (bonded > 0) parts.push(`as ${r.bonded.element} for ${atoms(bonded)} (${r.bondedWhy})`);
      if (use.apart > 0) parts.push(`as ${r.apart.element} for ${atoms(use.apart)} (${r.apartWhy})`);
      report(range, 'warning', 'element.assumed', `'${token}' read ${parts.join(' and ')}${evidence}. Write element symbols to be sure`);
    }
  }
}

/** i-PI's cell (always periodic); none when i-PI wrote an all-zero cell for a cluster. */
function ipiCell(ipi: IpiHeader, where: TextRange, report: Reporter): CellSpec | null {
  if (!ipi.cell) return null;
  try {
    const m = latticeFromParameters(...ipi.cell).matrix;
    return { rows: [m[0], m[1], m[2]], pbc: [true, true, true], where };
  } catch (e) {
    report(where, 'error', 'cell.invalid', `CELL(abcABC) is not a cell: ${(e as Error).message}`);
    return null;
  }
}

/** Lattice= and pbc= of the comment line; null when there is no Lattice (a molecule). */
function commentCell(
  lat: CommentField | undefined,
  pbcField: CommentField | undefined,
  at: (f: { start: number; end: number }) => TextRange,
  report: Reporter,
): CellSpec | null {
  let pbc: [boolean, boolean, boolean] = [true, true, true];
  let pbcGiven = false;
  if (pbcField) {
    const flags = parseBoolArray(pbcField.value);
    if (flags && flags.length === 3) { pbc = [flags[0], flags[1], flags[2]]; pbcGiven = true; }
    else if (flags && flags.length === 1) { pbc = [flags[0], flags[0], flags[0]]; pbcGiven = true; }
    else report(at(pbcField), 'warning', 'xyz.pbc', `pbc must be three of T/F (e.g. pbc="T T F"), got '${abbreviate(pbcField.value)}'; ${lat ? 'T T T' : 'no periodicity'} assumed`);
  }
  if (!lat) {
    if (pbcField && pbcGiven && pbc.some(Boolean)) {
      report(at(pbcField), 'warning', 'xyz.pbc', 'pbc marks the frame periodic but there is no Lattice: read as a molecule');
    }
    return null;
  }
  const nums = parseRealArray(lat.value);
  const where = at(lat);
  if ((nums.length !== 9 && nums.length !== 3) || nums.some((x) => !Number.isFinite(x))) {
    report(where, 'error', 'cell.invalid', `Lattice must be 9 numbers (a, b, c vectors) or 3 (an orthorhombic cell's diagonal), got '${abbreviate(lat.value)}'`);
    return null;
  }
  const rows: Vec3[] = nums.length === 9
    ? [[nums[0], nums[1], nums[2]], [nums[3], nums[4], nums[5]], [nums[6], nums[7], nums[8]]]
    : [[nums[0], 0, 0], [0, nums[1], 0], [0, 0, nums[2]]];
  return { rows, pbc, where };
}

/** The cell from VEC1..VEC3 lines: the vectors given are periodic, the others not. */
function vecCell(lines: string[], vecLines: number[], report: Reporter): CellSpec | null {
  const rows: Vec3[] = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const pbc: [boolean, boolean, boolean] = [false, false, false];
  const first = vecLines[0];
  const last = vecLines[vecLines.length - 1];
  const where: TextRange = { start: { line: first, character: 0 }, end: { line: last, character: lines[last].length } };
  for (const ln of vecLines) {
    const f = lines[ln].trim().split(/\s+/);
    const k = Number(VEC_LINE.exec(lines[ln])?.[1]) - 1;
    const v = f.slice(1, 4).map(parseReal);
    if (v.length !== 3 || v.some((x) => !Number.isFinite(x)) || pbc[k]) {
      report(lineRange(ln, 0, lines[ln].length), 'error', 'cell.invalid', pbc[k]
        ? `VEC${k + 1} is given twice`
        : `Cell vector line must be VEC${k + 1} x y z, got '${abbreviate(lines[ln].trim())}'`);
      return null;
    }
    rows[k] = [v[0], v[1], v[2]];
    pbc[k] = true;
  }
  return { rows, pbc, where };
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
