// Lattice construction and fractional/Cartesian conversion.
// Setting: a along x, b in the xy-plane, c completing a right-handed cell (the ITC/ASE
// "standard" orientation). Rows of `matrix` are the lattice vectors, so cart = frac · matrix.
import { cross, det3, inverse3, norm, dot, vecMat } from './linalg';
import type { Lattice, Mat3, Vec3 } from './types';

const DEG = Math.PI / 180;

function angleDeg(u: Vec3, v: Vec3): number {
  const c = dot(u, v) / (norm(u) * norm(v));
  return Math.acos(Math.max(-1, Math.min(1, c))) / DEG;
}

/** Cosine that is exactly 0 for 90° so orthogonal cells have no 1e-17 noise. */
function cosDeg(x: number): number {
  return x === 90 ? 0 : Math.cos(x * DEG);
}

/**
 * Lattice from cell lengths (Å) and angles (degrees). Throws when the parameters do not
 * describe a real cell (non-positive lengths, angles violating the triangle inequality).
 */
export function latticeFromParameters(
  a: number, b: number, c: number, alpha: number, beta: number, gamma: number,
): Lattice {
  for (const [name, v] of [['a', a], ['b', b], ['c', c]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`cell length ${name} must be a positive number, got ${v}`);
  }
  for (const [name, v] of [['alpha', alpha], ['beta', beta], ['gamma', gamma]] as const) {
    if (!(Number.isFinite(v) && v > 0 && v < 180)) throw new Error(`cell angle ${name} must be in (0, 180) degrees, got ${v}`);
  }
  const ca = cosDeg(alpha);
  const cb = cosDeg(beta);
  const cg = cosDeg(gamma);
  const sg = Math.sin(gamma * DEG);
  const cy = (ca - cb * cg) / sg;
  const cz2 = 1 - cb * cb - cy * cy;
  if (!(cz2 > 1e-12)) throw new Error(`cell angles alpha=${alpha}, beta=${beta}, gamma=${gamma} do not form a cell`);
  const matrix: Mat3 = [
    [a, 0, 0],
    [b * cg, b * sg, 0],
    [c * cb, c * cy, c * Math.sqrt(cz2)],
  ];
  const volume = Math.abs(det3(matrix));
  // 1e300 Å lengths overflow the volume (and every later product): no use to anyone.
  if (!Number.isFinite(volume)) throw new Error(`cell lengths a=${a}, b=${b}, c=${c} are too large`);
  return { matrix, a, b, c, alpha, beta, gamma, volume };
}

/** Lattice from three row vectors (Å). Throws on a degenerate (zero-volume) matrix. */
export function latticeFromMatrix(m: Mat3 | number[][]): Lattice {
  if (m.length !== 3 || m.some((r) => r.length !== 3 || r.some((x) => !Number.isFinite(x)))) {
    throw new Error('lattice matrix must be 3×3 finite numbers');
  }
  const matrix: Mat3 = [
    [m[0][0], m[0][1], m[0][2]],
    [m[1][0], m[1][1], m[1][2]],
    [m[2][0], m[2][1], m[2][2]],
  ];
  const volume = Math.abs(det3(matrix));
  if (!(volume > 1e-9)) throw new Error('lattice vectors are linearly dependent (zero volume)');
  if (!Number.isFinite(volume)) throw new Error('lattice vectors are too long (the volume overflows)');
  const [va, vb, vc] = matrix;
  return {
    matrix,
    a: norm(va),
    b: norm(vb),
    c: norm(vc),
    alpha: angleDeg(vb, vc),
    beta: angleDeg(va, vc),
    gamma: angleDeg(va, vb),
    volume,
  };
}

export function fracToCart(l: Lattice, f: Vec3): Vec3 {
  return vecMat(f, l.matrix);
}

// Inverse matrices are cached per lattice object: conversion is called once per atom.
const inverseCache = new WeakMap<Lattice, Mat3>();

export function inverseMatrix(l: Lattice): Mat3 {
  let inv = inverseCache.get(l);
  if (!inv) {
    inv = inverse3(l.matrix);
    inverseCache.set(l, inv);
  }
  return inv;
}

export function cartToFrac(l: Lattice, c: Vec3): Vec3 {
  return vecMat(c, inverseMatrix(l));
}

/** Widths of the cell across the (b,c), (c,a) and (a,b) planes: volume / face area (Å). */
export function cellHeights(l: Lattice): Vec3 {
  const [a, b, c] = l.matrix;
  return [l.volume / norm(cross(b, c)), l.volume / norm(cross(c, a)), l.volume / norm(cross(a, b))];
}
