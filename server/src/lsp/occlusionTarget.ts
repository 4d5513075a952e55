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

/** The key of a request's params; anything else than an integer rank is rejected before any work. */
export function neighbourKey(params: { rank?: unknown; expect?: unknown }): NeighbourKey {
  if (!isInt(params.rank)) throw new NoSuchNeighbourError(`The neighbour to remove must be given by its rank (an integer ≥ 1), got ${JSON.stringify(params.rank) ?? 'nothing'}.`);
  const e = params.expect;
  if (e === undefined) return { rank: params.rank };
  const ok = typeof e === 'object' && e !== null && isInt((e as { siteIndex?: unknown }).siteIndex)
    && Array.isArray((e as { image?: unknown }).image) && (e as { image: unknown[] }).image.length === 3 && (e as { image: unknown[] }).image.every(isInt);
  if (!ok) throw new NoSuchNeighbourError('"expect" must be { siteIndex: integer, image: [integer, integer, integer] }.');
  const x = e as { siteIndex: number; image: Vec3 };
  return { rank: params.rank, expect: { siteIndex: x.siteIndex, image: [x.image[0], x.image[1], x.image[2]] } };
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
