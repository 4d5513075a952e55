import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundledRequire, candidates, loadTf, loadTfUncached, type TfModule } from '../../server/src/model/backend';

type Req = ((id: string) => unknown) & { resolve: (id: string) => string };

function fakeRequire(overrides: Record<string, () => unknown>): Req {
  // Anything not overridden comes from where the loader gets it: the one bundled tfjs copy.
  const f = ((id: string) => (overrides[id] ? overrides[id]() : bundledRequire(id))) as Req;
  f.resolve = require.resolve;
  return f;
}

const missing = (id: string) => (): never => {
  throw new Error(`Cannot find module '${id}'\nRequire stack: …`);
};

test('auto falls back from missing native packages to wasm and says why', async () => {
  const req = fakeRequire({
    '@tensorflow/tfjs-node-gpu': missing('@tensorflow/tfjs-node-gpu'),
    '@tensorflow/tfjs-node': missing('@tensorflow/tfjs-node'),
  });
  const r = await loadTf('auto', { require: req });
  assert.equal(r.backend, 'wasm');
  assert.deepEqual(r.fallbacks, [
    "tensorflow-gpu: Cannot find module '@tensorflow/tfjs-node-gpu'",
    "tensorflow: Cannot find module '@tensorflow/tfjs-node'",
  ]);
  const y = r.tf.tidy(() => r.tf.matMul(r.tf.tensor2d([[1, 2]]), r.tf.tensor2d([[3], [4]])).dataSync()[0]);
  assert.equal(y, 11);
});

test('a native package that is installed but fails to load (no libtensorflow, no CUDA) is skipped', async () => {
  const req = fakeRequire({
    '@tensorflow/tfjs-node-gpu': () => { throw new Error('libcudart.so.11.0: cannot open shared object file'); },
    '@tensorflow/tfjs-node': () => { throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found'); },
    '@tensorflow/tfjs-backend-wasm': missing('@tensorflow/tfjs-backend-wasm'),
  });
  const r = await loadTfUncached('tensorflow-gpu', { require: req });
  assert.equal(r.backend, 'cpu');
  assert.equal(r.fallbacks.length, 3);
  assert.match(r.fallbacks[0], /^tensorflow-gpu: libcudart/);
  assert.match(r.fallbacks[1], /^tensorflow: .*tfjs_binding\.node/);
  assert.match(r.fallbacks[2], /^wasm: Cannot find module/);
});

test('a working native package supplies the tf object itself', async () => {
  let backend = '';
  const fake = {
    setBackend: async (name: string) => { backend = name; return true; },
    ready: async () => undefined,
    getBackend: () => backend,
    enableProdMode: () => undefined,
  } as unknown as TfModule;
  const req = fakeRequire({ '@tensorflow/tfjs-node-gpu': () => fake });
  const r = await loadTfUncached('auto', { require: req });
  assert.equal(r.tf, fake);
  assert.equal(r.backend, 'tensorflow');
  assert.deepEqual(r.fallbacks, []);
});

test('wasm without its .wasm files falls back to cpu with the directory named', async () => {
  const r = await loadTfUncached('wasm', { require: fakeRequire({}), wasmDir: '/nonexistent/dist' });
  assert.equal(r.backend, 'cpu');
  assert.match(r.fallbacks[0], /^wasm: tfjs-backend-wasm-simd\.wasm not found in \/nonexistent\/dist/);
});

test('candidate order and unknown names', () => {
  assert.deepEqual(candidates('auto'), ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  assert.deepEqual(candidates('wasm'), ['wasm', 'cpu']);
  assert.deepEqual(candidates('cpu'), ['cpu']);
  assert.throws(() => candidates('metal' as 'cpu'), /unknown backend 'metal'/);
});

test('the process-wide loader returns one tf object', async () => {
  const a = await loadTf('cpu');
  const b = await loadTf('auto');
  assert.equal(a.tf, b.tf);
  const c = await loadTf('wasm');
  assert.equal(c.tf, a.tf);
  assert.equal(c.backend, 'wasm');
});
