// Network inputs straight from the cached neighbour lists: the same numbers as
// batchGraphs(sampleGraph(...)) (a test checks it) without building graph objects per step.
import { electronFeatures, NODE_FEATURE_SIZE } from '../graph/features';
import { gaussianRbf } from '../graph/rbf';
import type { GraphBatch } from '../graph/build';
import type { TensorizedSet } from '../data/tensorize';

export function gnnBatch(set: TensorizedSet, indices: readonly number[]): GraphBatch {
  const o = set.graphOptions;
  const n = o.maxNeighbours;
  const N = set.maxNeighbours;
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
      const z = k < N ? set.neighbourZ[s * N + k] : 0;
      const e = (b * n + k) * ef;
      if (z === 0) {
        // Virtual atom at the cutoff: zero node features, RBFs vanish there (smooth cutoff).
        edges[e] = o.cutoff;
        continue;
      }
      const d = set.neighbourDistance[s * N + k];
      nodes.set(electronFeatures(z), (b * nodeCount + k + 1) * NODE_FEATURE_SIZE);
      mask[b * nodeCount + k + 1] = 1;
      edges[e] = d;
      gaussianRbf(d, o.rbfCount, o.cutoff, rbf);
      edges.set(rbf, e + 1);
    }
  });
  return { size: B, nodeCount, nodeFeatureSize: NODE_FEATURE_SIZE, edgeFeatureSize: ef, nodes, edges, mask };
}
