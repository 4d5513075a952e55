// A parsed CIF data block -> Structure: cell, atom sites, symmetry operators, expansion to the
// full cell, and the consistency checks. Every problem becomes a diagnostic; nothing throws.
import { checkStructure, degenerateCell } from '../structure/checks';
import { MAX_COORDINATE } from '../structure/limits';
import { expandSites, type AsymmetricSite } from '../structure/expand';
import { cartToFrac, fracToCart, latticeFromParameters } from '../structure/lattice';
import { rowSpecies } from '../structure/species';
import { MIN_CONTACT } from '../structure/disorder';
import { lookupSpaceGroup, originChoice1, type SpaceGroupLookup } from '../structure/spaceGroups';
import { forEachPairWithin } from '../structure/celllist';
import { UnionFind } from '../structure/unionFind';
import { closeSymops, composeSymops, identityOp, isCentring, parseSymop, symopKey, type SymOp } from '../structure/symop';
import type {
  Lattice, Measured, ParseOptions, Site, SourceSite, Structure, StructureDiagnostic, TextRange, Vec3,
} from '../structure/types';
import { isNull, lenientNumber, numericValue, roundingError } from './numbers';
import { column, rowRange, scalar, spanRange, type CifBlock, type CifValue } from './parser';
import { checkCellVolume, checkFormula, parseFormulaSum } from './consistency';

export const DEFAULT_SYMMETRY_TOLERANCE = 0.01;
export const DEFAULT_MAX_ATOMS = 200000;

export function resolveOptions(opts?: ParseOptions): Required<ParseOptions> {
  return {
    symmetryTolerance: opts?.symmetryTolerance ?? DEFAULT_SYMMETRY_TOLERANCE,
    maxAtoms: opts?.maxAtoms ?? DEFAULT_MAX_ATOMS,
  };
}

const SYMOP_KEYS = ['_space_group_symop_operation_xyz', '_symmetry_equiv_pos_as_xyz'];
// magCIF (.mcif): '_space_group_symop_magn_operation.xyz' and the older
// '_space_group_symop.magn_operation_xyz' both reach this key (tagKey joins at the first dot).
const MAGNETIC_OPS_KEY = '_space_group_symop_magn_operation_xyz';
const MAGNETIC_CENTRINGS_KEY = '_space_group_symop_magn_centering_xyz';
const SPACE_GROUP_KEYS = [
  '_space_group_name_h-m_alt', '_symmetry_space_group_name_h-m', '_space_group_name_hall', '_symmetry_space_group_name_hall',
];
const SPACE_GROUP_NUMBER_KEYS = ['_space_group_it_number', '_symmetry_int_tables_number'];

/** The first of these tags with a value ('?', '.' and '' are none: Pauling File writes '' for no group). */
function first(block: CifBlock, keys: readonly string[]): CifValue | undefined {
  return keys.map((k) => scalar(block, k)).find((v) => v && !isNull(v) && v.text.trim() !== '');
}

export interface BlockResult {
  structure: Structure | null;
  diagnostics: StructureDiagnostic[];
}

export function blockToStructure(block: CifBlock, options?: ParseOptions): BlockResult {
  const opts = resolveOptions(options);
  const diagnostics: StructureDiagnostic[] = [];
  const report = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string): void => {
    diagnostics.push({ range, severity, code, message });
  };
  const col = (k: string): CifValue[] | undefined => column(block, '_atom_site_' + k);
  const fract = ['fract_x', 'fract_y', 'fract_z'].map(col);
  const cartn = ['cartn_x', 'cartn_y', 'cartn_z'].map(col);
  const labels = col('label');
  const types = col('type_symbol');
  const occupancies = col('occupancy');
  const hasFract = fract.every((c) => c !== undefined);
  const hasCartn = cartn.every((c) => c !== undefined);
  const hasCellTag = block.index.has('_cell_length_a');
  if (!hasFract && !hasCartn) {
    const partial = [...fract, ...cartn].some((c) => c !== undefined);
    if (partial) {
      report(block.headerRange, 'error', 'coord.missing', `Block ${block.name} has only some of the _atom_site_fract_x/y/z (or _atom_site_Cartn_x/y/z) columns`);
    } else if (hasCellTag || labels) {
      report(block.headerRange, 'warning', 'atoms.missing', `Block ${block.name} has no atom coordinates (_atom_site_fract_x/y/z or _atom_site_Cartn_x/y/z)`);
    }
    return { structure: null, diagnostics };
  }
  const coords = (hasFract ? fract : cartn) as CifValue[][];

  const lattice = readCell(block, hasFract, report);
  if (lattice === undefined) return { structure: null, diagnostics };
  const thin = lattice ? degenerateCell(lattice, 0) : undefined;
  if (thin) {
    report(cellRange(block), 'error', 'cell.degenerate', thin);
    return { structure: null, diagnostics };
  }

  // Symmetry is read after the atoms (which an assumed origin choice is checked against), but
  // its diagnostics go here, before the rows'.
  const symmetryAt = diagnostics.length;

  // Atom sites.
  const rowCount = Math.min(...coords.map((c) => c.length));
  // Every row gives at least one atom: refuse before the per-row work (a 50 MB file would
  // otherwise spend seconds building sites only to be refused at expansion).
  if (rowCount > opts.maxAtoms) {
    report(block.headerRange, 'error', 'structure.tooLarge',
      `${rowCount} atom sites exceed the limit of ${opts.maxAtoms} atoms; the block is not expanded`);
    return { structure: null, diagnostics };
  }
  const rowRangeOf = rowRanger(block, coords, rowCount);
  const calcFlags = col('calc_flag');
  const disorderGroups = col('disorder_group');
  const disorderAssemblies = col('disorder_assembly');
  const declared = declaredElements(block);
  const sourceSites: SourceSite[] = [];
  const asym: AsymmetricSite[] = [];
  /** Row index of each asymmetric site, for the per-row checks after expansion. */
  const asymRow: number[] = [];
  /** How far each coordinate of the current row may be off as written (filled by coordinatesOf). */
  const roundErr: Vec3 = [0, 0, 0];
  for (let r = 0; r < rowCount; r++) {
    // A row of nothing but '?' stands for "no atoms" (Pauling File's published-cell blocks).
    if (isNull(coords[0][r]) && isNull(coords[1][r]) && isNull(coords[2][r]) && (!labels || isNull(labels[r]))) continue;
    const range = rowRangeOf(r);
    const xyz = coordinatesOf(coords, r, report, roundErr);
    if (!xyz) continue;
    const labelValue = labels?.[r];
    const typeValue = types?.[r];
    const useType = typeValue !== undefined && !isNull(typeValue);
    const useLabel = labelValue !== undefined && !isNull(labelValue);
    const elementSource = useType ? typeValue : useLabel ? labelValue : undefined;
    const calc = calcFlags?.[r];
    const species = calc && !isNull(calc) && calc.text.trim().toLowerCase() === 'dum'
      ? { kind: 'dummy' as const }
      : rowSpecies(useType ? typeValue.text : undefined, useLabel ? labelValue.text : undefined, declared);
    const match = species.kind === 'element' ? species : undefined;
    const label = useLabel ? labelValue.text : `${match?.element ?? elementSource?.text ?? 'X'}${r + 1}`;
    const notAtom = species.kind === 'dummy' || species.kind === 'peak';
    if (notAtom) {
      report(range, 'information', 'site.notAtom', species.kind === 'dummy'
        ? `${label} is a dummy atom${calc && !isNull(calc) ? ' (_atom_site_calc_flag dum)' : ''}, not part of the structure: it is left out`
        : `${label} is a residual-density peak (Q), not an atom: it is left out`);
    } else if (species.kind === 'unknown') {
      report(elementSource?.range ?? range, 'error', 'element.unknown',
        elementSource
          ? `'${elementSource.text}' is not a chemical element${useType ? '' : ' (element taken from the label; add _atom_site_type_symbol)'}`
          : 'Atom site has neither a type symbol nor a label to take its element from');
    } else if (match?.note && elementSource) {
      report(elementSource.range, match.doubtful ? 'warning' : 'information', 'element.assumed', match.note);
    }
    const element = match?.element ?? (notAtom ? '' : elementSource?.text ?? '?');
    const occupancy = readOccupancy(occupancies?.[r], label, report);
    let frac: Vec3 | undefined;
    let cart: Vec3;
    if (hasFract) {
      frac = xyz;
      cart = fracToCart(lattice as Lattice, xyz);
    } else {
      cart = xyz;
      if (lattice) frac = cartToFrac(lattice, xyz);
    }
    const index = sourceSites.length;
    const Z = match?.Z ?? 0;
    const source: SourceSite = { index, label, element, Z, occupancy, cart, range };
    if (frac) source.frac = frac;
    const disorder = disorderOf(disorderGroups?.[r], disorderAssemblies?.[r]);
    if (disorder) source.disorder = disorder;
    sourceSites.push(source);
    if (!frac || notAtom) continue;
    const site: AsymmetricSite = { label, element, Z, occupancy, frac, range, sourceSite: index };
    if (hasFract && lattice) {
      const e = roundErr;
      const spread = 4 * (e[0] * lattice.a + e[1] * lattice.b + e[2] * lattice.c);
      // Capped where two real atoms could be: closer images are never both there.
      if (spread > 0) site.mergeDistance = Math.min(spread, MIN_CONTACT);
    }
    asym.push(site);
    asymRow.push(r);
  }

  // Symmetry operators: those listed, else those of the space group the block names.
  const symmetryDiagnostics: StructureDiagnostic[] = [];
  const symmetryReport: Reporter = (range, severity, code, message) => symmetryDiagnostics.push({ range, severity, code, message });
  const spaceGroup = first(block, SPACE_GROUP_KEYS)?.text.trim();
  let ops = lattice ? readSymops(block, lattice, symmetryReport) : [identityOp()];
  const listsOps = [...SYMOP_KEYS, MAGNETIC_OPS_KEY].some((k) => block.index.has(k));
  /** Operators of the group the block names, when only the identity is listed (checked after expansion). */
  let namedOps: SymOp[] | undefined;
  if (lattice && ops.length === 1 && ops[0].text === 'x,y,z' && !isP1(block, spaceGroup)) {
    if (!listsOps) ops = opsOfNamedGroup(block, lattice, asym, opts, symmetryReport) ?? ops;
    else namedOps = namedGroup(block, lattice).found.setting?.ops;
  }
  diagnostics.splice(symmetryAt, 0, ...symmetryDiagnostics);

  let sites: Site[];
  let orbits: number[][];
  if (lattice) {
    const expanded = expandSites(asym, lattice, ops, opts.symmetryTolerance, opts.maxAtoms);
    if (expanded.tooLarge) {
      report(block.headerRange, 'error', 'structure.tooLarge',
        `Symmetry expansion of ${asym.length} sites × ${ops.length} operators exceeds the limit of ${opts.maxAtoms} atoms; the block is not expanded`);
      return { structure: null, diagnostics };
    }
    sites = expanded.sites;
    orbits = expanded.orbits;
    checkMultiplicities(col('symmetry_multiplicity'), asymRow, orbits, asym, report);
    if (namedOps) checkIdentityOnly(block, asym, lattice, namedOps, sites.length, opts, report);
    const dense = degenerateCell(lattice, sites.length);
    if (dense) {
      report(block.headerRange, 'error', 'cell.degenerate', dense);
      return { structure: null, diagnostics };
    }
  } else {
    if (sourceSites.length > opts.maxAtoms) {
      report(block.headerRange, 'error', 'structure.tooLarge', `${sourceSites.length} atoms exceed the limit of ${opts.maxAtoms}`);
      return { structure: null, diagnostics };
    }
    sites = sourceSites.map((s, i) => ({
      element: s.element, Z: s.Z, frac: null, cart: s.cart, occupancy: s.occupancy, label: s.label,
      sourceSite: i, orbit: i, range: s.range,
    }));
    orbits = sites.map((_, i) => [i]);
  }
  const periodic = lattice !== null;
  const structure: Structure = {
    name: block.name,
    lattice,
    pbc: [periodic, periodic, periodic],
    sites,
    sourceSites,
    orbits,
    symops: ops.map((o) => o.text),
    ...(spaceGroup ? { spaceGroup } : {}),
  };
  diagnostics.push(...checkStructure(structure, { sharedPosition: Math.max(opts.symmetryTolerance, 0.05) }));
  if (lattice) checkCellVolume(block, lattice, report);
  if (sites.every((s) => s.Z > 0)) checkFormula(block, structure, report);
  return { structure, diagnostics };
}

/**
 * The elements a block says it holds (_chemical_formula_sum, the _atom_type list), to read
 * labels like CA1 or HG1 when no type symbol says; undefined when it says none.
 */
function declaredElements(block: CifBlock): ReadonlySet<string> | undefined {
  const out = new Set<string>();
  const formula = scalar(block, '_chemical_formula_sum');
  if (formula && !isNull(formula)) for (const el of parseFormulaSum(formula.text)?.keys() ?? []) out.add(el);
  for (const v of column(block, '_atom_type_symbol') ?? []) {
    if (isNull(v)) continue;
    const sp = rowSpecies(v.text, undefined);
    if (sp.kind === 'element') out.add(sp.element);
  }
  return out.size > 0 ? out : undefined;
}

/**
 * A row's disorder group. SHELXL's negative PARTs (an atom disordered over its own symmetry
 * images) and PART 0 are no alternative set of rows: the distance rule handles those.
 */
function disorderOf(group: CifValue | undefined, assembly: CifValue | undefined): SourceSite['disorder'] {
  if (!group || isNull(group)) return undefined;
  const g = group.text.trim();
  if (g === '' || g.startsWith('-') || /^0+$/.test(g)) return undefined;
  return { assembly: assembly && !isNull(assembly) ? assembly.text.trim() : '', group: g };
}

type Reporter = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string) => void;

/**
 * The three coordinates of row r, with how far each may be off as written (roundingError) put
 * into `error` (one array reused for every row: this runs for each of 10^4 rows);
 * undefined (with a diagnostic) when one is not a number.
 */
function coordinatesOf(coords: CifValue[][], r: number, report: Reporter, error: Vec3): Vec3 | undefined {
  const xyz: Vec3 = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const v = coords[k][r];
    let value = numericValue(v)?.value;
    if (value === undefined && v.kind === 'scalar' && v.quoting !== 'text') {
      const lenient = lenientNumber(v.text);
      if (lenient) {
        value = lenient.value;
        report(v.range, 'warning', 'coord.notCifNumber', `Coordinate '${v.text}' ${lenient.problem} (write ${fmtNumber(value)}); it is read as ${fmtNumber(value)}`);
      }
    }
    if (value === undefined) {
      // '?' and '.' are valid CIF (a CSD entry's H atoms without positions): the row is unusable, the file is not wrong.
      if (isNull(v)) report(v.range, 'warning', 'coord.nonnumeric', `Coordinate '${v.text}' (${v.text === '?' ? 'unknown' : 'not applicable'}): this atom site has no position and is skipped`);
      else report(v.range, 'error', 'coord.nonnumeric', `Coordinate '${v.text}' is not a number; this atom site is skipped`);
      return undefined;
    }
    if (Math.abs(value) > MAX_COORDINATE) {
      report(v.range, 'error', 'coord.range', `Coordinate ${v.text} is out of range (beyond ±${MAX_COORDINATE}); this atom site is skipped`);
      return undefined;
    }
    xyz[k] = value;
    error[k] = roundingError(v.text, value);
  }
  return xyz;
}

function fmtNumber(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

/** The cell; null for a molecule (Cartesian sites, no cell); undefined when the block is unusable. */
function readCell(block: CifBlock, needed: boolean, report: Reporter): Lattice | null | undefined {
  const lengthKeys = ['_cell_length_a', '_cell_length_b', '_cell_length_c'];
  const angleKeys = ['_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'];
  const lengths = lengthKeys.map((k) => scalar(block, k));
  const present = lengths.filter((v) => v !== undefined).length;
  if (present === 0 && !needed) return null;
  if (present < 3) {
    const missing = lengthKeys.filter((_, i) => !lengths[i]).join(', ');
    report(block.headerRange, 'error', 'cell.missing', `Block ${block.name} has fractional coordinates but no complete cell: missing ${missing}`);
    return undefined;
  }
  const params: number[] = [];
  let ok = true;
  const read = (v: CifValue, key: string): void => {
    const m = numericValue(v);
    if (!m) {
      report(v.range, 'error', 'cell.invalid', `${key} '${v.text}' is not a number`);
      ok = false;
      params.push(NaN);
      return;
    }
    params.push(m.value);
  };
  lengths.forEach((v, i) => read(v as CifValue, lengthKeys[i]));
  const missingAngles: string[] = [];
  angleKeys.forEach((k) => {
    const v = scalar(block, k);
    if (!v || isNull(v)) {
      missingAngles.push(k);
      params.push(90);
    } else read(v, k);
  });
  if (missingAngles.length > 0) {
    report(block.headerRange, 'information', 'cell.missing', `${missingAngles.join(', ')} not given; 90° assumed`);
  }
  if (!ok) return undefined;
  try {
    const [a, b, c, al, be, ga] = params;
    return latticeFromParameters(a, b, c, al, be, ga);
  } catch (e) {
    report(cellRange(block), 'error', 'cell.invalid', `Invalid cell: ${(e as Error).message}`);
    return undefined;
  }
}

/** From _cell_length_a to _cell_angle_gamma when they are in that order, else the a value. */
function cellRange(block: CifBlock): TextRange {
  const a = scalar(block, '_cell_length_a');
  if (!a) return block.headerRange;
  const last = scalar(block, '_cell_angle_gamma') ?? scalar(block, '_cell_length_c') ?? a;
  return a.range.start.line <= last.range.start.line ? spanRange(a.range, last.range) : a.range;
}

/** Parses operator values, reporting the unusable ones; duplicates are dropped. */
function parseOps(values: readonly CifValue[], report: Reporter, read: (text: string) => string = (t) => t): SymOp[] {
  const ops: SymOp[] = [];
  const seen = new Set<string>();
  const rounded: { value: CifValue; op: SymOp }[] = [];
  for (const v of values) {
    if (isNull(v)) continue;
    const r = parseSymop(read(v.text));
    if (!r.op) {
      report(v.range, 'error', 'symmetry.invalidOp', `Symmetry operator '${v.text}' cannot be used: ${r.error}`);
      continue;
    }
    if (r.rounded) rounded.push({ value: v, op: r.op });
    if (seen.has(r.op.text)) continue;
    seen.add(r.op.text);
    ops.push(r.op);
  }
  if (rounded.length > 0) reportRounded(rounded.map((x) => [x.value.text, x.op.text]), rounded[0].value.range, report);
  return ops;
}

/** One note for all the operators whose decimal translations were read as the fractions they round. */
function reportRounded(pairs: readonly [written: string, read: string][], where: TextRange, report: Reporter): void {
  const [written, read] = pairs[0];
  report(where, 'information', 'symmetry.roundedOp',
    `${pairs.length === 1 ? 'A symmetry operator has' : `${pairs.length} symmetry operators have`} translations rounded to a few decimals, read as the fractions they round: '${written.trim()}' as '${read}'${pairs.length > 1 ? ', and so on' : ''}`);
}

/** magCIF operators carry time reversal as a fourth component ('-x,y,-z,-1'); positions need the first three. */
function spatialPart(text: string): string {
  const parts = text.split(',');
  return parts.length === 4 && /^\s*[+-]?1\s*$/.test(parts[3]) ? parts.slice(0, 3).join(',') : text;
}

/** Every centring applied after every operation, translations taken modulo 1, each once. */
function withCentrings(ops: readonly SymOp[], centrings: readonly SymOp[]): SymOp[] {
  const out = new Map<string, SymOp>();
  for (const c of centrings) {
    for (const o of ops) {
      const op = composeSymops(c, o);
      if (!out.has(op.text)) out.set(op.text, op);
    }
  }
  return [...out.values()];
}

/** Where a tag's values are: the whole loop, or the pair's value. */
function tagRange(block: CifBlock, key: string): TextRange {
  const ref = block.index.get(key);
  if (!ref) return block.headerRange;
  return ref.pair ? ref.pair.value.range : ref.loop.range;
}

function readSymops(block: CifBlock, lattice: Lattice, report: Reporter): SymOp[] {
  const magnetic = column(block, MAGNETIC_OPS_KEY);
  if (magnetic) {
    // A magnetic space group lists operations and centrings apart; atoms need all their products.
    const ops = parseOps(magnetic, report, spatialPart);
    const centrings = parseOps(column(block, MAGNETIC_CENTRINGS_KEY) ?? [], report, spatialPart);
    const all = centrings.length > 0 ? withCentrings(ops, centrings) : ops;
    return all.length > 0 ? completeGroup(all, tagRange(block, MAGNETIC_OPS_KEY), report) : [identityOp()];
  }
  const lists = SYMOP_KEYS
    .map((key) => ({ key, ops: unquotedOps(block, key, report) ?? parseOps(column(block, key) ?? [], report) }))
    .filter((l) => l.ops.length > 0);
  if (lists.length === 0) return [identityOp()];
  let chosen = lists[0];
  if (lists.length === 2 && !sameOps(lists[0].ops, lists[1].ops)) {
    // Both the DDL1 and the DDL2 tag, with different lists: one of them was not updated.
    const [a, b] = lists;
    chosen = b.ops.length > a.ops.length ? b : a;
    const other = chosen === a ? b : a;
    report(tagRange(block, other.key), 'warning', 'symmetry.conflictingOps',
      `This block lists two different sets of symmetry operators (${a.ops.length} under _${a.key.slice(1)}, ${b.ops.length} under _${b.key.slice(1)}); the longer, _${chosen.key.slice(1)}, is used`);
  }
  const where = tagRange(block, chosen.key);
  return addMissingCentring(block, lattice, completeGroup(chosen.ops, where, report), where, report);
}

/**
 * Operators written with spaces but without quotes (x, y, z), as hand-edited files have them:
 * each falls apart into 'x,' 'y,' 'z'. Read line by line (after the id column, if the loop has
 * one) when that makes every line an operator; undefined otherwise, and for quoted lists.
 */
function unquotedOps(block: CifBlock, key: string, report: Reporter): SymOp[] | undefined {
  const ref = block.index.get(key);
  if (!ref?.loop || ref.loop.tags.length > 2) return undefined;
  const loop = ref.loop;
  if (!loop.values.some((v) => v.quoting === 'bare' && /^,|,$/.test(v.text))) return undefined;
  const lines = new Map<number, CifValue[]>();
  for (const v of loop.values) {
    if (v.kind !== 'scalar' || v.quoting !== 'bare') return undefined;
    const line = v.range.start.line;
    const list = lines.get(line);
    if (list) list.push(v);
    else lines.set(line, [v]);
  }
  const ops: SymOp[] = [];
  const seen = new Set<string>();
  const rounded: [string, string][] = [];
  for (const values of lines.values()) {
    // With two tags, the one that is not the operator is its id, first on each line.
    const words = loop.tags.length === 2 && ref.column === 1 ? values.slice(1) : values;
    const text = words.map((w) => w.text).join(' ');
    const r = parseSymop(text);
    if (!r.op) return undefined;
    if (r.rounded) rounded.push([text, r.op.text]);
    if (!seen.has(r.op.text)) { seen.add(r.op.text); ops.push(r.op); }
  }
  report(loop.range, 'warning', 'symmetry.unquotedOps',
    `Symmetry operators with spaces must be quoted ('x, y, z'): unquoted, each is several values. They are read one per line (${ops.length} operators)`);
  if (rounded.length > 0) reportRounded(rounded, loop.range, report);
  return ops;
}

function sameOps(a: readonly SymOp[], b: readonly SymOp[]): boolean {
  const ka = new Set(a.map(symopKey));
  const kb = new Set(b.map(symopKey));
  return ka.size === kb.size && [...ka].every((k) => kb.has(k));
}

/**
 * The listed operators completed to the group they generate: a list without the identity, or
 * one that gives generators or the centring translations without their products, would
 * otherwise leave atoms out of the cell without a word.
 */
function completeGroup(ops: SymOp[], where: TextRange, report: Reporter): SymOp[] {
  const closed = closeSymops(ops);
  if (closed.error !== undefined) {
    report(where, 'warning', 'symmetry.notGroup',
      `The ${ops.length} listed symmetry operators do not form a space group (${closed.error}); they are applied as listed`);
    return ops;
  }
  const added = closed.added;
  if (added.length === 0) return ops;
  if (added.length === 1 && added[0].text === 'x,y,z') {
    report(where, 'information', 'symmetry.incomplete', 'The identity \'x,y,z\' is not among the listed symmetry operators; it is added');
  } else {
    const shown = added.slice(0, 3).map((o) => `'${o.text}'`).join(', ');
    report(where, 'warning', 'symmetry.incomplete',
      `The ${ops.length} listed symmetry operators are not a complete group: their products give ${added.length} more (${shown}${added.length > 3 ? ', …' : ''}), which are applied too. Check the operator list`);
  }
  return closed.ops;
}

/**
 * A centred group (C 2/c, F d -3 m, R -3 m on hexagonal axes) listed without its centring
 * translations, as some older programs wrote it: the named group's centrings are added when
 * that gives exactly the named group's number of operators.
 */
function addMissingCentring(block: CifBlock, lattice: Lattice, ops: SymOp[], where: TextRange, report: Reporter): SymOp[] {
  if (ops.some(isCentring)) return ops;
  // Only a centred lattice letter is worth the table (read on first lookup, 35-40 ms).
  const symbol = first(block, SPACE_GROUP_KEYS.filter((k) => k.includes('h-m')))?.text.trim();
  const hall = first(block, SPACE_GROUP_KEYS.filter((k) => k.includes('hall')))?.text.trim().replace(/^-\s*/, '');
  const letter = (symbol ?? hall ?? '').charAt(0).toUpperCase();
  if (!'ABCFIR'.includes(letter) || letter === '') return ops;
  // R on rhombohedral axes is primitive: only the hexagonal cell has centrings to miss.
  if (letter === 'R' && !(Math.abs(lattice.gamma - 120) < 0.1 && Math.abs(lattice.a - lattice.b) < 1e-3 * lattice.a)) return ops;
  const named = namedGroup(block, lattice);
  const g = named.found.setting;
  if (!g || !(named.symbolValue || named.hallValue)) return ops;
  const centrings = g.ops.filter(isCentring);
  if (centrings.length === 0 || g.ops.length !== ops.length * (centrings.length + 1)) return ops;
  const all = withCentrings(ops, [identityOp(), ...centrings]);
  // The operators may be another setting's than the name says: then the product is no group.
  if (all.length !== g.ops.length || closeSymops(all).added?.length !== 0) return ops;
  report(where, 'warning', 'symmetry.centring',
    `${named.label} is a centred group, but the listed operators have no centring translation: ${centrings.map((c) => `'${c.text}'`).join(', ')} ${centrings.length === 1 ? 'is' : 'are'} added, giving the group's ${all.length} operators`);
  return all;
}

interface NamedGroup {
  found: SpaceGroupLookup;
  symbolValue?: CifValue;
  hallValue?: CifValue;
  numberValue?: CifValue;
  number?: number;
  /** 'Space group P 21/c', for messages. */
  label: string;
}

/** The space group the block names (H-M symbol, Hall symbol or number), looked up in the table. */
function namedGroup(block: CifBlock, lattice: Lattice): NamedGroup {
  const symbolValue = first(block, SPACE_GROUP_KEYS.filter((k) => k.includes('h-m')));
  const hallValue = first(block, SPACE_GROUP_KEYS.filter((k) => k.includes('hall')));
  const numberValue = first(block, SPACE_GROUP_NUMBER_KEYS);
  const number = numberValue ? numericValue(numberValue)?.value : undefined;
  const found: SpaceGroupLookup = symbolValue || hallValue || number !== undefined
    ? lookupSpaceGroup({
      ...(symbolValue ? { symbol: symbolValue.text } : {}), ...(hallValue ? { hall: hallValue.text } : {}),
      ...(number !== undefined ? { number } : {}), lattice,
    })
    : { error: 'no space-group symbol or number given' };
  const label = symbolValue ? `Space group ${symbolValue.text.trim()}` : hallValue ? `Space group (Hall) ${hallValue.text.trim()}` : `Space group number ${numberValue?.text ?? '?'}`;
  return {
    found, label, ...(symbolValue ? { symbolValue } : {}), ...(hallValue ? { hallValue } : {}),
    ...(numberValue ? { numberValue } : {}), ...(number !== undefined ? { number } : {}),
  };
}

/**
 * The operators of the space group a block names without listing them (pymatgen and VESTA do the
 * same), with a diagnostic saying which setting was used; undefined (and the P1 warning) when
 * the name or number is not a known group.
 */
function opsOfNamedGroup(
  block: CifBlock, lattice: Lattice, asym: readonly AsymmetricSite[], opts: Required<ParseOptions>, report: Reporter,
): SymOp[] | undefined {
  const { found, symbolValue, hallValue, numberValue, number, label: named } = namedGroup(block, lattice);
  const where = symbolValue ?? hallValue ?? numberValue;
  if (!where) return undefined;
  if (!found.setting) {
    report(where.range, 'warning', 'symmetry.missingOps',
      `${named} is named but the block lists no symmetry operators (_space_group_symop_operation_xyz), and ${found.error}; only the listed atoms are used, as if P1`);
    return undefined;
  }
  let g = found.setting;
  let assumed = found.assumed;
  // Nothing says which origin: the atoms do. In the wrong one, special positions fall off their
  // symmetry elements and atoms pile onto each other (spinel's O at 0.38 of origin 1 lands
  // 0.07 Å from an Fe in origin 2).
  const origin1 = assumed && g.choice === '2' ? originChoice1(g) : undefined;
  if (origin1) {
    const clashes2 = clashes(asym, lattice, g.ops, opts);
    const clashes1 = clashes2 > 0 ? clashes(asym, lattice, origin1.ops, opts) : Infinity;
    if (clashes1 < clashes2) {
      assumed = `origin choice 1 used: with origin choice 2 the atoms would make ${clashes2} pair${clashes2 === 1 ? '' : 's'} closer than ${MIN_CONTACT} Å (the symbol does not say; write ':1' or ':2' after it)`;
      g = origin1;
    }
  }
  const setting = `${g.symbol} (No. ${g.number}${g.choice ? `, setting ${g.choice}` : ''}, Hall '${g.hall}')`;
  // A number that contradicts the symbol is a typo in one of them; the symbol is more specific.
  const clash = number !== undefined && number !== g.number && (symbolValue || hallValue)
    ? `; the block's space-group number ${number} is not this group's` : '';
  const note = `${assumed ? `; ${assumed}` : ''}${clash}`;
  report(where.range, note ? 'warning' : 'information', 'symmetry.generatedOps',
    `No symmetry operators are listed: the ${g.ops.length} operators of ${setting} are used${note}`);
  return g.ops;
}

/** Pairs of fully occupied atoms closer than MIN_CONTACT once the operators are applied. */
function clashes(asym: readonly AsymmetricSite[], lattice: Lattice, ops: readonly SymOp[], opts: Required<ParseOptions>): number {
  const expanded = expandSites(asym, lattice, ops, opts.symmetryTolerance, opts.maxAtoms);
  if (expanded.tooLarge) return Infinity;
  const full = expanded.sites.filter((x) => x.occupancy >= 1 - 1e-6);
  let count = 0;
  forEachPairWithin(full.map((x) => x.frac as Vec3), lattice, [true, true, true], MIN_CONTACT, () => { count++; });
  return count;
}

/**
 * _atom_site_symmetry_multiplicity against the orbit each row expanded to: a mismatch means a
 * special position whose images were kept apart, or operators that are not the named group's.
 */
function checkMultiplicities(
  values: CifValue[] | undefined, asymRow: readonly number[], orbits: readonly number[][], asym: readonly AsymmetricSite[], report: Reporter,
): void {
  if (!values) return;
  let reported = 0;
  for (let k = 0; k < asym.length && reported < 50; k++) {
    const v = values[asymRow[k]];
    if (!v || isNull(v)) continue;
    const m = numericValue(v)?.value;
    const n = orbits[k].length;
    if (m === undefined || !Number.isInteger(m) || m < 1 || m === n) continue;
    reported++;
    report(v.range, 'warning', 'site.multiplicity', `${asym[k].label}: _atom_site_symmetry_multiplicity is ${m}, but the symmetry operators give ${n} atom${n === 1 ? '' : 's'} (${n > m
      ? 'images that should coincide are kept apart: a special position written with too few digits, or operators that are not the space group\'s'
      : 'operators are missing, or images were merged: check the operator list and the symmetry tolerance'})`);
  }
}

/**
 * A block that lists only the identity but names another group: either the atoms are the whole
 * cell (pymatgen and ASE write P1 so, but name P1) or the operator list was cut short. Said when
 * the named group's operators would make more atoms of them.
 */
function checkIdentityOnly(
  block: CifBlock, asym: readonly AsymmetricSite[], lattice: Lattice, namedOps: readonly SymOp[], count: number,
  opts: Required<ParseOptions>, report: Reporter,
): void {
  const full = expandSites(asym, lattice, namedOps, opts.symmetryTolerance, opts.maxAtoms);
  if (full.tooLarge || full.sites.length <= count) return;
  // A whole cell's rows are each other's images: count places, not images.
  const n = full.sites.length;
  const sets = new UnionFind(n);
  let places = n;
  forEachPairWithin(full.sites.map((x) => x.frac as Vec3), lattice, [true, true, true], Math.max(opts.symmetryTolerance, 0.05), (i, j) => {
    if (sets.union(i, j)) places--;
  });
  if (places <= count) return;
  const key = SYMOP_KEYS.find((k) => block.index.has(k)) ?? MAGNETIC_OPS_KEY;
  const name = first(block, SPACE_GROUP_KEYS)?.text.trim() ?? `number ${first(block, SPACE_GROUP_NUMBER_KEYS)?.text ?? '?'}`;
  report(tagRange(block, key), 'warning', 'symmetry.identityOnly',
    `Only the identity is listed as a symmetry operator, but the block names space group ${name}, whose ${namedOps.length} operators would make ${places} atoms of these ${count}: the atoms are used as listed (P1). If they are the asymmetric unit, list all the group's operators or remove the operator list`);
}

function isP1(block: CifBlock, name: string | undefined): boolean {
  if (name !== undefined) return name.replace(/[\s_]/g, '').toLowerCase() === 'p1';
  const num = first(block, SPACE_GROUP_NUMBER_KEYS);
  return !num || numericValue(num)?.value === 1;
}

function readOccupancy(v: CifValue | undefined, label: string, report: Reporter): number {
  if (!v || isNull(v)) return 1;
  const m: Measured | undefined = numericValue(v);
  if (!m) {
    report(v.range, 'warning', 'site.occupancy', `Occupancy '${v.text}' of ${label} is not a number; 1 is used`);
    return 1;
  }
  // A refined 1.02(3) is 1 within its uncertainty: nothing to say.
  if (m.value > 1 + Math.max(1e-6, 3 * (m.su ?? 0))) report(v.range, 'warning', 'site.occupancy', `Occupancy ${v.text} of ${label} is greater than 1`);
  else if (m.value < 0) report(v.range, 'warning', 'site.occupancy', `Occupancy ${m.value} of ${label} is negative`);
  return m.value;
}

/** Range of atom row r: the whole loop row when the coordinates are looped. */
function rowRanger(block: CifBlock, coords: CifValue[][], rowCount: number): (r: number) => TextRange {
  const ref = block.index.get(block.index.has('_atom_site_fract_x') ? '_atom_site_fract_x' : '_atom_site_cartn_x');
  if (ref?.loop && ref.loop.rowCount === rowCount) {
    const loop = ref.loop;
    return (r) => rowRange(loop, r);
  }
  // Coordinates from different loops (a damaged file) may be in any order: a span would run
  // backwards, so fall back to the x value alone.
  return (r) => {
    const a = coords[0][r].range, b = coords[2][r].range;
    const ordered = a.start.line < b.end.line || (a.start.line === b.end.line && a.start.character <= b.end.character);
    return ordered ? spanRange(a, b) : a;
  };
}
