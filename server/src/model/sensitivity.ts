// Neighbour sensitivity by occlusion: a model-agnostic attribution beside attention. The trained
// heads spread their weight almost evenly (README, Known limitations), so attention says little
// about which atoms shape the spectrum. Occlusion asks the model directly: predict once with
// neighbour j removed and report
//   S_j = mean over the domain grid of |μ_full(E) − μ_without j(E)|   (ensemble-mean μ, μ units).
//
// What "removed" means, so that the occluded graph is exactly what the model would see for a
// cluster without that atom:
// - The neighbour's slot becomes padding: the graph is rebuilt (graph/build.ts assembleGraph)
//   from the other real neighbours, so they keep their order and the padding sits last, as in
//   every graph with fewer neighbours the model was trained on. The next-nearest atom beyond the
//   graph is NOT pulled in: S_j measures the loss of atom j, not its swap for another atom.
// - Per-edge features that depend only on the edge (distance, exp(−r) and evenly spaced RBFs) and
//   node features are unchanged. The angular block (graph/angular.ts) and the neighbour-context
//   block (graph/context.ts) of every other edge sum over the absorber's other neighbours, so
//   they are recomputed without j (assembleGraph does that from the remaining vectors).
// - The absorber's wACSF descriptor (baseline/wacsf.ts) is recomputed without j when j lies
//   within its cutoff (6 Å for the shipped models): for a structure, over the atoms within the
//   cutoff with that one periodic image left out (its own G1/G2 term and its G4 pairs taken out
//   of the sums, baseline/wacsf.ts wacsfLeaveOneOut); for a graph-only record (distances, no
//   structure; data/tensorize.ts builds G1/G2 from the record's whole neighbour list, G4 = 0),
//   by subtracting j's own G1/G2 term, which is exact because those terms are per-atom sums,
//   and reaches atoms beyond the graph that the record listed. Atoms within the wACSF cutoff
//   but beyond the graph's N nearest stay in the descriptor: they are not neighbours j.
// - One periodic image is removed, not every image of its CIF row: in a crystal that breaks the
//   periodicity, which is what a cluster calculation around the absorber sees anyway.
// S_j is one-at-a-time: the sum of S_j over the atoms of one CIF row is NOT the effect of
// removing all of them together (the model is not additive), only a summary of the row.
//
// Spread across the ensemble: each member m gives its own S_j^m from its own full and occluded
// spectra (same forward pass), and the spread is the sample standard deviation of S_j^m over the
// members (n − 1, as the ensemble's μ spread; 0 for one member, where there is nothing to
// disagree). It is NOT scaled by the μ band's calibration (metadata stdScale): that factor was
// fitted to pointwise μ errors, not to a mean |Δμ|. S_j itself stays the ensemble-mean curves'
// value, which is not the mean of the S_j^m (|·| is not linear), so the spread describes the
// members' disagreement about S_j, not an interval around it.
import { wacsfFromDistances, wacsfLeaveOneOut, type EnvironmentAtom, type WacsfOptions } from '../baseline/wacsf';
import { assembleGraph } from '../graph/build';
import { findEnvironment } from '../graph/neighbours';
import type { AbsorberGraph, Neighbour } from '../graph/types';
import type { Structure, Vec3 } from '../structure/types';

/** The absorber descriptor with one neighbour left out. */
export type DescriptorWithout = (removed: Neighbour) => Float32Array;

const sameImage = (a: Vec3, b: Vec3): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/**
 * wACSF of a structure's absorber with one atom image left out of its environment. The
 * environment is searched and summed once (baseline/wacsf.ts wacsfLeaveOneOut); each call takes
 * one atom's terms out. The image is matched by source site and lattice translation, the identity
 * both neighbour searches (graph and wACSF) give an atom. An atom outside the descriptor's cutoff
 * leaves it as it was: `full`, bit for bit.
 */
export function structureDescriptorWithout(structure: Structure, absorberIndex: number, o: WacsfOptions, full: Float32Array): DescriptorWithout {
  const origin = structure.sites[absorberIndex].cart;
  const hits = findEnvironment(structure, absorberIndex, o.cutoff);
  const env: EnvironmentAtom[] = hits.map((h) => ({
    Z: structure.sites[h.siteIndex].Z,
    rel: [h.cart[0] - origin[0], h.cart[1] - origin[1], h.cart[2] - origin[2]],
  }));
  const leaveOut = wacsfLeaveOneOut(env, o);
  return (removed) => {
    const i = hits.findIndex((h) => h.siteIndex === removed.siteIndex && sameImage(h.image, removed.image));
    // Inside the cutoff (with a margin for atoms sitting on it) the atom must be in the environment.
    if (i < 0 && removed.distance < o.cutoff - 1e-6) {
      throw new Error(`occlusion: neighbour site ${removed.siteIndex} image [${removed.image.join(', ')}] at ${removed.distance.toFixed(3)} Å is missing from the absorber's wACSF environment`);
    }
    return (i < 0 ? null : leaveOut(i)) ?? full;
  };
}

/**
 * Descriptor of a graph-only record (graph/build.ts graphFromNeighbourList: G1/G2 from
 * distances, G4 = 0) without one neighbour: its full descriptor minus that neighbour's own term.
 */
export function listDescriptorWithout(full: Float32Array, o: WacsfOptions): DescriptorWithout {
  return (removed) => {
    const term = wacsfFromDistances([{ Z: removed.Z, distance: removed.distance }], o);
    const out = new Float32Array(full.length);
    for (let i = 0; i < full.length; i++) out[i] = full[i] - term[i];
    return out;
  };
}

/** Builds the occluded graphs of one absorber graph one at a time (see occludedGraphs). */
export interface NeighbourOccluder {
  /** Real neighbours of the graph: one occluded graph each. */
  readonly count: number;
  /** The graph with real neighbour j (distance order) removed. */
  without(j: number): AbsorberGraph;
}

/**
 * The occluded graphs of `graph` on demand, so that a caller can build them in batches and let
 * other work in between. `structure` is the one the graph was built from (buildAbsorberGraph);
 * without it the graph is taken as a graph-only record (graphFromNeighbourList).
 */
export function neighbourOccluder(graph: AbsorberGraph, structure?: Structure): NeighbourOccluder {
  const real = graph.neighbours.filter((nb) => !nb.virtual);
  const d = graph.options.descriptor;
  let descriptorWithout: DescriptorWithout | undefined;
  if (d && real.length > 0) {
    if (!graph.descriptor) throw new Error('occlusion: the graph has no absorber descriptor although its options ask for one');
    descriptorWithout = structure ? structureDescriptorWithout(structure, graph.absorberIndex, d, graph.descriptor) : listDescriptorWithout(graph.descriptor, d);
  }
  const w = descriptorWithout;
  return {
    count: real.length,
    without(j: number): AbsorberGraph {
      const removed = real[j];
      if (!removed) throw new Error(`occlusion: no real neighbour ${j} (the graph has ${real.length})`);
      const rest = real.filter((_, k) => k !== j);
      const descriptor = w ? () => w(removed) : undefined;
      return assembleGraph(graph.absorberIndex, graph.element, graph.Z, graph.range, rest, graph.options, descriptor);
    },
  };
}

/**
 * One graph per real neighbour of `graph`, in rank order, each with that neighbour removed (see
 * the top of this file); neighbourOccluder builds the same graphs one at a time. A graph with no
 * real neighbours gives [].
 */
export function occludedGraphs(graph: AbsorberGraph, structure?: Structure): AbsorberGraph[] {
  const o = neighbourOccluder(graph, structure);
  return Array.from({ length: o.count }, (_, j) => o.without(j));
}

/** S_j = mean over the grid of |full − occluded_j|, one value per occluded spectrum (μ units). */
export function occlusionSensitivity(full: ArrayLike<number>, occluded: ArrayLike<number>[]): number[] {
  if (full.length === 0) throw new Error('occlusion: empty energy grid');
  return occluded.map((mu, j) => {
    if (mu.length !== full.length) throw new Error(`occlusion: spectrum ${j} has ${mu.length} points, the full one ${full.length}`);
    let s = 0;
    for (let i = 0; i < full.length; i++) s += Math.abs(full[i] - mu[i]);
    return s / full.length;
  });
}

/** 1-based rank of each value, largest first; ties keep the neighbours' (distance) order. */
export function rankDescending(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const rank = new Array<number>(values.length);
  order.forEach((i, r) => (rank[i] = r + 1));
  return rank;
}

/**
 * Spread of S_j across ensemble members: the sample standard deviation (n − 1) over members m of
 * S_j^m = mean over the grid of |full_m − occluded_j,m|. fullMembers[m] is member m's full
 * spectrum, occludedMembers[j][m] member m's spectrum without neighbour j. 0 for one member.
 */
export function occlusionSpread(fullMembers: readonly ArrayLike<number>[], occludedMembers: readonly (readonly ArrayLike<number>[])[]): number[] {
  const M = fullMembers.length;
  if (M === 0) throw new Error('occlusion: no ensemble members');
  // perMember[m][j] = S_j^m, with the same checks as the ensemble-mean S_j.
  const perMember = fullMembers.map((full, m) => occlusionSensitivity(full, occludedMembers.map((members, j) => {
    if (members.length !== M) throw new Error(`occlusion: occluded spectrum ${j} has ${members.length} members, the full one ${M}`);
    return members[m];
  })));
  return occludedMembers.map((_, j) => {
    if (M < 2) return 0;
    const values = perMember.map((s) => s[j]);
    const mean = values.reduce((a, b) => a + b, 0) / M;
    return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (M - 1));
  });
}

/**
 * Splits K occluded graphs into batches of at most `size`, as [start, end) index ranges. Each
 * batch runs as its own background job in the inference worker together with the full graph, so
 * a lens click waits for one batch, not for all K + 1 forward passes, and every S_j compares
 * spectra from one forward pass.
 */
export function occlusionBatchRanges(count: number, size: number): [number, number][] {
  if (!(size >= 1)) throw new Error(`occlusion: batch size must be at least 1, got ${size}`);
  const ranges: [number, number][] = [];
  for (let i = 0; i < count; i += size) ranges.push([i, Math.min(count, i + size)]);
  return ranges;
}

/** Spectra of one batch: [full, ...occluded], each with its members' curves. */
export interface OcclusionBatchResult {
  mu: ArrayLike<number>;
  members: readonly ArrayLike<number>[];
}

/**
 * S_j, its spread over members and its rank from the batches' results, in neighbour order:
 * each batch's S_j against that batch's own full spectrum.
 */
export function combineOcclusionBatches(results: readonly (readonly OcclusionBatchResult[])[]): { values: number[]; spread: number[]; rank: number[] } {
  const values: number[] = [];
  const spread: number[] = [];
  for (const [full, ...without] of results) {
    if (!full) throw new Error('occlusion: an empty batch result');
    values.push(...occlusionSensitivity(full.mu, without.map((p) => p.mu)));
    spread.push(...occlusionSpread(full.members, without.map((p) => p.members)));
  }
  return { values, spread, rank: rankDescending(values) };
}
