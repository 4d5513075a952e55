import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAbsorberGraph, edgeFeatureSize, graphFromNeighbourList } from '../../server/src/graph/build';
import {
  CONTEXT_FEATURE_SIZE, CONTEXT_GROUPS, CONTEXT_RADII, CONTEXT_SCALE, CONTEXT_WIDTHS, contextGroup, writeContextFeatures,
} from '../../server/src/graph/context';
import { DEFAULT_GRAPH_OPTIONS, type GraphOptions } from '../../server/src/graph/types';
import { structureFromArrays } from '../../server/src/structure/build';

const M = CONTEXT_RADII.length;
const group = (name: (typeof CONTEXT_GROUPS)[number]): number => CONTEXT_GROUPS.indexOf(name);
const shell = (d: number, m: number): number => CONTEXT_SCALE * Math.exp(-0.5 * ((d - CONTEXT_RADII[m]) / CONTEXT_WIDTHS[m]) ** 2);

function features(vectors: number[][], zs: number[]): Float32Array[] {
  const out = new Float32Array(vectors.length * CONTEXT_FEATURE_SIZE).fill(7);
  writeContextFeatures(vectors.flat(), zs, vectors.length, out, 0, CONTEXT_FEATURE_SIZE);
  return vectors.map((_, j) => out.subarray(j * CONTEXT_FEATURE_SIZE, (j + 1) * CONTEXT_FEATURE_SIZE));
}

test('elements fall into their chemical groups', () => {
  assert.equal(contextGroup(1), group('H'));
  assert.equal(contextGroup(6), group('B/C/Si/Ge'));
  assert.equal(contextGroup(15), group('N/P/As/Sb'));
  assert.equal(contextGroup(34), group('O/S/Se/Te'));
  assert.equal(contextGroup(53), group('F/Cl/Br/I'));
  assert.equal(contextGroup(11), group('s-block'));
  assert.equal(contextGroup(26), group('other'));
  assert.equal(contextGroup(0), group('other'));
});

test('a carbonyl carbon and a methyl carbon differ by what they are bonded to', () => {
  // Fe at the origin; C of a carbonyl along +x with its O 1.13 Å further out; a methyl C along
  // −x with three H at 1.09 Å.
  const co = 1.13;
  const ch = 1.09;
  const hs = [0, 1, 2].map((i) => {
    const a = (2 * Math.PI * i) / 3;
    // H at 109.5° from the Fe–C axis: 1.09 Å from C.
    const c = Math.cos((109.5 * Math.PI) / 180);
    const s = Math.sin((109.5 * Math.PI) / 180);
    return [-2.05 - ch * c, ch * s * Math.cos(a), ch * s * Math.sin(a)];
  });
  const vectors = [[1.8, 0, 0], [1.8 + co, 0, 0], [-2.05, 0, 0], ...hs];
  const [carbonyl, oxygen, methyl] = features(vectors, [6, 8, 6, 1, 1, 1]);
  const O = group('O/S/Se/Te') * M;
  const H = group('H') * M;
  // The carbonyl C sees one O at 1.13 Å in every shell in proportion to that shell's Gaussian.
  for (let m = 0; m < M; m++) assert.ok(Math.abs(carbonyl[O + m] - shell(co, m)) < 1e-6, `carbonyl O shell ${m}`);
  assert.ok(carbonyl[H] < 1e-6, 'no hydrogen near the carbonyl carbon');
  // The methyl C sees three H at 1.09 Å (and the carbonyl atoms ~4 Å away, beyond every shell).
  assert.ok(Math.abs(methyl[H] - 3 * shell(ch, 0)) < 1e-5, `methyl H count ${methyl[H]}`);
  assert.ok(methyl[O + 0] < 1e-6);
  // The O sees its C partner in the carbon group.
  assert.ok(Math.abs(oxygen[group('B/C/Si/Ge') * M] - shell(co, 0)) < 1e-6);
});

test('zero vectors contribute nothing and are overwritten with zeros', () => {
  const with0 = features([[2, 0, 0], [0, 0, 0], [2, 1.4, 0]], [8, 6, 6]);
  const without = features([[2, 0, 0], [2, 1.4, 0]], [8, 6, 6]);
  with0[0].forEach((v, q) => assert.ok(Math.abs(v - without[0][q]) < 1e-7));
  assert.ok(with0[1].every((v) => v === 0));
});

test('graphs: the context block follows the angular one; graph-only records without vectors get zeros', () => {
  const options: GraphOptions = { ...DEFAULT_GRAPH_OPTIONS, angular: true, context: true };
  const E = edgeFeatureSize(options);
  assert.equal(E, 1 + 64 + 25 + CONTEXT_FEATURE_SIZE);
  // Water bound to Cu: the O neighbour's context holds the two H at 0.96 Å.
  const mol = structureFromArrays({
    name: 'CuOH2', species: ['Cu', 'O', 'H', 'H'],
    cart: [[0, 0, 0], [1.95, 0, 0], [2.3, 0.89, 0], [2.3, -0.89, 0]],
  });
  const g = buildAbsorberGraph(mol, 0, options);
  const angularOnly = buildAbsorberGraph(mol, 0, { ...options, context: false });
  const A = E - CONTEXT_FEATURE_SIZE;
  for (let q = 0; q < A; q++) assert.equal(g.edgeFeatures[q], angularOnly.edgeFeatures[q]);
  const oh = Math.hypot(0.35, 0.89);
  assert.equal(g.neighbours[0].element, 'O');
  assert.ok(Math.abs(g.edgeFeatures[A + group('H') * M] - 2 * shell(oh, 0)) < 1e-5);
  for (let j = 3; j < 20; j++) for (let q = A; q < E; q++) assert.equal(g.edgeFeatures[j * E + q], 0, 'padding stays 0');
  const listed = graphFromNeighbourList('Cu', [{ element: 'O', distance: 1.95 }, { element: 'H', distance: 2.48 }], options);
  for (let q = 0; q < 20 * E; q++) if (q % E >= A) assert.equal(listed.edgeFeatures[q], 0);
});
