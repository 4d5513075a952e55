// The MEM-XANES network (server/src/model/network.ts) as a trainer model.
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';
import type { NetworkConfig } from '../model/config';
import { XanesNetwork, type NamedWeight } from '../model/network';
import type { TensorizedSet } from '../data/tensorize';
import type { ModelAdapter } from './adapter';
import { factoredBatch, fastTrainingForward } from './fastForward';
import { gnnBatch } from './gnnInputs';
import { matMulFor } from '../model/matmul';
import type { PositionNoise } from './augment';

export class GnnAdapter implements ModelAdapter {
  readonly kind = 'gnn' as const;
  readonly net: XanesNetwork;
  readonly headSizes: number[];

  constructor(readonly tf: TfModule, readonly config: NetworkConfig, private readonly set: TensorizedSet, seed: number, readonly fast = true) {
    this.net = new XanesNetwork(tf, config, { seed, fastMatMul: true });
    this.headSizes = config.outputs.map((o) => o.size);
  }

  variables(): Variable[] {
    return this.net.trainableVariables();
  }

  forward(indices: readonly number[], training: boolean, noise?: PositionNoise): Tensor2D[] {
    // Training uses the equivalent factorised pass (fastForward.ts); evaluation and inference
    // use the network's own forward, so reported metrics are those of the shipped code path.
    if (training && this.fast) return fastTrainingForward(this.net, factoredBatch(this.set, indices, noise), matMulFor(this.tf, true));
    if (noise) throw new Error('position noise needs the factored training pass');
    const inputs = this.net.inputsFromBatch(gnnBatch(this.set, indices));
    return this.net.forward(inputs, { training }).outputs;
  }

  getWeights(): NamedWeight[] {
    return this.net.getWeights();
  }

  setWeights(w: NamedWeight[]): void {
    this.net.setWeights(w);
  }

  parameterCount(): number {
    return this.net.parameterCount();
  }

  dispose(): void {
    this.net.dispose();
  }
}
