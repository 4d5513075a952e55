// Exact neighbour search around one site over all periodic images. The image range per lattice
// direction comes from the cell's perpendicular heights, so cells smaller than the cutoff,
// long-thin and very oblique cells are all handled exactly (no fixed ±1 image shell).
import { cartToFrac } from '../structure/lattice';
import { cross, norm } from '../structure/linalg';
import type { Structure, Vec3 } from '../structure/types';

export interface NeighbourHit {
  siteIndex: number;
  /** Integer lattice translation of this image; [0,0,0] for molecules. */
  image: Vec3;
  distance: number;
  cart: Vec3;
}

/** Heights of the cell perpendicular to the planes (b,c), (c,a), (a,b): volume / face area. */
export function perpendicularHeights(matrix: [Vec3, Vec3, Vec3]): Vec3 {
  const [a, b, c] = matrix;
  const bc = cross(b, c);
  const volume = Math.abs(a[0] * bc[0] + a[1] * bc[1] + a[2] * bc[2]);
  return [volume / norm(bc), volume / norm(cross(c, a)), volume / norm(cross(a, b))];
}

const TIE = 1e8;

/** Distance (rounded to 1e-8 Å), then site index, then image lexicographically. */
export function compareHits(p: NeighbourHit, q: NeighbourHit): number {
  const dp = Math.round(p.distance * TIE);
  const dq = Math.round(q.distance * TIE);
  if (dp !== dq) return dp - dq;
  if (p.siteIndex !== q.siteIndex) return p.siteIndex - q.siteIndex;
  for (let k = 0; k < 3; k++) if (p.image[k] !== q.image[k]) return p.image[k] - q.image[k];
  return 0;
}

/**
 * Every atom image within `cutoff` Å of site `centre` (the centre itself excluded), sorted by
 * compareHits. Non-periodic directions (pbc false, or no lattice) get no images.
 */
export function findNeighbours(structure: Structure, centre: number, cutoff: number): NeighbourHit[] {
  const sites = structure.sites;
  if (!Number.isInteger(centre) || centre < 0 || centre >= sites.length) {
    throw new Error(`site index ${centre} out of range (structure has ${sites.length} sites)`);
  }
  const origin = sites[centre].cart;
  const hits: NeighbourHit[] = [];
  const lattice = structure.lattice;
  const c2 = cutoff * cutoff;
  if (!lattice || !structure.pbc.some(Boolean)) {
    sites.forEach((s, j) => {
      if (j === centre) return;
      const d = [s.cart[0] - origin[0], s.cart[1] - origin[1], s.cart[2] - origin[2]];
      const r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      if (r2 <= c2) hits.push({ siteIndex: j, image: [0, 0, 0], distance: Math.sqrt(r2), cart: [...s.cart] });
    });
    return hits.sort(compareHits);
  }
  const m = lattice.matrix;
  const h = perpendicularHeights(m);
  const f0 = cartToFrac(lattice, origin);
  // A displacement of length ≤ cutoff has fractional component k within ±cutoff/h_k; the small
  // margin keeps atoms sitting exactly on the cutoff from being lost to rounding.
  const reach = h.map((hk, k) => (structure.pbc[k] ? cutoff / hk + 1e-9 : 0));
  sites.forEach((s, j) => {
    const fj = cartToFrac(lattice, s.cart);
    const df = [fj[0] - f0[0], fj[1] - f0[1], fj[2] - f0[2]];
    // `+ 0` turns Math.ceil's −0 into 0 so images compare and serialise cleanly.
    const lo = df.map((x, k) => (structure.pbc[k] ? Math.ceil(-reach[k] - x) + 0 : 0));
    const hi = df.map((x, k) => (structure.pbc[k] ? Math.floor(reach[k] - x) + 0 : 0));
    for (let i0 = lo[0]; i0 <= hi[0]; i0++) {
      for (let i1 = lo[1]; i1 <= hi[1]; i1++) {
        for (let i2 = lo[2]; i2 <= hi[2]; i2++) {
          if (j === centre && i0 === 0 && i1 === 0 && i2 === 0) continue;
          const x = s.cart[0] + i0 * m[0][0] + i1 * m[1][0] + i2 * m[2][0];
          const y = s.cart[1] + i0 * m[0][1] + i1 * m[1][1] + i2 * m[2][1];
          const z = s.cart[2] + i0 * m[0][2] + i1 * m[1][2] + i2 * m[2][2];
          const dx = x - origin[0];
          const dy = y - origin[1];
          const dz = z - origin[2];
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 <= c2) hits.push({ siteIndex: j, image: [i0, i1, i2], distance: Math.sqrt(r2), cart: [x, y, z] });
        }
      }
    }
  });
  return hits.sort(compareHits);
}
