// Absorbing atoms the network cannot tell apart, in files without symmetry operators. A P1 CIF,
// an XYZ or a POSCAR lists every atom of the cell, so symmetry-equivalent atoms arrive as separate
// rows; but the model sees only an absorber's surroundings (its nearest neighbours within the
// graph cutoff, with distances and angles, and the wACSF within 6 Å), so such atoms are one input
// and get one spectrum. Predicting each of them again costs time and says nothing new.
//
// Criterion: two atoms of one element are grouped when their environments within `radius` (8 Å,
// the graph cutoff of every model; the wACSF's 6 Å lies inside) are congruent: there is a
// one-to-one map between the atoms around each, element to same element, and a rotation or
// reflection about the absorber after which every atom lies within tolerance/2 of its image. Then
// every distance (absorber–atom and atom–atom) agrees within `tolerance`, and so does everything
// the model computes from them (distances, radial bases, cosines of angles, wACSF sums, the
// transformer's pair distances). Symmetry-equivalent atoms always qualify (an operation of the
// crystal is such a map, exactly), and no two atoms qualify whose surroundings differ by more than
// the tolerance in any distance or in any element. The one input left open is which atoms fill
// the last graph slots when several sit at one distance across slot maxNeighbours: the graph takes
// them in file order, for the atoms of a symmetry orbit exactly as for a group here.
//
// Cost: environments are gathered with a cell list (an ordered molecule, or an ordered periodic
// cell repeated until it is more than 2·radius thick, where only the nearest image of an atom can
// lie within radius) or, for disorder and partly periodic cells, with the graphs' own image
// search under a budget. A fingerprint (element counts, then per-element sorted distances) leaves
// few pairs for the full test, which fits the map on a frame of three atoms and checks every atom.
import { disorderAssemblies, disorderGroups, MIN_CONTACT } from '../structure/disorder';
import { boundingBoxFrame, type CellGrid, cellGrid } from '../structure/celllist';
import { cartToFrac, cellHeights } from '../structure/lattice';
import type { Structure } from '../structure/types';
import { findEnvironment } from './neighbours';

export interface EquivalenceOptions {
  /** Radius (Å) of the environment compared around each absorber. */
  radius: number;
  /** Largest difference (Å) between corresponding distances of two environments called equal (atoms within half of it after the fit). */
  tolerance: number;
  /**
   * More candidate atoms than this are not grouped: each stays alone. structure/sites.ts counts
   * all absorbing atoms of a block together against it.
   */
  maxAtoms: number;
  /**
   * Budget of atom images the exact search may visit (candidates × atoms × images per atom) for
   * structures the cell list does not serve (disorder, partly periodic cells).
   */
  maxSearchVisits: number;
  /** Always use the exact image search (tests hold the cell list to it). */
  exactSearch?: boolean;
}

export const EQUIVALENCE_DEFAULTS: Readonly<EquivalenceOptions> = {
  radius: 8,
  tolerance: 1e-3,
  maxAtoms: 2000,
  maxSearchVisits: 10_000_000,
};

export type EnvironmentGrouping =
  /** Groups of site indices, each ascending, ordered by their first member. */
  | { grouped: true; groups: number[][] }
  | { grouped: false; reason: string };

/** Whether the structure was expanded with x,y,z alone, so that every atom is its own orbit. */
export function identityOnly(s: Structure): boolean {
  return s.symops.length <= 1 && s.orbits.every((o) => o.length <= 1);
}

/** One absorber's surroundings: atoms within the radius sorted by distance, and its fingerprint. */
export interface Environment {
  n: number;
  z: Int32Array;
  /** Absorber → atom vectors, xyz per atom. */
  v: Float64Array;
  r: Float64Array;
  /** Distances re-sorted by (element, distance): equal within tolerance for congruent environments. */
  rByElement: Float64Array;
  /** Absorber element and the element counts of the sphere: congruent environments share it exactly. */
  key: string;
  /** Σ w(Z)·r over the atoms (1 ≤ w < 2): congruent environments differ in it by under 2·n·tolerance. */
  weighted: number;
}

/** A weight per element in [1, 2), spread by the golden ratio so that swapped elements show. */
function elementWeight(Z: number): number {
  const x = Z * 0.6180339887498949;
  return 1 + (x - Math.floor(x));
}

/** Atoms found around one absorber, in reusable typed arrays (one search allocates nothing per atom). */
interface Hits {
  count: number;
  Z: Int32Array;
  xyz: Float64Array;
  r2: Float64Array;
}

function newHits(): Hits {
  return { count: 0, Z: new Int32Array(256), xyz: new Float64Array(768), r2: new Float64Array(256) };
}

function push(h: Hits, Z: number, x: number, y: number, z: number, r2: number): void {
  if (h.count === h.Z.length) {
    const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as { new (n: number): T })(n);
      b.set(a);
      return b;
    };
    h.Z = grow(h.Z, 2 * h.Z.length);
    h.xyz = grow(h.xyz, 2 * h.xyz.length);
    h.r2 = grow(h.r2, 2 * h.r2.length);
  }
  const k = h.count++;
  h.Z[k] = Z;
  h.xyz[3 * k] = x;
  h.xyz[3 * k + 1] = y;
  h.xyz[3 * k + 2] = z;
  h.r2[k] = r2;
}

/** Sort keys hold r² scaled to an integer, times this, plus the hit's number: one native numeric sort. */
const KEY_SLOTS = 65536;

function environmentFrom(absorberZ: number, h: Hits): Environment {
  const n = h.count;
  const order = new Int32Array(n);
  let top = 0;
  for (let k = 0; k < n; k++) top = Math.max(top, h.r2[k]);
  // The largest scale whose keys stay exact integers (below 2^53).
  const scale = Math.floor(2 ** 53 / KEY_SLOTS / (top + 1));
  if (n < KEY_SLOTS && scale >= 1e6) {
    const keys = new Float64Array(n);
    for (let k = 0; k < n; k++) keys[k] = Math.round(h.r2[k] * scale) * KEY_SLOTS + k;
    keys.sort();
    for (let k = 0; k < n; k++) order[k] = keys[k] % KEY_SLOTS;
  } else {
    const idx = Array.from({ length: n }, (_, k) => k).sort((p, q) => h.r2[p] - h.r2[q] || p - q);
    for (let k = 0; k < n; k++) order[k] = idx[k];
  }
  const z = new Int32Array(n);
  const v = new Float64Array(3 * n);
  const r = new Float64Array(n);
  const elements: number[] = [];
  let weighted = 0;
  for (let k = 0; k < n; k++) {
    const o = order[k];
    const Z = h.Z[o];
    z[k] = Z;
    v[3 * k] = h.xyz[3 * o];
    v[3 * k + 1] = h.xyz[3 * o + 1];
    v[3 * k + 2] = h.xyz[3 * o + 2];
    r[k] = Math.sqrt(h.r2[o]);
    weighted += elementWeight(Z) * r[k];
    if (!elements.includes(Z)) elements.push(Z);
  }
  elements.sort((p, q) => p - q);
  // Per element, distances stay ascending: one stable pass per element present.
  const rByElement = new Float64Array(n);
  const counts: string[] = [];
  let at = 0;
  for (const e of elements) {
    const start = at;
    for (let k = 0; k < n; k++) if (z[k] === e) rByElement[at++] = r[k];
    counts.push(`${e}x${at - start}`);
  }
  return { n, z, v, r, rByElement, key: `${absorberZ}/${counts.join(',')}`, weighted };
}

type EnvironmentSource = (absorber: number) => Environment;

/** Fully ordered: no vacancies, no alternatives for one place, no disorder assemblies. */
function ordered(s: Structure): boolean {
  const d = disorderGroups(s);
  return d.groups.length === 0 && d.vacant.length === 0 && disorderAssemblies(s).length === 0;
}

/** Copies of a periodic cell per axis that make every height exceed 2·radius. */
function replicas(heights: readonly number[], radius: number): number[] {
  return heights.map((h) => Math.floor((2 * radius * (1 + 1e-9)) / h) + 1);
}

/**
 * Cell list over grid coordinates u ∈ [0,1)³, bins at least `radius` wide so that every atom
 * within it is in the absorber's bin or an adjacent one. A molecule is binned in its bounding box;
 * a periodic cell is first repeated into a supercell more than 2·radius thick, where each atom has
 * at most one image within radius, the nearest (minimum image), so the search is exact.
 */
function cellListSource(s: Structure, radius: number, copies: readonly number[] | null): EnvironmentSource {
  const n = s.sites.length;
  const periodic = copies !== null && s.lattice !== null;
  const total = periodic ? n * copies[0] * copies[1] * copies[2] : n;
  const Zs = new Int32Array(total);
  let grid: CellGrid;
  if (periodic && s.lattice) {
    const lattice = s.lattice;
    const u = new Float64Array(3 * total);
    const h = cellHeights(lattice);
    // The original cell comes first (images t = 0), so an absorber's index is its site index.
    let at = 0;
    for (let t0 = 0; t0 < copies[0]; t0++) for (let t1 = 0; t1 < copies[1]; t1++) for (let t2 = 0; t2 < copies[2]; t2++) {
      const t = [t0, t1, t2];
      s.sites.forEach((site) => {
        const f = cartToFrac(lattice, site.cart);
        for (let k = 0; k < 3; k++) u[3 * at + k] = (f[k] - Math.floor(f[k]) + t[k]) / copies[k];
        Zs[at++] = site.Z;
      });
    }
    const supercell = lattice.matrix.map((row, k) => row.map((x) => x * copies[k]));
    grid = cellGrid(u, total, supercell, h.map((x, k) => x * copies[k]), [true, true, true], radius);
  } else {
    const box = boundingBoxFrame(s.sites.map((site) => site.cart), radius);
    s.sites.forEach((site, i) => (Zs[i] = site.Z));
    grid = cellGrid(box.u, total, box.matrix, box.widths, [false, false, false], radius);
  }
  const hits = newHits();
  const add = (_i: number, j: number, x: number, y: number, z: number, r2: number): void => push(hits, Zs[j], x, y, z, r2);
  return (i) => {
    hits.count = 0;
    grid.near(i, 0, add);
    return environmentFrom(s.sites[i].Z, hits);
  };
}

/** The image-by-image search the graphs use (with disorder resolved as they resolve it). */
function exactSource(s: Structure, radius: number): EnvironmentSource {
  const hits = newHits();
  return (i) => {
    hits.count = 0;
    const o = s.sites[i].cart;
    for (const h of findEnvironment(s, i, radius)) {
      const x = h.cart[0] - o[0], y = h.cart[1] - o[1], z = h.cart[2] - o[2];
      push(hits, s.sites[h.siteIndex].Z, x, y, z, x * x + y * y + z * z);
    }
    return environmentFrom(s.sites[i].Z, hits);
  };
}

/** Atoms a replicated cell list may hold; beyond it (a tiny cell of many atoms) the exact search serves. */
const MAX_REPLICATED_ATOMS = 2_000_000;

/** How environments are gathered, or why they are not (over budget, unusable coordinates). */
function environmentSource(s: Structure, candidates: number, o: EquivalenceOptions): EnvironmentSource | string {
  if (!s.sites.every((x) => x.cart.every(Number.isFinite))) return 'some coordinates are not finite';
  const lattice = s.lattice;
  const axes = lattice ? s.pbc.filter(Boolean).length : 0;
  if (!o.exactSearch && ordered(s)) {
    if (axes === 0) return cellListSource(s, o.radius, null);
    if (lattice && axes === 3) {
      const copies = replicas(cellHeights(lattice), o.radius);
      if (s.sites.length * copies[0] * copies[1] * copies[2] <= MAX_REPLICATED_ATOMS) return cellListSource(s, o.radius, copies);
    }
  }
  let perAtom = 1;
  if (lattice) {
    const h = cellHeights(lattice);
    for (let k = 0; k < 3; k++) perAtom *= s.pbc[k] ? 2 * (o.radius / h[k]) + 2 : 1;
  }
  const visits = candidates * s.sites.length * perAtom;
  if (!(visits <= o.maxSearchVisits)) {
    return `the neighbour search would visit ~${visits.toPrecision(2)} atom images, over the budget of ${o.maxSearchVisits}`;
  }
  return exactSource(s, o.radius);
}

/** First index k of e with e.r[k] ≥ r − tol (e.r ascending). */
function lowerBound(e: Environment, r: number, tol: number): number {
  let lo = 0, hi = e.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (e.r[mid] < r - tol) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dist(e: Environment, i: number, j: number): number {
  const dx = e.v[3 * i] - e.v[3 * j], dy = e.v[3 * i + 1] - e.v[3 * j + 1], dz = e.v[3 * i + 2] - e.v[3 * j + 2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/** 3×3 matrices row-major in 9 numbers. */
type M3 = Float64Array;

function inverse(m: M3): M3 | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h, B = f * g - d * i, C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-300)) return null;
  return Float64Array.of(
    A / det, (c * h - b * i) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, (c * d - a * f) / det,
    C / det, (b * g - a * h) / det, (a * e - b * d) / det,
  );
}

/**
 * The orthogonal matrix nearest to m (its polar factor: a rotation or a reflection), by Newton's
 * iteration Q ← (Q + Q⁻ᵀ)/2; null when m is singular. For m = Σ b·aᵀ it is the best fit of the
 * a's onto the b's among all rotations and reflections (orthogonal Procrustes).
 */
function orthogonalPart(m: M3): M3 | null {
  let q = m;
  for (let it = 0; it < 60; it++) {
    const inv = inverse(q);
    if (!inv) return null;
    const next = new Float64Array(9);
    let change = 0;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        next[3 * r + c] = 0.5 * (q[3 * r + c] + inv[3 * c + r]);
        change = Math.max(change, Math.abs(next[3 * r + c] - q[3 * r + c]));
      }
    }
    q = next;
    if (change < 1e-13) break;
  }
  // Not converged to an orthogonal matrix (near-singular input): no fit to offer.
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const dot = q[r] * q[c] + q[3 + r] * q[3 + c] + q[6 + r] * q[6 + c];
      if (Math.abs(dot - (r === c ? 1 : 0)) > 1e-9) return null;
    }
  }
  return q;
}

/** Σ over pairs (i ↦ j) of b_j a_iᵀ. */
function covariance(a: Environment, b: Environment, from: ArrayLike<number>, to: ArrayLike<number>, count: number): M3 {
  const h = new Float64Array(9);
  for (let k = 0; k < count; k++) {
    const i = 3 * from[k], j = 3 * to[k];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) h[3 * r + c] += b.v[j + r] * a.v[i + c];
  }
  return h;
}

/** |Q a_i − b_j|² */
function misfit2(q: M3, a: Environment, i: number, b: Environment, j: number): number {
  const x = a.v[3 * i], y = a.v[3 * i + 1], z = a.v[3 * i + 2];
  const dx = q[0] * x + q[1] * y + q[2] * z - b.v[3 * j];
  const dy = q[3] * x + q[4] * y + q[5] * z - b.v[3 * j + 1];
  const dz = q[6] * x + q[7] * y + q[8] * z - b.v[3 * j + 2];
  return dx * dx + dy * dy + dz * dz;
}

/** How an environment is matched onto others, worked out once per representative. */
interface Plan {
  /** Up to three atoms that fix its orientation (see planOf). */
  frame: number[];
  /** Every other atom, rarest (element, distance) class first, so that a mismatch shows early. */
  order: Int32Array;
  /** Distances of every atom to the frame atoms, three per atom. */
  frameDist: Float64Array;
}

const plans = new WeakMap<Environment, Plan>();

/**
 * Frame atoms: the rarest atom (fewest of its element at its distance, so its image in the other
 * environment has few candidates), then the rarest well off the line through it and the absorber,
 * then the rarest well out of their plane. Fewer when the whole environment is collinear or
 * planar: the fewer then fix every position, up to a reflection that maps it onto itself.
 */
function planOf(a: Environment, tol: number): Plan {
  const cached = plans.get(a);
  if (cached) return cached;
  const n = a.n;
  const size = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = lowerBound(a, a.r[i], tol); k < n && a.r[k] <= a.r[i] + tol; k++) if (a.z[k] === a.z[i]) size[i]++;
  }
  const rarer = (i: number, j: number): boolean => j < 0 || size[i] < size[j] || (size[i] === size[j] && i < j);
  const cross = (i: number, j: number): [number, number, number] => {
    const p = 3 * i, q = 3 * j, v = a.v;
    return [v[p + 1] * v[q + 2] - v[p + 2] * v[q + 1], v[p + 2] * v[q] - v[p] * v[q + 2], v[p] * v[q + 1] - v[p + 1] * v[q]];
  };
  const frame: number[] = [];
  if (n > 0) {
    let first = -1;
    for (let i = 0; i < n; i++) if (rarer(i, first)) first = i;
    frame.push(first);
    let second = -1, fallback = -1, best = 1e-6;
    for (let i = 0; i < n; i++) {
      if (i === first) continue;
      const c = cross(first, i);
      const sin = Math.hypot(c[0], c[1], c[2]) / (a.r[first] * a.r[i]);
      if (sin > 0.5 && rarer(i, second)) second = i;
      if (sin > best) { best = sin; fallback = i; }
    }
    if (second < 0) second = fallback;
    if (second >= 0) {
      frame.push(second);
      const c = cross(first, second);
      let third = -1, fallback3 = -1, best3 = 1e-6;
      for (let i = 0; i < n; i++) {
        if (i === first || i === second) continue;
        const det = Math.abs(c[0] * a.v[3 * i] + c[1] * a.v[3 * i + 1] + c[2] * a.v[3 * i + 2]) / (a.r[first] * a.r[second] * a.r[i]);
        if (det > 0.3 && rarer(i, third)) third = i;
        if (det > best3) { best3 = det; fallback3 = i; }
      }
      if (third < 0) third = fallback3;
      if (third >= 0) frame.push(third);
    }
  }
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !frame.includes(i));
  rest.sort((i, j) => size[i] - size[j] || i - j);
  const frameDist = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) frame.forEach((p, k) => (frameDist[3 * i + k] = dist(a, i, p)));
  const plan: Plan = { frame, order: Int32Array.from(rest), frameDist };
  plans.set(a, plan);
  return plan;
}

/**
 * Proposes images of a's remaining atoms once the frame's are chosen: for each, the unused atom
 * of b of its element and distance nearest to where the frame puts it. Three frame atoms give a
 * rotation or reflection to place it by; fewer (a planar or collinear environment) are matched by
 * the distances to the frame atoms instead.
 */
/** Far enough to absorb a frame fitted to tol-accurate atoms, well under any interatomic distance. */
const REACH = 0.25;
/** Cell (Å) of the grid that finds an atom near a predicted place. */
const CELL = 1;

/** b's atoms binned on a CELL grid centred on the absorber. */
interface PlaceGrid {
  /** Half the grid's width: cell k spans [k·CELL − half, (k+1)·CELL − half). */
  half: number;
  dim: number;
  head: Int32Array;
  next: Int32Array;
}

function placeGrid(b: Environment): PlaceGrid {
  const half = (b.n > 0 ? b.r[b.n - 1] : 0) + REACH + CELL;
  const dim = Math.ceil((2 * half) / CELL);
  const head = new Int32Array(dim * dim * dim).fill(-1);
  const next = new Int32Array(b.n);
  const cell = (x: number): number => Math.min(dim - 1, Math.max(0, Math.floor((x + half) / CELL)));
  for (let j = 0; j < b.n; j++) {
    const key = (cell(b.v[3 * j]) * dim + cell(b.v[3 * j + 1])) * dim + cell(b.v[3 * j + 2]);
    next[j] = head[key];
    head[key] = j;
  }
  return { half, dim, head, next };
}

/**
 * Proposes images of a's remaining atoms once the frame's are chosen: for each, the unused atom
 * of b of its element and distance nearest to where the frame puts it. Three frame atoms give a
 * rotation or reflection to place it by (looked up on a grid); fewer (a planar or collinear
 * environment) are matched by the distances to the frame atoms instead.
 */
function propose(a: Environment, b: Environment, plan: Plan, images: number[], tol: number, map: Int32Array, used: Uint8Array): boolean {
  const { frame, order, frameDist } = plan;
  used.fill(0);
  frame.forEach((p, k) => { map[p] = images[k]; used[images[k]] = 1; });
  const q = frame.length === 3 ? orthogonalPart(covariance(a, b, frame, images, 3)) : null;
  if (q) {
    const grid = placeGrid(b);
    const { half } = grid;
    const reach2 = REACH * REACH;
    const { dim, head, next } = grid;
    const lo = (c: number): number => Math.max(0, Math.floor((c - REACH + half) / CELL));
    const hi = (c: number): number => Math.min(dim - 1, Math.floor((c + REACH + half) / CELL));
    for (const i of order) {
      const x = a.v[3 * i], y = a.v[3 * i + 1], z = a.v[3 * i + 2];
      const px = q[0] * x + q[1] * y + q[2] * z, py = q[3] * x + q[4] * y + q[5] * z, pz = q[6] * x + q[7] * y + q[8] * z;
      const zi = a.z[i], ri = a.r[i];
      let pick = -1, pickScore = Infinity;
      for (let c0 = lo(px), e0 = hi(px); c0 <= e0; c0++) {
        for (let c1 = lo(py), e1 = hi(py); c1 <= e1; c1++) {
          for (let c2 = lo(pz), e2 = hi(pz); c2 <= e2; c2++) {
            for (let j = head[(c0 * dim + c1) * dim + c2]; j >= 0; j = next[j]) {
              if (used[j] || b.z[j] !== zi || Math.abs(b.r[j] - ri) > tol) continue;
              const dx = px - b.v[3 * j], dy = py - b.v[3 * j + 1], dz = pz - b.v[3 * j + 2];
              const score = dx * dx + dy * dy + dz * dz;
              if (score <= reach2 && score < pickScore) { pick = j; pickScore = score; }
            }
          }
        }
      }
      if (pick < 0) return false;
      map[i] = pick;
      used[pick] = 1;
    }
    return true;
  }
  for (const i of order) {
    let pick = -1, pickScore = Infinity;
    for (let j = lowerBound(b, a.r[i], tol); j < b.n && b.r[j] <= a.r[i] + tol; j++) {
      if (used[j] || b.z[j] !== a.z[i]) continue;
      let score = 0;
      for (let k = 0; k < frame.length && score <= tol; k++) score = Math.max(score, Math.abs(dist(b, j, images[k]) - frameDist[3 * i + k]));
      if (score > tol) continue;
      if (score < pickScore) { pick = j; pickScore = score; }
    }
    if (pick < 0) return false;
    map[i] = pick;
    used[pick] = 1;
  }
  return true;
}

/**
 * The acceptance test, the criterion itself. With a full frame: after the best rotation or
 * reflection of a onto b (for this map), every atom lies within tol/2 of its image, so every
 * distance (absorber–atom and atom–atom) agrees within tol. Planar and collinear environments,
 * where that fit is not unique: every distance is compared directly.
 */
function accept(a: Environment, b: Environment, plan: Plan, map: Int32Array, tol: number): boolean {
  const n = a.n;
  if (plan.frame.length === 3) {
    const identity = new Int32Array(n);
    for (let i = 0; i < n; i++) identity[i] = i;
    const q = orthogonalPart(covariance(a, b, identity, map, n));
    if (q) {
      const half2 = (tol / 2) ** 2;
      for (let i = 0; i < n; i++) if (misfit2(q, a, i, b, map[i]) > half2) return false;
      return true;
    }
  }
  for (let i = 0; i < n; i++) {
    if (Math.abs(a.r[i] - b.r[map[i]]) > tol) return false;
    for (let j = i + 1; j < n; j++) if (Math.abs(dist(a, i, j) - dist(b, map[i], map[j])) > tol) return false;
  }
  return true;
}

/**
 * Whether a and b are one environment: a map between their atoms, element to element, passing
 * `accept`. The frame's images are searched among b's atoms at matching distances (mutual
 * distances within tol); the rest follow from the frame. A proposal can only miss a congruence
 * (and leave two atoms apart), never invent one: acceptance is checked on the whole map.
 */
export function congruent(a: Environment, b: Environment, tol: number): boolean {
  if (a.key !== b.key || a.n !== b.n) return false;
  for (let k = 0; k < a.n; k++) if (Math.abs(a.rByElement[k] - b.rByElement[k]) > tol) return false;
  if (a.n === 0) return true;
  const plan = planOf(a, tol);
  const { frame, frameDist } = plan;
  const map = new Int32Array(a.n);
  const used = new Uint8Array(a.n);
  const extend = (images: number[]): boolean => {
    if (images.length === frame.length) return propose(a, b, plan, images, tol, map, used) && accept(a, b, plan, map, tol);
    const p = frame[images.length];
    for (let j = lowerBound(b, a.r[p], tol); j < b.n && b.r[j] <= a.r[p] + tol; j++) {
      if (b.z[j] !== a.z[p] || images.includes(j)) continue;
      if (images.every((q, m) => Math.abs(dist(b, j, q) - frameDist[3 * p + m]) <= tol) && extend([...images, j])) return true;
    }
    return false;
  };
  return extend([]);
}

/** Representatives of one fingerprint, ascending in Environment.weighted for a quick window. */
interface Representative {
  group: number;
  env: Environment;
}

/**
 * Groups `candidates` (site indices, in the order given; callers pass them ascending) whose
 * environments are congruent (see the file comment). Each new atom is compared with the first
 * atom of every group so far that shares its fingerprint; the first congruent one takes it. Not
 * grouped, with the reason, when over the options' caps or when the structure cannot be searched.
 */
export function groupByEnvironment(
  s: Structure, candidates: readonly number[], options: Partial<EquivalenceOptions> = {},
): EnvironmentGrouping {
  const o: EquivalenceOptions = { ...EQUIVALENCE_DEFAULTS, ...options };
  if (candidates.length > o.maxAtoms) {
    return { grouped: false, reason: `${candidates.length} atoms are more than the ${o.maxAtoms} compared by environment` };
  }
  if (candidates.length <= 1) return { grouped: true, groups: candidates.map((i) => [i]) };
  const source = environmentSource(s, candidates.length, o);
  if (typeof source === 'string') return { grouped: false, reason: source };
  const groups: number[][] = [];
  const buckets = new Map<string, Representative[]>();
  try {
    for (const i of candidates) {
      // Unknown elements never reach a graph (it refuses them): nothing to share.
      if (!(s.sites[i].Z >= 1)) {
        groups.push([i]);
        continue;
      }
      const env = source(i);
      const nearest = env.n > 0 ? env.r[0] : 0;
      // A clash (two atoms closer than any bond, reported by the checks) is an error in the file,
      // not an environment to share: such an atom keeps its own site.
      if (env.n > 0 && nearest < MIN_CONTACT) {
        groups.push([i]);
        continue;
      }
      let reps = buckets.get(env.key);
      if (!reps) buckets.set(env.key, (reps = []));
      // Only representatives whose weighted distance sum could still match (see Environment.weighted).
      const slack = 2 * env.n * o.tolerance;
      let lo = 0, hi = reps.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (reps[mid].env.weighted < env.weighted - slack) lo = mid + 1;
        else hi = mid;
      }
      const near: Representative[] = [];
      for (let k = lo; k < reps.length && reps[k].env.weighted <= env.weighted + slack; k++) near.push(reps[k]);
      near.sort((p, q) => p.group - q.group);
      const match = near.find((rep) => congruent(rep.env, env, o.tolerance));
      if (match) {
        groups[match.group].push(i);
        continue;
      }
      let at = lo;
      while (at < reps.length && reps[at].env.weighted <= env.weighted) at++;
      reps.splice(at, 0, { group: groups.length, env });
      groups.push([i]);
    }
  } catch (err) {
    // The exact search refuses absurd cells with an Error; such a file keeps one site per atom.
    return { grouped: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return { grouped: true, groups };
}

/** The environment of one site as the grouping compares it (tests, diagnostics). */
export function environmentOf(s: Structure, site: number, options: Partial<EquivalenceOptions> = {}): Environment | string {
  const o: EquivalenceOptions = { ...EQUIVALENCE_DEFAULTS, ...options };
  const source = environmentSource(s, 1, o);
  return typeof source === 'string' ? source : source(site);
}
