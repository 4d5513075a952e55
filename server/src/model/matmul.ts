// Dense matmul with a hand-written gradient. tfjs-core's matMul gradient calls matMul with
// transpose flags, which the wasm backend runs ~12× slower than an explicit transpose followed
// by a plain matMul (docs/ml-runtime.md: ~5× faster training on wasm). Same maths either way.
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { TfModule } from './backend';

export type MatMul = (x: Tensor2D, w: Tensor2D) => Tensor2D;

const fast = new WeakMap<TfModule, MatMul>();

export function matMulFor(tf: TfModule, useFastGradient: boolean): MatMul {
  if (!useFastGradient) return (x, w) => tf.matMul(x, w);
  let f = fast.get(tf);
  if (!f) {
    const op = tf.customGrad((...args: (Tensor | ((ts: Tensor[]) => void))[]) => {
      const x = args[0] as Tensor2D;
      const w = args[1] as Tensor2D;
      const save = args[2] as (ts: Tensor[]) => void;
      save([x, w]);
      return {
        value: tf.matMul(x, w),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, ws] = saved as Tensor2D[];
          const g = dy as Tensor2D;
          return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g)];
        },
      };
    });
    f = (x, w) => op(x, w) as Tensor2D;
    fast.set(tf, f);
  }
  return f;
}
