// XANESNET's weighted atom-centred symmetry functions (paper 002, eqs 2–5): one G1, n radial G2
// and m angular G4 around the absorber, each neighbour weighted by its atomic number.
// Defaults follow the paper's carried-forward vector (length 97: G1 + 32 G2 + 64 G4, ζ up to 8,
// r_c = 6 Å, G2 "shifted", G4 "centred"); the auxiliary radial grids follow the XANESNET code
// (shifted: r_min+0.5 … r_c−0.5, η = 1/(2Δr²); centred: r_min+1 … r_c−0.5, η = 1/(2r²), μ = 0),
// which reproduces the paper's G2 centres 1.47, 1.63, 1.8 Å.
import { findEnvironment } from '../graph/neighbours';
import type { Structure, Vec3 } from '../structure/types';

export interface WacsfOptions {
  /** Cutoff radius r_c (Å). */
  cutoff: number;
  rMin: number;
  nG2: number;
  nG4: number;
  lambdas: number[];
  zetas: number[];
  g2: 'shifted' | 'centred';
  g4: 'shifted' | 'centred';
}

export const DEFAULT_WACSF_OPTIONS: WacsfOptions = {
  cutoff: 6.0, rMin: 0.0, nG2: 32, nG4: 64, lambdas: [1, -1], zetas: [1, 2, 4, 8], g2: 'shifted', g4: 'centred',
};

/** Whether two option sets give the same descriptor (absent on both sides counts as equal). */
export function sameWacsfOptions(a: WacsfOptions | undefined, b: WacsfOptions | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export interface RadialParams {
  eta: number[];
  mu: number[];
}

function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** η/μ pairs of the auxiliary radial grid (paper eqs 6–7). */
export function radialParams(n: number, rMin: number, rMax: number, scheme: 'shifted' | 'centred'): RadialParams {
  if (n <= 0) return { eta: [], mu: [] };
  if (scheme === 'shifted') {
    const r = linspace(rMin + 0.5, rMax - 0.5, n);
    const dr = n > 1 ? r[1] - r[0] : rMax - rMin;
    return { eta: r.map(() => 1 / (2 * dr * dr)), mu: r };
  }
  const r = linspace(rMin + 1.0, rMax - 0.5, n);
  return { eta: r.map((x) => 1 / (2 * x * x)), mu: r.map(() => 0) };
}

/** Cosine cutoff (eq 5): ½(cos(πr/r_c) + 1) inside r_c, 0 beyond. */
export function cosineCutoff(r: number, rc: number): number {
  return r <= rc ? 0.5 * (Math.cos((Math.PI * r) / rc) + 1) : 0;
}

export function wacsfLength(o: WacsfOptions = DEFAULT_WACSF_OPTIONS): number {
  return 1 + o.nG2 + o.nG4;
}

/** One neighbour of the absorber: atomic number and position relative to the absorber (Å). */
export interface EnvironmentAtom {
  Z: number;
  rel: Vec3;
}

/** An environment ready for the sums: atoms inside r_c with their distances and cutoff weights. */
interface Prepared {
  o: WacsfOptions;
  atoms: { Z: number; rel: Vec3; r: number }[];
  /** Index into the caller's environment of each kept atom. */
  source: number[];
  fc: number[];
  g2p: RadialParams;
  g4p: RadialParams;
  nRad: number;
  norms: number[];
}

function prepare(env: EnvironmentAtom[], o: WacsfOptions): Prepared {
  const rc = o.cutoff;
  const atoms: Prepared['atoms'] = [];
  const source: number[] = [];
  env.forEach((a, i) => {
    const r = Math.hypot(a.rel[0], a.rel[1], a.rel[2]);
    if (!(r > 0 && r <= rc)) return;
    atoms.push({ Z: a.Z, rel: a.rel, r });
    source.push(i);
  });
  const perRadial = o.lambdas.length * o.zetas.length;
  if (o.nG4 % perRadial !== 0) {
    throw new Error(`${o.nG4} G4 functions cannot be split over ${o.lambdas.length} λ × ${o.zetas.length} ζ`);
  }
  const nRad = o.nG4 / perRadial;
  return {
    o, atoms, source,
    fc: atoms.map((a) => cosineCutoff(a.r, rc)),
    g2p: radialParams(o.nG2, o.rMin, rc, o.g2),
    g4p: radialParams(nRad, o.rMin, rc, o.g4),
    nRad,
    norms: o.zetas.map((z) => 2 ** (1 - z)),
  };
}

/** Atom j's term of G2 function p. */
function g2Term(e: Prepared, j: number, p: number): number {
  return e.atoms[j].Z * e.fc[j] * Math.exp(-e.g2p.eta[p] * (e.atoms[j].r - e.g2p.mu[p]) ** 2);
}

/** Adds the G4 terms of the pair (j, k) to out[1 + nG2 …]. */
function addPairG4(e: Prepared, j: number, k: number, out: Float32Array | Float64Array): void {
  const { o, atoms, fc } = e;
  const aj = atoms[j];
  const ak = atoms[k];
  const dx = aj.rel[0] - ak.rel[0];
  const dy = aj.rel[1] - ak.rel[1];
  const dz = aj.rel[2] - ak.rel[2];
  const rjk = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const fjk = cosineCutoff(rjk, o.cutoff);
  if (fjk === 0) return;
  const cos = (aj.rel[0] * ak.rel[0] + aj.rel[1] * ak.rel[1] + aj.rel[2] * ak.rel[2]) / (aj.r * ak.r);
  // Factor 2: the ordered double sum of eq 4 visits (j,k) and (k,j).
  const w = 2 * aj.Z * ak.Z * fc[j] * fc[k] * fjk;
  let idx = 1 + o.nG2;
  for (let p = 0; p < e.nRad; p++) {
    const eta = e.g4p.eta[p];
    const mu = e.g4p.mu[p];
    const radial = w * Math.exp(-eta * ((aj.r - mu) ** 2 + (ak.r - mu) ** 2 + (rjk - mu) ** 2));
    for (const lambda of o.lambdas) {
      const ang = 1 + lambda * cos;
      for (let z = 0; z < o.zetas.length; z++) {
        out[idx++] += e.norms[z] * ang ** o.zetas[z] * radial;
      }
    }
  }
}

/**
 * The descriptor of one absorber from its environment (all atoms within r_c, absorber excluded).
 * G4 sums over ordered pairs j ≠ k as eq 4 writes it, so every unordered pair counts twice.
 */
export function wacsfFromEnvironment(env: EnvironmentAtom[], o: WacsfOptions = DEFAULT_WACSF_OPTIONS): Float32Array {
  const e = prepare(env, o);
  const out = new Float32Array(wacsfLength(o));
  let g1 = 0;
  for (const f of e.fc) g1 += f;
  out[0] = g1;
  for (let p = 0; p < o.nG2; p++) {
    let s = 0;
    for (let j = 0; j < e.atoms.length; j++) s += g2Term(e, j, p);
    out[1 + p] = s;
  }
  for (let j = 0; j < e.atoms.length; j++) {
    for (let k = j + 1; k < e.atoms.length; k++) addPairG4(e, j, k, out);
  }
  return out;
}

/**
 * The descriptor with any one environment atom left out (occlusion, model/sensitivity.ts) at the
 * cost of one descriptor plus O(atoms) per call instead of a full recomputation each: the sums
 * are kept in float64 and the atom's own G1/G2 term and its G4 pairs are subtracted, which is
 * exact because every term belongs to one atom or one pair. Agrees with wacsfFromEnvironment of
 * the smaller environment to float32 rounding. Returns null for an atom the descriptor does not
 * count (outside r_c): the full descriptor is then the answer.
 */
export function wacsfLeaveOneOut(env: EnvironmentAtom[], o: WacsfOptions = DEFAULT_WACSF_OPTIONS): (index: number) => Float32Array | null {
  const e = prepare(env, o);
  const n = e.atoms.length;
  const L = wacsfLength(o);
  const full = new Float64Array(L);
  for (let j = 0; j < n; j++) {
    full[0] += e.fc[j];
    for (let p = 0; p < o.nG2; p++) full[1 + p] += g2Term(e, j, p);
    for (let k = j + 1; k < n; k++) addPairG4(e, j, k, full);
  }
  const kept = new Map(e.source.map((src, j) => [src, j]));
  return (index) => {
    const j = kept.get(index);
    if (j === undefined) return null;
    const own = new Float64Array(L);
    own[0] = e.fc[j];
    for (let p = 0; p < o.nG2; p++) own[1 + p] = g2Term(e, j, p);
    for (let k = 0; k < n; k++) if (k !== j) addPairG4(e, Math.min(j, k), Math.max(j, k), own);
    const out = new Float32Array(L);
    for (let i = 0; i < L; i++) out[i] = full[i] - own[i];
    return out;
  };
}

/** Environment of one site: periodic images for crystals, the other atoms for molecules. */
export function environmentOf(structure: Structure, site: number, cutoff: number): EnvironmentAtom[] {
  const origin = structure.sites[site].cart;
  return findEnvironment(structure, site, cutoff).map((h) => ({
    Z: structure.sites[h.siteIndex].Z,
    rel: [h.cart[0] - origin[0], h.cart[1] - origin[1], h.cart[2] - origin[2]] as Vec3,
  }));
}

/** wACSF of one absorber site of a structure. */
export function wacsfForSite(structure: Structure, site: number, o: WacsfOptions = DEFAULT_WACSF_OPTIONS): Float32Array {
  return wacsfFromEnvironment(environmentOf(structure, site, o.cutoff), o);
}

/** Mean wACSF over several sites (site-averaged spectra). */
export function wacsfAveraged(structure: Structure, sites: number[], o: WacsfOptions = DEFAULT_WACSF_OPTIONS): Float32Array {
  const out = new Float32Array(wacsfLength(o));
  for (const s of sites) {
    const v = wacsfForSite(structure, s, o);
    for (let i = 0; i < out.length; i++) out[i] += v[i] / sites.length;
  }
  return out;
}

/**
 * Graph-only records (species + distance, no coordinates): G1 and G2 from the distances; G4 needs
 * angles and is left 0. Only as complete as the neighbour list (20 nearest for the Tc set).
 */
export function wacsfFromDistances(list: { Z: number; distance: number }[], o: WacsfOptions = DEFAULT_WACSF_OPTIONS): Float32Array {
  const out = wacsfFromEnvironment(list.map((a) => ({ Z: a.Z, rel: [a.distance, 0, 0] as Vec3 })), { ...o, nG4: 0 });
  const full = new Float32Array(wacsfLength(o));
  full.set(out);
  return full;
}
