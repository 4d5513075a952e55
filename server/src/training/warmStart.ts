// Warm start: begin training from a trained model's weights instead of random ones. A network
// that gained inputs (angular edge features appended after the RBFs) keeps every trained row and
// gets zero rows for the new inputs, so it starts out computing exactly what the source model
// did and learns to use the new inputs from there.
import type { NamedWeight } from '../model/network';

export interface WarmStart {
  weights: NamedWeight[];
  /** Copied unchanged. */
  copied: string[];
  /** Kernels whose extra input rows start at zero. */
  grown: string[];
  /** Left at their fresh initialisation (absent from the source or of another shape). */
  fresh: string[];
}

/** `target`: the new network's own (freshly initialised) weights; `source`: the trained ones. */
export function warmStartWeights(target: readonly NamedWeight[], source: readonly NamedWeight[]): WarmStart {
  const byName = new Map(source.map((w) => [w.name, w]));
  const out: WarmStart = { weights: [], copied: [], grown: [], fresh: [] };
  for (const t of target) {
    const s = byName.get(t.name);
    const sameShape = s && s.shape.length === t.shape.length && s.shape.every((d, i) => d === t.shape[i]);
    if (s && sameShape) {
      out.weights.push({ name: t.name, shape: [...t.shape], data: Float32Array.from(s.data) });
      out.copied.push(t.name);
    } else if (s && s.shape.length === 2 && t.shape.length === 2 && s.shape[1] === t.shape[1] && s.shape[0] < t.shape[0]) {
      // Row-major [in, out]: the source's rows are the first inputs, the rest start at zero.
      const data = new Float32Array(t.shape[0] * t.shape[1]);
      data.set(s.data);
      out.weights.push({ name: t.name, shape: [...t.shape], data });
      out.grown.push(t.name);
    } else {
      out.weights.push({ name: t.name, shape: [...t.shape], data: Float32Array.from(t.data) });
      out.fresh.push(t.name);
    }
  }
  return out;
}
