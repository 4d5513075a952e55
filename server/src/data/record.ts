// The one in-memory shape every importer produces, whatever the file format. Trainers,
// tensorizers and the dataset CLI only ever see SpectrumRecord.
import type { Structure } from '../structure/types';

/** Simulation code; free text is kept for codes we do not know by name. */
export type SpectrumMethod = 'FEFF' | 'FDMNES' | (string & {});

/** One neighbour of a graph-only record (no coordinates, only species and distance). */
export interface NeighbourEntry {
  element: string;
  /** Å from the absorber. */
  distance: number;
}

export interface SpectrumRecord {
  id: string;
  /** Grouping key for splits: all sites of one material stay on one side. Molecules use their id. */
  materialId: string;
  /** Absorbing element symbol, canonical case ('Cu'). */
  absorber: string;
  /** 0-based index into structure.sites; null for site-averaged spectra or graph-only records. */
  absorberIndex: number | null;
  edge: string;
  method: SpectrumMethod;
  /** null for graph-only records (then neighbourList is set). */
  structure: Structure | null;
  neighbourList?: NeighbourEntry[];
  /** Absolute eV, unless relativeEnergies is true (then eV relative to the edge). */
  energies: number[];
  mu: number[];
  relativeEnergies?: boolean;
  /** Spectrum averaged over all absorber sites of the structure. */
  siteAveraged?: boolean;
  /**
   * Output domain id ('Cu-K-FEFF') when it is not the one of (absorber, edge, method): measured
   * spectra keep method 'experiment' but train and score the head of a simulation domain.
   */
  domain?: string;
  /** Where the record came from (repository path, file name). */
  source: string;
  licence: string;
  /** Split given by the source file (e.g. tmQM 'train'); our own splits never rely on it. */
  split?: string;
}

/** A problem with one input item: reported, never thrown, so one bad line cannot stop an import. */
export interface ImportIssue {
  /** File the problem is in. */
  file: string;
  /** 1-based line for line-oriented formats. */
  line?: number;
  id?: string;
  reason: string;
}

export interface ImportResult {
  records: SpectrumRecord[];
  issues: ImportIssue[];
}

/** Checks the invariants every importer must guarantee; returns a reason or null. */
export function recordProblem(r: SpectrumRecord): string | null {
  if (r.energies.length !== r.mu.length) return `${r.energies.length} energies but ${r.mu.length} μ values`;
  if (r.energies.length < 2) return 'fewer than 2 spectrum points';
  for (let i = 0; i < r.energies.length; i++) {
    if (!Number.isFinite(r.energies[i]) || !Number.isFinite(r.mu[i])) return `non-finite spectrum value at point ${i}`;
  }
  if (!r.structure && !r.neighbourList) return 'neither a structure nor a neighbour list';
  if (r.structure && r.absorberIndex !== null) {
    const site = r.structure.sites[r.absorberIndex];
    if (!site) return `absorber index ${r.absorberIndex} outside the ${r.structure.sites.length} sites`;
    if (site.element !== r.absorber) return `site ${r.absorberIndex} is ${site.element}, not the absorber ${r.absorber}`;
  }
  return null;
}

/** Canonical method name: 'FEFF 9.9.1 (xmu.dat col mu)' → 'FEFF'. */
export function normaliseMethod(raw: string | undefined): SpectrumMethod {
  if (!raw) return 'unknown';
  const t = raw.trim();
  if (/^feff/i.test(t)) return 'FEFF';
  if (/^fdmnes/i.test(t)) return 'FDMNES';
  return t;
}
