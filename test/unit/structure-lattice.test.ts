import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latticeFromParameters, latticeFromMatrix, fracToCart, cartToFrac } from '../../server/src/structure/lattice';
import { structureFromArrays } from '../../server/src/structure/build';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('cubic lattice is diagonal with exact zeros', () => {
  const l = latticeFromParameters(5.64, 5.64, 5.64, 90, 90, 90);
  assert.deepEqual(l.matrix, [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]]);
  close(l.volume, 5.64 ** 3);
});

test('hexagonal lattice: a along x, b in xy-plane, round trip of parameters', () => {
  const l = latticeFromParameters(3.25, 3.25, 5.2, 90, 90, 120);
  close(l.matrix[1][0], -3.25 / 2);
  close(l.matrix[1][1], 3.25 * Math.sqrt(3) / 2);
  assert.equal(l.matrix[0][1], 0);
  assert.equal(l.matrix[0][2], 0);
  close(l.volume, (Math.sqrt(3) / 2) * 3.25 * 3.25 * 5.2, 1e-9);
  const m = latticeFromMatrix(l.matrix);
  close(m.gamma, 120);
  close(m.alpha, 90);
  close(m.c, 5.2);
});

test('triclinic lattice reproduces its parameters and volume formula', () => {
  const [a, b, c, al, be, ga] = [5.1, 6.2, 7.3, 81, 95, 103];
  const l = latticeFromParameters(a, b, c, al, be, ga);
  const m = latticeFromMatrix(l.matrix);
  close(m.a, a); close(m.b, b); close(m.c, c);
  close(m.alpha, al); close(m.beta, be); close(m.gamma, ga);
  const r = Math.PI / 180;
  const v = a * b * c * Math.sqrt(1 - Math.cos(al * r) ** 2 - Math.cos(be * r) ** 2 - Math.cos(ga * r) ** 2
    + 2 * Math.cos(al * r) * Math.cos(be * r) * Math.cos(ga * r));
  close(l.volume, v, 1e-9);
  const f: [number, number, number] = [0.1, 0.7, 0.35];
  const back = cartToFrac(l, fracToCart(l, f));
  f.forEach((x, i) => close(back[i], x, 1e-12));
});

test('impossible cells throw clear errors', () => {
  assert.throws(() => latticeFromParameters(-1, 1, 1, 90, 90, 90), /cell length a/);
  assert.throws(() => latticeFromParameters(1, 1, 1, 10, 10, 120), /do not form a cell/);
  assert.throws(() => latticeFromMatrix([[1, 0, 0], [2, 0, 0], [0, 0, 1]]), /zero volume/);
});

test('structureFromArrays: P1 periodic with wrap, atomic numbers and symbols', () => {
  const s = structureFromArrays({
    name: 'x', lattice: [[4, 0, 0], [0, 4, 0], [0, 0, 4]],
    species: ['26', 'o', 'O'], frac: [[1.25, -0.25, 0], [0.5, 0.5, 0.5], [0, 0, 0.999999999999]],
  });
  assert.deepEqual(s.sites.map((x) => x.element), ['Fe', 'O', 'O']);
  assert.deepEqual(s.sites[0].frac, [0.25, 0.75, 0]);
  assert.deepEqual(s.sites[0].cart, [1, 3, 0]);
  assert.deepEqual(s.sites[2].frac, [0, 0, 0]);
  assert.deepEqual(s.orbits, [[0], [1], [2]]);
  assert.deepEqual(s.pbc, [true, true, true]);
  assert.equal(s.sites[1].label, 'O2');
  assert.equal(s.sites[0].Z, 26);
});

test('structureFromArrays: molecule and bad input', () => {
  const m = structureFromArrays({ name: 'm', lattice: null, species: ['C', 'H'], cart: [[0, 0, 0], [1.09, 0, 0]] });
  assert.equal(m.lattice, null);
  assert.equal(m.sites[1].frac, null);
  assert.deepEqual(m.pbc, [false, false, false]);
  assert.throws(() => structureFromArrays({ name: 'm', species: ['Xx'], cart: [[0, 0, 0]] }), /Xx/);
  assert.throws(() => structureFromArrays({ name: 'm', species: ['C'], cart: [[0, 0]] }), /cart\[0\]/);
  assert.throws(() => structureFromArrays({ name: 'm', species: ['C'], frac: [[0, 0, 0]] }), /need a lattice/);
  assert.throws(() => structureFromArrays({ name: 'm', species: ['C', 'C'], cart: [[0, 0, 0]] }), /2 species but 1/);
});
