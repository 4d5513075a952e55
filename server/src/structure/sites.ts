// Symmetry-inequivalent absorbing sites: one per orbit whose element is requested.
import type { Structure, TextRange } from './types';

export interface AbsorbingSite {
  orbit: number;
  /** Index into Structure.sites of the orbit's first atom (the representative). */
  siteIndex: number;
  element: string;
  label: string;
  /** Number of atoms in the orbit (in the cell). */
  multiplicity: number;
  range: TextRange;
}

/**
 * One entry per orbit whose element is in `elements` (case-insensitive). Without symmetry
 * operators (P1, XYZ) every atom is its own orbit: equivalence is not guessed.
 */
export function absorbingSites(structure: Structure, elements: readonly string[]): AbsorbingSite[] {
  const wanted = new Set(elements.map((e) => e.toLowerCase()));
  const out: AbsorbingSite[] = [];
  structure.orbits.forEach((members, orbit) => {
    if (members.length === 0) return;
    const site = structure.sites[members[0]];
    if (!wanted.has(site.element.toLowerCase())) return;
    out.push({ orbit, siteIndex: members[0], element: site.element, label: site.label, multiplicity: members.length, range: site.range });
  });
  return out;
}
