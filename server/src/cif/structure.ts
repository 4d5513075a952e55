// A parsed CIF data block -> Structure: cell, atom sites, symmetry operators, expansion to the
// full cell, and the consistency checks. Every problem becomes a diagnostic; nothing throws.
import { checkStructure, degenerateCell } from '../structure/checks';
import { MAX_COORDINATE } from '../structure/limits';
import { expandSites, type AsymmetricSite } from '../structure/expand';
import { cartToFrac, fracToCart, latticeFromParameters } from '../structure/lattice';
import { elementFromLabel } from '../structure/species';
import { lookupSpaceGroup } from '../structure/spaceGroups';
import { composeSymops, identityOp, parseSymop, type SymOp } from '../structure/symop';
import type {
  Lattice, Measured, ParseOptions, Site, SourceSite, Structure, StructureDiagnostic, TextRange, Vec3,
} from '../structure/types';
import { isNull, numericValue } from './numbers';
import { column, rowRange, scalar, spanRange, type CifBlock, type CifValue } from './parser';
import { checkCellVolume, checkFormula } from './consistency';

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

/** The first of these tags with a value ('?' and '.' are none). */
function first(block: CifBlock, keys: readonly string[]): CifValue | undefined {
  return keys.map((k) => scalar(block, k)).find((v) => v && !isNull(v));
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

  // Symmetry operators: those listed, else those of the space group the block names.
  const spaceGroup = first(block, SPACE_GROUP_KEYS)?.text.trim();
  let ops = lattice ? readSymops(block, report) : [identityOp()];
  if (lattice && ops.length === 1 && ops[0].text === 'x,y,z' && !isP1(block, spaceGroup)
    && ![...SYMOP_KEYS, MAGNETIC_OPS_KEY].some((k) => block.index.has(k))) {
    ops = opsOfNamedGroup(block, lattice, report) ?? ops;
  }

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
  const sourceSites: SourceSite[] = [];
  const asym: AsymmetricSite[] = [];
  for (let r = 0; r < rowCount; r++) {
    const range = rowRangeOf(r);
    const xyz = coordinatesOf(coords, r, report);
    if (!xyz) continue;
    const labelValue = labels?.[r];
    const typeValue = types?.[r];
    const useType = typeValue !== undefined && !isNull(typeValue);
    const elementSource = useType ? typeValue : labelValue && !isNull(labelValue) ? labelValue : undefined;
    const match = elementSource ? elementFromLabel(elementSource.text) : undefined;
    if (!match) {
      report(elementSource?.range ?? range, 'error', 'element.unknown',
        elementSource
          ? `'${elementSource.text}' is not a chemical element${useType ? '' : ' (element taken from the label; add _atom_site_type_symbol)'}`
          : 'Atom site has neither a type symbol nor a label to take its element from');
    }
    const element = match?.element ?? (elementSource?.text ?? '?');
    const label = labelValue && !isNull(labelValue) ? labelValue.text : `${element}${r + 1}`;
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
    const source: SourceSite = { index, label, element, Z: match?.Z ?? 0, occupancy, cart, range };
    if (frac) source.frac = frac;
    sourceSites.push(source);
    if (frac) asym.push({ label, element, Z: match?.Z ?? 0, occupancy, frac, range, sourceSite: index });
  }

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

type Reporter = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string) => void;

/** The three coordinates of row r; undefined (with a diagnostic) when one is not a number. */
function coordinatesOf(coords: CifValue[][], r: number, report: Reporter): Vec3 | undefined {
  const out: Vec3 = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    const v = coords[k][r];
    const m = numericValue(v);
    if (!m) {
      report(v.range, 'error', 'coord.nonnumeric', `Coordinate '${v.text}' is not a number; this atom site is skipped`);
      return undefined;
    }
    if (Math.abs(m.value) > MAX_COORDINATE) {
      report(v.range, 'error', 'coord.range', `Coordinate ${v.text} is out of range (beyond ±${MAX_COORDINATE}); this atom site is skipped`);
      return undefined;
    }
    out[k] = m.value;
  }
  return out;
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
  for (const v of values) {
    if (isNull(v)) continue;
    const r = parseSymop(read(v.text));
    if (!r.op) {
      report(v.range, 'error', 'symmetry.invalidOp', `Symmetry operator '${v.text}' cannot be used: ${r.error}`);
      continue;
    }
    if (seen.has(r.op.text)) continue;
    seen.add(r.op.text);
    ops.push(r.op);
  }
  return ops;
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

function readSymops(block: CifBlock, report: Reporter): SymOp[] {
  const magnetic = column(block, MAGNETIC_OPS_KEY);
  if (magnetic) {
    // A magnetic space group lists operations and centrings apart; atoms need all their products.
    const ops = parseOps(magnetic, report, spatialPart);
    const centrings = parseOps(column(block, MAGNETIC_CENTRINGS_KEY) ?? [], report, spatialPart);
    const all = centrings.length > 0 ? withCentrings(ops, centrings) : ops;
    return all.length > 0 ? all : [identityOp()];
  }
  const ops = parseOps(SYMOP_KEYS.map((k) => column(block, k)).find((c) => c !== undefined) ?? [], report);
  return ops.length > 0 ? ops : [identityOp()];
}

/**
 * The operators of the space group a block names without listing them (pymatgen and VESTA do the
 * same), with a diagnostic saying which setting was used; undefined (and the P1 warning) when
 * the name or number is not a known group.
 */
function opsOfNamedGroup(block: CifBlock, lattice: Lattice, report: Reporter): SymOp[] | undefined {
  const symbolValue = first(block, SPACE_GROUP_KEYS.filter((k) => k.includes('h-m')));
  const hallValue = first(block, SPACE_GROUP_KEYS.filter((k) => k.includes('hall')));
  const numberValue = first(block, SPACE_GROUP_NUMBER_KEYS);
  const where = symbolValue ?? hallValue ?? numberValue;
  if (!where) return undefined;
  const number = numberValue ? numericValue(numberValue)?.value : undefined;
  const found = lookupSpaceGroup({
    ...(symbolValue ? { symbol: symbolValue.text } : {}), ...(hallValue ? { hall: hallValue.text } : {}),
    ...(number !== undefined ? { number } : {}), lattice,
  });
  const named = symbolValue ? `Space group ${symbolValue.text.trim()}` : hallValue ? `Space group (Hall) ${hallValue.text.trim()}` : `Space group number ${numberValue?.text}`;
  if (!found.setting) {
    report(where.range, 'warning', 'symmetry.missingOps',
      `${named} is named but the block lists no symmetry operators (_space_group_symop_operation_xyz), and ${found.error}; only the listed atoms are used, as if P1`);
    return undefined;
  }
  const g = found.setting;
  const setting = `${g.symbol} (No. ${g.number}${g.choice ? `, setting ${g.choice}` : ''}, Hall '${g.hall}')`;
  // A number that contradicts the symbol is a typo in one of them; the symbol is more specific.
  const clash = number !== undefined && number !== g.number && (symbolValue || hallValue)
    ? `; the block's space-group number ${number} is not this group's` : '';
  const note = `${found.assumed ? `; ${found.assumed}` : ''}${clash}`;
  report(where.range, note ? 'warning' : 'information', 'symmetry.generatedOps',
    `No symmetry operators are listed: the ${g.ops.length} operators of ${setting} are used${note}`);
  return g.ops;
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
  if (m.value > 1 + 1e-6) report(v.range, 'warning', 'site.occupancy', `Occupancy ${m.value} of ${label} is greater than 1`);
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
