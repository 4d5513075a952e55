// Named trainable parameters: training code addresses them by name (optimisers, weight files),
// so every layer registers its variables here instead of owning anonymous tensors.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { TfModule } from './backend';
import { mulberry32 } from '../random';

export type Init = 'glorot' | 'zeros' | 'ones' | { constant: number };

/** Seeded uniforms in [0, 1), so fresh networks are reproducible. */
export const seededRandom = mulberry32;

export class ParamStore {
  readonly variables = new Map<string, Variable>();
  private readonly rand: () => number;

  constructor(private readonly tf: TfModule, seed = 1) {
    this.rand = seededRandom(seed);
  }

  create(name: string, shape: number[], init: Init, trainable = true): Variable {
    if (this.variables.has(name)) throw new Error(`parameter '${name}' defined twice`);
    const size = shape.reduce((p, s) => p * s, 1);
    const data = new Float32Array(size);
    if (init === 'ones') data.fill(1);
    else if (typeof init === 'object') data.fill(init.constant);
    else if (init === 'glorot') {
      const fanIn = shape.length > 1 ? shape[0] : 1;
      const fanOut = shape[shape.length - 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < size; i++) data[i] = (2 * this.rand() - 1) * limit;
    }
    // Unique tf-level names: several networks may live in one process (ensembles, tests).
    const v = this.tf.variable(this.tf.tensor(data, shape), trainable, `${name}#${uid++}`);
    this.variables.set(name, v);
    return v;
  }

  get(name: string): Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`no parameter '${name}'`);
    return v;
  }

  trainable(): Variable[] {
    return [...this.variables.values()].filter((v) => v.trainable);
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

let uid = 0;

export type { Tensor, Variable };
