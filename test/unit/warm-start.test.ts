import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchGraphs, edgeFeatureSize, graphFromNeighbourList } from '../../server/src/graph/build';
import type { GraphOptions } from '../../server/src/graph/types';
import { loadTf } from '../../server/src/model/backend';
import { XanesNetwork, type NamedWeight } from '../../server/src/model/network';
import { seededRandom } from '../../server/src/model/params';
import { warmStartWeights } from '../../server/src/training/warmStart';
import { randomWeights, SMALL_CONFIG, SMALL_GRAPH } from '../fixtures/models/fixtures';

const ANGULAR: GraphOptions = { ...SMALL_GRAPH, angular: true };

function graphsWithGeometry(options: GraphOptions, seed: number) {
  const r = seededRandom(seed);
  return Array.from({ length: 5 }, (_, b) => {
    const n = 2 + b;
    return graphFromNeighbourList('Cu', Array.from({ length: n }, () => {
      const d = 1.8 + r() * 2.5;
      const z = 2 * r() - 1, phi = 2 * Math.PI * r(), rho = Math.sqrt(1 - z * z);
      return { element: r() < 0.5 ? 'O' : 'S', distance: d, vector: [d * rho * Math.cos(phi), d * rho * Math.sin(phi), d * z] as [number, number, number] };
    }), options);
  });
}

test('warmStartWeights copies equal shapes, grows kernels with zero rows, leaves the rest fresh', () => {
  const w = (name: string, shape: number[], fill: number): NamedWeight => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) });
  const r = warmStartWeights(
    [w('a', [2, 3], 0.5), w('k', [4, 3], 0.5), w('new', [3], 0.5), w('other', [2, 2], 0.5)],
    [w('a', [2, 3], 1), w('k', [2, 3], 2), w('other', [3, 2], 3), w('gone', [1], 4)],
  );
  assert.deepEqual(r.copied, ['a']);
  assert.deepEqual(r.grown, ['k']);
  assert.deepEqual(r.fresh, ['new', 'other']);
  assert.deepEqual(Array.from(r.weights[0].data), [1, 1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(r.weights[1].data), [2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(r.weights[2].data), [0.5, 0.5, 0.5]);
});

test('a network given angular inputs by warm start computes exactly what its source did', async () => {
  const { tf } = await loadTf('cpu');
  const plainConfig = { ...SMALL_CONFIG, edgeFeatureSize: edgeFeatureSize(SMALL_GRAPH) };
  const angularConfig = { ...SMALL_CONFIG, edgeFeatureSize: edgeFeatureSize(ANGULAR) };
  const source = new XanesNetwork(tf, plainConfig);
  source.setWeights(randomWeights(tf, plainConfig, 11));
  const target = new XanesNetwork(tf, angularConfig, { seed: 3 });
  const ws = warmStartWeights(target.getWeights(), source.getWeights());
  assert.equal(ws.fresh.length, 0);
  assert.ok(ws.grown.includes('conv0.edge.kernel') && ws.grown.includes('head1.edge.kernel'));
  target.setWeights(ws.weights);
  const run = (net: XanesNetwork, options: GraphOptions): Float32Array[] => tf.tidy(() =>
    net.forward(net.inputsFromBatch(batchGraphs(graphsWithGeometry(options, 9)))).outputs.map((o) => o.dataSync() as Float32Array));
  const want = run(source, SMALL_GRAPH);
  const got = run(target, ANGULAR);
  want.forEach((w, k) => w.forEach((v, i) => assert.ok(Math.abs(v - got[k][i]) < 1e-5 * (1 + Math.abs(v)), `head ${k} point ${i}: ${got[k][i]} vs ${v}`)));
  // …and the angular block is non-zero, so training can start using it.
  const edges = batchGraphs(graphsWithGeometry(ANGULAR, 9)).edges;
  assert.ok(edges.some((v, i) => i % angularConfig.edgeFeatureSize >= plainConfig.edgeFeatureSize && v > 0));
  source.dispose();
  target.dispose();
});
