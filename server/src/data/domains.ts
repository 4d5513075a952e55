// Output domains: one energy grid per (absorber, edge, method[, relative]) so that spectra from
// different codes and references are never mixed on one output head.
import type { SpectrumRecord } from './record';

export interface DomainSpec {
  /** 'Cu-K-FEFF' style; relative-energy domains end in '-rel'. */
  id: string;
  element: string;
  edge: string;
  method: string;
  /** Grid in eV: absolute, or relative to the edge when `relative`. */
  energies: number[];
  relative?: boolean;
}

/** Paper 000's K-edge start energies (eV); grid = start + 0.5·i, i = 0…110. */
export const PAPER_START_EV: Readonly<Record<string, number>> = {
  Sc: 4490, Ti: 4965, V: 5465, Cr: 5990, Mn: 6539, Fe: 7112, Co: 7710, Ni: 8333, Cu: 8984, Zn: 9661,
  Y: 17050, Zr: 18010, Nb: 18998, Mo: 20016, Tc: 21062, Ru: 22135, Rh: 23238, Pd: 24371, Ag: 25538, Cd: 26739,
};
export const PAPER_POINTS = 111;
export const PAPER_STEP_EV = 0.5;

export function paperGrid(element: string): number[] | undefined {
  const start = PAPER_START_EV[element];
  if (start === undefined) return undefined;
  return Array.from({ length: PAPER_POINTS }, (_, i) => start + PAPER_STEP_EV * i);
}

/** XANESNET's tmQM Fe grid: 226 points, 7097–7172 eV in thirds of an eV, written to 0.01 eV. */
export function tmqmFeGrid(): number[] {
  return Array.from({ length: 226 }, (_, i) => Math.round((7097 + i / 3) * 100) / 100);
}

/** Ti FDMNES site-averaged set: energies relative to the edge, −15 … +49 eV in 0.5 eV steps. */
export function relativeGrid(from = -15, to = 49, step = 0.5): number[] {
  const n = Math.round((to - from) / step) + 1;
  return Array.from({ length: n }, (_, i) => from + step * i);
}

export function domainId(element: string, edge: string, method: string, relative = false): string {
  return `${element}-${edge}-${method}${relative ? '-rel' : ''}`;
}

/** 'Cu-K-FEFF' → its parts; 'Ti-K-FDMNES-rel' is relative. Undefined when the id has no such shape. */
export function parseDomainId(id: string): { element: string; edge: string; method: string; relative: boolean } | undefined {
  const m = /^([A-Z][a-z]?)-([A-Za-z0-9]+)-(.+?)(-rel)?$/.exec(id);
  if (!m) return undefined;
  return { element: m[1], edge: m[2], method: m[3], relative: m[4] !== undefined };
}

/** The grid a domain id gets when nothing configures it (the one its simulations would get). */
export function domainFromId(id: string): DomainSpec | undefined {
  const p = parseDomainId(id);
  if (!p) return undefined;
  const d = defaultDomainFor({ absorber: p.element, edge: p.edge, method: p.method, relativeEnergies: p.relative });
  return d && d.id === id ? d : undefined;
}

/**
 * The default domain for a record; undefined when we have no grid for that element. A record
 * that names its domain (measured spectra tuning a simulation head) gets that one.
 */
export function defaultDomainFor(r: Pick<SpectrumRecord, 'absorber' | 'edge' | 'method' | 'relativeEnergies' | 'domain'>): DomainSpec | undefined {
  if (r.domain !== undefined) {
    const d = domainFromId(r.domain);
    return d && d.element === r.absorber && d.edge === r.edge ? d : undefined;
  }
  const base = { element: r.absorber, edge: r.edge, method: r.method };
  if (r.relativeEnergies) {
    return { ...base, id: domainId(r.absorber, r.edge, r.method, true), energies: relativeGrid(), relative: true };
  }
  if (r.absorber === 'Fe' && r.edge === 'K' && r.method === 'FDMNES') {
    return { ...base, id: domainId('Fe', 'K', 'FDMNES'), energies: tmqmFeGrid() };
  }
  const grid = r.edge === 'K' ? paperGrid(r.absorber) : undefined;
  if (!grid) return undefined;
  return { ...base, id: domainId(r.absorber, r.edge, r.method), energies: grid };
}

/** Collects the domains a record set needs, in first-seen order, keyed by id. */
export class DomainRegistry {
  private readonly byId = new Map<string, DomainSpec>();

  constructor(initial: DomainSpec[] = []) {
    for (const d of initial) this.byId.set(d.id, d);
  }

  /** Domain of a record: a configured one with the same id wins over the default grid. */
  resolve(r: Pick<SpectrumRecord, 'absorber' | 'edge' | 'method' | 'relativeEnergies' | 'domain'>): DomainSpec | undefined {
    if (r.domain !== undefined) {
      const named = this.byId.get(r.domain);
      if (named) return named.element === r.absorber && named.edge === r.edge ? named : undefined;
    }
    const d = defaultDomainFor(r);
    if (!d) return undefined;
    const known = this.byId.get(d.id);
    if (known) return known;
    this.byId.set(d.id, d);
    return d;
  }

  list(): DomainSpec[] {
    return [...this.byId.values()];
  }

  indexOf(id: string): number {
    return [...this.byId.keys()].indexOf(id);
  }
}
