// Edge featurisation of paper 000, Eqs. (1)–(2): a smooth polynomial cutoff times Gaussians
// placed on exp(−r), so the basis is dense at short (bonding) distances and sparse far out.

/**
 * φ(r) = 1 − 6x⁵ + 15x⁴ − 10x³ with x = r/r_cut, and 0 beyond r_cut. φ, φ′ and φ″ all vanish at
 * r_cut, so features of an atom crossing the cutoff change smoothly.
 */
export function smoothCutoff(r: number, cutoff: number): number {
  if (r >= cutoff) return 0;
  const x = Math.max(r, 0) / cutoff;
  const x3 = x * x * x;
  return 1 - 6 * x3 * x * x + 15 * x3 * x - 10 * x3;
}

/** Centres μ_k = e^(−r_cut) + (1 − e^(−r_cut))·k/K, k = 1…K, in exp(−r) space. */
export function rbfCentres(count: number, cutoff: number): number[] {
  const lo = Math.exp(-cutoff);
  return Array.from({ length: count }, (_, i) => lo + ((1 - lo) * (i + 1)) / count);
}

/** β = (2/K · (1 − e^(−r_cut)))^(−2): each Gaussian is about two centre spacings wide. */
export function rbfWidth(count: number, cutoff: number): number {
  const s = (2 / count) * (1 - Math.exp(-cutoff));
  return 1 / (s * s);
}

/** RBF_k(r) = φ(r)·exp(−β(e^(−r) − μ_k)²) for k = 1…count (Eq. 1). */
export function gaussianRbf(r: number, count: number, cutoff: number, out?: Float32Array | number[]): number[] {
  const mu = rbfCentres(count, cutoff);
  const beta = rbfWidth(count, cutoff);
  const phi = smoothCutoff(r, cutoff);
  const er = Math.exp(-r);
  const values = mu.map((m) => phi * Math.exp(-beta * (er - m) * (er - m)));
  if (out) for (let k = 0; k < count; k++) out[k] = values[k];
  return values;
}

/**
 * Gaussians evenly spaced in r itself: centres r_k = r_cut·k/(count − 1), each one spacing wide, times
 * φ(r). The exp(−r) basis above is fine at bonding distances but its spacing grows as e^r (0.1 Å at
 * 2 Å, 0.3 Å at 3 Å, 0.8 Å at 4 Å), so the second and third shells, which shape the XANES above the
 * edge, would otherwise be seen only through one raw distance.
 */
export function linearGaussianRbf(r: number, count: number, cutoff: number, out: Float32Array | number[], offset = 0): void {
  const phi = smoothCutoff(r, cutoff);
  const step = count > 1 ? cutoff / (count - 1) : cutoff;
  for (let k = 0; k < count; k++) {
    const x = (r - k * step) / step;
    out[offset + k] = phi * Math.exp(-x * x);
  }
}
