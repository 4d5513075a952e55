// Hover on an atom row: what the parser made of it after symmetry expansion.
import type { Hover, Position } from 'vscode-languageserver';
import { EQUIVALENCE_DEFAULTS } from '../graph/equivalence';
import { findEnvironment } from '../graph/neighbours';
import { equivalentSites } from '../structure/sites';
import type { Structure, StructureBlock, TextRange, Vec3 } from '../structure/types';
import { labelList } from './codeLens';
import { firstShell, formatCoordination } from './coordination';

/** Radii (Å) tried in turn for the first shell: most solids answer within the first. */
const SHELL_SEARCH_RADII = [4, 8];

export interface RowHit {
  block: number;
  structure: Structure;
  sourceSite: number;
}

export function containsPosition(range: TextRange, pos: Position): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** The atom row (source site) under the cursor, searching every block. */
export function rowAt(blocks: StructureBlock[], pos: Position): RowHit | null {
  for (let b = 0; b < blocks.length; b++) {
    const structure = blocks[b].structure;
    if (!structure) continue;
    const src = structure.sourceSites.find((s) => containsPosition(s.range, pos));
    if (src) return { block: b, structure, sourceSite: src.index };
  }
  return null;
}

function fmt(v: Vec3 | null | undefined, digits: number): string {
  return v ? v.map((x) => x.toFixed(digits)).join(', ') : '—';
}

export function hoverMarkdown(hit: RowHit, absorbingElements: readonly string[] = []): string {
  const absorbing = new Set(absorbingElements.map((e) => e.toLowerCase()));
  const { structure } = hit;
  const src = structure.sourceSites[hit.sourceSite];
  const members = structure.sites
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.sourceSite === hit.sourceSite);
  const rep = members[0];
  const lines = [`**${src.label}** — ${src.element || '?'}${src.Z ? ` (Z = ${src.Z})` : ''}`, ''];
  lines.push(`- fractional: (${fmt(src.frac ?? rep?.s.frac, 5)})`);
  lines.push(`- Cartesian: (${fmt(src.cart, 4)}) Å`);
  if (src.occupancy !== 1) lines.push(`- occupancy: ${src.occupancy}`);
  if (!rep) {
    lines.push('- no atoms generated from this row (see diagnostics)');
    return lines.join('\n');
  }
  const orbitSize = structure.orbits[rep.s.orbit]?.length ?? members.length;
  lines.push(`- multiplicity: ${orbitSize} in the ${structure.lattice ? 'unit cell' : 'molecule'} (orbit ${rep.s.orbit})`);
  const environment = absorbing.has(src.element.toLowerCase()) ? environmentLine(structure, rep.i, absorbingElements) : null;
  if (environment) lines.push(environment);
  lines.push(`- first shell: ${formatCoordination(coordinationOf(structure, rep.i))}`);
  return lines.join('\n');
}

/**
 * In a file without symmetry operators, which atoms share this one's environment and so its lens
 * (structure/sites.ts); null where symmetry orbits already say it, or for an element's only atom.
 */
function environmentLine(structure: Structure, siteIndex: number, absorbingElements: readonly string[]): string | null {
  const { equivalence, members, note } = equivalentSites(structure, siteIndex, absorbingElements);
  if (equivalence === 'symmetry') return null;
  const site = structure.sites[siteIndex];
  const same = structure.sites.filter((x) => x.element === site.element).length;
  if (same <= 1) return null;
  if (equivalence === 'none') return `- environment: not compared with the other ${site.element} atoms (${note ?? 'over the limits'}); its lens predicts it alone`;
  if (members.length === 1) return `- environment: unique among the ${same} ${site.element} atoms (none has the same surroundings within ${EQUIVALENCE_DEFAULTS.radius} Å)`;
  const rep = structure.sites[members[0]].label;
  return `- environment: one of ${members.length} ${site.element} atoms with the same surroundings within ${EQUIVALENCE_DEFAULTS.radius} Å `
    + `(no symmetry operators in the file), predicted once by the lens on ${rep}: ${labelList(members.map((i) => structure.sites[i].label))}`;
}

export function coordinationOf(structure: Structure, siteIndex: number): ReturnType<typeof firstShell> {
  for (const r of SHELL_SEARCH_RADII) {
    // The ordered picture, as graphs see it: a co-occupant of this place is not a neighbour at 0 Å.
    const hits = findEnvironment(structure, siteIndex, r);
    if (hits.length > 0) {
      return firstShell(hits.map((h) => ({ element: structure.sites[h.siteIndex].element, distance: h.distance })));
    }
  }
  return null;
}

export function hoverAt(blocks: StructureBlock[], pos: Position, absorbingElements: readonly string[] = []): Hover | null {
  const hit = rowAt(blocks, pos);
  if (!hit) return null;
  return {
    contents: { kind: 'markdown', value: hoverMarkdown(hit, absorbingElements) },
    range: hit.structure.sourceSites[hit.sourceSite].range,
  };
}
