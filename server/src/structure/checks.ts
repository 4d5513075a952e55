// Physical sanity checks on an expanded structure: atoms too close, and over-full shared sites.
// One O(n) cell-list pass finds every pair under the contact threshold.
import { forEachPairWithin } from './celllist';
import { disorderNotes, MIN_CONTACT } from './disorder';
import { cellHeights } from './lattice';
import type { Lattice, Structure, StructureDiagnostic, Vec3 } from './types';

/** Per kind of finding, after this many the rest are summarised in one diagnostic. */
const MAX_REPORTS = 50;

export interface CheckOptions {
  /** Atoms closer than this (Å) share a position (mixed or alternative occupancy of one site). */
  sharedPosition: number;
}

export function checkStructure(s: Structure, opts: CheckOptions): StructureDiagnostic[] {
  const out: StructureDiagnostic[] = [];
  const n = s.sites.length;
  if (n < 2) return out;
  const positions: Vec3[] = new Array<Vec3>(n);
  for (let i = 0; i < n; i++) positions[i] = s.lattice ? (s.sites[i].frac as Vec3) : s.sites[i].cart;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; }
    return x;
  };
  const closeSeen = new Set<string>();
  let closeCount = 0;
  const shared = Math.min(opts.sharedPosition, MIN_CONTACT);
  const isFull = (occ: number): boolean => occ >= 1 - 1e-6;
  forEachPairWithin(positions, s.lattice, s.pbc, MIN_CONTACT, (i, j, d) => {
    if (d < shared) {
      const a = find(i), b = find(j);
      if (a !== b) parent[a] = b;
      return;
    }
    const si = s.sites[i], sj = s.sites[j];
    // Partially occupied atoms this close are alternatives (disorder), not a clash.
    if (!isFull(si.occupancy) || !isFull(sj.occupancy)) return;
    const key = si.sourceSite < sj.sourceSite ? `${si.sourceSite}:${sj.sourceSite}` : `${sj.sourceSite}:${si.sourceSite}`;
    if (closeSeen.has(key)) return;
    closeSeen.add(key);
    closeCount++;
    if (closeCount > MAX_REPORTS) return;
    const message = si.sourceSite === sj.sourceSite
      ? `Symmetry images of ${si.label} are only ${d.toFixed(3)} Å apart: the site is probably on a special position written with too few digits (raise the symmetry tolerance) or a wrong coordinate`
      : `${si.label} and ${sj.label} are only ${d.toFixed(3)} Å apart (closer than ${MIN_CONTACT} Å)`;
    out.push({ range: si.range, severity: 'warning', code: 'atoms.tooClose', message });
  });
  if (closeCount > MAX_REPORTS) {
    out.push({ range: s.sites[0].range, severity: 'warning', code: 'atoms.tooClose', message: `${closeCount - MAX_REPORTS} more pairs of sites are closer than ${MIN_CONTACT} Å` });
  }
  // Occupancy sum of every group of atoms sharing one position.
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (r === i) continue;
    let g = groups.get(r);
    if (!g) { g = [r]; groups.set(r, g); }
    g.push(i);
  }
  const sumSeen = new Set<string>();
  let sumCount = 0;
  for (const members of groups.values()) {
    let sum = 0;
    for (const k of members) sum += s.sites[k].occupancy;
    if (sum <= 1 + 1e-2) continue;
    const sources = [...new Set(members.map((k) => s.sites[k].sourceSite))].sort((x, y) => x - y);
    const key = sources.join(',');
    if (sumSeen.has(key)) continue;
    sumSeen.add(key);
    if (++sumCount > MAX_REPORTS) continue;
    const labels = sources.map((k) => s.sourceSites[k].label);
    const first = s.sourceSites[sources[0]];
    const message = sources.length === 1
      ? `${members.length} images of ${labels[0]} coincide (occupancy sum ${round(sum)} > 1)`
      : `Sites ${labels.join(', ')} share one position with total occupancy ${round(sum)} > 1`;
    out.push({ range: first.range, severity: 'warning', code: 'site.occupancySum', message });
  }
  out.push(...disorderNotes(s));
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** No real crystal cell is thinner than this (Å) across any pair of faces. */
export const MIN_CELL_HEIGHT = 0.5;
/** Atoms per Å³ beyond which a structure cannot be real (the densest solids hold ~0.2). */
export const MAX_DENSITY = 1;

/**
 * Why a periodic cell cannot be used, or undefined. A near-flat cell (a length of 1e-9, angles
 * summing to almost 360°) or an absurd density would make every periodic-image search explode
 * (the images to visit grow as 1/height³), so such blocks are refused with this message.
 */
export function degenerateCell(lattice: Lattice, atoms: number): string | undefined {
  const h = cellHeights(lattice);
  const thinnest = Math.min(h[0], h[1], h[2]);
  if (!(thinnest >= MIN_CELL_HEIGHT)) {
    return `The cell is degenerate: only ${fmt(thinnest)} Å across (volume ${fmt(lattice.volume)} Å³); no real cell is thinner than ${MIN_CELL_HEIGHT} Å. Check the cell lengths and angles`;
  }
  if (atoms / lattice.volume > MAX_DENSITY) {
    return `${atoms} atoms in a cell of ${fmt(lattice.volume)} Å³ (${fmt(atoms / lattice.volume)} atoms/Å³; real solids hold at most ~0.2): the cell is too small for its atoms or the atoms are listed many times over`;
  }
  return undefined;
}

function fmt(x: number): string {
  return x >= 0.01 || x === 0 ? String(Math.round(x * 1000) / 1000) : x.toExponential(2);
}
