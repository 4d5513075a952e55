// Network inputs straight from the cached neighbour lists: the same numbers as
// batchGraphs(sampleGraph(...)) (a test checks it) without building graph objects per step.
import { electronFeatures, NODE_FEATURE_SIZE } from '../graph/features';
import { gaussianRbf } from '../graph/rbf';
import type { GraphBatch } from '../graph/build';
import type { TensorizedSet } from '../data/tensorize';

/**
 * Edge features of neighbour slot k of sample s written at edges[offset…]: distance then RBFs,
 * or a virtual atom at the cutoff (RBFs vanish there). Returns the neighbour's Z (0 = padding).
 */
export function writeEdge(set: TensorizedSet, s: number, k: number, edges: Float32Array, offset: number, rbf: Float32Array): number {
  const o = set.graphOptions;
  const N = set.maxNeighbours;
  const z = k < N ? set.neighbourZ[s * N + k] : 0;
  if (z === 0) {
    edges[offset] = o.cutoff;
    return 0;
  }
  const d = set.neighbourDistance[s * N + k];
  edges[offset] = d;
  gaussianRbf(d, o.rbfCount, o.cutoff, rbf);
  edges.set(rbf, offset + 1);
  return z;
}

export function gnnBatch(set: TensorizedSet, indices: readonly number[]): GraphBatch {
  const o = set.graphOptions;
  const n = o.maxNeighbours;
  const nodeCount = n + 1;
  const ef = 1 + o.rbfCount;
  const B = indices.length;
  const nodes = new Float32Array(B * nodeCount * NODE_FEATURE_SIZE);
  const edges = new Float32Array(B * n * ef);
  const mask = new Float32Array(B * nodeCount);
  const rbf = new Float32Array(o.rbfCount);
  indices.forEach((s, b) => {
    nodes.set(electronFeatures(set.absorberZ[s]), b * nodeCount * NODE_FEATURE_SIZE);
    mask[b * nodeCount] = 1;
    for (let k = 0; k < n; k++) {
      const z = writeEdge(set, s, k, edges, (b * n + k) * ef, rbf);
      if (z === 0) continue;
      nodes.set(electronFeatures(z), (b * nodeCount + k + 1) * NODE_FEATURE_SIZE);
      mask[b * nodeCount + k + 1] = 1;
    }
  });
  return { size: B, nodeCount, nodeFeatureSize: NODE_FEATURE_SIZE, edgeFeatureSize: ef, nodes, edges, mask };
}
