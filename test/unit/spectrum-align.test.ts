import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBestShift } from '../../server/src/spectrum/align';
import { compareSpectra, pearson, shiftSpectrum } from '../../server/src/spectrum/similarity';
import { weightedAverage } from '../../server/src/spectrum/average';
import { interpolate } from '../../server/src/spectrum/interp';

function xanes(e0: number, lo: number, hi: number, de: number): { energies: number[]; mu: number[] } {
  const energies: number[] = [];
  const mu: number[] = [];
  for (let e = lo; e <= hi + 1e-9; e += de) {
    energies.push(e);
    const x = e - e0;
    mu.push(0.5 + Math.atan(x / 1.2) / Math.PI + 0.5 * Math.exp(-(((x - 9) / 3) ** 2)) + 0.1 * Math.sin(x / 6) * (x > 0 ? 1 : 0));
  }
  return { energies, mu };
}

test('interpolate is linear inside and NaN outside', () => {
  assert.equal(interpolate([0, 1, 2], [0, 10, 40], 1.5), 25);
  assert.ok(Number.isNaN(interpolate([0, 1, 2], [0, 10, 40], 2.5)));
});

test('Pearson and MAE of known vectors', () => {
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [2, 4, 6, 8]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12);
  const a = { energies: [0, 1, 2, 3, 4, 5], mu: [0, 1, 2, 3, 4, 5] };
  const b = { energies: [0, 1, 2, 3, 4, 5], mu: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5] };
  const s = compareSpectra(a, b);
  assert.ok(s);
  assert.ok(Math.abs(s.mae - 0.5) < 1e-12);
  assert.ok(Math.abs(s.pearson - 1) < 1e-12);
});

test('similarity only uses the overlap, on the finer grid', () => {
  const pred = xanes(7120, 7112, 7167, 0.5);
  const meas = xanes(7120, 7100, 7140, 0.25);
  const s = compareSpectra(pred, meas);
  assert.ok(s);
  assert.deepEqual(s.overlap, [7112, 7140]);
  assert.equal(s.points, 113);
  assert.ok(s.pearson > 0.999 && s.mae < 0.01);
  assert.equal(compareSpectra(pred, xanes(7120, 7300, 7400, 1)), null);
});

test('a known 2.5 eV shift is recovered within 0.1 eV (Pearson and MAE)', () => {
  const pred = xanes(7120, 7112, 7167, 0.5);
  // The measurement sits 2.5 eV higher and on a different, finer grid.
  const meas = shiftSpectrum(xanes(7120, 7090, 7200, 0.3), 2.5);
  for (const metric of ['pearson', 'mae'] as const) {
    const r = findBestShift(pred, meas, { metric });
    assert.ok(r, metric);
    assert.ok(Math.abs(r.shift + 2.5) < 0.1, `${metric}: shift ${r.shift}`);
  }
  const r = findBestShift(pred, meas);
  assert.ok(r && r.score > 0.999);
  const before = compareSpectra(pred, meas);
  assert.ok(before && before.pearson < r.score);
});

test('multiplicity-weighted average of two sites', () => {
  const grid = [0, 1, 2, 3, 4];
  const a = { energies: grid, mu: [0, 0, 0, 0, 0], weight: 1, std: [0.1, 0.1, 0.1, 0.1, 0.1] };
  const b = { energies: [0.5, 1.5, 2.5, 3.5, 4.5], mu: [4, 4, 4, 4, 4], weight: 3, std: [0.3, 0.3, 0.3, 0.3, 0.3] };
  const avg = weightedAverage([a, b]);
  assert.ok(avg);
  // Overlap [0.5, 4.5] ∩ [0, 4] on the first grid: 1, 2, 3, 4.
  assert.deepEqual(avg.energies, [1, 2, 3, 4]);
  assert.deepEqual(avg.mu, [3, 3, 3, 3]);
  assert.ok(avg.std && Math.abs(avg.std[0] - 0.25) < 1e-12);
  assert.equal(avg.totalWeight, 4);
  assert.equal(weightedAverage([]), null);
});

test('an exact grid shift (ends meeting up to rounding) still scores, and wins', () => {
  const pred = xanes(7120, 7112, 7167, 0.5);
  const meas = shiftSpectrum(xanes(7120, 7112, 7167, 0.5), 3);
  const s = compareSpectra(pred, meas, -3);
  assert.ok(s && Math.abs(s.pearson - 1) < 1e-9, `r ${s?.pearson}`);
  const r = findBestShift(pred, meas);
  assert.ok(r && Math.abs(r.shift + 3) < 1e-6, `shift ${r?.shift}`);
});
