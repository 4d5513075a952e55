import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestRigidShift, findTwins, pairMae, windowProfile, worstShare } from '../../bench/accuracy';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) < tol, `${a} ≠ ${b}`);

// An edge-like curve with a peak, so that a wrong shift costs error everywhere near the edge.
const edge = (e: number): number => 1 / (1 + Math.exp(-(e - 10))) + 0.3 * Math.exp(-((e - 13) ** 2) / 2);
const grid = Array.from({ length: 41 }, (_, i) => 0.5 * i); // 0 … 20 eV in 0.5 eV steps

test('a prediction 1 eV too high is aligned by shifting it −1 eV, to MAE ≈ 0', () => {
  const target = grid.map(edge);
  const pred = grid.map((e) => edge(e - 1)); // every feature 1 eV higher than the truth
  const mask = grid.map(() => 1);
  const unaligned = bestRigidShift(grid, { pred, target, mask }, 0, 0.1);
  assert.ok(unaligned.mae > 0.02, `unaligned MAE ${unaligned.mae}`);
  const fit = bestRigidShift(grid, { pred, target, mask }, 4, 0.1);
  assert.equal(fit.shift, -1);
  close(fit.mae, 0, 1e-12);
  // moved(E) = pred(E + 1) only exists up to 19 eV: the last two points drop out.
  assert.equal(fit.points, grid.length - 2);
  // The mirror case gets the opposite sign.
  assert.equal(bestRigidShift(grid, { pred: target, target: pred, mask }).shift, 1);
});

test('rigid shift: only scored points count, a perfect prediction keeps shift 0', () => {
  const target = grid.map(edge);
  const mask = grid.map((e) => (e >= 5 && e <= 15 ? 1 : 0));
  const pred = target.map((t, i) => (mask[i] ? t : t + 5)); // garbage outside the scored range
  const fit = bestRigidShift(grid, { pred, target, mask });
  assert.equal(fit.shift, 0);
  close(fit.mae, 0);
  assert.equal(fit.points, 21);
});

test('window profile pools the scored points of each 5 eV window, last point joins the last window', () => {
  const energies = [0, 2.5, 5, 7.5, 10]; // windows [0, 5) and [5, 10]
  const target = [0, 0, 0, 0, 0];
  const spectra = [
    { pred: [1, 3, 10, 20, 30], target, mask: [1, 1, 1, 1, 0] },
    { pred: [5, 100, 2, 4, 6], target, mask: [1, 0, 1, 1, 1] },
  ];
  const w = windowProfile(energies, spectra, 5);
  assert.equal(w.length, 2);
  assert.deepEqual([w[0].from, w[0].to, w[1].from, w[1].to], [0, 5, 5, 10]);
  assert.equal(w[0].points, 3);
  close(w[0].mae, (1 + 3 + 5) / 3);
  assert.equal(w[1].points, 5);
  close(w[1].mae, (10 + 20 + 2 + 4 + 6) / 5);
  // Rounded thirds of an eV (the Fe tmQM grid) still put a boundary point in the upper window.
  const thirds = Array.from({ length: 31 }, (_, i) => Math.round((7097 + i / 3) * 100) / 100);
  const t = windowProfile(thirds, [{ pred: thirds.map(() => 1), target: thirds.map(() => 0), mask: thirds.map(() => 1) }], 5);
  assert.deepEqual(t.map((x) => x.points), [15, 16]);
});

test('twin search finds a planted pair within tolerance, not one 0.1 Å off, nor other elements', () => {
  const M = 4;
  const rows: Array<{ z: number; nz: number[]; d: number[] }> = [
    { z: 29, nz: [8, 8, 8, 8], d: [1.95, 1.96, 1.97, 2.5] }, // 0
    { z: 29, nz: [8, 8, 8, 8], d: [1.952, 1.958, 1.97, 2.501] }, // 1: twin of 0 at 0.005 Å
    { z: 29, nz: [8, 8, 8, 8], d: [1.95, 1.96, 1.97, 2.6] }, // 2: 0.1 Å off in the last shell
    { z: 29, nz: [8, 8, 7, 8], d: [1.95, 1.96, 1.97, 2.5] }, // 3: same distances, other element
    { z: 26, nz: [8, 8, 8, 8], d: [1.95, 1.96, 1.97, 2.5] }, // 4: other absorber
    { z: 29, nz: [8, 8, 0, 0], d: [1.95, 1.96, 0, 0] }, // 5: two neighbours only
    { z: 29, nz: [8, 8, 0, 0], d: [1.96, 1.97, 0, 0] }, // 6: twin of 5 at 0.01 Å
  ];
  const env = {
    maxNeighbours: M,
    absorberZ: Uint8Array.from(rows.map((r) => r.z)),
    neighbourZ: Uint8Array.from(rows.flatMap((r) => r.nz)),
    neighbourDistance: Float32Array.from(rows.flatMap((r) => r.d)),
  };
  const all = rows.map((_, i) => i);
  const key = (ps: ReturnType<typeof findTwins>): string[] => ps.map((p) => `${p.a}-${p.b}`).sort();
  assert.deepEqual(key(findTwins(env, all, 0.005)), ['0-1']);
  assert.deepEqual(key(findTwins(env, all, 0.02)), ['0-1', '5-6']);
  assert.deepEqual(key(findTwins(env, all, 0.05)), ['0-1', '5-6']);
  // 0.1 Å apart only counts at a tolerance above it.
  assert.deepEqual(key(findTwins(env, all, 0.11)), ['0-1', '0-2', '1-2', '5-6']);
  // Only the given indices are searched.
  assert.deepEqual(key(findTwins(env, [1, 2, 3, 4], 0.05)), []);
  const pair = findTwins(env, all, 0.005)[0];
  close(pair.maxDiff, 0.002, 1e-6);
});

test('pair MAE uses the points both spectra score; worst-10 % share of the error', () => {
  close(pairMae([1, 2, 3, 4], [1, 1, 1, 0], [1, 3, 5, 100], [0, 1, 1, 1]), (1 + 2) / 2);
  assert.ok(Number.isNaN(pairMae([1, 2], [1, 0], [1, 2], [0, 1])));
  // Ten spectra of 2 points; the worst (MAE 5) carries 10 of 28.
  const sums = [10, 2, 2, 2, 2, 2, 2, 2, 2, 2];
  close(worstShare(sums, sums.map(() => 2), 0.1), 10 / 28);
});
