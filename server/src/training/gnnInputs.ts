// Network inputs straight from the cached neighbour lists: the same numbers as
// batchGraphs(sampleGraph(...)) (a test checks it) without building graph objects per step.
import { edgeFeatureSize, writeEdgeFeatures, type GraphBatch } from '../graph/build';
import { electronFeatures, NODE_FEATURE_SIZE } from '../graph/features';
import type { TensorizedSet } from '../data/tensorize';
import { jitterNeighbours, type PositionNoise } from './augment';

/**
 * Writes the edge features of every neighbour slot of sample s at edges[offset…] (distance, RBFs,
 * angular and neighbour-context features when the set's graph options ask for them; a virtual atom at the cutoff for
 * padding, whose RBFs vanish). Returns the neighbours' Z (0 = padding), one per slot. With `noise`
 * (training only) the neighbours are displaced first (augment.ts).
 */
export function writeSampleEdges(
  set: TensorizedSet, s: number, edges: Float32Array, offset: number, noise?: PositionNoise,
  positions?: { out: Float32Array; offset: number },
): number[] {
  const o = set.graphOptions;
  const N = set.maxNeighbours;
  // Real neighbours come first in the cache (tensorize writes them in order, 0 = padding).
  const zs = Array.from({ length: o.maxNeighbours }, (_, k) => (k < N ? set.neighbourZ[s * N + k] : 0));
  const firstPadding = zs.indexOf(0);
  const real = firstPadding < 0 ? zs.length : firstPadding;
  const vectors = set.neighbourVector.subarray(s * N * 3, (s * N + real) * 3);
  const distances = set.neighbourDistance.subarray(s * N, s * N + real);
  const at = noise ? jitterNeighbours(distances, vectors, real, noise) : { distances, vectors };
  writeEdgeFeatures(o, at.distances, real, at.vectors, zs, edges, offset);
  // The vectors the edge features were written from (jittered ones included), for the transformer.
  if (positions) positions.out.set(at.vectors.subarray(0, real * 3), positions.offset);
  return zs;
}

export function gnnBatch(set: TensorizedSet, indices: readonly number[]): GraphBatch {
  const o = set.graphOptions;
  const n = o.maxNeighbours;
  const nodeCount = n + 1;
  const ef = edgeFeatureSize(o);
  const B = indices.length;
  const nodes = new Float32Array(B * nodeCount * NODE_FEATURE_SIZE);
  const edges = new Float32Array(B * n * ef);
  const mask = new Float32Array(B * nodeCount);
  const positions = new Float32Array(B * n * 3);
  indices.forEach((s, b) => {
    nodes.set(electronFeatures(set.absorberZ[s]), b * nodeCount * NODE_FEATURE_SIZE);
    mask[b * nodeCount] = 1;
    writeSampleEdges(set, s, edges, b * n * ef, undefined, { out: positions, offset: b * n * 3 }).forEach((z, k) => {
      if (z === 0) return;
      nodes.set(electronFeatures(z), (b * nodeCount + k + 1) * NODE_FEATURE_SIZE);
      mask[b * nodeCount + k + 1] = 1;
    });
  });
  const descriptors = sampleDescriptors(set, indices);
  return { size: B, nodeCount, nodeFeatureSize: NODE_FEATURE_SIZE, edgeFeatureSize: ef, nodes, edges, mask, positions, ...(descriptors ? { descriptors } : {}) };
}

/** [B, D] cached absorber descriptors of the samples, when the set's graphs carry them. */
export function sampleDescriptors(set: TensorizedSet, indices: readonly number[]): Float32Array | undefined {
  if (!set.graphOptions.descriptor) return undefined;
  const W = set.wacsfLength;
  if (!set.wacsf || W === 0) throw new Error('the data set was prepared without the absorber descriptor its graph options ask for');
  const out = new Float32Array(indices.length * W);
  indices.forEach((s, b) => out.set(set.wacsf!.subarray(s * W, (s + 1) * W), b * W));
  return out;
}
