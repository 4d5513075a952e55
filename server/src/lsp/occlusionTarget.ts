// Which neighbour xanes/predictWithout removes. The client names it by NeighbourRef.rank, read
// from a prediction it shows; the server rebuilds the graph, so the rank is checked against that
// graph here (pure) and every way it can fail gets its own message.
import type { Neighbour } from '../graph/types';
import type { Vec3 } from '../structure/types';

/** The neighbour a request names: rank (1-based distance order) and, optionally, the atom seen there. */
export interface NeighbourKey {
  rank: number;
  expect?: { siteIndex: number; image: Vec3 };
}

/** The request names no real neighbour of the site; answered as XanesErrorCodes.NoSuchNeighbour. */
export class NoSuchNeighbourError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSuchNeighbourError';
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * The atom a request expects at its rank ({ siteIndex ≥ 0, image: three integers }), or null
 * when `e` is not one. Shared by the server and the client's command (overlayLink.ts), which
 * both take it from outside.
 */
export function expectedAtom(e: unknown): { siteIndex: number; image: Vec3 } | null {
  if (typeof e !== 'object' || e === null) return null;
  const { siteIndex, image } = e as { siteIndex?: unknown; image?: unknown };
  if (!isInt(siteIndex) || siteIndex < 0 || !Array.isArray(image) || image.length !== 3 || !image.every(isInt)) return null;
  return { siteIndex, image: [image[0], image[1], image[2]] };
}

/** The key of a request's params; anything else than an integer rank is rejected before any work. */
export function neighbourKey(params: { rank?: unknown; expect?: unknown }): NeighbourKey {
  if (!isInt(params.rank)) throw new NoSuchNeighbourError(`The neighbour to remove must be given by its rank (an integer ≥ 1), got ${JSON.stringify(params.rank) ?? 'nothing'}.`);
  if (params.expect === undefined) return { rank: params.rank };
  const expect = expectedAtom(params.expect);
  if (!expect) throw new NoSuchNeighbourError('"expect" must be { siteIndex: integer ≥ 0, image: [integer, integer, integer] }.');
  return { rank: params.rank, expect };
}

/**
 * Index among the graph's real neighbours (neighbourOccluder's j) of the neighbour at `key.rank`.
 * `absorber` names the site in the messages.
 */
export function realNeighbourIndex(neighbours: readonly Neighbour[], key: NeighbourKey, absorber: string): number {
  const real = neighbours.filter((n) => !n.virtual);
  const n = neighbours[key.rank - 1];
  if (key.rank < 1 || !n) {
    throw new NoSuchNeighbourError(`${absorber} has no neighbour of rank ${key.rank}: ranks run from 1 to ${real.length} (its real neighbours, nearest first).`);
  }
  if (n.virtual) {
    throw new NoSuchNeighbourError(
      `Rank ${key.rank} of ${absorber} is an empty (virtual) slot, not an atom: ${absorber} has ${real.length} real neighbour${real.length === 1 ? '' : 's'} within the cutoff, and padding cannot be removed.`,
    );
  }
  const e = key.expect;
  if (e && (e.siteIndex !== n.siteIndex || e.image.some((v, i) => v !== n.image[i]))) {
    throw new NoSuchNeighbourError(`The neighbour of rank ${key.rank} of ${absorber} is no longer the atom shown (the structure or model changed): predict the site again.`);
  }
  return real.indexOf(n);
}
