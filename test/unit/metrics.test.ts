import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltaMuPercent, evaluateByDomain, evaluateDomain, peakPosition, quartiles } from '../../server/src/training/metrics';
import { pearson } from '../../server/src/spectrum/similarity';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) < tol, `${a} ≠ ${b}`);

test('MAE, R² and Δμ on hand-computed spectra, masks respected', () => {
  const m = evaluateDomain({
    energies: [0, 1, 2, 3],
    target: [[1, 2, 3, 4], [2, 2, 2, 2]],
    pred: [[1, 3, 3, 4], [2, 2, 2, 100]],
    mask: [[1, 1, 1, 1], [1, 1, 1, 0]],
  });
  assert.equal(m.points, 7);
  close(m.mae, 1 / 7);
  // true mean over scored = (10 + 6)/7; SS_tot = Σ(t − 16/7)²
  const tMean = 16 / 7;
  const ssTot = [1, 2, 3, 4, 2, 2, 2].reduce((s, t) => s + (t - tMean) ** 2, 0);
  close(m.r2, 1 - 1 / ssTot);
  // Δμ: spectrum 1 = 100·1/10 = 10 %, spectrum 2 = 0 %
  close(m.deltaMu.median, 5);
  close(m.deltaMu.q1, 2.5);
  close(m.deltaMu.q3, 7.5);
  assert.equal(m.coverage2Sigma, undefined);
});

test('Pearson per spectrum and its mean/median', () => {
  close(pearson([1, 2, 3], [2, 4, 6]), 1);
  close(pearson([3, 2, 1], [2, 4, 6]), -1);
  close(pearson([1, 2, 3, 99], [1, 2, 3, -5], [1, 1, 1, 0]), 1);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  const m = evaluateDomain({ energies: [0, 1, 2], target: [[1, 2, 3], [1, 2, 3], [1, 2, 3]], pred: [[1, 2, 3], [3, 2, 1], [1, 2, 4]] });
  // third: x=[1,2,4], y=[1,2,3]: cov = 3, Σdx² = 14/3, Σdy² = 2 → r = 3/√(28/3) = 0.98198
  const r3 = 3 / Math.sqrt(28 / 3);
  close(m.pearsonMedian, r3, 1e-7);
  close(m.pearsonMean, (1 - 1 + r3) / 3, 1e-7);
});

test('Δμ is XANESNET’s 100·Σ|Δ|/Σ|μ|', () => {
  close(deltaMuPercent([1.1, 1.8], [1, 2]), (100 * 0.3) / 3);
  close(deltaMuPercent([1.1, 50], [1, 2], [1, 0]), 10);
});

test('peak position with parabolic refinement on a uniform and a non-uniform grid', () => {
  // Samples of −(x − 1.3)² at 0,1,2,3: the vertex is exactly 1.3.
  const e = [0, 1, 2, 3];
  const y = e.map((x) => 5 - (x - 1.3) ** 2);
  close(peakPosition(e, y), 1.3);
  const e2 = [0, 0.5, 2, 3];
  close(peakPosition(e2, e2.map((x) => -((x - 0.8) ** 2))), 0.8);
  // maximum at an edge: no refinement
  assert.equal(peakPosition([0, 1, 2], [3, 2, 1]), 0);
  // masked maximum is ignored
  assert.equal(peakPosition([0, 1, 2], [1, 9, 2], [1, 0, 1]), 2);
  const m = evaluateDomain({ energies: e, target: [y], pred: [e.map((x) => 5 - (x - 1.8) ** 2)] });
  close(m.peakMaeEv, 0.5);
});

test('±2σ coverage and per-domain grouping', () => {
  const m = evaluateDomain({ energies: [0, 1, 2, 3], target: [[0, 0, 0, 0]], pred: [[0.1, 0.3, -0.2, 0.5]], std: [[0.1, 0.1, 0.1, 0.1]] });
  close(m.coverage2Sigma as number, 2 / 4); // 0.1 and 0.2 inside, 0.3 and 0.5 out
  const byDomain = evaluateByDomain(
    [{ id: 'A', energies: [0, 1] }, { id: 'B', energies: [5, 6] }, { id: 'C', energies: [0] }],
    [{ domain: 'A', pred: [1, 1], target: [1, 2] }, { domain: 'B', pred: [0, 0], target: [0, 4], mask: [1, 0] }],
  );
  assert.deepEqual(Object.keys(byDomain), ['A', 'B']);
  close(byDomain.A.mae, 0.5);
  close(byDomain.B.mae, 0);
  assert.deepEqual(quartiles([4, 1, 3, 2]), { q1: 1.75, median: 2.5, q3: 3.25 });
});
