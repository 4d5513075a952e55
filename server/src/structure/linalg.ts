// Small fixed-size linear algebra for lattices: row-vector convention (cart = frac · M).
import type { Mat3, Vec3 } from './types';

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function norm(a: Vec3): number {
  return Math.sqrt(dot(a, a));
}

export function det3(m: Mat3): number {
  return dot(m[0], cross(m[1], m[2]));
}

/** Inverse of a 3×3 matrix; throws on a singular one (callers check the volume first). */
export function inverse3(m: Mat3): Mat3 {
  const d = det3(m);
  if (!Number.isFinite(d) || Math.abs(d) < 1e-12) throw new Error('singular matrix');
  const [a, b, c] = m;
  const r0 = cross(b, c);
  const r1 = cross(c, a);
  const r2 = cross(a, b);
  // Columns of the inverse are the reciprocal vectors.
  return [
    [r0[0] / d, r1[0] / d, r2[0] / d],
    [r0[1] / d, r1[1] / d, r2[1] / d],
    [r0[2] / d, r1[2] / d, r2[2] / d],
  ];
}

/** Row vector times matrix: v · M. */
export function vecMat(v: Vec3, m: Mat3): Vec3 {
  return [
    v[0] * m[0][0] + v[1] * m[1][0] + v[2] * m[2][0],
    v[0] * m[0][1] + v[1] * m[1][1] + v[2] * m[2][1],
    v[0] * m[0][2] + v[1] * m[1][2] + v[2] * m[2][2],
  ];
}

/** Wrap a fractional coordinate into [0,1), mapping values within 1e-10 of 1 to 0. */
export function wrap01(x: number): number {
  let r = x - Math.floor(x);
  if (r >= 1 - 1e-10) r = 0;
  return r;
}
