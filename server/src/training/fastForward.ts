// Training-side adapter of the network's one forward implementation (server/src/model/factored.ts,
// first written here by the trainer and moved there so inference runs the same code): the
// batcher builds the factored batch straight from the cached neighbour lists of a TensorizedSet.
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { factoredForward, type FactoredBatch } from '../model/factored';
import type { MatMul } from '../model/matmul';
import type { XanesNetwork } from '../model/network';
import { electronFeatures, NODE_FEATURE_SIZE } from '../graph/features';
import type { TensorizedSet } from '../data/tensorize';
import { edgeFeatureSize } from '../graph/build';
import { sampleDescriptors, writeSampleEdges } from './gnnInputs';
import type { PositionNoise } from './augment';

export type { FactoredBatch };

export function factoredBatch(set: TensorizedSet, indices: readonly number[], noise?: PositionNoise): FactoredBatch {
  const o = set.graphOptions;
  const n = o.maxNeighbours;
  const N = set.maxNeighbours;
  const E = edgeFeatureSize(o);
  const B = indices.length;
  const slot = new Map<number, number>();
  for (const s of indices) {
    for (let k = 0; k < Math.min(n, N); k++) {
      const z = set.neighbourZ[s * N + k];
      if (z !== 0 && !slot.has(z)) slot.set(z, slot.size);
    }
  }
  const U = Math.max(1, slot.size);
  const absorberNodes = new Float32Array(B * NODE_FEATURE_SIZE);
  const elementNodes = new Float32Array(U * NODE_FEATURE_SIZE);
  for (const [z, u] of slot) elementNodes.set(electronFeatures(z), u * NODE_FEATURE_SIZE);
  const oneHot = new Float32Array(B * n * U);
  const counts = new Float32Array(B * U);
  const edges = new Float32Array(B * n * E);
  const neighbourMask = new Float32Array(B * n);
  const positions = new Float32Array(B * n * 3);
  indices.forEach((s, b) => {
    absorberNodes.set(electronFeatures(set.absorberZ[s]), b * NODE_FEATURE_SIZE);
    writeSampleEdges(set, s, edges, b * n * E, noise, { out: positions, offset: b * n * 3 }).forEach((z, k) => {
      if (z === 0) return;
      const u = slot.get(z) as number;
      oneHot[(b * n + k) * U + u] = 1;
      counts[b * U + u]++;
      neighbourMask[b * n + k] = 1;
    });
  });
  const descriptors = sampleDescriptors(set, indices);
  return { B, n, U, absorberNodes, elementNodes, oneHot, counts, edges, neighbourMask, edgeSize: E, positions, ...(descriptors ? { descriptors } : {}) };
}

/** Forward in training mode (batch statistics; running averages updated like the network's). */
export function fastTrainingForward(net: XanesNetwork, fb: FactoredBatch, matMul: MatMul): Tensor2D[] {
  return factoredForward(net.factoredContext(true, matMul), fb, true).outputs;
}
