// First coordination shell of an atom, as a scientist reads it from a hover: how many
// neighbours, of which elements, at what mean distance.

export interface NeighbourDistance {
  element: string;
  distance: number;
}

export interface CoordinationSummary {
  count: number;
  /** Element → count, most frequent first. */
  elements: [string, number][];
  meanDistance: number;
  nearestDistance: number;
  /** Shell limit used: SHELL_FACTOR × nearest distance. */
  shellLimit: number;
}

/**
 * A neighbour belongs to the first shell when it lies within 1.2× the nearest distance: wide
 * enough for the distortions of real octahedra (rutile's 1.95/1.98 Å), narrow enough to stop
 * before the second shell in close-packed oxides and halides (~1.4× or more).
 */
export const SHELL_FACTOR = 1.2;

/** Ignores zero distances (the atom itself, or coincident atoms already diagnosed). */
export function firstShell(neighbours: NeighbourDistance[]): CoordinationSummary | null {
  const real = neighbours.filter((n) => n.distance > 1e-6).sort((a, b) => a.distance - b.distance);
  if (real.length === 0) return null;
  const nearest = real[0].distance;
  const shellLimit = nearest * SHELL_FACTOR;
  const shell = real.filter((n) => n.distance <= shellLimit + 1e-9);
  const counts = new Map<string, number>();
  for (const n of shell) counts.set(n.element, (counts.get(n.element) ?? 0) + 1);
  const elements = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const meanDistance = shell.reduce((s, n) => s + n.distance, 0) / shell.length;
  return { count: shell.length, elements, meanDistance, nearestDistance: nearest, shellLimit };
}

export function formatCoordination(c: CoordinationSummary | null): string {
  if (!c) return 'no neighbours within the search radius';
  const formula = c.elements.map(([el, n]) => `${el}×${n}`).join(', ');
  return `${c.count} (${formula}), mean ${c.meanDistance.toFixed(3)} Å, nearest ${c.nearestDistance.toFixed(3)} Å`;
}
