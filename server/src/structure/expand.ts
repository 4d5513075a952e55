// Symmetry expansion of the asymmetric unit to the full cell. Images of one source row that
// coincide under periodic wrap (Cartesian minimum-image distance < tolerance) are merged; the
// comparison is within the row's own orbit, so its cost is O(orbit²) per row, never O(n²).
import { wrap01 } from './linalg';
import type { SymOp } from './symop';
import type { Lattice, Site, TextRange, Vec3 } from './types';

export interface AsymmetricSite {
  label: string;
  element: string;
  Z: number;
  occupancy: number;
  frac: Vec3;
  range: TextRange;
  /** Index into Structure.sourceSites. */
  sourceSite: number;
  /**
   * Images closer than this (Å) are one atom even beyond the tolerance: the distance the row's
   * coordinates cannot resolve, as written (0.333 for 1/3 in a 14 Å cell is 0.005 Å off).
   */
  mergeDistance?: number;
}

export type ExpandResult =
  | { sites: Site[]; orbits: number[][]; tooLarge?: undefined }
  | { tooLarge: true; sites?: undefined; orbits?: undefined };

/** op applied to f, wrapped into [0,1); one array, no intermediate. */
function wrappedImage(op: SymOp, f: Vec3): Vec3 {
  const r = op.rot, t = op.trans;
  return [
    wrap01(r[0][0] * f[0] + r[0][1] * f[1] + r[0][2] * f[2] + t[0]),
    wrap01(r[1][0] * f[0] + r[1][1] * f[1] + r[1][2] * f[2] + t[1]),
    wrap01(r[2][0] * f[0] + r[2][1] * f[1] + r[2][2] * f[2] + t[2]),
  ];
}

export function expandSites(
  rows: readonly AsymmetricSite[], lattice: Lattice, ops: readonly SymOp[], tolerance: number, maxAtoms: number,
): ExpandResult {
  const sites: Site[] = [];
  const orbits: number[][] = [];
  const m = lattice.matrix;
  const accepted: Vec3[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const merge = Math.max(tolerance, row.mergeDistance ?? 0);
    const tol2 = merge * merge;
    const orbit: number[] = [];
    accepted.length = 0;
    for (const op of ops) {
      const f = wrappedImage(op, row.frac);
      let duplicate = false;
      for (let k = 0; k < accepted.length && !duplicate; k++) {
        const a = accepted[k];
        let dx = f[0] - a[0], dy = f[1] - a[1], dz = f[2] - a[2];
        dx -= Math.round(dx);
        dy -= Math.round(dy);
        dz -= Math.round(dz);
        const cx = dx * m[0][0] + dy * m[1][0] + dz * m[2][0];
        const cy = dx * m[0][1] + dy * m[1][1] + dz * m[2][1];
        const cz = dx * m[0][2] + dy * m[1][2] + dz * m[2][2];
        duplicate = cx * cx + cy * cy + cz * cz < tol2;
      }
      if (duplicate) continue;
      if (sites.length >= maxAtoms) return { tooLarge: true };
      accepted.push(f);
      orbit.push(sites.length);
      const cart: Vec3 = [
        f[0] * m[0][0] + f[1] * m[1][0] + f[2] * m[2][0],
        f[0] * m[0][1] + f[1] * m[1][1] + f[2] * m[2][1],
        f[0] * m[0][2] + f[1] * m[1][2] + f[2] * m[2][2],
      ];
      sites.push({
        element: row.element, Z: row.Z, frac: f, cart, occupancy: row.occupancy,
        label: row.label, sourceSite: row.sourceSite, orbit: r, range: row.range,
      });
    }
    orbits.push(orbit);
  }
  return { sites, orbits };
}
