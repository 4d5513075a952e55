// Neighbour-context edge features: what each neighbour is bonded to. In the star graph a
// neighbour's state depends on its element alone, so the carbon of a carbonyl (C≡O at 1.13 Å),
// of a cyclopentadienyl ring (C–C 1.42 Å, C–H 1.08 Å) and of a methyl group look the same to the
// network, and so do the oxygen of a phosphate and of a hydroxide — yet these ligands shift and
// shape the edge. So every absorber–neighbour edge j also carries, for each chemical group g and
// each bond-length shell R_m, how many of the cluster's other atoms k (the absorber's other
// neighbours) of group g sit at distance ≈ R_m from j:
//   C_j[g, m] = s · Σ_{k≠j} [group(Z_k) = g] · exp(−(d_jk − R_m)² / 2w_m²)
// The absorber itself is left out: its distance to j is already the edge's own. Only the
// neighbours in the graph count (the 20 nearest), so outer neighbours see a truncated context —
// the same truncation a message-passing network on this graph would have. Computed from the
// cached neighbour vectors, it adds nothing to the network's per-step cost beyond a wider edge
// kernel, and keeps the factored forward (model/factored.ts) exact.

/** Element → chemical group index (periodic-table families that bond alike). */
export const CONTEXT_GROUPS = ['H', 'B/C/Si/Ge', 'N/P/As/Sb', 'O/S/Se/Te', 'F/Cl/Br/I', 's-block', 'other'] as const;

const GROUP_OF: ReadonlyMap<number, number> = new Map<number, number>([
  [1, 0],
  [5, 1], [6, 1], [14, 1], [32, 1],
  [7, 2], [15, 2], [33, 2], [51, 2],
  [8, 3], [16, 3], [34, 3], [52, 3],
  [9, 4], [17, 4], [35, 4], [53, 4],
  [3, 5], [4, 5], [11, 5], [12, 5], [19, 5], [20, 5], [37, 5], [38, 5], [55, 5], [56, 5],
]);

export function contextGroup(Z: number): number {
  return GROUP_OF.get(Z) ?? CONTEXT_GROUPS.length - 1;
}

/** Bond-length shells (Å): X–H, short multiple bonds, single bonds, long (heavy-atom) bonds, next neighbours. */
export const CONTEXT_RADII = [1.05, 1.4, 1.8, 2.3, 3.0] as const;
export const CONTEXT_WIDTHS = [0.12, 0.15, 0.2, 0.25, 0.35] as const;
/** Counts are small integers (a methyl C has three H near 1.09 Å); the scale keeps values O(1). */
export const CONTEXT_SCALE = 0.5;
export const CONTEXT_FEATURE_SIZE = CONTEXT_GROUPS.length * CONTEXT_RADII.length;
/** Beyond this the shells contribute below 1e-6: skip the exponentials. */
const CONTEXT_REACH = CONTEXT_RADII[CONTEXT_RADII.length - 1] + 6 * CONTEXT_WIDTHS[CONTEXT_WIDTHS.length - 1];

/**
 * Write the context features of the first `count` neighbours (absorber→neighbour vectors at
 * vectors[3k … 3k+2] in Å, atomic numbers zs[k]) to out[offset + j·stride + g·M + m].
 * Zero-length vectors (no geometry) contribute nothing and get zeros. Pure.
 */
export function writeContextFeatures(
  vectors: ArrayLike<number>, zs: ArrayLike<number>, count: number,
  out: Float32Array, offset: number, stride: number,
): void {
  const M = CONTEXT_RADII.length;
  const valid = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const r2 = vectors[3 * k] ** 2 + vectors[3 * k + 1] ** 2 + vectors[3 * k + 2] ** 2;
    valid[k] = r2 > 1e-12 ? 1 : 0;
  }
  for (let j = 0; j < count; j++) {
    const base = offset + j * stride;
    for (let q = 0; q < CONTEXT_FEATURE_SIZE; q++) out[base + q] = 0;
    if (!valid[j]) continue;
    for (let k = 0; k < count; k++) {
      if (k === j || !valid[k]) continue;
      const d = Math.hypot(vectors[3 * j] - vectors[3 * k], vectors[3 * j + 1] - vectors[3 * k + 1], vectors[3 * j + 2] - vectors[3 * k + 2]);
      if (d > CONTEXT_REACH) continue;
      const at = base + contextGroup(zs[k]) * M;
      for (let m = 0; m < M; m++) {
        const u = (d - CONTEXT_RADII[m]) / CONTEXT_WIDTHS[m];
        out[at + m] += CONTEXT_SCALE * Math.exp(-0.5 * u * u);
      }
    }
  }
}
