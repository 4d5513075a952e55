// Adam / AdamW written with plain tf ops so that its moments are ordinary variables: a checkpoint
// can save and restore them exactly (tf.train.adam keeps its state behind an async API), and the
// update needs no transpose-flagged matmul. Gradient clipping by global norm happens in-graph.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { TfModule } from '../model/backend';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 coefficient: added to the gradient (adam) or decoupled (adamw). */
  weightDecay?: number;
  decoupled?: boolean;
  /** Clip the gradients' global norm to this value (0/undefined = no clipping). */
  clipNorm?: number;
}

export interface AdamState {
  step: number;
  /** First and second moments per variable, in variable order. */
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  private readonly m: Variable[];
  private readonly v: Variable[];
  step = 0;
  private readonly o: Required<AdamOptions>;

  constructor(private readonly tf: TfModule, private readonly vars: Variable[], options: AdamOptions = {}) {
    this.o = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, decoupled: false, clipNorm: 0, ...options };
    this.m = vars.map((w) => tf.variable(tf.zerosLike(w), false));
    this.v = vars.map((w) => tf.variable(tf.zerosLike(w), false));
  }

  /** One update with the gradients in variable order. Returns nothing; gradients are not disposed. */
  apply(grads: Tensor[], learningRate: number): void {
    const { tf } = this;
    const { beta1, beta2, epsilon, weightDecay, decoupled, clipNorm } = this.o;
    if (grads.length !== this.vars.length) throw new Error(`Adam: ${grads.length} gradients for ${this.vars.length} variables`);
    this.step++;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      let gs = grads;
      if (clipNorm > 0) {
        const sq = tf.addN(gs.map((g) => tf.sum(tf.square(g))));
        const norm = tf.sqrt(sq);
        const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
        gs = gs.map((g) => tf.mul(g, scale));
      }
      gs.forEach((g0, i) => {
        const w = this.vars[i];
        const g = weightDecay > 0 && !decoupled ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
        const m = tf.add(tf.mul(this.m[i], beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(this.v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        let update = tf.div(tf.mul(m, learningRate / c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        if (weightDecay > 0 && decoupled) update = tf.add(update, tf.mul(w, learningRate * weightDecay));
        w.assign(tf.sub(w, update));
      });
    });
  }

  getState(): AdamState {
    return {
      step: this.step,
      m: this.m.map((t) => Float32Array.from(t.dataSync() as Float32Array)),
      v: this.v.map((t) => Float32Array.from(t.dataSync() as Float32Array)),
    };
  }

  setState(s: AdamState): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) {
      throw new Error(`optimizer state has ${s.m.length} moments, the model has ${this.m.length} variables`);
    }
    const put = (dst: Variable, src: Float32Array, what: string): void => {
      if (src.length !== dst.size) throw new Error(`optimizer ${what}: ${src.length} values for a variable of ${dst.size}`);
      const t = this.tf.tensor(src, dst.shape);
      dst.assign(t);
      t.dispose();
    };
    s.m.forEach((a, i) => put(this.m[i], a, `m[${i}]`));
    s.v.forEach((a, i) => put(this.v[i], a, `v[${i}]`));
    this.step = s.step;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
