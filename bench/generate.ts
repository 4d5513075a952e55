// Synthetic structure files for benchmarks and robustness tests: realistic layouts (atoms on a
// jittered grid ~2.2 Å apart, so no contact warnings), deterministic from a seed.
import { seededRandom } from '../server/src/model/params';

const ELEMENTS = ['Cu', 'O', 'Fe', 'Si', 'Al', 'Mg', 'Na', 'Ti'];

export interface GeneratedCif {
  text: string;
  atoms: number;
}

function gridSide(atoms: number): number {
  return Math.ceil(Math.cbrt(atoms));
}

/** A P1 CIF listing `atoms` atoms explicitly (fract_x/y/z with s.u. like real files). */
export function p1Cif(atoms: number, seed = 1, name = 'bench'): GeneratedCif {
  const r = seededRandom(seed);
  const side = gridSide(atoms);
  const a = side * 2.2;
  const lines: string[] = [
    `data_${name}`,
    '_symmetry_space_group_name_H-M   \'P 1\'',
    `_cell_length_a   ${a.toFixed(4)}`,
    `_cell_length_b   ${a.toFixed(4)}`,
    `_cell_length_c   ${a.toFixed(4)}`,
    '_cell_angle_alpha   90.0000',
    '_cell_angle_beta   90.0000',
    '_cell_angle_gamma   90.0000',
    'loop_',
    ' _symmetry_equiv_pos_site_id',
    ' _symmetry_equiv_pos_as_xyz',
    '  1  \'x, y, z\'',
    'loop_',
    ' _atom_site_label',
    ' _atom_site_type_symbol',
    ' _atom_site_fract_x',
    ' _atom_site_fract_y',
    ' _atom_site_fract_z',
    ' _atom_site_occupancy',
  ];
  let k = 0;
  for (let i = 0; i < side && k < atoms; i++) {
    for (let j = 0; j < side && k < atoms; j++) {
      for (let l = 0; l < side && k < atoms; l++, k++) {
        const el = ELEMENTS[Math.floor(r() * ELEMENTS.length)];
        const f = (g: number): string => ((g + 0.5 + (r() - 0.5) * 0.2) / side).toFixed(6);
        lines.push(`  ${el}${k + 1}  ${el}  ${f(i)}(3)  ${f(j)}(3)  ${f(l)}(4)  1`);
      }
    }
  }
  return { text: lines.join('\n') + '\n', atoms };
}

/** Pm-3m-like 48 general-position operators (the full m-3m point group, no centring). */
export function cubicOps(): string[] {
  const perms: [string, string, string][] = [['x', 'y', 'z'], ['z', 'x', 'y'], ['y', 'z', 'x'], ['y', 'x', 'z'], ['x', 'z', 'y'], ['z', 'y', 'x']];
  const ops: string[] = [];
  for (const p of perms) {
    for (let s = 0; s < 8; s++) {
      const sign = (k: number): string => ((s >> k) & 1 ? '-' : '');
      ops.push(`${sign(0)}${p[0]},${sign(1)}${p[1]},${sign(2)}${p[2]}`);
    }
  }
  return ops;
}

/** An asymmetric unit of `rows` general positions expanded by 48 cubic operators (≈ 48·rows atoms). */
export function symmetricCif(rows: number, seed = 2): GeneratedCif {
  const r = seededRandom(seed);
  const a = Math.cbrt(rows * 48) * 2.4;
  const lines: string[] = [
    'data_cubic',
    '_space_group_name_H-M_alt \'P m -3 m\'',
    `_cell_length_a ${a.toFixed(4)}`, `_cell_length_b ${a.toFixed(4)}`, `_cell_length_c ${a.toFixed(4)}`,
    '_cell_angle_alpha 90', '_cell_angle_beta 90', '_cell_angle_gamma 90',
    'loop_', '_space_group_symop_operation_xyz',
    ...cubicOps().map((o) => `'${o}'`),
    'loop_', '_atom_site_label', '_atom_site_type_symbol', '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z',
  ];
  // General positions in the asymmetric wedge 0 < z < y < x < 1/2, kept off the mirror planes.
  for (let i = 0; i < rows; i++) {
    const el = ELEMENTS[i % ELEMENTS.length];
    const x = 0.05 + 0.4 * r();
    const y = 0.03 + (x - 0.06) * r();
    const z = 0.01 + (y - 0.02) * r();
    lines.push(`${el}${i + 1} ${el} ${x.toFixed(5)} ${y.toFixed(5)} ${z.toFixed(5)}`);
  }
  return { text: lines.join('\n') + '\n', atoms: rows * 48 };
}

/** Extended XYZ, one periodic frame of `atoms` atoms with an extra per-atom column. */
export function extendedXyz(atoms: number, seed = 3): string {
  const r = seededRandom(seed);
  const side = gridSide(atoms);
  const a = side * 2.2;
  const out: string[] = [
    String(atoms),
    `Lattice="${a.toFixed(4)} 0.0 0.0 0.0 ${a.toFixed(4)} 0.0 0.0 0.0 ${a.toFixed(4)}" Properties=species:S:1:pos:R:3:forces:R:3 energy=-1234.5 pbc="T T T"`,
  ];
  let k = 0;
  for (let i = 0; i < side && k < atoms; i++) {
    for (let j = 0; j < side && k < atoms; j++) {
      for (let l = 0; l < side && k < atoms; l++, k++) {
        const el = ELEMENTS[Math.floor(r() * ELEMENTS.length)];
        const c = (g: number): string => ((g + 0.5 + (r() - 0.5) * 0.2) * 2.2).toFixed(6);
        out.push(`${el} ${c(i)} ${c(j)} ${c(l)} ${(r() - 0.5).toFixed(5)} ${(r() - 0.5).toFixed(5)} ${(r() - 0.5).toFixed(5)}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

/** A CIF of about `bytes` characters: a P1 atom loop padded by a long text-field comment. */
export function largeCif(bytes: number, seed = 4): string {
  // ~60 characters per atom row.
  const atoms = Math.max(1, Math.floor(bytes / 62));
  const text = p1Cif(atoms, seed, 'large').text;
  return text.length >= bytes ? text : text + '#'.repeat(bytes - text.length - 1) + '\n';
}
