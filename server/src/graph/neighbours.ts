// Exact neighbour search around one site over all periodic images. The image range per lattice
// direction comes from the cell's perpendicular heights, so cells smaller than the cutoff,
// long-thin and very oblique cells are all handled exactly (no fixed ±1 image shell).
import { cartToFrac, cellHeights, latticeFromMatrix } from '../structure/lattice';
import { alternativesLeftOut } from '../structure/disorder';
import type { Structure, Vec3 } from '../structure/types';

export interface NeighbourHit {
  siteIndex: number;
  /** Integer lattice translation of this image; [0,0,0] for molecules. */
  image: Vec3;
  distance: number;
  cart: Vec3;
}

/** Heights across the (b,c), (c,a), (a,b) planes of a bare matrix: structure/lattice.ts cellHeights. */
export function perpendicularHeights(matrix: [Vec3, Vec3, Vec3]): Vec3 {
  return cellHeights(latticeFromMatrix(matrix));
}

/**
 * Most lattice images one search may visit (sites × images per site). Structures from the
 * parsers respect its cell and coordinate limits, but importers and the API build structures
 * directly: a near-degenerate cell or coordinates near 1e300 would otherwise ask for billions
 * of images, or loop forever once image indices pass 2^53 (i + 1 === i).
 */
export const MAX_IMAGE_VISITS = 20_000_000;

const finite3 = (v: readonly number[]): boolean => Number.isFinite(v[0]) && Number.isFinite(v[1]) && Number.isFinite(v[2]);

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
 * Throws a clear Error (never loops or hangs) for non-finite or absurdly large coordinates and
 * for cells so thin that the search would need more than MAX_IMAGE_VISITS images.
 */
export function findNeighbours(structure: Structure, centre: number, cutoff: number): NeighbourHit[] {
  const sites = structure.sites;
  if (!Number.isInteger(centre) || centre < 0 || centre >= sites.length) {
    throw new Error(`site index ${centre} out of range (structure has ${sites.length} sites)`);
  }
  if (!(Number.isFinite(cutoff) && cutoff >= 0)) throw new Error(`neighbour search: cutoff ${cutoff} is not a finite distance`);
  const origin = sites[centre].cart;
  const bad = sites.findIndex((s) => !finite3(s.cart));
  if (bad >= 0) throw new Error(`neighbour search: site ${bad} (${sites[bad].label}) has non-finite coordinates [${sites[bad].cart.join(', ')}]`);
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
  if (!m.every(finite3)) throw new Error('neighbour search: the lattice matrix has non-finite entries');
  const h = cellHeights(lattice);
  const f0 = cartToFrac(lattice, origin);
  // A displacement of length ≤ cutoff has fractional component k within ±cutoff/h_k; the small
  // margin keeps atoms sitting exactly on the cutoff from being lost to rounding.
  const reach = h.map((hk, k) => (structure.pbc[k] ? cutoff / hk + 1e-9 : 0));
  const perSite = reach.reduce((p, r) => p * (2 * r + 2), 1);
  if (!(perSite * sites.length <= MAX_IMAGE_VISITS)) {
    throw new Error(
      `neighbour search: the cell is too thin for a ${cutoff} Å cutoff (heights ${h.map((x) => x.toPrecision(3)).join(', ')} Å; `
      + `${sites.length} sites would need ~${perSite.toPrecision(3)} images each, more than ${MAX_IMAGE_VISITS} in all)`,
    );
  }
  const fracs = sites.map((s) => cartToFrac(lattice, s.cart));
  const far = fracs.findIndex((f) => !f.every((x, k) => Math.abs(x - f0[k]) + reach[k] + 1 < Number.MAX_SAFE_INTEGER));
  if (far >= 0 || !finite3(f0)) {
    const i = far >= 0 ? far : centre;
    throw new Error(`neighbour search: site ${i} (${sites[i].label}) lies beyond 2^53 cells from the centre (fractional [${fracs[i].map((x) => x.toPrecision(3)).join(', ')}]); coordinates this large cannot be searched`);
  }
  sites.forEach((s, j) => {
    const fj = fracs[j];
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

/**
 * findNeighbours in the ordered picture of a disordered structure (structure/disorder.ts): the
 * alternatives of each partially occupied place are left out but one. What graphs, descriptors
 * and occlusion see, so all three agree; an ordered structure gives exactly findNeighbours.
 */
export function findEnvironment(structure: Structure, centre: number, cutoff: number): NeighbourHit[] {
  const hits = findNeighbours(structure, centre, cutoff);
  const leftOut = alternativesLeftOut(structure, centre);
  return leftOut.size === 0 ? hits : hits.filter((h) => !leftOut.has(h.siteIndex));
}
