// Random plain and extended XYZ documents: frames with right and wrong counts, Lattice /
// Properties / pbc comment fields (valid and broken, bracketed, slabs with a zero c), titles of
// real producers (i-PI, LAMMPS, free text), species as symbols, numbers, dummies and junk,
// Fortran and non-finite numbers, ADF VEC cell lines and blank lines inside a frame.
import type { Rng } from './rng';

const SPECIES = ['Fe', 'Cu', 'O', 'H', 'C', 'N', 'Ti', 'Zn', '26', '29', '8', '1', 'X', '0', '200', 'fe', 'CU', 'Bq', 'Fe1', 'VEC1'];

/** A coordinate as some program writes it: Fortran exponents, bare points, non-finite words. */
function oddNumber(r: Rng): string {
  return r.pick(['1.0D-03', '-2.5d0', '1.', '.5', 'NaN', '-inf', '0x1F', '1e400', '+0.0E+00']);
}

function coord(r: Rng, span: number): string {
  return ((r.float() - 0.5) * span).toFixed(r.int(0, 8));
}

function comment(r: Rng): string {
  if (r.chance(0.1)) {
    return r.pick([
      `# CELL(abcABC): ${(5 + 20 * r.float()).toFixed(5)} ${(5 + 20 * r.float()).toFixed(5)} ${(5 + 20 * r.float()).toFixed(5)} 90.0 90.0 ${r.pick(['90.0', '120.0', '0.0'])} Step: 3 Bead: 0 ${r.pick(['positions', 'forces', 'x_centroid'])}{${r.pick(['atomic_unit', 'angstrom', 'furlong'])}} cell{atomic_unit}`,
      ' Atoms. Timestep: 100',
      'Lattice constant 5.43 A',
      'Properties of the relaxed state',
      `       ${coord(r, 100)}`,
    ]);
  }
  const parts: string[] = [];
  if (r.chance(0.5)) {
    const a = 2 + 10 * r.float();
    const v = r.chance(0.1)
      ? r.pick(['1 0 0 0 1 0 0 0 0', '1 2 3', 'a b c d e f g h i', '1 0 0 2 0 0 0 0 1', '1e308 0 0 0 1e308 0 0 0 1e308'])
      : `${a.toFixed(3)} 0 0 ${coord(r, 2)} ${(2 + 10 * r.float()).toFixed(3)} 0 ${coord(r, 2)} ${coord(r, 2)} ${(2 + 10 * r.float()).toFixed(3)}`;
    parts.push(r.chance(0.2) ? `Lattice=[[${v.split(' ').slice(0, 3).join(', ')}], [${v.split(' ').slice(3, 6).join(', ')}], [${v.split(' ').slice(6).join(', ')}]]` : `Lattice="${v}"`);
  }
  if (r.chance(0.05)) parts.push(`Lattice="${(2 + 5 * r.float()).toFixed(3)} 0 0 ${coord(r, 2)} ${(2 + 5 * r.float()).toFixed(3)} 0 0 0 0"`);
  if (r.chance(0.5)) {
    parts.push(`Properties=${r.pick([
      'species:S:1:pos:R:3', 'species:S:1:pos:R:3:forces:R:3', 'pos:R:3:species:S:1', 'Z:I:1:pos:R:3',
      'species:S:1', 'species:S:x:pos:R:3', 'species:S:1:pos:R', 'id:I:1:species:S:1:pos:R:3:charge:R:1',
    ])}`);
  }
  if (r.chance(0.3)) parts.push(r.pick(['pbc="T T T"', 'pbc="F F F"', 'pbc="T F T"', 'pbc="T T"', 'pbc="1 0 1"', 'pbc="T T F"', 'pbc=[T, T, F]', 'pbc="F F T"']));
  if (r.chance(0.3)) parts.push(`energy=${coord(r, 100)}`, 'flag', 'key="quoted \\" value"');
  return parts.join(' ');
}

export function generateXyz(r: Rng): string {
  const out: string[] = [];
  const frames = r.int(1, 3);
  for (let f = 0; f < frames; f++) {
    const n = r.int(0, 24);
    out.push(String(r.chance(0.1) ? n + r.int(-2, 2) : n));
    out.push(comment(r));
    const extra = r.int(0, 4);
    for (let i = 0; i < n; i++) {
      const pos = [coord(r, 12), coord(r, 12), coord(r, 12)].map((x) => (r.chance(0.02) ? oddNumber(r) : x));
      const cols = r.chance(0.1) ? [r.pick(SPECIES), ...pos] : [...pos];
      if (cols.length === 3) cols.unshift(r.pick(SPECIES));
      for (let e = 0; e < extra; e++) cols.push(coord(r, 2));
      out.push(cols.join(r.chance(0.1) ? '\t' : '  '));
      if (r.chance(0.01)) out.push('');
    }
    if (r.chance(0.05)) {
      const vecs = r.int(1, 3);
      for (let k = 1; k <= vecs; k++) out.push(`VEC${k} ${[1, 2, 3].map((c) => (c === k ? (2 + 5 * r.float()).toFixed(3) : coord(r, 1))).join(' ')}`);
    }
    if (r.chance(0.2)) out.push('');
  }
  return out.join(r.chance(0.1) ? '\r\n' : '\n') + '\n';
}
