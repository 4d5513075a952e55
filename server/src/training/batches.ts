// Dense per-head target arrays of one batch: every head gets a [B, L_head] block of normalised
// targets and a weight block that is 0 except on the scored points of samples of that head's
// domain. Weights are 1/(scored points · B), so every spectrum counts equally in the loss
// whatever its grid length or coverage.
import type { OutputNormalisation } from '../model/metadata';
import type { TensorizedSet } from '../data/tensorize';
import { normaliseValue } from './normalisation';

export interface HeadTargets {
  size: number;
  /** [B × size] normalised targets (0 where weight is 0). */
  values: Float32Array;
  /** [B × size] loss weights. */
  weights: Float32Array;
}

export function batchTargets(
  set: TensorizedSet, indices: readonly number[], norm: readonly OutputNormalisation[], headOfDomain: readonly number[], headSizes: readonly number[],
): HeadTargets[] {
  const B = indices.length;
  const G = set.gridLength;
  const heads = headSizes.map((size) => ({ size, values: new Float32Array(B * size), weights: new Float32Array(B * size) }));
  indices.forEach((s, b) => {
    const di = set.domainIndex[s];
    const h = headOfDomain[di];
    const L = set.domains[di].energies.length;
    const head = heads[h];
    if (L !== head.size) throw new Error(`domain ${set.domains[di].id} has ${L} points but head ${h} has ${head.size}`);
    let scored = 0;
    for (let i = 0; i < L; i++) if (set.targetMask[s * G + i]) scored++;
    if (scored === 0) return;
    const w = 1 / (scored * B);
    for (let i = 0; i < L; i++) {
      if (!set.targetMask[s * G + i]) continue;
      head.values[b * L + i] = normaliseValue(norm[di], i, set.targets[s * G + i]);
      head.weights[b * L + i] = w;
    }
  });
  return heads;
}
