// XANESNET-style baseline (paper 002): the wACSF descriptor of the absorber, standardised with
// training-split statistics, through dense layers (512-512 by default, PReLU) to one linear
// output per domain head. Built from the same layer pieces as the GNN so weights, optimiser and
// checkpoints work identically.
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';
import { applyDense, applyLinear, createDense, createLinear, DropoutSeeds, maybeDropout, type DenseBlock, type LayerContext, type Linear } from '../model/dense';
import { matMulFor } from '../model/matmul';
import type { NamedWeight } from '../model/network';
import { ParamStore } from '../model/params';
import type { TensorizedSet } from '../data/tensorize';
import type { ModelAdapter } from '../training/adapter';

export interface MlpConfig {
  inputSize: number;
  hidden: number[];
  headSizes: number[];
  /** Dropout rate after each hidden layer while training (default 0). */
  dropout?: number;
}

/** Per-feature mean and std over the training samples (std floored so constant features stay 0). */
export function fitFeatureScaling(features: Float32Array, width: number, indices: readonly number[]): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(width);
  const std = new Float32Array(width);
  for (const s of indices) for (let j = 0; j < width; j++) mean[j] += features[s * width + j] / indices.length;
  for (const s of indices) for (let j = 0; j < width; j++) std[j] += (features[s * width + j] - mean[j]) ** 2 / Math.max(1, indices.length - 1);
  for (let j = 0; j < width; j++) std[j] = Math.sqrt(std[j]) > 1e-6 ? Math.sqrt(std[j]) : 1;
  return { mean, std };
}

export class MlpAdapter implements ModelAdapter {
  readonly kind = 'mlp' as const;
  readonly headSizes: number[];
  private readonly params: ParamStore;
  private readonly ctx: LayerContext;
  private readonly layers: DenseBlock[] = [];
  private readonly outputs: Linear[] = [];
  private readonly features: Float32Array;
  private readonly dropoutSeeds: DropoutSeeds;

  constructor(readonly tf: TfModule, readonly config: MlpConfig, set: TensorizedSet, trainIndices: readonly number[], seed: number) {
    if (!set.wacsf || set.wacsfLength !== config.inputSize) throw new Error(`the dataset has no wACSF vectors of length ${config.inputSize}`);
    this.headSizes = config.headSizes;
    this.params = new ParamStore(tf, seed);
    this.dropoutSeeds = new DropoutSeeds(seed);
    this.ctx = { tf, params: this.params, matMul: matMulFor(tf, true) };
    let width = config.inputSize;
    config.hidden.forEach((h, i) => {
      this.layers.push(createDense(this.ctx, `mlp${i}`, width, h));
      width = h;
    });
    config.headSizes.forEach((size, i) => this.outputs.push(createLinear(this.ctx, `output${i}`, width, size)));
    // Scaling is fixed from the training split and stored as non-trainable parameters so it
    // travels with the weights.
    const { mean, std } = fitFeatureScaling(set.wacsf, config.inputSize, trainIndices);
    this.params.create('scale.mean', [config.inputSize], 'zeros', false).assign(tf.tensor1d(mean));
    this.params.create('scale.std', [config.inputSize], 'ones', false).assign(tf.tensor1d(std));
    this.features = set.wacsf;
  }

  variables(): Variable[] {
    return this.params.trainable();
  }

  forward(indices: readonly number[], training: boolean): Tensor2D[] {
    const { tf } = this;
    const W = this.config.inputSize;
    const x = new Float32Array(indices.length * W);
    indices.forEach((s, b) => x.set(this.features.subarray(s * W, (s + 1) * W), b * W));
    let h: Tensor = tf.div(tf.sub(tf.tensor2d(x, [indices.length, W]), this.params.get('scale.mean')), this.params.get('scale.std'));
    const rate = training ? this.config.dropout ?? 0 : 0;
    const seed = rate > 0 ? this.dropoutSeeds.next() : 0;
    this.layers.forEach((l, i) => (h = maybeDropout(tf, applyDense(this.ctx, l, h), rate, seed + i)));
    return this.outputs.map((o) => applyLinear(this.ctx, o, h) as Tensor2D);
  }

  getWeights(): NamedWeight[] {
    return [...this.params.variables.entries()].map(([name, v]) => ({ name, shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) }));
  }

  setWeights(weights: NamedWeight[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const [name, v] of this.params.variables) {
      const w = byName.get(name);
      if (!w || w.data.length !== v.size) throw new Error(`baseline weights lack or mis-size '${name}'`);
      const t = this.tf.tensor(w.data, v.shape);
      v.assign(t);
      t.dispose();
    }
  }

  parameterCount(): number {
    return this.params.trainable().reduce((n, v) => n + v.size, 0);
  }

  dispose(): void {
    this.params.dispose();
  }
}
