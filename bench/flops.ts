// FLOP accounting from what the backend actually runs: tf.profile lists every kernel with its
// input and output shapes, and matrix products (2·M·K·N each) are where the work is.
import type { TfModule } from '../server/src/model/backend';
import { median, timeSync } from './lib';

const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'MatMul']);

/** Matmul FLOPs of one call of fn (its result tensors are disposed). */
export async function matmulFlops(tf: TfModule, fn: () => unknown): Promise<{ flops: number; kernels: number }> {
  const info = await tf.profile(() => fn() as never);
  let flops = 0;
  let kernels = 0;
  for (const k of info.kernels) {
    if (!MATMUL_KERNELS.has(k.name)) continue;
    const a = k.inputShapes[0] as number[];
    const out = k.outputShapes[0] as number[];
    if (!a || !out || out.length < 2) continue;
    const m = out[out.length - 2];
    const n = out[out.length - 1];
    const batch = out.slice(0, -2).reduce((p, s) => p * s, 1);
    // a is [.., m, K] or, transposed, [.., K, m].
    const K = a[a.length - 2] === m ? a[a.length - 1] : a[a.length - 2];
    flops += 2 * batch * m * n * K;
    kernels++;
  }
  return { flops, kernels };
}

/** Best dense matmul GFLOP/s of the active backend over a few square and model-like shapes. */
export function matmulCeiling(tf: TfModule, runs: number, large: boolean): { gflops: number; shape: string } {
  const shapes: [number, number, number][] = large
    ? [[1024, 1024, 1024], [1344, 600, 1000], [1280, 400, 400], [512, 512, 512]]
    : [[256, 256, 256], [512, 512, 512]];
  let best = { gflops: 0, shape: '' };
  for (const [m, k, n] of shapes) {
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    const ms = median(timeSync(() => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }, runs, 1));
    const g = (2 * m * k * n) / (ms * 1e6);
    if (g > best.gflops) best = { gflops: g, shape: `${m}×${k}·${k}×${n}` };
    a.dispose();
    b.dispose();
  }
  return best;
}
