// MEM-XANES (paper 000, Fig. 3a): simple graph convolutions → multi-head graph attention →
// masked mean pool → dense layers → one linear output per head. The layers here own the
// parameters; the forward pass is the factored one of factored.ts (one kernel call per layer
// for a whole batch, neighbour states computed once per distinct element).
import type { Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { GraphBatch } from '../graph/build';
import { createAttentionHead, type AttentionHead } from './attention';
import type { TfModule } from './backend';
import { createBatchNorm, type BatchNorm } from './batchnorm';
import { validateConfig, type NetworkConfig } from './config';
import { createSimpleConv, type SimpleConv } from './conv';
import { createDense, createLinear, DropoutSeeds, type DenseBlock, type LayerContext, type Linear } from './dense';
import { DerivedWeightCache, factorGraphBatch, factoredForward, type FactoredBatch, type FactoredContext } from './factored';
import { matMulFor, type MatMul } from './matmul';
import { ParamStore } from './params';
import { createNeighbourTransformer, neighbourTransformerOutputSize } from './neighbourTransformer';

export interface NetworkInputs {
  /** [B, N, nodeFeatureSize] */
  nodes: Tensor3D;
  /** [B, N − 1, edgeFeatureSize] */
  edges: Tensor3D;
  /** [B, N] */
  mask: Tensor2D;
  /** [B, descriptorSize] absorber descriptors, when the network takes them. */
  descriptors?: Tensor2D;
  /** [B, N − 1, 3] absorber → neighbour vectors (Å), for the neighbour transformer. */
  positions?: Tensor3D;
}

export interface ForwardResult {
  /** One [B, size] tensor per output head (normalised units, as trained). */
  outputs: Tensor2D[];
  /** [B, heads, N − 1]: each head's softmax weights over the neighbours. */
  attention: Tensor3D;
  /** With a neighbour transformer: its last layer's absorber-query weights [B, H, N] (index 0: the absorber itself). */
  tokenAttention?: Tensor3D;
}

export interface NetworkOptions {
  /** Seed of the initial weights. */
  seed?: number;
  /** Matmul with explicit-transpose gradient (wasm speed-up); default true. */
  fastMatMul?: boolean;
}

export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export class XanesNetwork {
  readonly params: ParamStore;
  private readonly ctx: LayerContext;
  private readonly convs: { conv: SimpleConv; norm?: BatchNorm }[] = [];
  private readonly heads: { head: AttentionHead; norm?: BatchNorm }[] = [];
  private readonly dense: DenseBlock[] = [];
  private readonly outputs: Linear[] = [];
  /** Combined/folded inference weights, rebuilt when a variable is reassigned. */
  private readonly derived: DerivedWeightCache;
  private readonly dropoutSeeds: DropoutSeeds;

  constructor(readonly tf: TfModule, readonly config: NetworkConfig, options: NetworkOptions = {}) {
    validateConfig(config);
    this.params = new ParamStore(tf, options.seed ?? 1);
    this.dropoutSeeds = new DropoutSeeds(options.seed ?? 1);
    this.ctx = { tf, params: this.params, matMul: matMulFor(tf, options.fastMatMul ?? true) };
    const E = config.edgeFeatureSize;
    let width = config.nodeFeatureSize;
    config.convWidths.forEach((out, i) => {
      const conv = createSimpleConv(this.ctx, `conv${i}`, width, E, out);
      const norm = config.batchNorm === false ? undefined : createBatchNorm(this.ctx, `conv${i}.bn`, out);
      this.convs.push({ conv, norm });
      width = out;
    });
    for (let h = 0; h < config.heads; h++) {
      const head = createAttentionHead(this.ctx, `head${h}`, width, E, config.headWidth, config.attentionSize ?? width);
      const norm = config.batchNorm === false ? undefined : createBatchNorm(this.ctx, `head${h}.bn`, config.headWidth);
      this.heads.push({ head, norm });
    }
    width = config.heads * config.headWidth;
    const D = config.descriptorSize ?? 0;
    if (D > 0) {
      // Standardisation of the descriptor, fitted on the training split (setDescriptorScaling).
      this.params.create('descriptor.mean', [D], 'zeros', false);
      this.params.create('descriptor.std', [D], 'ones', false);
      width += D;
    }
    if (config.transformer) {
      createNeighbourTransformer(this.params, config.transformer, config.nodeFeatureSize, E);
      width += neighbourTransformerOutputSize(config.transformer);
    }
    config.denseWidths.forEach((out, i) => {
      this.dense.push(createDense(this.ctx, `dense${i}`, width, out));
      width = out;
    });
    config.outputs.forEach((o, i) => this.outputs.push(createLinear(this.ctx, `output${i}`, width, o.size)));
    this.derived = new DerivedWeightCache(tf, this.params, config);
  }

  /** Per-feature mean and std of the absorber descriptor over the training samples. */
  setDescriptorScaling(mean: Float32Array, std: Float32Array): void {
    const D = this.config.descriptorSize ?? 0;
    if (D === 0) throw new Error('this network takes no absorber descriptor');
    if (mean.length !== D || std.length !== D) throw new Error(`descriptor scaling needs ${D} values, got ${mean.length} and ${std.length}`);
    for (const [name, v] of [['descriptor.mean', mean], ['descriptor.std', std]] as const) {
      const t = this.tf.tensor1d(v);
      this.params.get(name).assign(t);
      t.dispose();
    }
  }

  /** Trainable variables in definition order (for tf.variableGrads / optimisers). */
  trainableVariables(): Variable[] {
    return this.params.trainable();
  }

  /**
   * Call inside tf.tidy (or dispose the result): intermediate tensors are not freed here.
   * Dense inputs are read back and factored (factored.ts): one forward implementation serves
   * training, evaluation and inference. Gradients flow to the parameters, not to the inputs.
   */
  forward(inputs: NetworkInputs, options: { training?: boolean } = {}): ForwardResult {
    const [size, nodeCount, nodeFeatureSize] = inputs.nodes.shape;
    const batch: GraphBatch = {
      size, nodeCount, nodeFeatureSize, edgeFeatureSize: inputs.edges.shape[2],
      nodes: inputs.nodes.dataSync() as Float32Array,
      edges: inputs.edges.dataSync() as Float32Array,
      mask: inputs.mask.dataSync() as Float32Array,
      ...(inputs.descriptors ? { descriptors: inputs.descriptors.dataSync() as Float32Array } : {}),
      ...(inputs.positions ? { positions: inputs.positions.dataSync() as Float32Array } : {}),
    };
    return this.forwardFactored(factorGraphBatch(batch), options);
  }

  /** Forward of a batch from batchGraphs (graph/build.ts) without building dense tensors. */
  forwardBatch(batch: GraphBatch, options: { training?: boolean } = {}): ForwardResult {
    return this.forwardFactored(factorGraphBatch(batch), options);
  }

  forwardFactored(batch: FactoredBatch, { training = false }: { training?: boolean } = {}): ForwardResult {
    const r = factoredForward(this.factoredContext(training), batch, training, training ? undefined : this.derived.get());
    return { outputs: r.outputs, attention: r.attention, ...(r.tokenAttention ? { tokenAttention: r.tokenAttention } : {}) };
  }

  /** The context of one factored forward; a training forward draws fresh dropout masks. */
  factoredContext(training: boolean, matMul: MatMul = this.ctx.matMul): FactoredContext {
    return { tf: this.tf, params: this.params, config: this.config, matMul, ...(training && this.config.dropout ? { dropoutSeed: this.dropoutSeeds.next() } : {}) };
  }

  /** The layer structures, for the dense reference formulation the tests compare against. */
  get layers(): { ctx: LayerContext; convs: readonly { conv: SimpleConv; norm?: BatchNorm }[]; heads: readonly { head: AttentionHead; norm?: BatchNorm }[]; dense: readonly DenseBlock[]; outputs: readonly Linear[] } {
    return { ctx: this.ctx, convs: this.convs, heads: this.heads, dense: this.dense, outputs: this.outputs };
  }

  /** Tensors for a batch from batchGraphs (caller disposes). */
  inputsFromBatch(batch: GraphBatch): NetworkInputs {
    const { tf } = this;
    return {
      nodes: tf.tensor3d(batch.nodes, [batch.size, batch.nodeCount, batch.nodeFeatureSize]),
      edges: tf.tensor3d(batch.edges, [batch.size, batch.nodeCount - 1, batch.edgeFeatureSize]),
      mask: tf.tensor2d(batch.mask, [batch.size, batch.nodeCount]),
      ...(batch.descriptors ? { descriptors: tf.tensor2d(batch.descriptors, [batch.size, batch.descriptors.length / batch.size]) } : {}),
      // Only the transformer reads positions; forward() would otherwise read them back for nothing.
      ...(batch.positions && this.config.transformer ? { positions: tf.tensor3d(batch.positions, [batch.size, batch.nodeCount - 1, 3]) } : {}),
    };
  }

  parameterCount(trainableOnly = true): number {
    return [...this.params.variables.values()].filter((v) => !trainableOnly || v.trainable).reduce((n, v) => n + v.size, 0);
  }

  /** Every parameter (including batch-norm running statistics) in definition order. */
  getWeights(): NamedWeight[] {
    return [...this.params.variables.entries()].map(([name, v]) => ({ name, shape: [...v.shape], data: v.dataSync() as Float32Array }));
  }

  /** Replace all parameters; names and shapes must match exactly. */
  setWeights(weights: NamedWeight[]): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const [name, v] of this.params.variables) {
      const w = byName.get(name);
      if (!w) throw new Error(`weights lack parameter '${name}'`);
      if (w.shape.length !== v.shape.length || w.shape.some((s, i) => s !== v.shape[i])) {
        throw new Error(`parameter '${name}' has shape [${w.shape}] but the network expects [${v.shape}]`);
      }
      const t = this.tf.tensor(w.data, v.shape);
      v.assign(t);
      t.dispose();
    }
    const extra = weights.filter((w) => !this.params.variables.has(w.name)).map((w) => w.name);
    if (extra.length) throw new Error(`weights hold parameters the network does not have: ${extra.slice(0, 5).join(', ')}`);
  }

  dispose(): void {
    this.derived.dispose();
    this.params.dispose();
  }
}
