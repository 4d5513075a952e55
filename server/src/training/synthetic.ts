// A small synthetic TensorizedSet with a learnable structure → spectrum relation, for tests and
// benchmarks that must not depend on the shared data: a peak whose position and height follow
// the nearest-neighbour distance and element.
import { DEFAULT_GRAPH_OPTIONS, type GraphOptions } from '../graph/types';
import type { DomainSpec } from '../data/domains';
import type { TensorizedSet } from '../data/tensorize';
import { SeededRng } from './rng';

export interface SyntheticOptions {
  count: number;
  seed?: number;
  /** Points per spectrum of the first domain (a second, shorter domain gets half). */
  points?: number;
  /** Samples per material (materials are contiguous). */
  perMaterial?: number;
  graph?: GraphOptions;
  /** Add a random wACSF-like feature vector of this length. */
  wacsfLength?: number;
}

export function syntheticSet(o: SyntheticOptions): TensorizedSet {
  const rng = new SeededRng(o.seed ?? 7);
  const g = o.graph ?? { ...DEFAULT_GRAPH_OPTIONS, maxNeighbours: 6 };
  const N = g.maxNeighbours;
  const L0 = o.points ?? 24;
  const L1 = Math.max(2, Math.floor(L0 / 2));
  const domains: DomainSpec[] = [
    { id: 'Cu-K-FEFF', element: 'Cu', edge: 'K', method: 'FEFF', energies: Array.from({ length: L0 }, (_, i) => 8984 + i) },
    { id: 'Fe-K-FDMNES', element: 'Fe', edge: 'K', method: 'FDMNES', energies: Array.from({ length: L1 }, (_, i) => 7112 + i) },
  ];
  const n = o.count;
  const G = L0;
  const W = o.wacsfLength ?? 0;
  const set: TensorizedSet = {
    count: n, maxNeighbours: N, gridLength: G, wacsfLength: W, domains,
    ids: [], materialIds: [], group: new Int32Array(n), absorberZ: new Uint8Array(n), neighbourZ: new Uint8Array(n * N),
    neighbourDistance: new Float32Array(n * N), neighbourVector: new Float32Array(n * N * 3), domainIndex: new Uint16Array(n), targets: new Float32Array(n * G),
    targetMask: new Uint8Array(n * G), ...(W ? { wacsf: new Float32Array(n * W) } : {}), graphOptions: g,
  };
  const ligands = [8, 7, 16, 17];
  const per = o.perMaterial ?? 2;
  for (let s = 0; s < n; s++) {
    const di = s % 3 === 2 ? 1 : 0;
    set.domainIndex[s] = di;
    set.absorberZ[s] = di === 0 ? 29 : 26;
    set.ids.push(`s${s}`);
    set.materialIds.push(`m${Math.floor(s / per)}`);
    set.group[s] = s;
    const lig = ligands[Math.floor(rng.next() * ligands.length)];
    const r0 = 1.8 + 0.6 * rng.next();
    const count = 2 + Math.floor(rng.next() * (N - 1));
    for (let k = 0; k < count; k++) {
      set.neighbourZ[s * N + k] = k < 4 ? lig : 1 + Math.floor(rng.next() * 30);
      const d = Math.min(g.cutoff - 0.1, r0 + 0.4 * k);
      set.neighbourDistance[s * N + k] = d;
      // Fibonacci-sphere directions (no draw from rng, so the rest of the set stays as it was).
      const z = 1 - (2 * k + 1) / N, rho = Math.sqrt(1 - z * z), phi = k * 2.399963 + s;
      set.neighbourVector.set([d * rho * Math.cos(phi), d * rho * Math.sin(phi), d * z], (s * N + k) * 3);
    }
    const L = domains[di].energies.length;
    const centre = (L * (r0 - 1.6)) / 1.0;
    const height = 1 + lig / 20;
    for (let i = 0; i < L; i++) {
      set.targets[s * G + i] = height * Math.exp(-((i - centre) ** 2) / 8) + 0.3 * (i / L);
      // A few points unscored, as when a reference does not cover the window.
      set.targetMask[s * G + i] = i === L - 1 && s % 4 === 0 ? 0 : 1;
    }
    if (W && set.wacsf) {
      for (let j = 0; j < W; j++) set.wacsf[s * W + j] = (j % 2 ? r0 : lig) * Math.cos(j * r0) + 0.01 * rng.next();
    }
  }
  return set;
}
