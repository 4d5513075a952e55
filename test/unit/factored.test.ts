import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { batchGraphs, buildAbsorberGraph } from '../../server/src/graph/build';
import type { AbsorberGraph } from '../../server/src/graph/types';
import { loadTf, type TfModule } from '../../server/src/model/backend';
import { factorGraphBatch } from '../../server/src/model/factored';
import { loadModelFiles } from '../../server/src/model/modelFiles';
import { XanesNetwork } from '../../server/src/model/network';
import { createPredictor } from '../../server/src/model/predictor';
import { parseDocument } from '../../server/src/parse';
import type { Structure } from '../../server/src/structure/types';
import { denseForward } from '../fixtures/models/denseForward';
import { randomGraphs, randomWeights, SMALL_CONFIG, SHIPPED_MODEL } from '../fixtures/models/fixtures';

const MODEL = SHIPPED_MODEL;

function structure(file: string): Structure {
  const doc = parseDocument(fs.readFileSync(path.resolve('test/fixtures/structures', file), 'utf8'), 'cif');
  const s = doc.blocks[0].structure;
  assert.ok(s, `${file} parses to a structure`);
  return s;
}

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < want.length; i++) {
    num = Math.max(num, Math.abs(got[i] - want[i]));
    den = Math.max(den, Math.abs(want[i]));
  }
  return num / Math.max(den, 1e-12);
}

function both(tf: TfModule, net: XanesNetwork, graphs: AbsorberGraph[]): { dense: Float32Array[]; factored: Float32Array[] } {
  const batch = batchGraphs(graphs);
  return tf.tidy(() => {
    const inputs = net.inputsFromBatch(batch);
    const d = denseForward(net, inputs);
    const f = net.forwardBatch(batch);
    const read = (r: typeof d): Float32Array[] => [...r.outputs, r.attention].map((t) => t.dataSync() as Float32Array);
    return { dense: read(d), factored: read(f) };
  });
}

test('shipped model: factored forward = dense forward on real Cu, Fe and Ti graphs (rel. error < 1e-4)', async () => {
  if (!fs.existsSync(path.join(MODEL, 'metadata.json'))) return;
  const { tf } = await loadTf('cpu');
  const { metadata, members } = loadModelFiles(MODEL);
  const net = new XanesNetwork(tf, metadata.network);
  net.setWeights(members[0]);
  const graphs: AbsorberGraph[] = [];
  for (const [file, element] of [['CuO-tenorite-C2c.cif', 'Cu'], ['magnetite-Fd-3m.cif', 'Fe'], ['rutile-TiO2.cif', 'Ti']] as const) {
    const s = structure(file);
    s.sites.forEach((site, i) => { if (site.element === element && graphs.length < 12) graphs.push(buildAbsorberGraph(s, i, metadata.graph)); });
  }
  assert.ok(graphs.length >= 6, `${graphs.length} graphs`);
  const { dense, factored } = both(tf, net, graphs);
  dense.forEach((want, k) => {
    const err = relErr(factored[k], want);
    assert.ok(err < 1e-4, `output ${k}: relative error ${err}`);
  });
  // The attention rows: one per slot (all maxNeighbours slots are real in these crystals).
  const att = factored[factored.length - 1];
  assert.equal(att.length, graphs.length * metadata.network.heads * metadata.graph.maxNeighbours);
  net.dispose();
});

test('predictor on the shipped model gives the dense forward\'s spectra and attention', async () => {
  if (!fs.existsSync(path.join(MODEL, 'metadata.json'))) return;
  const { tf } = await loadTf('cpu');
  const p = createPredictor(tf, MODEL, 'cpu', 64);
  const s = structure('CuO-tenorite-C2c.cif');
  const cu = s.sites.map((x, i) => (x.element === 'Cu' ? i : -1)).filter((i) => i >= 0);
  const graphs = cu.map((i) => buildAbsorberGraph(s, i, p.metadata.graph));
  const domain = p.domainFor('Cu');
  assert.ok(domain);
  const preds = p.predict(graphs, [domain.id]);
  // Asked for, the members' own curves (neighbour sensitivity's spread) come with the mean.
  const withMembers = p.predict(graphs, [domain.id], { members: true });
  // The predictor averages the ensemble members: de-normalised spectra and attention alike.
  const { metadata, members } = loadModelFiles(MODEL);
  const size = metadata.network.outputs[domain.head].size;
  const norm = metadata.normalisation?.[domain.head];
  const heads = metadata.network.heads;
  const denormalise = (v: number, i: number): number =>
    norm ? v * (norm.std.length === 1 ? norm.std[0] : norm.std[i]) + (norm.mean.length === 1 ? norm.mean[0] : norm.mean[i]) : v;
  const perMember = members.map((weights) => {
    const net = new XanesNetwork(tf, metadata.network);
    net.setWeights(weights);
    const { dense } = both(tf, net, graphs);
    net.dispose();
    return dense;
  });
  const mean = (values: number[]): number => values.reduce((x, y) => x + y, 0) / values.length;
  graphs.forEach((_, b) => {
    const want = Array.from({ length: size }, (_, i) =>
      mean(perMember.map((dense) => denormalise(dense[domain.head][b * size + i], i))));
    assert.ok(relErr(preds[b].mu, want) < 1e-4, `site ${b}`);
    assert.equal(withMembers[b].members?.length, perMember.length);
    perMember.forEach((dense, m) => {
      const own = Array.from({ length: size }, (_, i) => denormalise(dense[domain.head][b * size + i], i));
      assert.ok(relErr(withMembers[b].members![m], own) < 1e-4, `site ${b}, member ${m}`);
    });
    const n = metadata.graph.maxNeighbours;
    const att = Array.from({ length: heads * n }, (_, k) =>
      mean(perMember.map((dense) => dense[dense.length - 1][b * heads * n + k])));
    assert.ok(relErr(preds[b].attention.flat(), att) < 1e-4);
    for (const row of preds[b].attention) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  });
  p.dispose();
});

for (const config of [SMALL_CONFIG, { ...SMALL_CONFIG, attention: 'cosine' as const }]) test(`factored = dense in training mode too (batch statistics and running averages; ${config.attention ?? 'tanh'} attention)`, async () => {
  const { tf } = await loadTf('cpu');
  const weights = randomWeights(tf, config, 8);
  const graphs = randomGraphs(7, 19);
  const run = (factored: boolean): { out: Float32Array[]; stats: Float32Array[] } => {
    const net = new XanesNetwork(tf, config);
    net.setWeights(weights);
    const batch = batchGraphs(graphs);
    const out = tf.tidy(() => {
      const r = factored ? net.forwardBatch(batch, { training: true }) : denseForward(net, net.inputsFromBatch(batch), true);
      return [...r.outputs, r.attention].map((t) => t.dataSync() as Float32Array);
    });
    const stats = net.getWeights().filter((w) => w.name.includes('.bn.moving')).map((w) => w.data);
    net.dispose();
    return { out, stats };
  };
  const d = run(false), f = run(true);
  d.out.forEach((want, k) => assert.ok(relErr(f.out[k], want) < 1e-4, `output ${k}`));
  d.stats.forEach((want, k) => assert.ok(relErr(f.stats[k], want) < 1e-4, `running statistic ${k}`));
});

test('factorGraphBatch merges identical neighbour rows and counts them per sample', () => {
  const graphs = randomGraphs(5, 3);
  const fb = factorGraphBatch(batchGraphs(graphs));
  const elements = new Set(graphs.flatMap((g) => g.neighbours.filter((x) => !x.virtual).map((x) => x.element)));
  assert.equal(fb.U, elements.size);
  graphs.forEach((g, b) => {
    const real = g.neighbours.filter((x) => !x.virtual).length;
    let c = 0;
    for (let u = 0; u < fb.U; u++) c += fb.counts[b * fb.U + u];
    assert.equal(c, real);
    g.neighbours.forEach((x, k) => {
      const row = fb.oneHot.subarray((b * fb.n + k) * fb.U, (b * fb.n + k + 1) * fb.U);
      assert.equal(row.reduce((s, v) => s + v, 0), x.virtual ? 0 : 1);
      assert.equal(fb.neighbourMask[b * fb.n + k], x.virtual ? 0 : 1);
    });
  });
});

test('inference weights are derived once per weight load and follow setWeights', async () => {
  const { tf } = await loadTf('cpu');
  const net = new XanesNetwork(tf, SMALL_CONFIG);
  net.setWeights(randomWeights(tf, SMALL_CONFIG, 1));
  const batch = batchGraphs(randomGraphs(3, 4));
  const out = (): Float32Array => tf.tidy(() => net.forwardBatch(batch).outputs[0].dataSync() as Float32Array);
  const a = out();
  const tensorsAfterFirst = tf.memory().numTensors;
  const b = out();
  assert.equal(tf.memory().numTensors, tensorsAfterFirst, 'no tensors are created or leaked per forward');
  assert.deepEqual(b, a);
  net.setWeights(randomWeights(tf, SMALL_CONFIG, 2));
  const c = out();
  assert.ok(relErr(c, a) > 1e-3, 'new weights give new outputs');
  const fresh = new XanesNetwork(tf, SMALL_CONFIG);
  fresh.setWeights(randomWeights(tf, SMALL_CONFIG, 2));
  assert.deepEqual(tf.tidy(() => fresh.forwardBatch(batch).outputs[0].dataSync() as Float32Array), c);
  fresh.dispose();
  net.dispose();
});
