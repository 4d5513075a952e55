import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANGULAR_COSINES, ANGULAR_FEATURE_SIZE, ANGULAR_RADII, ANGULAR_SCALE, angularGridSize, FINE_ANGULAR_GRID, writeAngularFeatures,
} from '../../server/src/graph/angular';
import { buildAbsorberGraph, edgeFeatureSize, graphFromNeighbourList } from '../../server/src/graph/build';
import { smoothCutoff } from '../../server/src/graph/rbf';
import { DEFAULT_GRAPH_OPTIONS, type GraphOptions } from '../../server/src/graph/types';
import { structureFromArrays } from '../../server/src/structure/build';

const L = ANGULAR_COSINES.length;
const bin = (m: number, l: number): number => m * L + l;

function features(vectors: number[][], cutoff = 8): Float32Array[] {
  const out = new Float32Array(vectors.length * ANGULAR_FEATURE_SIZE);
  writeAngularFeatures(vectors.flat(), vectors.length, cutoff, out, 0, ANGULAR_FEATURE_SIZE);
  return vectors.map((_, j) => out.subarray(j * ANGULAR_FEATURE_SIZE, (j + 1) * ANGULAR_FEATURE_SIZE));
}

const r0 = ANGULAR_RADII[0];
const octahedron = [[r0, 0, 0], [-r0, 0, 0], [0, r0, 0], [0, -r0, 0], [0, 0, r0], [0, 0, -r0]];

test('octahedron: each ligand sees 4 cis partners at cos 0 and 1 trans partner at cos −1', () => {
  const one = ANGULAR_SCALE * smoothCutoff(r0, 8); // a partner exactly on a shell and cosine centre
  for (const f of features(octahedron)) {
    // Exact up to the tails of the neighbouring cosine Gaussians (< 0.2 %).
    assert.ok(Math.abs(f[bin(0, 2)] - 4 * one) < 2e-3 * 4 * one, `cis ${f[bin(0, 2)]}`);
    assert.ok(Math.abs(f[bin(0, 0)] - 1 * one) < 1e-3 * one + 4 * one * Math.exp(-0.5 / 0.09), `trans ${f[bin(0, 0)]}`);
    // Nothing collinear behind a ligand: the cos +1 bin holds only the tails of the cis Gaussians.
    assert.ok(f[bin(0, 4)] < 0.01 * f[bin(0, 2)]);
  }
});

test('tetrahedron has no trans partner; an octahedron has one: the inversion-centre signal', () => {
  const t = r0 / Math.sqrt(3);
  const tetra = [[t, t, t], [t, -t, -t], [-t, t, -t], [-t, -t, t]];
  const ft = features(tetra)[0];
  const fo = features(octahedron)[0];
  // cos θ = −1/3 for every tetrahedral pair: between the −0.5 and 0 centres, far from −1.
  assert.ok(ft[bin(0, 0)] < 0.3 * fo[bin(0, 0)], `tetra trans ${ft[bin(0, 0)]} vs octa ${fo[bin(0, 0)]}`);
  assert.ok(ft[bin(0, 1)] > ft[bin(0, 3)]);
});

test('invariant under rotation, equivariant under permutation of the neighbours', () => {
  const vs = [[1.9, 0.2, -0.1], [-0.3, 2.1, 0.4], [0.5, -0.2, -2.3], [2.5, 2.0, 1.0], [-3.1, -0.4, 2.2]];
  const [c, s] = [Math.cos(0.7), Math.sin(0.7)];
  const [c2, s2] = [Math.cos(-1.3), Math.sin(-1.3)];
  const rot = (v: number[]): number[] => {
    const x = c * v[0] - s * v[1], y = s * v[0] + c * v[1];
    return [x, c2 * y - s2 * v[2], s2 * y + c2 * v[2]];
  };
  const a = features(vs);
  const b = features(vs.map(rot));
  const perm = [3, 0, 4, 1, 2];
  const p = features(perm.map((i) => vs[i]));
  a.forEach((f, j) => f.forEach((v, q) => {
    assert.ok(Math.abs(v - b[j][q]) < 1e-5, `rotation changed edge ${j} feature ${q}`);
    assert.ok(Math.abs(v - p[perm.indexOf(j)][q]) < 1e-6, `permutation changed edge ${j} feature ${q}`);
  }));
});

test('partners fade out smoothly at the cutoff and zero vectors contribute nothing', () => {
  const near = features([[2, 0, 0], [0, 4.7, 0]], 5)[0];
  const far = features([[2, 0, 0], [0, 5.2, 0]], 5)[0];
  assert.ok(near.some((v) => v > 0));
  assert.ok(far.every((v) => v === 0), 'a partner beyond the cutoff adds nothing');
  const withZero = features([[2, 0, 0], [0, 0, 0], [0, 2.4, 0]]);
  const without = features([[2, 0, 0], [0, 2.4, 0]]);
  withZero[0].forEach((v, q) => assert.ok(Math.abs(v - without[0][q]) < 1e-7));
  assert.ok(withZero[1].every((v) => v === 0));
});

test('graphs: angular block follows the RBFs; graph-only records without vectors get zeros', () => {
  const options: GraphOptions = { ...DEFAULT_GRAPH_OPTIONS, angular: true };
  assert.equal(edgeFeatureSize(options), 1 + 64 + ANGULAR_FEATURE_SIZE);
  assert.equal(edgeFeatureSize(DEFAULT_GRAPH_OPTIONS), 65);
  const mol = structureFromArrays({
    name: 'FeO6', species: ['Fe', 'O', 'O', 'O', 'O', 'O', 'O'],
    cart: [[0, 0, 0], ...octahedron.map((v) => v.map((x) => x * 1.05))],
  });
  const g = buildAbsorberGraph(mol, 0, options);
  const E = edgeFeatureSize(options);
  const plain = buildAbsorberGraph(mol, 0);
  for (let j = 0; j < 6; j++) {
    // Distance and RBFs unchanged by the extra block.
    for (let q = 0; q < 65; q++) assert.equal(g.edgeFeatures[j * E + q], plain.edgeFeatures[j * 65 + q]);
    assert.ok(g.edgeFeatures[j * E + 65 + bin(0, 2)] > 0.5, 'cis block filled');
  }
  for (let j = 6; j < 20; j++) for (let q = 65; q < E; q++) assert.equal(g.edgeFeatures[j * E + q], 0, 'padding stays 0');
  const listed = graphFromNeighbourList('Fe', octahedron.map(() => ({ element: 'O', distance: r0 })), options);
  for (let q = 0; q < 20 * E; q++) if (q % E >= 65) assert.equal(listed.edgeFeatures[q], 0);
  const withVectors = graphFromNeighbourList('Fe', octahedron.map((v) => ({ element: 'O', distance: r0, vector: v as [number, number, number] })), options);
  assert.ok(withVectors.edgeFeatures[65 + bin(0, 2)] > 0.5, 'listed neighbours with vectors get angular features');
});

test('Z-weighted block: each partner counts Z/26; all-Fe partners reproduce the plain block, an H partner barely counts', () => {
  const options: GraphOptions = { ...DEFAULT_GRAPH_OPTIONS, angular: true, angularZ: true };
  assert.equal(edgeFeatureSize(options), 1 + 64 + 2 * ANGULAR_FEATURE_SIZE);
  const E = edgeFeatureSize(options);
  const at = 65 + ANGULAR_FEATURE_SIZE;
  const complex = (partners: string[]) => structureFromArrays({
    name: 'complex', species: ['Fe', ...partners],
    cart: [[0, 0, 0], ...octahedron.slice(0, partners.length).map((v) => v.map((x) => x * 1.05))],
  });
  // Six Fe partners: weights exactly 1, the weighted block equals the plain one.
  const allFe = buildAbsorberGraph(complex(['Fe', 'Fe', 'Fe', 'Fe', 'Fe', 'Fe']), 0, options);
  for (let j = 0; j < 6; j++) {
    for (let q = 0; q < ANGULAR_FEATURE_SIZE; q++) {
      assert.ok(Math.abs(allFe.edgeFeatures[j * E + at + q] - allFe.edgeFeatures[j * E + 65 + q]) < 1e-6);
    }
  }
  // O everywhere but one H: the ligand trans to the H (same axis, opposite side) sees that
  // partner in its trans bin with weight 1/26 instead of 8/26 for an O.
  const g = buildAbsorberGraph(complex(['O', 'O', 'O', 'O', 'O', 'H']), 0, options);
  const transTo = (el: string) => g.neighbours.findIndex((n) => n.element === el);
  const h = transTo('H');
  const hVec = g.neighbours[h].cart;
  const opposite = g.neighbours.findIndex((n) => Math.abs(n.cart[0] + hVec[0]) + Math.abs(n.cart[1] + hVec[1]) + Math.abs(n.cart[2] + hVec[2]) < 1e-6);
  assert.ok(opposite >= 0 && opposite !== h);
  const plainTrans = g.edgeFeatures[opposite * E + 65 + bin(0, 0)];
  const weightedTrans = g.edgeFeatures[opposite * E + at + bin(0, 0)];
  // The trans bin also holds the cis partners' tails (4 O, weight 8/26 each).
  const oppositeO = buildAbsorberGraph(complex(['O', 'O', 'O', 'O', 'O', 'O']), 0, options);
  const allOTrans = oppositeO.edgeFeatures[opposite * E + 65 + bin(0, 0)];
  assert.ok(Math.abs(plainTrans - allOTrans) < 1e-6, 'the plain block cannot tell H from O');
  const oTransWeighted = oppositeO.edgeFeatures[opposite * E + at + bin(0, 0)];
  assert.ok(Math.abs(oTransWeighted - (8 / 26) * allOTrans) < 1e-6, 'all O: the weighted block is 8/26 of the plain one');
  assert.ok(weightedTrans < oTransWeighted - 0.2 * oTransWeighted, `an H trans partner counts less: ${weightedTrans} vs ${oTransWeighted}`);
});

test('fine block: written after the others on its own grid; it tells apart partners the coarse grid lumps together', () => {
  const fine = angularGridSize(FINE_ANGULAR_GRID);
  assert.equal(fine, 90);
  const options: GraphOptions = { ...DEFAULT_GRAPH_OPTIONS, angular: true, angularFine: true };
  const E = edgeFeatureSize(options);
  assert.equal(E, 1 + 64 + ANGULAR_FEATURE_SIZE + fine);
  // Absorber, one ligand on x, and a partner at 150° from the ligand: at 3.0 Å or 3.25 Å.
  const graph = (r: number) => buildAbsorberGraph(structureFromArrays({
    name: 'pair', species: ['Fe', 'O', 'Cu'],
    cart: [[0, 0, 0], [1.9, 0, 0], [r * Math.cos((150 * Math.PI) / 180), r * Math.sin((150 * Math.PI) / 180), 0]],
  }), 0, options);
  const [near, far] = [graph(3.0), graph(3.25)];
  const ligand = (g: ReturnType<typeof graph>) => g.neighbours.findIndex((n) => n.element === 'O');
  const block = (g: ReturnType<typeof graph>, start: number, size: number) => {
    const j = ligand(g);
    return g.edgeFeatures.subarray(j * E + start, j * E + start + size);
  };
  const argmax = (a: Float32Array) => a.indexOf(Math.max(...a));
  // The coarse grid puts both partners in one bin (the 3.0 Å shell, cos −0.87 nearest −1); the
  // fine grid puts them in the 2.9 and 3.3 Å shells, and in the cos −0.75 bin.
  assert.equal(argmax(block(near, 65, ANGULAR_FEATURE_SIZE)), argmax(block(far, 65, ANGULAR_FEATURE_SIZE)));
  const [nf, ff] = [block(near, 65 + ANGULAR_FEATURE_SIZE, fine), block(far, 65 + ANGULAR_FEATURE_SIZE, fine)];
  const cosL = FINE_ANGULAR_GRID.cosines.length;
  assert.notEqual(Math.floor(argmax(nf) / cosL), Math.floor(argmax(ff) / cosL), 'different fine shells');
  assert.equal(FINE_ANGULAR_GRID.cosines[argmax(nf) % cosL], -0.75);
  // Same numbers as writeAngularFeatures on the fine grid.
  const g = near;
  const vectors = g.neighbours.filter((n) => !n.virtual).flatMap((n) => n.vector as number[]);
  const out = new Float32Array(2 * fine);
  writeAngularFeatures(vectors, 2, 8, out, 0, fine, undefined, FINE_ANGULAR_GRID);
  const j = ligand(g);
  for (let q = 0; q < fine; q++) assert.ok(Math.abs(out[j * fine + q] - nf[q]) < 1e-6);
});
