// Neighbour sensitivity by occlusion (server/src/model/sensitivity.ts): the occluded graphs are
// what the model would see without the atom, and S_j is the mean |Δμ| of real predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineCutoff, radialParams, wacsfLength, type WacsfOptions } from '../../server/src/baseline/wacsf';
import { ANGULAR_FEATURE_SIZE, writeAngularFeatures } from '../../server/src/graph/angular';
import { buildAbsorberGraph, descriptorSize, edgeFeatureSize, graphFromNeighbourList } from '../../server/src/graph/build';
import { CONTEXT_FEATURE_SIZE, writeContextFeatures } from '../../server/src/graph/context';
import { NODE_FEATURE_SIZE } from '../../server/src/graph/features';
import type { AbsorberGraph, GraphOptions } from '../../server/src/graph/types';
import { loadTf } from '../../server/src/model/backend';
import { saveModel } from '../../server/src/model/modelFiles';
import { loadPredictor } from '../../server/src/model/predictor';
import { combineOcclusionBatches, neighbourOccluder, occludedGraphs, occlusionBatchRanges, occlusionSensitivity, occlusionSpread, rankDescending } from '../../server/src/model/sensitivity';
import { wacsfFromDistances } from '../../server/src/baseline/wacsf';
import { structureFromArrays } from '../../server/src/structure/build';
import { rocksaltFeO } from '../fixtures/rocksalt';
import { randomWeights, SMALL_CONFIG, smallDraft, tempDir } from '../fixtures/models/fixtures';

// Every feature block that can depend on another atom is switched on; the wACSF cutoff (3.5 Å)
// sits inside the graph cutoff, so some neighbours are in the descriptor and some are not. 26
// neighbours are rock salt's first three shells complete (6 + 12 + 8): with 20, the graph keeps 2
// of the 8 equivalent third-shell O and the cubic symmetry that the S_j test checks is broken.
const WACSF: WacsfOptions = { cutoff: 3.5, rMin: 0, nG2: 4, nG4: 8, lambdas: [1, -1], zetas: [1, 2], g2: 'shifted', g4: 'centred' };
const OPTS: GraphOptions = { maxNeighbours: 26, cutoff: 8, rbfCount: 16, linearRbfCount: 8, angular: true, context: true, descriptor: WACSF };
const E = edgeFeatureSize(OPTS);
const RADIAL = 1 + OPTS.rbfCount + (OPTS.linearRbfCount ?? 0);

/** Around Fe: 6 O at 2.15 Å, 12 Fe at 3.04 Å, 8 O at 3.72 Å (beyond the wACSF cutoff). */
const rocksalt = rocksaltFeO();

/** A low-symmetry Fe complex with fewer atoms than graph slots, some beyond the wACSF cutoff. */
const MOLECULE: [string, number[]][] = [
  ['Fe', [0, 0, 0]], ['O', [1.95, 0.1, -0.05]], ['O', [-0.2, 2.02, 0.1]], ['N', [0.05, -0.1, 2.1]], ['C', [-1.9, -0.3, 0.4]],
  ['C', [2.9, 0.9, 0.2]], ['H', [3.1, 1.9, -0.4]], ['S', [-0.6, 3.6, 1.2]], ['Cl', [0.4, -2.5, -1.1]], ['C', [-3.3, -0.8, 0.9]],
  ['H', [-3.9, 0.1, 1.4]], ['O', [1.2, 1.1, 4.6]],
];
const molecule = (skip = -1) => {
  const atoms = MOLECULE.filter((_, i) => i !== skip);
  return structureFromArrays({ name: 'complex', species: atoms.map(([el]) => el), cart: atoms.map(([, v]) => v) });
};

const edge = (g: AbsorberGraph, k: number): Float32Array => g.edgeFeatures.subarray(k * E, (k + 1) * E);
const node = (g: AbsorberGraph, k: number): Float32Array => g.nodeFeatures.subarray((k + 1) * NODE_FEATURE_SIZE, (k + 2) * NODE_FEATURE_SIZE);
const close = (x: ArrayLike<number>, y: ArrayLike<number>, tol: number, what: string): void => {
  assert.equal(x.length, y.length, `${what}: lengths`);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
};

test('molecule: the occluded graph is exactly the graph of the molecule without that atom', () => {
  const full = buildAbsorberGraph(molecule(), 0, OPTS);
  const occluded = occludedGraphs(full, molecule());
  assert.equal(occluded.length, MOLECULE.length - 1);
  occluded.forEach((g, j) => {
    // Structure site j + 1 is neighbour j only if the distance order matches the atom order;
    // find the source atom by its site index instead.
    const removedSite = full.neighbours[j].siteIndex;
    const rebuilt = buildAbsorberGraph(molecule(removedSite), 0, OPTS);
    assert.deepEqual(Array.from(g.mask), Array.from(rebuilt.mask), `mask without neighbour ${j}`);
    assert.deepEqual(Array.from(g.nodeFeatures), Array.from(rebuilt.nodeFeatures), `nodes without neighbour ${j}`);
    close(g.edgeFeatures, rebuilt.edgeFeatures, 1e-6, `edges without neighbour ${j}`);
    close(g.descriptor!, rebuilt.descriptor!, 1e-6, `wACSF without neighbour ${j}`);
  });
});

test('crystal: only the features that depend on the removed atom change, by exactly its contribution', () => {
  const full = buildAbsorberGraph(rocksalt, 0, OPTS);
  const real = full.neighbours.filter((n) => !n.virtual);
  const N = OPTS.maxNeighbours;
  assert.equal(real.length, N);
  const occluded = occludedGraphs(full, rocksalt);
  assert.equal(occluded.length, N);
  const g2 = radialParams(WACSF.nG2, WACSF.rMin, WACSF.cutoff, WACSF.g2);
  let inside = 0;
  occluded.forEach((g, j) => {
    const rj = real[j].vector!;
    // The removed slot is padding, last, exactly like a graph with N − 1 atoms.
    assert.equal(g.mask.reduce((s, m) => s + m, 0), N);
    assert.equal(g.mask[N], 0);
    assert.equal(g.neighbours[N - 1].virtual, true);
    assert.equal(edge(g, N - 1)[0], OPTS.cutoff);
    assert.ok(edge(g, N - 1).subarray(1).every((v) => v === 0), 'padding edge: zeros after the distance');
    assert.ok(node(g, N - 1).every((v) => v === 0), 'padding node: zeros');
    for (let k = 0, kk = 0; k < N; k++) {
      if (k === j) continue;
      const slot = kk++;
      assert.equal(g.neighbours[slot], real[k], `neighbour ${k} keeps its identity in slot ${slot}`);
      assert.deepEqual(Array.from(node(g, slot)), Array.from(node(full, k)), 'node features unchanged');
      // Distance and both RBF blocks depend on the edge alone: bit for bit the same.
      assert.deepEqual(Array.from(edge(g, slot).subarray(0, RADIAL)), Array.from(edge(full, k).subarray(0, RADIAL)), `radial block of edge ${k}`);
      // Angular and context blocks sum over pairs (k, other): full = occluded + pair (k, j).
      const pair = new Float32Array(2 * E);
      const vs = [...real[k].vector!, ...rj];
      writeAngularFeatures(vs, 2, OPTS.cutoff, pair, RADIAL, E);
      writeContextFeatures(vs, [real[k].Z, real[j].Z], 2, pair, RADIAL + ANGULAR_FEATURE_SIZE, E);
      const span = ANGULAR_FEATURE_SIZE + CONTEXT_FEATURE_SIZE;
      const sum = Array.from(edge(g, slot).subarray(RADIAL, RADIAL + span), (v, q) => v + pair[RADIAL + q]);
      close(sum, edge(full, k).subarray(RADIAL, RADIAL + span), 1e-5, `angular+context of edge ${k} without ${j}`);
    }
    // wACSF: G1 and G2 lose atom j's own term; G4 loses its pairs, and nothing changes beyond the cutoff.
    const dfull = full.descriptor!;
    const dg = g.descriptor!;
    const r = real[j].distance;
    const fc = cosineCutoff(r, WACSF.cutoff);
    assert.ok(Math.abs(dfull[0] - dg[0] - fc) < 1e-5, `G1 drops φ(r_j) = ${fc}`);
    for (let p = 0; p < WACSF.nG2; p++) {
      const term = real[j].Z * fc * Math.exp(-g2.eta[p] * (r - g2.mu[p]) ** 2);
      assert.ok(Math.abs(dfull[1 + p] - dg[1 + p] - term) < 1e-4 * (1 + term), `G2[${p}]`);
    }
    const g4Change = Array.from(dg.subarray(1 + WACSF.nG2)).reduce((s, v, q) => s + Math.abs(dfull[1 + WACSF.nG2 + q] - v), 0);
    if (r > WACSF.cutoff) {
      assert.deepEqual(Array.from(dg), Array.from(dfull), `neighbour ${j} at ${r.toFixed(2)} Å is outside the wACSF`);
    } else {
      inside++;
      assert.ok(g4Change > 0, `G4 changes when neighbour ${j} at ${r.toFixed(2)} Å goes`);
    }
  });
  assert.equal(inside, 18, '6 O + 12 Fe within 3.5 Å');
});

test('graph-only records: G1/G2 lose the atom\'s own term, also for atoms the graph truncated', () => {
  const o: GraphOptions = { ...OPTS, maxNeighbours: 6 };
  // Eight atoms within the wACSF cutoff, six graph slots: the descriptor counts all eight.
  const list = [1.9, 1.95, 2.0, 2.05, 2.6, 2.9, 3.1, 3.3].map((distance, i) => ({ element: i % 3 === 0 ? 'N' : 'O', distance }));
  const full = graphFromNeighbourList('Fe', list, o);
  const occluded = occludedGraphs(full);
  assert.equal(occluded.length, 6);
  occluded.forEach((g, j) => {
    const rest = list.filter((_, k) => k !== j);
    const expected = wacsfFromDistances(rest.map((x) => ({ Z: x.element === 'N' ? 7 : 8, distance: x.distance })), WACSF);
    close(g.descriptor!, expected, 1e-5, `descriptor without ${j}`);
    // Graph slots: the other five real neighbours, then padding (the 7th atom is not pulled in).
    assert.equal(g.mask.reduce((s, m) => s + m, 0), 1 + 5);
    assert.deepEqual(g.neighbours.filter((n) => !n.virtual).map((n) => n.distance), list.slice(0, 6).map((x) => x.distance).filter((_, k) => k !== j));
    assert.ok(g.edgeFeatures.subarray(0, 5 * edgeFeatureSize(o)).every(Number.isFinite));
  });
});

test('no neighbours: nothing to occlude; S of an empty set is empty; mismatched grids are refused', () => {
  const lone = structureFromArrays({ name: 'atom', species: ['Fe'], cart: [[0, 0, 0]] });
  const g = buildAbsorberGraph(lone, 0, OPTS);
  assert.deepEqual(occludedGraphs(g, lone), []);
  assert.deepEqual(occlusionSensitivity([1, 2], []), []);
  assert.throws(() => occlusionSensitivity([1, 2], [[1]]), /1 points, the full one 2/);
  assert.throws(() => occlusionSensitivity([], []), /empty energy grid/);
  assert.deepEqual(occlusionSensitivity([1, 2, 3], [[1, 2, 3], [0, 2, 5]]), [0, 1]);
  assert.deepEqual(rankDescending([0.1, 0.3, 0.1, 0.2]), [3, 1, 4, 2]);
});

// ---- S_j through a real (tiny, random) ensemble that reads every feature block ----

const TINY_SEEDS = [31, 32];

/** The tiny ensemble, or with `seeds` a model of just those members (one seed: a one-member model). */
function tinyModel(tf: Awaited<ReturnType<typeof loadTf>>['tf'], transform?: (name: string, data: Float32Array) => Float32Array, seeds = TINY_SEEDS): string {
  const config = { ...SMALL_CONFIG, edgeFeatureSize: E, descriptorSize: descriptorSize(OPTS) };
  assert.equal(config.descriptorSize, wacsfLength(WACSF));
  const members = seeds.map((seed) => randomWeights(tf, config, seed).map((w) => (transform ? { ...w, data: transform(w.name, w.data) } : w)));
  const dir = tempDir();
  saveModel(dir, { ...smallDraft('tiny-occlusion'), graph: OPTS, network: config }, members);
  return dir;
}

test('S_j on a tiny ensemble: finite, ≥ 0, equal for symmetry-equivalent atoms, and equal to two separate predictions', async () => {
  const { tf } = await loadTf('cpu');
  const p = await loadPredictor(tinyModel(tf), { tf });
  const full = buildAbsorberGraph(rocksalt, 0, OPTS);
  const occluded = occludedGraphs(full, rocksalt);
  const [whole, ...without] = p.predict([full, ...occluded], ['Fe-K-FEFF']);
  const S = occlusionSensitivity(whole.mu, without.map((x) => x.mu));
  assert.equal(S.length, 26);
  assert.ok(S.every((s) => Number.isFinite(s) && s >= 0), S.join(', '));
  assert.ok(S.some((s) => s > 1e-4), 'a random model notices some removal');
  // The six first-shell O are equivalent under the cubic point group; so are the twelve Fe.
  const spread = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);
  assert.ok(spread(S.slice(0, 6)) < 1e-5 * Math.max(...S), `first-shell O: ${S.slice(0, 6).join(', ')}`);
  assert.ok(spread(S.slice(6, 18)) < 1e-5 * Math.max(...S), `second-shell Fe: ${S.slice(6, 18).join(', ')}`);
  assert.ok(spread(S.slice(18, 26)) < 1e-5 * Math.max(...S), `third-shell O: ${S.slice(18, 26).join(', ')}`);
  // Cross-check against two separate single-graph forward passes.
  for (const j of [0, 7, 25]) {
    const [alone] = p.predict([full], ['Fe-K-FEFF']);
    const [gone] = p.predict([occluded[j]], ['Fe-K-FEFF']);
    const direct = alone.mu.reduce((s, m, i) => s + Math.abs(m - gone.mu[i]), 0) / alone.mu.length;
    assert.ok(Math.abs(direct - S[j]) < 1e-6, `S_${j}: batched ${S[j]} vs separate ${direct}`);
  }
  p.dispose();
});

test('a neighbour whose removal changes nothing the model reads gives S = 0', async () => {
  const { tf } = await loadTf('cpu');
  // Attention heads with a zero update kernel emit their bias whatever the neighbours are: the
  // model then reads the graph only through the absorber's wACSF (3.5 Å).
  const p = await loadPredictor(tinyModel(tf, (name, data) => (/^head\d+\.update\.kernel$/.test(name) ? new Float32Array(data.length) : data)), { tf });
  const full = buildAbsorberGraph(rocksalt, 0, OPTS);
  const [whole, ...without] = p.predict([full, ...occludedGraphs(full, rocksalt)], ['Fe-K-FEFF']);
  const S = occlusionSensitivity(whole.mu, without.map((x) => x.mu));
  const distances = full.neighbours.map((n) => n.distance);
  S.forEach((s, j) => {
    if (distances[j] > WACSF.cutoff) assert.equal(s, 0, `neighbour ${j} at ${distances[j].toFixed(2)} Å is invisible to this model`);
    else assert.ok(s > 1e-5, `neighbour ${j} at ${distances[j].toFixed(2)} Å changes the wACSF: S = ${s}`);
  });
  assert.equal(S.filter((s) => s === 0).length, 8, 'the eight third-shell O');
  p.dispose();
});

// ---- the spread of S_j across ensemble members ----

test('occlusionSpread: sample s.d. over members of each member\'s own mean |Δμ|; 0 for one member; shapes checked', () => {
  // Member 0: S = [1, 0]; member 1: S = [3, 0]; member 2: S = [2, 0] → s.d. [1, 0].
  const full = [[0, 0], [0, 0], [1, 1]];
  const occluded = [[[1, -1], [3, 3], [3, -1]], [[0, 0], [0, 0], [1, 1]]];
  assert.deepEqual(occlusionSpread(full, occluded), [1, 0]);
  assert.deepEqual(occlusionSpread([[0, 0]], [[[5, 5]], [[1, 2]]]), [0, 0], 'one member: nothing to disagree');
  assert.deepEqual(occlusionSpread([[0, 0], [0, 0]], []), []);
  assert.throws(() => occlusionSpread([[0, 0], [0, 0]], [[[1, 1]]]), /occluded spectrum 0 has 1 members, the full one 2/);
  assert.throws(() => occlusionSpread([], []), /no ensemble members/);
});

test('S_j spread on the tiny ensemble = the s.d. of S_j from separate one-member predictions; a one-member model has spread 0', async () => {
  const { tf } = await loadTf('cpu');
  const full = buildAbsorberGraph(rocksalt, 0, OPTS);
  const occluded = occludedGraphs(full, rocksalt);
  // As the language server runs it: one batch, member curves from the same forward pass.
  const ens = await loadPredictor(tinyModel(tf), { tf });
  const [whole, ...without] = ens.predict([full, ...occluded], ['Fe-K-FEFF'], { members: true });
  assert.equal(whole.members?.length, 2);
  const spread = occlusionSpread(whole.members!, without.map((p) => p.members!));
  assert.equal(spread.length, 26);
  ens.dispose();

  // By hand: each member saved as its own model, the full and each occluded graph predicted
  // one at a time, S_j^m = mean |Δμ| per member, then the sample s.d. (n − 1 = 1) over members.
  const perMember: number[][] = [];
  for (const seed of TINY_SEEDS) {
    const one = await loadPredictor(tinyModel(tf, undefined, [seed]), { tf });
    const [alone] = one.predict([full], ['Fe-K-FEFF']);
    perMember.push(occluded.map((g) => {
      const [gone] = one.predict([g], ['Fe-K-FEFF']);
      return alone.mu.reduce((s, m, i) => s + Math.abs(m - gone.mu[i]), 0) / alone.mu.length;
    }));
    one.dispose();
  }
  spread.forEach((sd, j) => {
    const [a, b] = [perMember[0][j], perMember[1][j]];
    const mean = (a + b) / 2;
    const hand = Math.sqrt(((a - mean) ** 2 + (b - mean) ** 2) / 1);
    assert.ok(Math.abs(sd - hand) < 1e-6, `spread of S_${j}: ${sd} vs by hand ${hand} (members ${a}, ${b})`);
  });
  assert.ok(spread.some((sd) => sd > 1e-5), 'two random members disagree about some S_j');
  assert.ok(spread.every((sd) => Number.isFinite(sd) && sd >= 0));

  // One member: its curves are the mean, and the spread is exactly 0.
  const single = await loadPredictor(tinyModel(tf, undefined, [TINY_SEEDS[0]]), { tf });
  const [w1, ...o1] = single.predict([full, ...occluded], ['Fe-K-FEFF'], { members: true });
  assert.equal(w1.members?.length, 1);
  assert.deepEqual(w1.members![0], w1.mu);
  assert.deepEqual(occlusionSpread(w1.members!, o1.map((p) => p.members!)), new Array<number>(26).fill(0));
  single.dispose();
});

test('occlusion in batches (as the language server runs it): ranges of ≤ 10, graphs built one at a time equal occludedGraphs; S_j, spread and rank equal one 27-graph batch', async () => {
  const { tf } = await loadTf('cpu');
  const full = buildAbsorberGraph(rocksalt, 0, OPTS);
  const occluded = occludedGraphs(full, rocksalt);
  assert.deepEqual(occlusionBatchRanges(26, 10), [[0, 10], [10, 20], [20, 26]]);
  assert.deepEqual(occlusionBatchRanges(20, 10), [[0, 10], [10, 20]]);
  assert.deepEqual(occlusionBatchRanges(0, 10), [], 'no neighbours: no jobs');
  assert.throws(() => occlusionBatchRanges(26, 0), /batch size must be at least 1/);
  const occluder = neighbourOccluder(full, rocksalt);
  assert.equal(occluder.count, 26);
  for (const j of [0, 13, 25]) assert.deepEqual(occluder.without(j), occluded[j], `graph without neighbour ${j}`);
  assert.throws(() => occluder.without(26), /no real neighbour 26 \(the graph has 26\)/);

  const ens = await loadPredictor(tinyModel(tf), { tf });
  const [whole, ...without] = ens.predict([full, ...occluded], ['Fe-K-FEFF'], { members: true });
  const S = occlusionSensitivity(whole.mu, without.map((p) => p.mu));
  const spread = occlusionSpread(whole.members!, without.map((p) => p.members!));
  const batches = occlusionBatchRanges(occluder.count, 10).map(([a, b]) => [full, ...Array.from({ length: b - a }, (_, k) => occluder.without(a + k))]);
  const combined = combineOcclusionBatches(batches.map((g) => ens.predict(g, ['Fe-K-FEFF'], { members: true }).map((p) => ({ mu: p.mu, members: p.members! }))));
  assert.equal(combined.values.length, 26);
  combined.values.forEach((v, j) => assert.ok(Math.abs(v - S[j]) < 1e-6, `S_${j}: batched ${v} vs one pass ${S[j]}`));
  combined.spread.forEach((v, j) => assert.ok(Math.abs(v - spread[j]) < 1e-6, `spread_${j}: ${v} vs ${spread[j]}`));
  assert.deepEqual([...combined.rank].sort((a, b) => a - b), Array.from({ length: 26 }, (_, i) => i + 1), 'ranks 1..26, each once');
  const top = combined.rank.indexOf(1);
  assert.equal(combined.values[top], Math.max(...combined.values), 'rank 1 is the largest S_j');
  ens.dispose();
});
