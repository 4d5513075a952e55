// esbuild plugin: resolve the TensorFlow.js packages to their ES-module sources so that one copy of
// tfjs-core is bundled together with its gradient registry (the CommonJS `main` bundle of
// tfjs-core ships no gradients, so training would fail with "gradient function not found").
// Native packages (@tensorflow/tfjs-node, -node-gpu) stay external: they are optional at run time.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ESM_ENTRY = {
  '@tensorflow/tfjs-core': 'node_modules/@tensorflow/tfjs-core/dist/index.js',
  '@tensorflow/tfjs-backend-cpu': 'node_modules/@tensorflow/tfjs-backend-cpu/dist/index.js',
  '@tensorflow/tfjs-backend-wasm': 'node_modules/@tensorflow/tfjs-backend-wasm/dist/index.js',
};

export const NATIVE_TF_EXTERNALS = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

export const tfjsEsmPlugin = {
  name: 'tfjs-esm',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-(core|backend-cpu|backend-wasm)$/ }, (args) => ({
      path: path.join(root, ESM_ENTRY[args.path]),
    }));
    // Deep imports such as tfjs-core/dist/register_all_gradients: the ES module file itself.
    build.onResolve({ filter: /^@tensorflow\/tfjs-core\/dist\/[\w/]+$/ }, (args) => ({
      path: path.join(root, 'node_modules', `${args.path}.js`),
    }));
  },
};
