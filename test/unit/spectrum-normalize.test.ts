import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findE0, normalizeSpectrum } from '../../server/src/spectrum/normalize';
import { polyfit, polyval } from '../../server/src/spectrum/fit';

/** Arctan edge of known E0 and step on a sloping background. */
function arctanEdge(e0: number, step: number, lo: number, hi: number, de: number, width = 1.5): { energies: number[]; mu: number[] } {
  const energies: number[] = [];
  const mu: number[] = [];
  for (let e = lo; e <= hi + 1e-9; e += de) {
    energies.push(e);
    mu.push(0.3 - 0.0002 * (e - e0) + step * (0.5 + Math.atan((e - e0) / width) / Math.PI));
  }
  return { energies, mu };
}

test('polyfit recovers a quadratic exactly, even at eV-sized abscissae', () => {
  const xs = [7000, 7050, 7100, 7200, 7300];
  const c = polyfit(xs, xs.map((x) => 2 - 0.5 * x + 3e-5 * x * x), 2);
  assert.ok(Math.abs(polyval(c, 7150) - (2 - 0.5 * 7150 + 3e-5 * 7150 * 7150)) < 1e-6);
});

test('E0 and edge step of a long arctan scan (Larch-like default ranges)', () => {
  const s = arctanEdge(7112.3, 1.25, 6900, 7900, 0.5);
  const r = normalizeSpectrum(s.energies, s.mu);
  assert.ok(Math.abs(r.e0 - 7112.3) < 0.3, `E0 ${r.e0}`);
  assert.ok(Math.abs(r.edgeStep / 1.25 - 1) < 0.02, `step ${r.edgeStep}`);
  assert.deepEqual(r.pre.range, [-200, -30]);
  assert.equal(r.post.range[0], 150);
  assert.equal(r.post.degree, 2);
  assert.equal(r.notes.length, 0);
  // Normalised: ≈0 well below the edge, ≈1 well above it.
  const at = (e: number): number => r.norm[r.energies.findIndex((x) => Math.abs(x - e) < 1e-6)];
  assert.ok(Math.abs(at(7000)) < 0.01);
  // norm keeps the arctan's slow tail in the pre-edge slope; flat removes it.
  assert.ok(Math.abs(r.flat[r.energies.indexOf(7600)] - 1) < 0.02);
});

test('a short XANES window adapts the ranges and says so', () => {
  const s = arctanEdge(7118.0, 0.9, 7090, 7170, 0.5, 1.0);
  const r = normalizeSpectrum(s.energies, s.mu);
  assert.ok(Math.abs(r.e0 - 7118) < 0.3, `E0 ${r.e0}`);
  // An arctan's tails reach far into a 30 eV pre-edge: 5 % is what any baseline can do here.
  assert.ok(Math.abs(r.edgeStep / 0.9 - 1) < 0.05, `step ${r.edgeStep}`);
  assert.equal(r.pre.degree, 0);
  assert.ok(r.pre.range[1] < 0 && r.pre.range[0] >= -28.01);
  assert.ok(r.post.range[1] <= 52 + 1e-9);
  assert.ok(r.notes.some((n) => n.includes('pre-edge')));
  assert.ok(r.notes.some((n) => n.includes('post-edge')));
});

test('a given E0 is used as is; off-grid E0 is refined between points', () => {
  const s = arctanEdge(7120.2, 1, 7000, 7400, 1);
  assert.ok(Math.abs(findE0(s.energies, s.mu) - 7120.2) < 0.3);
  const r = normalizeSpectrum(s.energies, s.mu, { e0: 7121 });
  assert.equal(r.e0, 7121);
  assert.equal(r.e0Source, 'given');
});

test('a sharp pre-edge peak is not taken for the edge', () => {
  const s = arctanEdge(7120, 1, 7050, 7300, 0.25, 2);
  // Fe 1s→3d-like peak at 7113 eV, 6 % of the step, very narrow (steeper than the main edge).
  s.mu = s.mu.map((m, i) => m + 0.06 * Math.exp(-(((s.energies[i] - 7113) / 0.4) ** 2)));
  assert.ok(Math.abs(findE0(s.energies, s.mu) - 7120) < 0.3);
});

test('explicit ranges are honoured and bad ones rejected with a message', () => {
  const s = arctanEdge(7112, 1, 6900, 7900, 1);
  const r = normalizeSpectrum(s.energies, s.mu, { pre: [-150, -40], norm: [100, 600], nnorm: 1 });
  assert.deepEqual(r.pre.range, [-150, -40]);
  assert.deepEqual(r.post.range, [100, 600]);
  assert.equal(r.post.degree, 1);
  assert.throws(() => normalizeSpectrum(s.energies, s.mu, { pre: [-5000, -4000] }), /pre-edge range/);
  assert.throws(() => normalizeSpectrum(s.energies, s.mu, { e0: 9000 }), /outside the data/);
});

test('flattened μ removes the post-edge curvature', () => {
  const s = arctanEdge(7112, 1, 6900, 7900, 1);
  s.mu = s.mu.map((m, i) => m + (s.energies[i] > 7112 ? 2e-7 * (s.energies[i] - 7112) ** 2 : 0));
  const r = normalizeSpectrum(s.energies, s.mu);
  const i = r.energies.indexOf(7700);
  assert.ok(Math.abs(r.flat[i] - 1) < 0.01, `flat ${r.flat[i]}`);
  assert.ok(Math.abs(r.norm[i] - 1) > 0.03, `norm ${r.norm[i]} should keep the curvature`);
});

test('descending and duplicated energies are cleaned before normalising', () => {
  const s = arctanEdge(7112, 1, 6900, 7900, 1);
  const e = [...s.energies].reverse();
  const m = [...s.mu].reverse();
  e.push(e[0]);
  m.push(m[0]);
  const r = normalizeSpectrum(e, m);
  assert.equal(r.energies.length, s.energies.length);
  assert.ok(Math.abs(r.e0 - 7112) < 0.3);
});
