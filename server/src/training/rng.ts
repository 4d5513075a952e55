import { SeededRng } from '../random';

export { SeededRng };

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], rng: SeededRng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The batch order of one epoch depends only on (seed, epoch): resuming in the middle of an epoch
 * rebuilds the same permutation and skips the batches already done.
 */
export function epochOrder(indices: readonly number[], seed: number, epoch: number): number[] {
  const rng = new SeededRng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0);
  return shuffled(indices, rng);
}

/** Consecutive batches; the last one may be smaller (never empty). */
export function batchesOf(order: readonly number[], batchSize: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(order.slice(i, i + batchSize));
  return out;
}
