// An ordered picture of a disordered crystal, as seen from one absorber. Partially occupied atoms
// closer than MIN_CONTACT are alternatives for one place (a mixed Cu/Zn site, an O split over a
// mirror plane): a real local environment holds one of them, never all. The network was trained
// on ordered structures, so each group keeps one atom — the absorber when it is in the group,
// else the most occupied member — and the others are left out of graphs and descriptors. Where
// the file names its disorder groups (SHELXL's PART, _atom_site_disorder_group), one group of
// each assembly is kept whole, wherever its atoms sit.
import { forEachPairWithin } from './celllist';
import type { Structure, StructureDiagnostic, Vec3 } from './types';
import { UnionFind } from './unionFind';

/** Closer than this (Å) two fully occupied atoms cannot both be real; partial ones are alternatives. */
export const MIN_CONTACT = 0.5;
/** Notes kept per structure; the same group repeats in every symmetry image. */
const MAX_NOTES = 50;

export interface DisorderGroups {
  /** Groups of at least two site indices, each sorted by decreasing occupancy (then index). */
  groups: number[][];
  /** Site index → its group's index in `groups`. */
  groupOf: Map<number, number>;
  /** Sites of occupancy 0 (a vacant site kept in the file, a delithiated Li): no atom is there. */
  vacant: number[];
}

const cache = new WeakMap<Structure, DisorderGroups>();
const EMPTY: ReadonlySet<number> = new Set();

/** The alternative groups of a structure; empty when every atom is fully occupied. */
export function disorderGroups(s: Structure): DisorderGroups {
  const hit = cache.get(s);
  if (hit) return hit;
  const n = s.sites.length;
  const partial = (i: number): boolean => s.sites[i].occupancy < 1 - 1e-6;
  const result: DisorderGroups = { groups: [], groupOf: new Map(), vacant: [] };
  for (let i = 0; i < n; i++) if (!(s.sites[i].occupancy > 1e-6)) result.vacant.push(i);
  if (s.sites.some((_, i) => partial(i))) {
    const places = new UnionFind(n);
    const positions = s.sites.map((x) => (s.lattice ? x.frac as Vec3 : x.cart));
    forEachPairWithin(positions, s.lattice, s.pbc, MIN_CONTACT, (i, j) => {
      // Two full atoms this close are a clash the checks report, not alternatives.
      if (!partial(i) && !partial(j)) return;
      places.union(i, j);
    });
    for (const members of places.groups(2)) {
      members.sort((x, y) => s.sites[y].occupancy - s.sites[x].occupancy || x - y);
      for (const m of members) result.groupOf.set(m, result.groups.length);
      result.groups.push(members);
    }
  }
  cache.set(s, result);
  return result;
}

/** One disorder assembly with at least two groups (SHELXL PARTs), the most occupied group first. */
export interface DisorderAssembly {
  assembly: string;
  groups: { group: string; /** Source rows. */ rows: number[]; /** Mean occupancy of its rows. */ occupancy: number }[];
}

const assemblyCache = new WeakMap<Structure, DisorderAssembly[]>();

/**
 * The file's own statement of disorder: rows of one assembly in different groups are
 * alternatives however far apart they sit (a perchlorate in two orientations puts its O atoms
 * 0.6–1.5 Å apart, beyond the distance rule).
 */
export function disorderAssemblies(s: Structure): DisorderAssembly[] {
  const hit = assemblyCache.get(s);
  if (hit) return hit;
  const byAssembly = new Map<string, Map<string, number[]>>();
  s.sourceSites.forEach((row, k) => {
    if (!row.disorder) return;
    const { assembly, group } = row.disorder;
    let groups = byAssembly.get(assembly);
    if (!groups) { groups = new Map(); byAssembly.set(assembly, groups); }
    const rows = groups.get(group);
    if (rows) rows.push(k);
    else groups.set(group, [k]);
  });
  const out: DisorderAssembly[] = [];
  for (const [assembly, groups] of byAssembly) {
    if (groups.size < 2) continue;
    const list = [...groups].map(([group, rows]) => ({
      group, rows, occupancy: rows.reduce((t, k) => t + s.sourceSites[k].occupancy, 0) / rows.length,
    }));
    // Stable: equal occupancies keep the file's order.
    list.sort((a, b) => b.occupancy - a.occupancy);
    out.push({ assembly, groups: list });
  }
  assemblyCache.set(s, out);
  return out;
}

/**
 * Sites left out of the absorber's environment: those of occupancy 0; all but one group of each
 * disorder assembly (the absorber's own, else the most occupied); and of each place shared by
 * close alternatives all but one atom (the absorber, else the most occupied the groups keep).
 */
export function alternativesLeftOut(s: Structure, absorber: number): ReadonlySet<number> {
  const { groups, groupOf, vacant } = disorderGroups(s);
  const assemblies = disorderAssemblies(s);
  if (groups.length === 0 && assemblies.length === 0 && vacant.length === 0) return EMPTY;
  const out = new Set<number>();
  for (const v of vacant) if (v !== absorber) out.add(v);
  if (assemblies.length > 0) {
    const own = s.sourceSites[s.sites[absorber].sourceSite]?.disorder;
    const kept = new Map<string, string>();
    for (const a of assemblies) kept.set(a.assembly, own && own.assembly === a.assembly && a.groups.some((g) => g.group === own.group) ? own.group : a.groups[0].group);
    s.sites.forEach((site, i) => {
      const d = s.sourceSites[site.sourceSite]?.disorder;
      if (!d) return;
      const k = kept.get(d.assembly);
      if (k !== undefined && d.group !== k) out.add(i);
    });
  }
  const own = groupOf.get(absorber);
  groups.forEach((members, g) => {
    const kept = g === own ? absorber : members.find((m) => !out.has(m)) ?? members[0];
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
  for (const a of disorderAssemblies(s)) {
    if (out.length === MAX_NOTES) break;
    const first = a.groups[0];
    const tie = Math.abs(a.groups[1].occupancy - first.occupancy) < 1e-6;
    const parts = a.groups.map((g) => `${g.group} (${g.rows.map((k) => s.sourceSites[k].label).slice(0, 3).join(', ')}${g.rows.length > 3 ? ', …' : ''}; occupancy ${occ(g.occupancy)})`);
    out.push({
      range: s.sourceSites[first.rows[0]].range, severity: 'information', code: 'site.disorder',
      message: `Disorder groups ${parts.join(' and ')}${a.assembly ? ` of assembly ${a.assembly}` : ''} are alternatives: graphs and predictions keep group ${first.group} (${tie ? 'first listed of equal occupancy' : 'the most occupied'}), or the absorber's own group`,
    });
  }
  const vacantRows = new Set(disorderGroups(s).vacant.map((i) => s.sites[i].sourceSite));
  for (const k of vacantRows) {
    if (out.length === MAX_NOTES) break;
    out.push({
      range: s.sourceSites[k].range, severity: 'information', code: 'site.vacant',
      message: `${s.sourceSites[k].label} has occupancy ${occ(s.sourceSites[k].occupancy)}: no atom is there, so graphs and predictions leave it out`,
    });
  }
  return out;
}
