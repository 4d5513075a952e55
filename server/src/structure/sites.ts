// Inequivalent absorbing sites: one per orbit of the file's symmetry operators. A file without
// operators (a P1 CIF, an XYZ, a POSCAR) lists every atom on its own, so there atoms whose
// environments are the same (graph/equivalence.ts) are one site: the network, which sees only the
// environment, gives them one spectrum.
import { EQUIVALENCE_DEFAULTS, groupByEnvironment, identityOnly, type EnvironmentGrouping, type EquivalenceOptions } from '../graph/equivalence';
import type { Structure, TextRange } from './types';

/**
 * How the atoms a site stands for were found equivalent: 'symmetry', one orbit of the file's
 * operators; 'environment', atoms of a file without operators whose environments are congruent;
 * 'none', a file without operators whose atoms were not compared (over the limits, see `note`),
 * so each atom is its own site.
 */
export type SiteEquivalence = 'symmetry' | 'environment' | 'none';

export interface AbsorbingSite {
  orbit: number;
  /** Index into Structure.sites of the representative: the orbit's or group's first atom. */
  siteIndex: number;
  element: string;
  label: string;
  /** Number of atoms (in the cell or molecule) the site stands for. */
  multiplicity: number;
  range: TextRange;
  equivalence: SiteEquivalence;
  /** Site indices of every atom it stands for, ascending (the representative first). */
  members: number[];
  /** Why atoms were not compared by environment (equivalence 'none'). */
  note?: string;
}

/** Groupings per structure and element, so that lenses, diagnostics and requests share one. */
const groupings = new WeakMap<Structure, Map<string, EnvironmentGrouping>>();

/**
 * Groupings of the last few structures by content: each edit parses a new Structure, but one
 * that moves no atom (a comment, a title, another block) keeps its groupings.
 */
const recent: { key: string; byElement: Map<string, EnvironmentGrouping> }[] = [];
const RECENT = 8;

/** What the grouping depends on: lattice, periodicity, and each atom's element, place, occupancy and disorder group. */
function contentKey(s: Structure): string {
  const f = new Float64Array(1);
  const w = new Uint32Array(f.buffer);
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  const mix = (x: number): void => {
    f[0] = x;
    for (let k = 0; k < 2; k++) {
      h1 = Math.imul(h1 ^ w[k], 0x01000193);
      h2 = Math.imul(h2 ^ w[k], 0x5bd1e995) ^ (h2 >>> 15);
    }
  };
  for (const row of s.lattice?.matrix ?? []) row.forEach(mix);
  s.pbc.forEach((p) => mix(p ? 1 : 0));
  for (const site of s.sites) {
    mix(site.Z);
    site.cart.forEach(mix);
    mix(site.occupancy);
    const d = s.sourceSites[site.sourceSite]?.disorder;
    if (d) for (const c of `${d.assembly}\u0000${d.group}`) mix(c.charCodeAt(0));
  }
  return `${s.sites.length}:${s.symops.length}:${(h1 >>> 0).toString(16)}:${(h2 >>> 0).toString(16)}`;
}

function groupingsOf(s: Structure): Map<string, EnvironmentGrouping> {
  let byElement = groupings.get(s);
  if (byElement) return byElement;
  const key = contentKey(s);
  const hit = recent.findIndex((e) => e.key === key);
  byElement = hit >= 0 ? recent[hit].byElement : new Map<string, EnvironmentGrouping>();
  if (hit >= 0) recent.splice(hit, 1);
  recent.unshift({ key, byElement });
  recent.length = Math.min(recent.length, RECENT);
  groupings.set(s, byElement);
  return byElement;
}

function atomsOf(s: Structure, element: string): number[] {
  const out: number[] = [];
  s.sites.forEach((site, i) => {
    if (site.element === element) out.push(i);
  });
  return out;
}

/** The environment grouping of one element's atoms; memoised unless options are given. */
function elementGrouping(s: Structure, element: string, options?: Partial<EquivalenceOptions>): EnvironmentGrouping {
  if (options) return groupByEnvironment(s, atomsOf(s, element), { ...options, maxAtoms: Infinity });
  const byElement = groupingsOf(s);
  let g = byElement.get(element);
  if (!g) {
    g = groupByEnvironment(s, atomsOf(s, element), { maxAtoms: Infinity });
    byElement.set(element, g);
  }
  return g;
}

/**
 * Groupings of the atoms of the absorbing `elements` (case-insensitive) present, per element.
 * The cap counts them all together, so that a block's cost on the message loop is bounded however
 * many elements it has; over it every atom stays alone (and nothing is remembered, so a narrower
 * element list later is grouped).
 */
function groupingsFor(s: Structure, elements: readonly string[], options?: Partial<EquivalenceOptions>): Map<string, EnvironmentGrouping> {
  const wanted = new Set(elements.map((e) => e.toLowerCase()));
  const present = [...new Set(s.sites.map((x) => x.element))].filter((e) => wanted.has(e.toLowerCase()));
  const total = s.sites.reduce((n, x) => n + (wanted.has(x.element.toLowerCase()) ? 1 : 0), 0);
  const cap = options?.maxAtoms ?? EQUIVALENCE_DEFAULTS.maxAtoms;
  const out = new Map<string, EnvironmentGrouping>();
  if (total > cap) {
    const alone: EnvironmentGrouping = { grouped: false, reason: `${total} absorbing atoms are more than the ${cap} compared by environment` };
    for (const e of present) out.set(e, alone);
    return out;
  }
  for (const e of present) out.set(e, elementGrouping(s, e, options));
  return out;
}

/**
 * Groupings of the structure's atoms of `elements` (case-insensitive), as plain data: a parse
 * worker computes them off the message loop and the main thread adopts them (seedGroupings).
 * Empty for a structure with symmetry operators, whose orbits need no grouping, and over the cap.
 */
export function environmentGroupings(s: Structure, elements: readonly string[]): Record<string, EnvironmentGrouping> {
  const out: Record<string, EnvironmentGrouping> = {};
  if (!identityOnly(s)) return out;
  for (const [element, g] of groupingsFor(s, elements)) if (g.grouped) out[element] = g;
  return out;
}

/** Adopts groupings computed elsewhere (a parse worker) for this structure; ones already known stay. */
export function seedGroupings(s: Structure, computed: Record<string, EnvironmentGrouping>): void {
  const byElement = groupingsOf(s);
  for (const [element, g] of Object.entries(computed)) if (!byElement.has(element)) byElement.set(element, g);
}

/**
 * One entry per orbit (files with symmetry operators) or per environment group (files without)
 * whose element is in `elements` (case-insensitive), in the order of the representatives' atoms.
 * `options` (tests) override the grouping's tolerance and limits.
 */
export function absorbingSites(structure: Structure, elements: readonly string[], options?: Partial<EquivalenceOptions>): AbsorbingSite[] {
  const wanted = new Set(elements.map((e) => e.toLowerCase()));
  const out: AbsorbingSite[] = [];
  if (!identityOnly(structure)) {
    structure.orbits.forEach((members, orbit) => {
      if (members.length === 0) return;
      const site = structure.sites[members[0]];
      if (!wanted.has(site.element.toLowerCase())) return;
      out.push({
        orbit, siteIndex: members[0], element: site.element, label: site.label, multiplicity: members.length, range: site.range,
        equivalence: 'symmetry', members: [...members],
      });
    });
    return out;
  }
  for (const [element, g] of groupingsFor(structure, elements, options)) {
    const groups = g.grouped ? g.groups : atomsOf(structure, element).map((i) => [i]);
    for (const members of groups) {
      const site = structure.sites[members[0]];
      out.push({
        orbit: site.orbit, siteIndex: members[0], element: site.element, label: site.label, multiplicity: members.length, range: site.range,
        equivalence: g.grouped ? 'environment' : 'none', members,
        ...(g.grouped ? {} : { note: g.reason }),
      });
    }
  }
  return out.sort((p, q) => p.siteIndex - q.siteIndex);
}

/**
 * The atoms site `siteIndex` stands for, whether or not it is a representative: its orbit, or
 * (no operators) its environment group among the atoms of its element. `elements`: the absorbing
 * elements the lenses use, so that the cap counts the same atoms (a site of another element is
 * compared among its own element's atoms).
 */
export function equivalentSites(
  structure: Structure, siteIndex: number, elements: readonly string[] = [], options?: Partial<EquivalenceOptions>,
): { equivalence: SiteEquivalence; members: number[]; note?: string } {
  const site = structure.sites[siteIndex];
  if (!identityOnly(structure)) return { equivalence: 'symmetry', members: [...(structure.orbits[site.orbit] ?? [siteIndex])] };
  const among = elements.some((e) => e.toLowerCase() === site.element.toLowerCase()) ? elements : [site.element];
  const g = groupingsFor(structure, among, options).get(site.element);
  if (!g?.grouped) return { equivalence: 'none', members: [siteIndex], ...(g ? { note: g.reason } : {}) };
  return { equivalence: 'environment', members: g.groups.find((m) => m.includes(siteIndex)) ?? [siteIndex] };
}
