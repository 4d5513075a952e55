// Least-squares polynomials of low degree (the pre-edge line and post-edge polynomial).

/** Coefficients c (c[0] + c[1]·x + c[2]·x² …) minimising the squared residuals. */
export function polyfit(xs: readonly number[], ys: readonly number[], degree: number): number[] {
  const m = degree + 1;
  if (xs.length < m) throw new Error(`need at least ${m} points for a degree-${degree} fit, got ${xs.length}`);
  // Scale x to about [-1, 1] so that the normal equations stay well conditioned for x in eV.
  let scale = 0;
  for (const x of xs) scale = Math.max(scale, Math.abs(x));
  if (scale === 0) scale = 1;
  const a: number[][] = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let k = 0; k < xs.length; k++) {
    const u = xs[k] / scale;
    const powers: number[] = [1];
    for (let p = 1; p < 2 * m; p++) powers.push(powers[p - 1] * u);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) a[i][j] += powers[i + j];
      a[i][m] += powers[i] * ys[k];
    }
  }
  const scaled = solve(a, m);
  return scaled.map((c, i) => c / Math.pow(scale, i));
}

export function polyval(c: readonly number[], x: number): number {
  let y = 0;
  for (let i = c.length - 1; i >= 0; i--) y = y * x + c[i];
  return y;
}

/** Gauss–Jordan elimination with partial pivoting on an augmented m×(m+1) matrix. */
function solve(a: number[][], m: number): number[] {
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-300) throw new Error('singular fit (all points at one energy?)');
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= m; c++) a[r][c] -= f * a[col][c];
    }
  }
  return a.map((row, i) => row[m] / row[i]);
}

/** Abscissa of the vertex of the parabola through three points (sub-grid peak position). */
export function parabolaVertex(x0: number, y0: number, x1: number, y1: number, x2: number, y2: number): number {
  const d = (x0 - x1) * (x0 - x2) * (x1 - x2);
  const a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / d;
  const b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / d;
  if (!Number.isFinite(a) || a === 0) return x1;
  const v = -b / (2 * a);
  // A vertex outside the bracket means the three points are not a peak: keep the grid point.
  return v >= Math.min(x0, x2) && v <= Math.max(x0, x2) ? v : x1;
}
