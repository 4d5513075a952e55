// Fully connected pieces shared by every layer: y = xW + b, and PReLU.
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { TfModule } from './backend';
import type { MatMul } from './matmul';
import type { ParamStore } from './params';

export interface LayerContext {
  tf: TfModule;
  params: ParamStore;
  matMul: MatMul;
}

export interface Linear {
  kernel: Variable;
  bias?: Variable;
}

export function createLinear(ctx: LayerContext, name: string, inSize: number, outSize: number, bias = true): Linear {
  const kernel = ctx.params.create(`${name}.kernel`, [inSize, outSize], 'glorot');
  return bias ? { kernel, bias: ctx.params.create(`${name}.bias`, [outSize], 'zeros') } : { kernel };
}

/** Applies to the last axis of a tensor of any rank (flattened to 2-D for one matmul). */
export function applyLinear(ctx: LayerContext, layer: Linear, x: Tensor): Tensor {
  const { tf } = ctx;
  const shape = x.shape;
  const inSize = shape[shape.length - 1] as number;
  const x2 = (shape.length === 2 ? x : tf.reshape(x, [-1, inSize])) as Tensor2D;
  let y: Tensor = ctx.matMul(x2, layer.kernel as Tensor2D);
  if (layer.bias) y = tf.add(y, layer.bias);
  const outSize = layer.kernel.shape[1] as number;
  return shape.length === 2 ? y : tf.reshape(y, [...shape.slice(0, -1), outSize]);
}

export interface DenseBlock {
  linear: Linear;
  alpha: Variable;
}

/** Dense layer with a per-channel PReLU (learned slope for negative inputs, start 0.25). */
export function createDense(ctx: LayerContext, name: string, inSize: number, outSize: number): DenseBlock {
  return { linear: createLinear(ctx, name, inSize, outSize), alpha: ctx.params.create(`${name}.alpha`, [outSize], { constant: 0.25 }) };
}

export function applyDense(ctx: LayerContext, layer: DenseBlock, x: Tensor): Tensor {
  return ctx.tf.prelu(applyLinear(ctx, layer.linear, x), layer.alpha);
}

/**
 * Inverted dropout while training (kept units scaled by 1/(1 − rate), so inference is the plain
 * layer); `seed` makes the mask reproducible for a given step. Identity when rate is 0.
 */
export function maybeDropout(tf: TfModule, x: Tensor, rate: number, seed: number | undefined): Tensor {
  return rate > 0 ? tf.dropout(x, rate, undefined, seed) : x;
}

/** A fresh seed per training forward: the owner's seed, then a call counter. */
export class DropoutSeeds {
  private calls = 0;

  constructor(private readonly seed: number) {}

  next(): number {
    this.calls++;
    return (this.seed * 7919 + this.calls * 104729) % 2147483647;
  }
}
