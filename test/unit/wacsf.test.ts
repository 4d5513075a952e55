import { test } from 'node:test';
import assert from 'node:assert/strict';
import { structureFromArrays } from '../../server/src/structure/build';
import { rocksaltFeO } from '../fixtures/rocksalt';
import {
  DEFAULT_WACSF_OPTIONS, cosineCutoff, environmentOf, radialParams, wacsfForSite, wacsfFromEnvironment, wacsfLeaveOneOut, wacsfLength, type WacsfOptions,
} from '../../server/src/baseline/wacsf';

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

test('default parameters are the paper’s: 97 features, G2 centres at 1.47/1.63/1.79 Å', () => {
  assert.equal(wacsfLength(), 97);
  const g2 = radialParams(32, 0, 6, 'shifted');
  close(g2.mu[6], 0.5 + (6 * 5) / 31);
  close(g2.mu[6], 1.4677, 1e-4);
  close(g2.mu[7], 1.6290, 1e-4);
  close(g2.eta[0], 1 / (2 * (5 / 31) ** 2));
  const g4 = radialParams(8, 0, 6, 'centred');
  assert.deepEqual(g4.mu, new Array(8).fill(0));
  close(g4.eta[0], 0.5); // r = 1 Å
  close(g4.eta[7], 1 / (2 * 5.5 * 5.5));
  close(cosineCutoff(3, 6), 0.5);
  assert.equal(cosineCutoff(6.1, 6), 0);
});

test('hand-computed values on a 3-atom toy (absorber + O at 2 Å on x + H at 1 Å on y)', () => {
  const o: WacsfOptions = { cutoff: 6, rMin: 0, nG2: 2, nG4: 2, lambdas: [1, -1], zetas: [1], g2: 'shifted', g4: 'centred' };
  const v = wacsfFromEnvironment([{ Z: 8, rel: [2, 0, 0] }, { Z: 1, rel: [0, 1, 0] }], o);
  const fc = (r: number): number => 0.5 * (Math.cos((Math.PI * r) / 6) + 1);
  close(v[0], fc(2) + fc(1)); // 0.75 + 0.9330127
  // G2 shifted, n = 2: μ = 0.5 and 5.5, Δr = 5, η = 1/50
  const g2 = (mu: number): number => 8 * fc(2) * Math.exp(-(1 / 50) * (2 - mu) ** 2) + 1 * fc(1) * Math.exp(-(1 / 50) * (1 - mu) ** 2);
  close(v[1], g2(0.5));
  close(v[2], g2(5.5));
  // G4 centred, one radial function (r = 1 Å → η = 0.5, μ = 0), θ = 90° so cos = 0: both λ give the same
  const rjk = Math.sqrt(5);
  const g4 = 2 * 8 * 1 * fc(2) * fc(1) * fc(rjk) * Math.exp(-0.5 * (4 + 1 + 5));
  close(v[3], g4);
  close(v[4], g4);
  assert.equal(v.length, 5);
});

test('G4 distinguishes λ = ±1 for a linear triple and applies 2^(1−ζ)', () => {
  const o: WacsfOptions = { cutoff: 6, rMin: 0, nG2: 0, nG4: 4, lambdas: [1, -1], zetas: [1, 2], g2: 'shifted', g4: 'centred' };
  const v = wacsfFromEnvironment([{ Z: 1, rel: [1, 0, 0] }, { Z: 1, rel: [-1, 0, 0] }], o);
  // cos θ = −1: λ = +1 gives 0; λ = −1 gives (2)^ζ·2^(1−ζ) = 2 times the radial part
  close(v[1], 0);
  close(v[2], 0);
  const fc = (r: number): number => 0.5 * (Math.cos((Math.PI * r) / 6) + 1);
  const radial = 2 * fc(1) * fc(1) * fc(2) * Math.exp(-0.5 * (1 + 1 + 4));
  close(v[3], 2 * radial);
  close(v[4], 2 * radial);
});

function molecule(rot: (p: number[]) => number[], shift: number[]): ReturnType<typeof structureFromArrays> {
  const pts = [[0, 0, 0], [1.9, 0.1, 0], [-0.2, 2.0, 0.3], [0.1, -0.3, 2.1], [2.5, 2.5, 1.0], [-1.8, -1.2, -0.4]];
  return structureFromArrays({
    name: 'm', lattice: null, species: ['Fe', 'O', 'N', 'C', 'Cl', 'H'],
    cart: pts.map((p) => rot(p).map((x, i) => x + shift[i])),
  });
}

test('invariant to rotation and translation (molecule) and to the choice of cell (crystal)', () => {
  const a = wacsfForSite(molecule((p) => p, [0, 0, 0]), 0);
  const c = Math.cos(0.7), s = Math.sin(0.7);
  const b = wacsfForSite(molecule((p) => [c * p[0] - s * p[1], s * p[0] + c * p[1], p[2]], [3, -4, 10]), 0);
  for (let i = 0; i < a.length; i++) close(b[i], a[i], 1e-5);
  assert.ok(a[40] > 0, 'angular terms are non-zero for this molecule');

  // rock salt: conventional cubic cell vs the same crystal translated by half a cell
  const cubic = (t: number): ReturnType<typeof structureFromArrays> => structureFromArrays({
    name: 'NaCl', lattice: [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]],
    species: ['Na', 'Na', 'Na', 'Na', 'Cl', 'Cl', 'Cl', 'Cl'],
    frac: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]]
      .map((f) => f.map((x) => x + t)),
  });
  const x = wacsfForSite(cubic(0), 0);
  const y = wacsfForSite(cubic(0.37), 1);
  for (let i = 0; i < x.length; i++) close(y[i], x[i], 1e-5);
  // G1 counts the 6 Cl at 2.82 Å and 12 Na at 3.99 Å, 8 Cl at 4.88 Å, 6 Na at 5.64 Å
  const fc = (r: number): number => cosineCutoff(r, DEFAULT_WACSF_OPTIONS.cutoff);
  close(x[0], 6 * fc(2.82) + 12 * fc(2.82 * Math.SQRT2) + 8 * fc(2.82 * Math.sqrt(3)) + 6 * fc(5.64), 1e-5);
});

test('leave-one-out (occlusion) equals the descriptor recomputed without that atom; atoms beyond r_c are not counted', () => {
  const rocksalt = rocksaltFeO();
  // One atom just outside r_c: in the list, not in the sums.
  const env = [...environmentOf(rocksalt, 0, 6), { Z: 8, rel: [6.01, 0, 0] as [number, number, number] }];
  const leaveOut = wacsfLeaveOneOut(env);
  assert.equal(leaveOut(env.length - 1), null);
  const decoy = { Z: 26, rel: [0.3, 1.7, -0.9] as [number, number, number] };
  for (const i of [0, 5, 6, 30, env.length - 2]) {
    const fast = leaveOut(i);
    assert.ok(fast);
    const rest = env.filter((_, k) => k !== i);
    // The float32 sums of wacsfFromEnvironment drift by ~1e-5 over the ~3000 G4 pairs here …
    const slow = wacsfFromEnvironment(rest);
    fast.forEach((v, q) => close(v, slow[q], 5e-5));
    // … the float64 sums agree to rounding: the same environment plus a decoy, decoy taken out.
    const reference = wacsfLeaveOneOut([...rest, decoy])(rest.length);
    assert.ok(reference);
    fast.forEach((v, q) => close(v, reference[q], 1e-6));
    assert.ok(Math.abs(fast[0] - wacsfFromEnvironment(env)[0]) > 1e-3, 'G1 lost the atom');
  }
});
