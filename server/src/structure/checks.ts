// Physical sanity checks on an expanded structure: atoms too close, and over-full shared sites.
// One O(n) cell-list pass finds every pair under the contact threshold; where atoms are piled
// at one point, the pass runs over distinct positions so the copies cost no pair each.
import { forEachPairWithin } from './celllist';
import { disorderNotes, MIN_CONTACT } from './disorder';
import { cellHeights } from './lattice';
import { samePositions } from './samePosition';
import type { Lattice, Site, Structure, StructureDiagnostic, Vec3 } from './types';
import { UnionFind } from './unionFind';

/** Per kind of finding, after this many the rest are summarised in one diagnostic. */
const MAX_REPORTS = 50;
/** Labels named in one message; a frame of 20,000 copies would otherwise say all 20,000. */
const MAX_LABELS = 6;
/**
 * Pairs of atoms tried between two places holding copies; beyond it the pairs are counted, not
 * looked at (each copy pairs alike with the other place).
 */
const MAX_PAIRS_PER_PLACE = 4 * MAX_REPORTS;
/**
 * Pairs sharing a position, per atom, beyond which the atoms are piled up: a mixed site of five
 * species makes 2 per atom, k copies of one point k/2.
 */
const MAX_SHARED_PAIRS_PER_ATOM = 4;

export interface CheckOptions {
  /** Atoms closer than this (Å) share a position (mixed or alternative occupancy of one site). */
  sharedPosition: number;
  /**
   * The format has no occupancies (XYZ): atoms at one place are an atom written twice, not a
   * shared site, and are reported so.
   */
  noOccupancies?: boolean;
}

export function checkStructure(s: Structure, opts: CheckOptions): StructureDiagnostic[] {
  const out: StructureDiagnostic[] = [];
  const n = s.sites.length;
  if (n < 2) return out;
  const positions: Vec3[] = new Array<Vec3>(n);
  for (let i = 0; i < n; i++) positions[i] = s.lattice ? (s.sites[i].frac as Vec3) : s.sites[i].cart;
  const shared = Math.min(opts.sharedPosition, MIN_CONTACT);
  let places = new UnionFind(n);
  let contacts = new Contacts(s.sites);
  try {
    let sharedPairs = 0;
    forEachPairWithin(positions, s.lattice, s.pbc, MIN_CONTACT, (i, j, d) => {
      if (d >= shared) contacts.pair(i, j, d);
      else if (++sharedPairs > MAX_SHARED_PAIRS_PER_ATOM * n + 1024) throw PILE;
      else places.union(i, j);
    });
  } catch (e) {
    if (e !== PILE) throw e;
    // A pile of copies of one point, whose every pair the search would visit: search the
    // distinct positions instead. Ordinary structures never get here, and pay nothing for
    // finding copies.
    places = new UnionFind(n);
    contacts = new Contacts(s.sites);
    searchDistinct(s, positions, shared, places, contacts);
  }
  out.push(...contacts.diagnostics);
  if (contacts.count > MAX_REPORTS) {
    out.push({ range: s.sites[0].range, severity: 'warning', code: 'atoms.tooClose', message: `${contacts.count - MAX_REPORTS} more pairs of sites are closer than ${MIN_CONTACT} Å` });
  }
  // Occupancy sum of every group of atoms sharing one position.
  const sumSeen = new Set<string>();
  let sumCount = 0;
  for (const members of places.groups(2)) {
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
    if (opts.noOccupancies) {
      out.push({
        range: first.range, severity: 'warning', code: 'atoms.coincide',
        message: `${labels.length} atoms are at one position (within ${fmt(shared)} Å): ${listed(labels)}. An atom written more than once, or atoms whose coordinates were lost`,
      });
      continue;
    }
    const message = sources.length === 1
      ? `${members.length} images of ${labels[0]} coincide (occupancy sum ${round(sum)} > 1)`
      : `Sites ${listed(labels)} share one position with total occupancy ${round(sum)} > 1`;
    out.push({ range: first.range, severity: 'warning', code: 'site.occupancySum', message });
  }
  out.push(...disorderNotes(s));
  return out;
}

/** Thrown to leave the pair search once it is seen to pair copies of one point. */
const PILE = new Error('many atoms at one position');

/** The pair search over distinct positions, each pair of places standing for all their copies. */
function searchDistinct(s: Structure, positions: readonly Vec3[], shared: number, places: UnionFind, contacts: Contacts): void {
  const { rep, distinct } = samePositions(positions);
  const copies = new Map<number, number[]>();
  for (let i = 0; i < rep.length; i++) {
    const r = rep[i];
    if (r === i) continue;
    places.union(i, r);
    const c = copies.get(r);
    if (c) c.push(i);
    else copies.set(r, [r, i]);
  }
  forEachPairWithin(distinct.map((k) => positions[k]), s.lattice, s.pbc, MIN_CONTACT, (a, b, d) => {
    const i = distinct[a], j = distinct[b];
    if (d < shared) places.union(i, j);
    else contacts.between(copies.get(i) ?? [i], copies.get(j) ?? [j], d);
  });
}

/** The first few labels and how many more: 'Fe1, O2, Fe3 and 19,997 more'. */
function listed(labels: readonly string[]): string {
  if (labels.length <= MAX_LABELS) return labels.join(', ');
  return `${labels.slice(0, MAX_LABELS - 1).join(', ')} and ${(labels.length - MAX_LABELS + 1).toLocaleString('en-US')} more`;
}

/** Pairs of fully occupied atoms closer than MIN_CONTACT, each pair of source rows said once. */
class Contacts {
  readonly diagnostics: StructureDiagnostic[] = [];
  /** Distinct pairs of source rows found, reported or not. */
  count = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly sites: readonly Site[]) {}

  pair(i: number, j: number, d: number): void {
    const si = this.sites[i], sj = this.sites[j];
    // Partially occupied atoms this close are alternatives (disorder), not a clash.
    if (!isFull(si.occupancy) || !isFull(sj.occupancy)) return;
    const key = si.sourceSite < sj.sourceSite ? `${si.sourceSite}:${sj.sourceSite}` : `${sj.sourceSite}:${si.sourceSite}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.count++;
    if (this.count > MAX_REPORTS) return;
    const message = si.sourceSite === sj.sourceSite
      ? `Symmetry images of ${si.label} are only ${d.toFixed(3)} Å apart: the site is probably on a special position written with too few digits (raise the symmetry tolerance) or a wrong coordinate`
      : `${si.label} and ${sj.label} are only ${d.toFixed(3)} Å apart (closer than ${MIN_CONTACT} Å)`;
    this.diagnostics.push({ range: si.range, severity: 'warning', code: 'atoms.tooClose', message });
  }

  /**
   * Every atom of one place against every atom of another, `d` apart. Past a few hundred pairs
   * the rest are counted without being looked at: they only repeat the pairs already said.
   */
  between(a: readonly number[], b: readonly number[], d: number): void {
    let tried = 0;
    for (const i of a) {
      for (const j of b) {
        if (tried++ === MAX_PAIRS_PER_PLACE) {
          const full = (list: readonly number[]): number => list.reduce((t, k) => t + (isFull(this.sites[k].occupancy) ? 1 : 0), 0);
          this.count += Math.max(0, full(a) * full(b) - MAX_PAIRS_PER_PLACE);
          return;
        }
        if (i < j) this.pair(i, j, d);
        else this.pair(j, i, d);
      }
    }
  }
}

const isFull = (occ: number): boolean => occ >= 1 - 1e-6;

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
