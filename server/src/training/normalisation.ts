// Targets are learned in normalised units per output head: μ' = (μ − mean_i)/std, with a per-point
// mean from the training split and one scalar std per head. A scalar std (not per point) keeps
// the loss proportional to the error in μ within a head, so flat pre-edge points are not blown up,
// while heads on different scales (FEFF edge-step ≈1, FDMNES ≈0.4) still weigh alike.
import type { OutputNormalisation } from '../model/metadata';
import type { TensorizedSet } from '../data/tensorize';

/** Normalisation per domain (= per head), from the scored points of the given samples. */
export function fitNormalisation(set: TensorizedSet, indices: readonly number[]): OutputNormalisation[] {
  const G = set.gridLength;
  return set.domains.map((d, di) => {
    const L = d.energies.length;
    const sum = new Float64Array(L);
    const cnt = new Float64Array(L);
    for (const s of indices) {
      if (set.domainIndex[s] !== di) continue;
      for (let i = 0; i < L; i++) {
        if (set.targetMask[s * G + i]) {
          sum[i] += set.targets[s * G + i];
          cnt[i]++;
        }
      }
    }
    const seen = [...cnt].reduce((a, b) => a + b, 0);
    const overall = seen > 0 ? [...sum].reduce((a, b) => a + b, 0) / seen : 0;
    const mean = Array.from(sum, (v, i) => (cnt[i] > 0 ? v / cnt[i] : overall));
    let ss = 0;
    let n = 0;
    for (const s of indices) {
      if (set.domainIndex[s] !== di) continue;
      for (let i = 0; i < L; i++) {
        if (set.targetMask[s * G + i]) {
          ss += (set.targets[s * G + i] - mean[i]) ** 2;
          n++;
        }
      }
    }
    // A floor keeps a head whose training spectra barely vary (or that has none) from exploding.
    const std = Math.max(n > 1 ? Math.sqrt(ss / (n - 1)) : 1, 1e-3);
    return { mean, std: [std] };
  });
}

function at(a: number[], i: number): number {
  return a.length === 1 ? a[0] : a[i];
}

export function normaliseValue(n: OutputNormalisation, i: number, mu: number): number {
  return (mu - at(n.mean, i)) / at(n.std, i);
}

export function denormaliseValue(n: OutputNormalisation, i: number, y: number): number {
  return y * at(n.std, i) + at(n.mean, i);
}

export function denormaliseRow(n: OutputNormalisation, y: ArrayLike<number>, offset: number, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = denormaliseValue(n, i, y[offset + i]);
  return out;
}
