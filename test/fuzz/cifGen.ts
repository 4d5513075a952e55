// Grammar-aware random CIF documents: blocks, save frames, pairs and loops with every kind of
// value CIF allows (bare, quoted, text fields, CIF2 triple quotes, lists, tables), numbers with
// s.u., cells, symmetry operators and atom-site loops in random column orders. Mostly valid so
// the parser gets deep; the mutator breaks them afterwards.
import type { Rng } from './rng';

const ELEMENTS = ['Fe', 'Cu', 'O', 'Ti', 'Zn', 'Ni', 'Co', 'Mn', 'H', 'C', 'N', 'Si', 'Cl', 'Na', 'Mo', 'Cd', 'D', 'Xx', 'Q', '?', '.', 'Fe3+', 'O2-', 'FE', 'cu'];
const OPS = [
  'x,y,z', '-x,-y,-z', '-x,y,-z', 'x,-y,z', '1/2+x,1/2+y,z', '-y,x-y,z', '-x+y,-x,z', 'y,x,-z', 'x+1/2,-y+1/2,-z',
  'z,x,y', 'y,z,x', '-x+1/4,y+3/4,z', 'x,y,z+0.5', '+x,+y,+z', 'x, y, z', '1/3+x,2/3+y,2/3+z',
];
const BAD_OPS = ['x,y', 'x,y,z,w', '2x,y,z', 'x/2,y,z', 'a,b,c', '', 'x,,z', 'x+1/0,y,z', '-x,-x,z', '1e999+x,y,z'];
const TAGS = ['_chemical_name_common', '_journal_year', '_cell_volume', '_cell_formula_units_Z', '_chemical_formula_sum', '_exptl_crystal_colour', '_refine_ls_R_factor_all', '_atom_site_U_iso_or_equiv', '_diffrn_ambient_temperature'];

function number(r: Rng, lo: number, hi: number): string {
  const v = lo + (hi - lo) * r.float();
  const digits = r.int(0, 7);
  let s = v.toFixed(digits);
  if (r.chance(0.3)) s += `(${r.int(1, 99)})`;
  if (r.chance(0.03)) s = v.toExponential(r.int(0, 5));
  return s;
}

function word(r: Rng): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+.,/()*^%$&!';
  let s = '';
  const n = r.int(1, 12);
  for (let i = 0; i < n; i++) s += r.pick(chars.split(''));
  return s;
}

function value(r: Rng, cif2: boolean, depth = 0): string {
  const k = r.int(0, cif2 ? 9 : 6);
  switch (k) {
    case 0: return number(r, -100, 100);
    case 1: return r.pick(['?', '.', '0', '-0', '1e3', '.5']);
    case 2: return `'${word(r)} ${word(r)}'`;
    case 3: return `"${word(r)}'s"`;
    case 4: return `\n;${word(r)}\n${word(r)} ${word(r)}\n;\n`;
    case 5: return word(r).replace(/^[_#$'";[\]{}]/, 'a');
    case 6: return r.pick(["'O'Brien's'", '"a "b" c"', "''", '""']);
    case 7: return `'''${word(r)}\n${word(r)}'''`;
    case 8: return depth > 2 ? '1' : `[${Array.from({ length: r.int(0, 4) }, () => value(r, cif2, depth + 1)).join(' ')}]`;
    default: return depth > 2 ? '2' : `{${Array.from({ length: r.int(0, 3) }, () => `'${word(r)}':${value(r, cif2, depth + 1)}`).join(' ')}}`;
  }
}

function cell(r: Rng, out: string[]): void {
  const lengths = ['a', 'b', 'c'];
  const angles = ['alpha', 'beta', 'gamma'];
  const hex = r.chance(0.2);
  for (const l of lengths) {
    if (r.chance(0.03)) continue;
    out.push(`_cell_length_${l} ${r.chance(0.03) ? r.pick(['0', '-3', '?', '1e-9', '1e9', 'abc']) : number(r, 2, 15)}`);
  }
  for (const [i, a] of angles.entries()) {
    if (r.chance(0.1)) continue;
    const v = hex && i === 2 ? '120' : r.chance(0.6) ? '90' : number(r, 60, 130);
    out.push(`_cell_angle_${a} ${r.chance(0.02) ? r.pick(['0', '180', '120', '200', '?']) : v}`);
  }
}

function symops(r: Rng, out: string[]): void {
  const tag = r.pick(['_space_group_symop_operation_xyz', '_symmetry_equiv_pos_as_xyz']);
  const withId = r.chance(0.5);
  out.push('loop_');
  if (withId) out.push('_space_group_symop_id');
  out.push(tag);
  const n = r.int(1, 12);
  for (let i = 0; i < n; i++) {
    const op = r.chance(0.05) ? r.pick(BAD_OPS) : r.pick(OPS);
    out.push(`${withId ? `${i + 1} ` : ''}'${op}'`);
  }
}

function atomSites(r: Rng, out: string[]): void {
  const cart = r.chance(0.15);
  const cols = ['label', 'type_symbol', ...(cart ? ['Cartn_x', 'Cartn_y', 'Cartn_z'] : ['fract_x', 'fract_y', 'fract_z']), 'occupancy', 'U_iso_or_equiv'];
  const used = cols.filter((c) => /_[xyz]$/.test(c) ? !r.chance(0.02) : r.chance(0.7));
  // Shuffle the column order.
  for (let i = used.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [used[i], used[j]] = [used[j], used[i]];
  }
  const sep = r.chance(0.5) ? '_atom_site_' : '_atom_site.';
  out.push('loop_', ...used.map((c) => sep + c));
  const n = r.int(0, 24);
  for (let i = 0; i < n; i++) {
    const el = r.pick(ELEMENTS);
    const row = used.map((c) => {
      if (c === 'label') return `${el.replace(/[^A-Za-z]/g, '') || 'X'}${i + 1}`;
      if (c === 'type_symbol') return el;
      if (c === 'occupancy') return r.chance(0.8) ? '1' : number(r, 0, 1.2);
      if (c.startsWith('fract')) return r.chance(0.05) ? r.pick(['?', '.', '1/2', '0.5.5']) : number(r, -0.2, 1.2);
      if (c.startsWith('Cartn')) return number(r, -10, 10);
      return number(r, 0, 0.1);
    });
    out.push(row.join(r.chance(0.1) ? '\t' : ' '));
  }
}

function otherItems(r: Rng, cif2: boolean, out: string[]): void {
  const n = r.int(0, 4);
  for (let i = 0; i < n; i++) {
    if (r.chance(0.3)) {
      const tags = Array.from({ length: r.int(1, 3) }, () => r.pick(TAGS) + (r.chance(0.5) ? `_${r.int(0, 9)}` : ''));
      out.push('loop_', ...tags);
      const rows = r.int(0, 4);
      for (let k = 0; k < rows; k++) out.push(tags.map(() => value(r, cif2)).join(' '));
    } else {
      out.push(`${r.pick(TAGS)} ${value(r, cif2)}`);
    }
  }
}

export function generateCif(r: Rng): string {
  const cif2 = r.chance(0.15);
  const out: string[] = [];
  if (cif2) out.push('#\\#CIF_2.0');
  if (r.chance(0.3)) out.push(`# ${word(r)} comment`);
  if (r.chance(0.05)) out.push('global_', `_x ${value(r, cif2)}`);
  const blocks = r.int(1, 3);
  for (let b = 0; b < blocks; b++) {
    out.push(`data_${r.chance(0.05) ? '' : word(r).replace(/[^A-Za-z0-9]/g, 'x')}`);
    const parts = [() => cell(r, out), () => symops(r, out), () => atomSites(r, out), () => otherItems(r, cif2, out)];
    if (r.chance(0.2)) out.push(`_symmetry_space_group_name_H-M '${r.pick(['P 1', 'P -1', 'F m -3 m', 'P 63 m c', 'C 2/c'])}'`);
    if (r.chance(0.1)) out.push(`_space_group_IT_number ${r.int(1, 230)}`);
    for (let i = parts.length - 1; i > 0; i--) {
      const j = r.int(0, i);
      [parts[i], parts[j]] = [parts[j], parts[i]];
    }
    for (const p of parts) if (r.chance(0.9)) p();
    if (r.chance(0.1)) out.push(`save_${word(r).replace(/[^A-Za-z]/g, 'f')}`, `_y ${value(r, cif2)}`, 'save_');
  }
  return out.join(r.chance(0.1) ? '\r\n' : '\n') + (r.chance(0.9) ? '\n' : '');
}
