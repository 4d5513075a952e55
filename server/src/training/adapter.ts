// What the trainer needs from a model, so the GNN and the wACSF+MLP baseline share one loop.
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { NamedWeight } from '../model/network';
import type { PositionNoise } from './augment';

export interface ModelAdapter {
  readonly kind: 'gnn' | 'mlp';
  /** Output size of each head, in head order. */
  readonly headSizes: number[];
  /** Trainable variables, in a fixed order (optimizer state follows it). */
  variables(): Variable[];
  /**
   * Outputs (normalised units) per head for samples `indices` of the adapter's dataset. Call
   * inside tf.tidy: intermediates are not freed here. `noise` displaces neighbours while training
   * (models without positions ignore it).
   */
  forward(indices: readonly number[], training: boolean, noise?: PositionNoise): Tensor2D[];
  /** Every parameter, including non-trainable state such as batch-norm statistics. */
  getWeights(): NamedWeight[];
  setWeights(weights: NamedWeight[]): void;
  parameterCount(): number;
  dispose(): void;
}
