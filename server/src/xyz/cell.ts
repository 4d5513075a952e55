// Cells of slabs and wires as XYZ writers give them: ASE writes the cell of a 2-D sheet with
// pbc="T T F" and, unless vacuum was added, a zero c vector (a wire: two zero vectors); ADF's
// VEC lines give only the periodic vectors. The non-periodic directions are filled in here.
import { cross, det3, norm } from '../structure/linalg';
import type { Mat3, Vec3 } from '../structure/types';

/** A lattice row shorter than this (Å) is "not given". */
const ZERO_VECTOR = 1e-8;
/**
 * Free space added to the atoms' extent along a filled-in direction. Nothing is periodic
 * there, so the length only has to keep the cell sane: not thin, not absurdly dense.
 */
const FILL_MARGIN = 10;

const AXES = ['a', 'b', 'c'] as const;

export function isZeroVector(v: readonly number[]): boolean {
  return Math.hypot(v[0], v[1], v[2]) < ZERO_VECTOR;
}

function unit(v: Vec3): Vec3 {
  const l = norm(v);
  return [v[0] / l, v[1] / l, v[2] / l];
}

/** Any unit vector perpendicular to v (v non-zero). */
function perpendicular(v: Vec3): Vec3 {
  const ax = Math.abs(v[0]), ay = Math.abs(v[1]), az = Math.abs(v[2]);
  const e: Vec3 = ax <= ay && ax <= az ? [1, 0, 0] : ay <= az ? [0, 1, 0] : [0, 0, 1];
  return unit(cross(v, e));
}

/** Extent along u of positions given flat (x0 y0 z0 x1 …). */
function extentAlong(u: Vec3, positions: Float64Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i + 2 < positions.length; i += 3) {
    const x = positions[i] * u[0] + positions[i + 1] * u[1] + positions[i + 2] * u[2];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return positions.length > 0 ? hi - lo : 0;
}

/**
 * The cell with its zero rows in non-periodic directions replaced by perpendicular vectors as
 * long as the atoms' extent there (positions flat: x0 y0 z0 x1 …) plus a margin, or a message
 * when it cannot be used: a zero vector in a periodic direction, parallel vectors, no vector.
 */
export function completeCell(rows: readonly Vec3[], pbc: readonly boolean[], positions: Float64Array): Mat3 | string {
  const zero = rows.map(isZeroVector);
  const bad = zero.findIndex((z, k) => z && pbc[k]);
  if (bad >= 0) {
    const hint = zero.filter(Boolean).length === 1 ? `; a slab written with c = 0 needs pbc="T T F"` : '';
    return `Lattice vector ${AXES[bad]} is zero but pbc marks it periodic${hint}`;
  }
  const m: Vec3[] = rows.map((r) => [r[0], r[1], r[2]]);
  const given = [0, 1, 2].filter((k) => !zero[k]);
  if (given.length === 3) return m as Mat3;
  if (given.length === 0) return 'Lattice has no non-zero vector';
  const fill = (k: number, dir: Vec3): void => {
    const l = extentAlong(dir, positions) + FILL_MARGIN;
    // `+ 0` turns cross products' −0 into 0 so the cell prints and compares cleanly.
    m[k] = [dir[0] * l + 0, dir[1] * l + 0, dir[2] * l + 0];
  };
  if (given.length === 2) {
    const k = zero.indexOf(true);
    const [p, q] = [(k + 1) % 3, (k + 2) % 3];
    const normal = cross(m[p], m[q]);
    if (!(norm(normal) > 1e-8 * norm(m[p]) * norm(m[q]))) return `Lattice vectors ${AXES[p]} and ${AXES[q]} are parallel`;
    fill(k, unit(normal));
  } else {
    const v = m[given[0]];
    const u = perpendicular(v);
    const w = unit(cross(v, u));
    const [k1, k2] = [0, 1, 2].filter((k) => zero[k]);
    fill(k1, u);
    fill(k2, w);
  }
  // Right-handed, as cells built from a, b, c and angles are; only a filled-in vector may be flipped.
  if (det3(m as Mat3) < 0) {
    const k = zero.lastIndexOf(true);
    m[k] = [-m[k][0] + 0, -m[k][1] + 0, -m[k][2] + 0];
  }
  return m as Mat3;
}
