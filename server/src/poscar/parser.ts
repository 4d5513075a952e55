// VASP POSCAR/CONTCAR: one StructureBlock per file. Every line's role follows from its place
// (comment, scale, lattice, species names, counts, selective dynamics, mode, coordinates), so
// the file is read top down and each section reports on its own line. Atom ranges are whole lines.
import { checkStructure, degenerateCell } from '../structure/checks';
import { atomicNumber, elementSymbol } from '../structure/elements';
import { MAX_COORDINATE } from '../structure/limits';
import { cartToFrac, fracToCart, latticeFromMatrix } from '../structure/lattice';
import { det3, wrap01 } from '../structure/linalg';
import type {
  Lattice, Mat3, ParseOptions, Site, SourceSite, Structure, StructureBlock, StructureDiagnostic, TextRange, Vec3,
} from '../structure/types';
import { isNonFiniteWord, parseReal } from '../xyz/comment';
import { lineRange, splitLines } from '../structure/textLines';

/** One species as the file names and counts it. */
export interface PoscarSpecies {
  /** As written (`Fe_pv`, `Fe/1a2b3c`), or as found on the comment line or atom labels. */
  name: string;
  /** Element symbol; the name itself when it names no element (Z = 0, a diagnostic says so). */
  element: string;
  Z: number;
  count: number;
  /** The name's token on the species line; null when the file has no species line. */
  range: TextRange | null;
}

/** Where each section of the file sits (0-based lines; null when the file has no such line). */
export interface PoscarLayout {
  comment: string;
  scaleLine: number | null;
  /** The lattice vector lines read (up to three). */
  latticeLines: number[];
  /** The scaled cell, when the scale and lattice lines make one (whatever else is wrong). */
  lattice: Lattice | null;
  speciesLine: number | null;
  countsLine: number | null;
  selectiveLine: number | null;
  modeLine: number | null;
  /** First and last coordinate line; null when there are none. */
  coordinates: { first: number; last: number } | null;
  cartesian: boolean;
  selectiveDynamics: boolean;
  /** Where the species names came from: VASP 5 files have a line for them, VASP 4 files do not. */
  names: 'species line' | 'comment line' | 'atom labels' | 'missing';
  species: PoscarSpecies[];
}

export interface PoscarParseResult {
  blocks: StructureBlock[];
  diagnostics: StructureDiagnostic[];
  /** null for an empty file. */
  layout: PoscarLayout | null;
}

type Reporter = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string) => void;

interface Field {
  text: string;
  start: number;
  end: number;
}


function fieldsOf(text: string): Field[] {
  const out: Field[] = [];
  for (const m of text.matchAll(/\S+/g)) out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

/** Fields before a `!` or `#` comment, which ASE and hand-written files put after counts and names. */
function fieldsBeforeComment(text: string): Field[] {
  const all = fieldsOf(text);
  const k = all.findIndex((f) => f.text.startsWith('!') || f.text.startsWith('#'));
  return k < 0 ? all : all.slice(0, k);
}

const isBlank = (s: string): boolean => s.trim().length === 0;

function span(line: number, fields: readonly Field[], text: string): TextRange {
  return fields.length > 0 ? lineRange(line, fields[0].start, fields[fields.length - 1].end) : lineRange(line, 0, text.length);
}

function abbreviate(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** A line whose first three fields are numbers: an atom where the file has none left to give. */
function looksLikeCoordinates(text: string): boolean {
  const f = fieldsOf(text);
  return f.length >= 3 && f.slice(0, 3).every((x) => Number.isFinite(parseReal(x.text)));
}

/**
 * Element of a species name as VASP files write it: a symbol ('Fe', 'FE'), with a POTCAR suffix
 * ('Fe_pv', 'O_s', 'H.75' pseudo-hydrogen, VASP 6's 'Fe/1a2b3c' hash), a sublattice number
 * ('Fe1') or a charge ('Fe3+', as pymatgen labels decorated sites). Undefined when none is named.
 */
export function elementOfSpeciesName(name: string): { element: string; Z: number } | undefined {
  const m = /^([A-Za-z]{1,2})(?:[_/.\d+-].*)?$/.exec(name.trim());
  if (!m) return undefined;
  const Z = atomicNumber(m[1]);
  const element = elementSymbol(Z);
  return element ? { element, Z } : undefined;
}

/**
 * Element symbols of a VASP 4 comment line, as VASP 4 tools write the names there: 'Fe O',
 * 'Fe2 O3', 'Fe2O3 hematite'. Read from its first words while they are formulas.
 */
function namesFromComment(comment: string): string[] {
  const out: string[] = [];
  for (const word of comment.trim().split(/\s+/)) {
    if (!/^(?:[A-Z][a-z]?(?:\d+(?:\.\d+)?)?)+$/.test(word)) break;
    const symbols = [...word.matchAll(/([A-Z][a-z]?)/g)].map((m) => m[1]);
    if (!symbols.every((s) => atomicNumber(s) > 0 && elementSymbol(atomicNumber(s)) === s)) break;
    for (const s of symbols) if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** Selective-dynamics flags as VASP's Fortran reads a logical: an optional '.', then T or F. */
const FORTRAN_LOGICAL = /^\.?[TtFf]/;
/** Flags as programs write them, for spotting flags in a file that does not ask for them. */
const WRITTEN_FLAG = /^(?:[TF]|\.(?:true|false)\.)$/i;

type Scale =
  | { kind: 'factor'; value: number }
  | { kind: 'volume'; value: number }
  | { kind: 'axes'; value: Vec3 };

interface CoordinateLine {
  line: number;
  /** As written: fractional (Direct) or unscaled Cartesian. */
  xyz: Vec3 | null;
  label: Field | undefined;
}

export function parsePoscar(text: string, options?: ParseOptions): PoscarParseResult {
  const maxAtoms = options?.maxAtoms ?? 200000;
  const lines = splitLines(text);
  const diagnostics: StructureDiagnostic[] = [];
  if (lines.every(isBlank)) return { blocks: [], diagnostics, layout: null };
  const report: Reporter = (range, severity, code, message) => {
    diagnostics.push({ range, severity, code, message });
  };
  const whole = (ln: number): TextRange => lineRange(ln, 0, lines[ln].length);
  // Header lines past the last written one are missing, not blank: an editor's final newline is no line.
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1])) end--;

  const comment = lines[0];
  const name = abbreviate(comment.trim()) || 'POSCAR';
  const headerRange = whole(0);
  const layout: PoscarLayout = {
    comment, scaleLine: null, latticeLines: [], lattice: null, speciesLine: null, countsLine: null, selectiveLine: null, modeLine: null,
    coordinates: null, cartesian: false, selectiveDynamics: false, names: 'missing', species: [],
  };
  let lastLine = 0;
  const done = (structure: Structure | null): PoscarParseResult => {
    const range: TextRange = { start: headerRange.start, end: { line: lastLine, character: lines[lastLine].length } };
    // Species are named only once the atoms are read: in document order the CLI lists them as an editor does.
    const sorted = diagnostics
      .map((d, i) => ({ d, i }))
      .sort((x, y) => x.d.range.start.line - y.d.range.start.line || x.d.range.start.character - y.d.range.start.character || x.i - y.i)
      .map((x) => x.d);
    return { blocks: [{ name, range, headerRange, structure }], diagnostics: sorted, layout };
  };
  /** The file stops before a line it must have. */
  const truncated = (what: string): PoscarParseResult => {
    const last = lines.length - 1;
    report(lineRange(last, lines[last].length, lines[last].length), 'error', 'poscar.truncated',
      `The file ends before ${what}: a POSCAR holds a comment line, the scaling factor, three lattice vectors, the species names (VASP 5), the atom counts, Direct or Cartesian, and a coordinate line per atom`);
    return done(null);
  };

  // Line 2: the scaling factor(s).
  if (end < 2) return truncated('the scaling factor');
  layout.scaleLine = lastLine = 1;
  const scale = readScale(1, lines[1], report);

  // Lines 3–5: the lattice vectors, as written (scaled below).
  const raw: Vec3[] = [];
  for (let k = 0; k < 3; k++) {
    const ln = 2 + k;
    if (ln >= end) return truncated(`lattice vector ${'abc'[k]}`);
    layout.latticeLines.push(ln);
    lastLine = ln;
    const v = readThree(ln, lines[ln], `Lattice vector ${'abc'[k]}`, report);
    if (v) raw.push(v);
  }
  const latticeRange: TextRange = { start: { line: 2, character: 0 }, end: { line: 4, character: lines[4].length } };
  const cell = raw.length === 3 && scale ? scaledCell([raw[0], raw[1], raw[2]], scale, latticeRange, report) : null;
  layout.lattice = cell?.lattice ?? null;

  // Line 6: species names (VASP 5), or already the counts (VASP 4).
  let ln = 5;
  if (ln >= end) return truncated('the atom counts');
  let names: Field[] | null = null;
  if (/^\s*[A-Za-z]/.test(lines[ln])) {
    names = fieldsBeforeComment(lines[ln]);
    layout.speciesLine = lastLine = ln;
    ln++;
    if (ln >= end) return truncated('the atom counts');
  }
  layout.countsLine = lastLine = ln;
  const countsLine = ln;
  const countFields = fieldsBeforeComment(lines[ln]);
  const counts: number[] = [];
  let badCount = false;
  for (const f of countFields) {
    if (!/^\d+$/.test(f.text)) {
      report(lineRange(ln, f.start, f.end), 'error', 'poscar.counts', counts.length === 0 && !names
        ? `Expected the number of atoms of each species on line ${ln + 1}, found '${abbreviate(f.text)}'`
        : `'${abbreviate(f.text)}' is not an atom count (a whole number)`);
      badCount = true;
      break;
    }
    counts.push(Number(f.text));
  }
  const countsRange = span(ln, countFields.slice(0, Math.max(counts.length, 1)), lines[ln]);
  if (counts.length === 0) {
    if (countFields.length === 0) report(whole(ln), 'error', 'poscar.counts', `Expected the number of atoms of each species on line ${ln + 1}, found an empty line`);
    return done(null);
  }
  if (names && names.length !== counts.length && !badCount) {
    report(countsRange, 'error', 'poscar.counts',
      `Line ${ln} names ${names.length} species (${abbreviate(names.map((f) => f.text).join(' '))}) but line ${ln + 1} gives ${counts.length} count${counts.length === 1 ? '' : 's'}: VASP pairs names and counts one to one`);
  }
  countFields.slice(0, counts.length).forEach((f, k) => {
    if (counts[k] === 0) {
      const who = names?.[k]?.text ?? `species ${k + 1}`;
      report(lineRange(ln, f.start, f.end), 'warning', 'poscar.counts', `${who} is given 0 atoms: a species without atoms still needs its POTCAR entry; remove both if it is not meant to be there`);
    }
  });
  const total = counts.reduce((a, b) => a + b, 0);

  // Optional 'Selective dynamics', then Direct or Cartesian.
  ln++;
  if (ln >= end) return truncated('the Direct or Cartesian line');
  if (/^\s*[Ss]/.test(lines[ln])) {
    layout.selectiveDynamics = true;
    layout.selectiveLine = lastLine = ln;
    ln++;
    if (ln >= end) return truncated('the Direct or Cartesian line');
  }
  const mode = lines[ln].trim();
  if (/^[CcKk]/.test(mode)) {
    layout.cartesian = true;
    layout.modeLine = lastLine = ln++;
  } else if (/^[Dd]/.test(mode)) {
    layout.modeLine = lastLine = ln++;
  } else if (looksLikeCoordinates(lines[ln])) {
    // The user's intent is plain: the atoms are read from here, and the error says VASP would not.
    report(whole(ln), 'error', 'poscar.mode',
      `Expected 'Direct' or 'Cartesian' on line ${ln + 1}, found coordinates: VASP would take this line for the mode line (Direct) and lose this atom. Add a Direct or Cartesian line above it`);
  } else {
    report(whole(ln), 'warning', 'poscar.mode', mode.length === 0
      ? `Blank line where 'Direct' or 'Cartesian' belongs: VASP reads any line not starting with C or K as Direct. Write 'Direct'`
      : `'${abbreviate(mode)}' is read as Direct: VASP takes a line starting with C or K for Cartesian and any other for Direct. Write 'Direct' or 'Cartesian'`);
    layout.modeLine = lastLine = ln++;
  }

  if (total > maxAtoms) {
    report(countsRange, 'error', 'structure.tooLarge', `${total} atoms exceed the limit of ${maxAtoms}`);
    return done(null);
  }

  // The coordinate lines: exactly `total`, up to a blank line (a CONTCAR's velocities follow one).
  const first = ln;
  const coordinateLines: CoordinateLine[] = [];
  let flagsWarned = false;
  while (coordinateLines.length < total && ln < lines.length && !isBlank(lines[ln])) {
    const line = ln++;
    const fields = fieldsOf(lines[line]);
    coordinateLines.push({ line, ...readCoordinateLine(line, lines[line], fields, layout.selectiveDynamics, report) });
    if (!layout.selectiveDynamics && !flagsWarned && fields.length >= 6 && fields.slice(3, 6).every((f) => WRITTEN_FLAG.test(f.text))) {
      flagsWarned = true;
      report(lineRange(line, fields[3].start, fields[5].end), 'warning', 'poscar.flags',
        `T/F flags without a 'Selective dynamics' line: VASP ignores them and moves every atom. Add 'Selective dynamics' above the ${layout.cartesian ? 'Cartesian' : 'Direct'} line`);
    }
  }
  if (coordinateLines.length > 0) {
    layout.coordinates = { first, last: ln - 1 };
    lastLine = ln - 1;
  }
  if (coordinateLines.length < total) {
    const found = coordinateLines.length === 0 ? 'no coordinate lines follow' : `only ${coordinateLines.length} coordinate line${coordinateLines.length === 1 ? '' : 's'} follow${coordinateLines.length === 1 ? 's' : ''} (line${coordinateLines.length === 1 ? ` ${first + 1}` : `s ${first + 1}–${ln}`})`;
    report(countsRange, 'error', 'poscar.count',
      `The counts on line ${countsLine + 1} add up to ${total} atom${total === 1 ? '' : 's'}, but ${found}${lines.slice(ln).every(isBlank) ? ' before the file ends' : ` before the blank line ${ln + 1}`}`);
  } else {
    // A CONTCAR's velocities and predictor-corrector block follow a blank line; atoms straight
    // after the last counted one are atoms the counts leave out.
    let stop = ln;
    while (stop < lines.length && looksLikeCoordinates(lines[stop])) stop++;
    if (stop > ln) {
      const extra = stop - ln;
      report({ start: { line: ln, character: 0 }, end: { line: stop - 1, character: lines[stop - 1].length } }, 'error', 'poscar.count',
        `${extra} more coordinate line${extra === 1 ? '' : 's'} after the ${total} atom${total === 1 ? '' : 's'} the counts on line ${countsLine + 1} declare: VASP reads ${total} and takes what follows for velocities. Correct the counts`);
    }
  }

  // Species: named on their own line (VASP 5), or for VASP 4 on the comment line or the atom labels.
  const groupOf = groupIndex(counts);
  const named = speciesOf(names, layout.speciesLine, counts, countsRange, comment, coordinateLines, groupOf, first, report);
  layout.names = named.names;
  layout.species = named.species;
  if (layout.names === 'missing' || layout.species.some((s) => s.count > 0 && s.Z === 0 && s.range === null)) return done(null);
  if (layout.names === 'species line') labelMismatches(coordinateLines, layout.species, groupOf, first, report);
  if (!cell || !scale) return done(null);

  const structure = buildStructure(name, cell.lattice, cell.cartesianScale, layout, coordinateLines, groupOf, first, lines);
  const degenerate = degenerateCell(structure.lattice as Lattice, structure.sites.length);
  if (degenerate) {
    report(latticeRange, 'error', 'cell.degenerate', degenerate);
    return done(null);
  }
  diagnostics.push(...checkStructure(structure, { sharedPosition: Math.max(options?.symmetryTolerance ?? 0.01, 0.05), noOccupancies: true }));
  return done(structure);
}

function readScale(ln: number, text: string, report: Reporter): Scale | null {
  const fields = fieldsBeforeComment(text);
  const nums: number[] = [];
  for (const f of fields.slice(0, 3)) {
    const x = parseReal(f.text);
    if (!Number.isFinite(x)) break;
    nums.push(x);
  }
  if (nums.length === 0) {
    const f = fields[0];
    report(f ? lineRange(ln, f.start, f.end) : lineRange(ln, 0, text.length), 'error', 'poscar.scale',
      `Line 2 must hold the scaling factor: one number (negative: the cell volume in Å³) or three (x, y and z factors), found ${f ? `'${abbreviate(f.text)}'` : 'an empty line'}`);
    return null;
  }
  if (nums.length === 2) {
    report(span(ln, fields.slice(0, 2), text), 'error', 'poscar.scale',
      'Two scaling factors: VASP reads one (a factor, or minus the cell volume) or three (x, y and z factors)');
    return null;
  }
  if (nums.length === 3) {
    const bad = nums.findIndex((x) => !(x > 0));
    if (bad >= 0) {
      report(lineRange(ln, fields[bad].start, fields[bad].end), 'error', 'poscar.scale',
        `Per-axis scaling factors must all be positive, got ${fields[bad].text}`);
      return null;
    }
    return { kind: 'axes', value: [nums[0], nums[1], nums[2]] };
  }
  const s = nums[0];
  if (s === 0) {
    report(lineRange(ln, fields[0].start, fields[0].end), 'error', 'poscar.scale',
      'The scaling factor is 0: every lattice vector would be zero. Write 1 to take the vectors as given, or minus the cell volume in Å³');
    return null;
  }
  return s > 0 ? { kind: 'factor', value: s } : { kind: 'volume', value: -s };
}

function readThree(ln: number, text: string, what: string, report: Reporter): Vec3 | null {
  const fields = fieldsOf(text);
  if (fields.length < 3) {
    report(lineRange(ln, 0, text.length), 'error', 'cell.invalid', `${what} needs three numbers (x y z), found ${fields.length === 0 ? 'an empty line' : `'${abbreviate(text.trim())}'`}`);
    return null;
  }
  const v = threeReals(fields);
  if (!Array.isArray(v)) {
    report(lineRange(ln, v.start, v.end), 'error', 'cell.invalid', isNonFiniteWord(v.text)
      ? `${what}: '${v.text}' is not a finite number`
      : `${what}: '${abbreviate(v.text)}' is not a number`);
    return null;
  }
  return v;
}

/** The first three fields as numbers, or the first of them that is not a finite number. */
function threeReals(fields: readonly Field[]): Vec3 | Field {
  const v: Vec3 = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const x = parseReal(fields[k].text);
    if (!Number.isFinite(x)) return fields[k];
    v[k] = x;
  }
  return v;
}

/** The lattice in Å, and what Cartesian coordinates are multiplied by (the same scaling, per axis). */
function scaledCell(raw: Mat3, scale: Scale, where: TextRange, report: Reporter): { lattice: Lattice; cartesianScale: Vec3 } | null {
  let axes: Vec3;
  if (scale.kind === 'axes') axes = scale.value;
  else if (scale.kind === 'factor') axes = [scale.value, scale.value, scale.value];
  else {
    const v = Math.abs(det3(raw));
    if (!(v > 1e-12) || !Number.isFinite(v)) {
      report(where, 'error', 'cell.invalid', `The lattice vectors are linearly dependent (zero volume): they cannot be scaled to the cell volume ${scale.value} Å³ asked for on line 2`);
      return null;
    }
    const f = Math.cbrt(scale.value / v);
    axes = [f, f, f];
  }
  const m: Mat3 = [
    [raw[0][0] * axes[0], raw[0][1] * axes[1], raw[0][2] * axes[2]],
    [raw[1][0] * axes[0], raw[1][1] * axes[1], raw[1][2] * axes[2]],
    [raw[2][0] * axes[0], raw[2][1] * axes[1], raw[2][2] * axes[2]],
  ];
  let lattice: Lattice;
  try {
    lattice = latticeFromMatrix(m);
  } catch (e) {
    report(where, 'error', 'cell.invalid', `The lattice vectors do not make a cell: ${(e as Error).message}`);
    return null;
  }
  if (det3(m) < 0) {
    report(where, 'warning', 'cell.leftHanded',
      'The lattice vectors are left-handed (negative triple product): VASP stops on such a cell. Exchange two vectors (and the matching coordinate columns)');
  }
  return { lattice, cartesianScale: axes };
}

function readCoordinateLine(
  line: number, text: string, fields: readonly Field[], selective: boolean, report: Reporter,
): Omit<CoordinateLine, 'line'> {
  const skip = { xyz: null, label: undefined };
  if (fields.length < 3) {
    report(lineRange(line, 0, text.length), 'error', 'coord.nonnumeric', `A coordinate line needs three numbers (x y z), found '${abbreviate(text.trim())}'; atom skipped`);
    return skip;
  }
  const v = threeReals(fields);
  if (!Array.isArray(v)) {
    report(lineRange(line, v.start, v.end), 'error', 'coord.nonnumeric', isNonFiniteWord(v.text)
      ? `Coordinate '${v.text}' is not finite (the run that wrote it diverged); atom skipped`
      : `Coordinate '${abbreviate(v.text)}' is not a number; atom skipped`);
    return skip;
  }
  if (Math.max(Math.abs(v[0]), Math.abs(v[1]), Math.abs(v[2])) > MAX_COORDINATE) {
    report(lineRange(line, fields[0].start, fields[2].end), 'error', 'coord.range', `Coordinates ${v.join(' ')} are out of range (beyond ±${MAX_COORDINATE}); atom skipped`);
    return skip;
  }
  let labelAt = 3;
  if (selective) {
    labelAt = 6;
    const flags = fields.slice(3, 6);
    const bad = flags.findIndex((f) => !FORTRAN_LOGICAL.test(f.text));
    if (flags.length < 3 || bad >= 0) {
      const range = bad >= 0 ? lineRange(line, flags[bad].start, flags[bad].end) : lineRange(line, fields[0].start, fields[fields.length - 1].end);
      report(range, 'error', 'poscar.flags', bad >= 0
        ? `Selective dynamics needs three T/F flags after the coordinates, found '${abbreviate(flags[bad].text)}'`
        : `Selective dynamics needs three T/F flags after the coordinates, found ${flags.length}`);
    }
  } else if (fields.length >= 6 && fields.slice(3, 6).every((f) => WRITTEN_FLAG.test(f.text))) {
    labelAt = 6;
  }
  const label = fields[labelAt];
  return { xyz: [v[0], v[1], v[2]], label: label && !/^[!#]/.test(label.text) ? label : undefined };
}

/** groupOf(k): the species of the k-th coordinate line. */
function groupIndex(counts: readonly number[]): (k: number) => number {
  const ends: number[] = [];
  let t = 0;
  for (const c of counts) ends.push((t += c));
  return (k) => {
    let g = 0;
    while (g < ends.length - 1 && k >= ends[g]) g++;
    return g;
  };
}

function speciesOf(
  names: Field[] | null, speciesLine: number | null, counts: readonly number[], countsRange: TextRange, comment: string,
  coords: readonly CoordinateLine[], groupOf: (k: number) => number, first: number, report: Reporter,
): { names: PoscarLayout['names']; species: PoscarSpecies[] } {
  if (names && speciesLine !== null) {
    return { names: 'species line', species: counts.map((count, k): PoscarSpecies => {
      const f = names[k];
      if (!f) return { name: '', element: '', Z: 0, count, range: null };
      const range = lineRange(speciesLine, f.start, f.end);
      const m = elementOfSpeciesName(f.text);
      if (!m) {
        report(range, 'error', 'element.unknown',
          `'${abbreviate(f.text)}' is not a chemical element: a species name is an element symbol, optionally with its POTCAR's suffix (Fe_pv, O_s, Fe/1a2b3c)`);
      }
      return { name: f.text, element: m?.element ?? f.text, Z: m?.Z ?? 0, count, range };
    }) };
  }
  // VASP 4: VASP pairs the counts with the POTCAR's species, which no structure file shows.
  const fromComment = namesFromComment(comment);
  if (fromComment.length === counts.length) {
    report(lineRange(0, 0, comment.length), 'information', 'poscar.names',
      `No species line (VASP 4 format): the species ${fromComment.join(', ')} are taken from this comment line, in the order of the counts; VASP takes them from the POTCAR. Add a line with the names above the counts (VASP 5 format) to be sure`);
    const species = counts.map((count, k) => ({ name: fromComment[k], element: fromComment[k], Z: atomicNumber(fromComment[k]), count, range: null }));
    return { names: 'comment line', species };
  }
  const fromLabels = namesFromLabels(counts, coords, groupOf, first);
  if (fromLabels) {
    report(countsRange, 'information', 'poscar.names',
      `No species line (VASP 4 format): the species ${fromLabels.join(', ')} are taken from the labels after the coordinates; VASP takes them from the POTCAR. Add a line with the names above the counts (VASP 5 format) to be sure`);
    const species = counts.map((count, k) => ({ name: fromLabels[k], element: fromLabels[k], Z: atomicNumber(fromLabels[k]), count, range: null }));
    return { names: 'atom labels', species };
  }
  const said = comment.trim();
  report(countsRange, 'error', 'poscar.names',
    `No species names: in this VASP 4 POSCAR VASP takes the elements from the POTCAR, which is not read here, and ${said ? `the comment line '${abbreviate(said)}'` : 'the empty comment line'} does not name the ${counts.length} species either. Add a line with the element names above the counts (VASP 5 format), e.g. '${['Fe', 'O', 'H', 'C'].slice(0, Math.min(counts.length, 4)).join(' ')}'`);
  return { names: 'missing', species: counts.map((count) => ({ name: '', element: '', Z: 0, count, range: null })) };
}

/** One element per species when every atom of it carries that element as its label (pymatgen writes them). */
function namesFromLabels(counts: readonly number[], coords: readonly CoordinateLine[], groupOf: (k: number) => number, first: number): string[] | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (coords.length < total || total === 0) return null;
  const out: (string | undefined)[] = counts.map(() => undefined);
  for (const c of coords) {
    const g = groupOf(c.line - first);
    const m = c.label ? elementOfSpeciesName(c.label.text) : undefined;
    if (!m || (out[g] !== undefined && out[g] !== m.element)) return null;
    out[g] = m.element;
  }
  return out.every((e): e is string => e !== undefined) ? out : null;
}

/** A label after the coordinates naming another element than the counts give: the counts are likely off. */
function labelMismatches(
  coords: readonly CoordinateLine[], species: readonly PoscarSpecies[], groupOf: (k: number) => number, first: number, report: Reporter,
): void {
  const said = new Set<number>();
  for (const c of coords) {
    const g = groupOf(c.line - first);
    const sp = species[g];
    if (!c.label || !sp || sp.Z === 0 || said.has(g)) continue;
    const m = elementOfSpeciesName(c.label.text);
    if (!m || m.Z === sp.Z) continue;
    said.add(g);
    report(lineRange(c.line, c.label.start, c.label.end), 'warning', 'poscar.label',
      `Labelled ${c.label.text}, but the species and counts lines make this atom ${sp.element} (species ${g + 1}, ${sp.name}): VASP goes by the counts. Check their order and numbers`);
  }
}

function buildStructure(
  name: string, lattice: Lattice, cartesianScale: Vec3, layout: PoscarLayout, coords: readonly CoordinateLine[],
  groupOf: (k: number) => number, first: number, lines: readonly string[],
): Structure {
  const sourceSites: SourceSite[] = [];
  const sites: Site[] = [];
  // Labels number the atoms of each element in file order (Fe1, Fe2, …, O1, …), skipped lines included,
  // so a label stays with its line when another line is broken.
  const numbered = new Map<string, number>();
  for (const c of coords) {
    const sp = layout.species[groupOf(c.line - first)];
    const n = (numbered.get(sp.element) ?? 0) + 1;
    numbered.set(sp.element, n);
    if (!c.xyz) continue;
    const label = `${sp.element}${n}`;
    const range = lineRange(c.line, 0, lines[c.line].length);
    let frac: Vec3;
    let cart: Vec3;
    if (layout.cartesian) {
      cart = [c.xyz[0] * cartesianScale[0], c.xyz[1] * cartesianScale[1], c.xyz[2] * cartesianScale[2]];
      frac = cartToFrac(lattice, cart);
    } else {
      frac = c.xyz;
      cart = fracToCart(lattice, frac);
    }
    const index = sourceSites.length;
    sourceSites.push({ index, label, element: sp.element, Z: sp.Z, occupancy: 1, frac, cart, range });
    const wrapped: Vec3 = [wrap01(frac[0]), wrap01(frac[1]), wrap01(frac[2])];
    sites.push({
      element: sp.element, Z: sp.Z, frac: wrapped, cart: fracToCart(lattice, wrapped), occupancy: 1, label,
      sourceSite: index, orbit: index, range,
    });
  }
  return {
    name,
    lattice,
    pbc: [true, true, true],
    sites,
    sourceSites,
    // A POSCAR lists the whole cell in P1: every atom is its own orbit, as for a P1 CIF.
    orbits: sites.map((_, k) => [k]),
    symops: ['x,y,z'],
  };
}
