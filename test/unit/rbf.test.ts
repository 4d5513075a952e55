import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gaussianRbf, rbfCentres, rbfWidth, smoothCutoff } from '../../server/src/graph/rbf';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('smooth cutoff: 1 at 0, 0 at and beyond the cutoff, ½ at the midpoint', () => {
  close(smoothCutoff(0, 8), 1);
  close(smoothCutoff(8, 8), 0);
  close(smoothCutoff(9, 8), 0);
  close(smoothCutoff(4, 8), 0.5);
  // x = 0.25: 1 − 6/1024 + 15/256 − 10/64
  close(smoothCutoff(2, 8), 1 - 6 / 1024 + 15 / 256 - 10 / 64);
});

test('smooth cutoff has continuous first and second derivatives at the cutoff', () => {
  const h = 1e-4;
  const d1 = (r: number): number => (smoothCutoff(r + h, 8) - smoothCutoff(r - h, 8)) / (2 * h);
  const d2 = (r: number): number => (smoothCutoff(r + h, 8) - 2 * smoothCutoff(r, 8) + smoothCutoff(r - h, 8)) / (h * h);
  assert.ok(Math.abs(d1(8 - 2 * h)) < 1e-6);
  assert.ok(Math.abs(d2(8 - 2 * h)) < 1e-3);
  // …and are not trivially zero inside.
  assert.ok(d1(4) < -0.1);
  close(d1(4), -30 * 0.0625 / 8, 1e-6); // φ′ = −30x²(1−x)²/r_cut at x = ½
});

test('RBF centres and width as in the reference', () => {
  const mu = rbfCentres(64, 8);
  close(mu[0], Math.exp(-8) + (1 - Math.exp(-8)) / 64);
  close(mu[63], 1);
  const beta = rbfWidth(64, 8);
  close(beta, 1 / ((2 / 64) * (1 - Math.exp(-8))) ** 2, 1e-9);
  close(beta, 1024.687373, 1e-5);
});

test('hand-computed RBF values', () => {
  // r = 2 Å, K = 64, r_cut = 8: φ = 0.896484375, e^(−2) = 0.135335283
  const v = gaussianRbf(2, 64, 8);
  assert.equal(v.length, 64);
  const phi = 0.896484375;
  const beta = 1 / ((2 / 64) * (1 - Math.exp(-8))) ** 2;
  const mu9 = Math.exp(-8) + (1 - Math.exp(-8)) * 9 / 64; // k = 9 is the centre nearest e^(−2)
  close(v[8], phi * Math.exp(-beta * (Math.exp(-2) - mu9) ** 2), 1e-12);
  close(v[8], 0.8683532469, 1e-9); // independently computed in Python
  close(v[9], 0.5656879159, 1e-9);
  // The peak sits at the centre nearest e^(−r) and decays on both sides.
  const peak = v.indexOf(Math.max(...v));
  assert.equal(peak, 8);
  assert.ok(v[7] < v[8] && v[9] < v[8]);
  assert.ok(v[30] < 1e-10);
  // Everything vanishes at the cutoff.
  assert.ok(gaussianRbf(8, 64, 8).every((x) => x === 0));
  const out = new Float32Array(64);
  gaussianRbf(2, 64, 8, out);
  close(out[8], v[8], 1e-7);
});
