// An ordered picture of a disordered crystal, as seen from one absorber. Partially occupied atoms
// closer than MIN_CONTACT are alternatives for one place (a mixed Cu/Zn site, an O split over a
// mirror plane): a real local environment holds one of them, never all. The network was trained
// on ordered structures, so each group keeps one atom — the absorber when it is in the group,
// else the most occupied member — and the others are left out of graphs and descriptors.
import { forEachPairWithin } from './celllist';
import type { Structure, StructureDiagnostic, Vec3 } from './types';

/** Closer than this (Å) two fully occupied atoms cannot both be real; partial ones are alternatives. */
export const MIN_CONTACT = 0.5;
/** Notes kept per structure; the same group repeats in every symmetry image. */
const MAX_NOTES = 50;

export interface DisorderGroups {
  /** Groups of at least two site indices, each sorted by decreasing occupancy (then index). */
  groups: number[][];
  /** Site index → its group's index in `groups`. */
  groupOf: Map<number, number>;
}

const cache = new WeakMap<Structure, DisorderGroups>();
const EMPTY: ReadonlySet<number> = new Set();

/** The alternative groups of a structure; empty when every atom is fully occupied. */
export function disorderGroups(s: Structure): DisorderGroups {
  const hit = cache.get(s);
  if (hit) return hit;
  const n = s.sites.length;
  const partial = (i: number): boolean => s.sites[i].occupancy < 1 - 1e-6;
  const result: DisorderGroups = { groups: [], groupOf: new Map() };
  if (s.sites.some((_, i) => partial(i))) {
    const parent = Int32Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => {
      while (parent[x] !== x) { parent[x] = parent[parent[x]]; x = parent[x]; }
      return x;
    };
    const positions = s.sites.map((x) => (s.lattice ? x.frac as Vec3 : x.cart));
    forEachPairWithin(positions, s.lattice, s.pbc, MIN_CONTACT, (i, j) => {
      // Two full atoms this close are a clash the checks report, not alternatives.
      if (!partial(i) && !partial(j)) return;
      const a = find(i), b = find(j);
      if (a !== b) parent[a] = b;
    });
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const r = find(i);
      const g = byRoot.get(r);
      if (g) g.push(i);
      else byRoot.set(r, [i]);
    }
    for (const members of byRoot.values()) {
      if (members.length < 2) continue;
      members.sort((x, y) => s.sites[y].occupancy - s.sites[x].occupancy || x - y);
      for (const m of members) result.groupOf.set(m, result.groups.length);
      result.groups.push(members);
    }
  }
  cache.set(s, result);
  return result;
}

/** Sites left out of the absorber's environment: every group member but the one kept. */
export function alternativesLeftOut(s: Structure, absorber: number): ReadonlySet<number> {
  const { groups, groupOf } = disorderGroups(s);
  if (groups.length === 0) return EMPTY;
  const out = new Set<number>();
  const own = groupOf.get(absorber);
  groups.forEach((members, g) => {
    const kept = g === own ? absorber : members[0];
    for (const m of members) if (m !== kept) out.add(m);
  });
  return out;
}

const occ = (x: number): string => String(Math.round(x * 1000) / 1000);

/**
 * One information diagnostic per distinct set of source rows that are alternatives for one
 * place, saying which atom graphs and predictions keep.
 */
export function disorderNotes(s: Structure): StructureDiagnostic[] {
  const out: StructureDiagnostic[] = [];
  const seen = new Set<string>();
  for (const members of disorderGroups(s).groups) {
    const sources = [...new Set(members.map((m) => s.sites[m].sourceSite))];
    const key = [...sources].sort((a, b) => a - b).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length === MAX_NOTES) break;
    const kept = s.sites[members[0]];
    const tie = Math.abs(s.sites[members[1]].occupancy - kept.occupancy) < 1e-6;
    const rows = sources.map((k) => `${s.sourceSites[k].label} (occupancy ${occ(s.sourceSites[k].occupancy)})`);
    const what = sources.length === 1
      ? `Images of ${rows[0]} closer than ${MIN_CONTACT} Å are alternatives for one place`
      : `${rows.join(', ')} are alternatives for one place`;
    out.push({
      range: s.sourceSites[sources[0]].range, severity: 'information', code: 'site.disorder',
      message: `${what}: graphs and predictions keep one atom there, ${kept.label} (${tie ? 'first listed of equal occupancy' : 'the most occupied'}), or the absorber when it is one of them`,
    });
  }
  return out;
}
