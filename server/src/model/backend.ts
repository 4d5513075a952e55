// The one TensorFlow.js loader of the process. Native packages (tfjs-node-gpu, tfjs-node) are
// optional and bring their own tfjs-core; when one loads, its `tf` object is used everywhere,
// otherwise tfjs-core with the wasm backend (or the pure-JS cpu backend as a last resort).
import fs from 'node:fs';
import path from 'node:path';
import * as TfCore from '@tensorflow/tfjs-core';
import * as tfjsBackendCpu from '@tensorflow/tfjs-backend-cpu';
import * as tfjsBackendWasm from '@tensorflow/tfjs-backend-wasm';
// tfjs-core registers no gradients itself (the @tensorflow/tfjs umbrella would); training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

// tfjs-core, wasm and cpu are bundled (scripts/esbuild-tfjs.mjs resolves them to their ES
// modules, the only build of tfjs-core that carries the gradients training needs), so every
// bundle holds exactly one copy; only the optional native packages are required at run time.
const BUNDLED: Record<string, unknown> = {
  '@tensorflow/tfjs-core': TfCore,
  '@tensorflow/tfjs-backend-cpu': tfjsBackendCpu,
  '@tensorflow/tfjs-backend-wasm': tfjsBackendWasm,
};

/** The loader's default module source: bundled tfjs, else Node's require (native packages). */
export function bundledRequire(id: string): unknown {
  return BUNDLED[id] ?? require(id);
}
bundledRequire.resolve = (id: string): string => require.resolve(id);

export type TfModule = typeof TfCore;
export type BackendPreference = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface LoadedTf {
  tf: TfModule;
  /** Name of the active backend as tfjs reports it ('tensorflow', 'wasm', 'cpu'). */
  backend: string;
  /** Why each earlier candidate was skipped, e.g. "tensorflow-gpu: Cannot find module …". */
  fallbacks: string[];
}

export interface LoadTfOptions {
  /** Directory holding tfjs-backend-wasm*.wasm (dist/ of a bundled extension). */
  wasmDir?: string;
  /** Module loader; tests inject one to simulate missing or failing packages. */
  require?: (id: string) => unknown;
}

type Loader = (req: (id: string) => unknown, opts: LoadTfOptions) => Promise<TfModule>;

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}

async function activate(tf: TfModule, name: string): Promise<TfModule> {
  if (!(await tf.setBackend(name))) throw new Error(`backend '${name}' failed to initialise`);
  await tf.ready();
  // Production mode drops the "install tfjs-node" console banner (stdout may carry LSP or JSONL).
  tf.enableProdMode();
  return tf;
}

function nativeLoader(pkg: string): Loader {
  return async (req) => activate(req(pkg) as TfModule, 'tensorflow');
}

/** Where the shipped .wasm files are: explicit option, next to this bundle, or the package's dist/. */
export function resolveWasmDir(req: (id: string) => unknown, explicit?: string): string {
  if (explicit) return explicit;
  if (fs.existsSync(path.join(__dirname, WASM_FILE))) return __dirname;
  const resolver = (req as { resolve?: (id: string) => string }).resolve;
  if (resolver) return path.dirname(resolver('@tensorflow/tfjs-backend-wasm'));
  return path.join(process.cwd(), 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
}

const wasmLoader: Loader = async (req, opts) => {
  const tf = req('@tensorflow/tfjs-core') as TfModule;
  const wasm = req('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  const dir = resolveWasmDir(req, opts.wasmDir);
  if (!fs.existsSync(path.join(dir, WASM_FILE))) throw new Error(`${WASM_FILE} not found in ${dir}`);
  wasm.setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
  return activate(tf, 'wasm');
};

const cpuLoader: Loader = async (req) => {
  const tf = req('@tensorflow/tfjs-core') as TfModule;
  req('@tensorflow/tfjs-backend-cpu');
  return activate(tf, 'cpu');
};

const LOADERS: Record<Exclude<BackendPreference, 'auto'>, Loader> = {
  'tensorflow-gpu': nativeLoader('@tensorflow/tfjs-node-gpu'),
  tensorflow: nativeLoader('@tensorflow/tfjs-node'),
  wasm: wasmLoader,
  cpu: cpuLoader,
};

/** Candidates tried in order: an explicit choice still falls back to cpu rather than failing. */
export function candidates(preference: BackendPreference): Exclude<BackendPreference, 'auto'>[] {
  switch (preference) {
    case 'auto': return ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    case 'tensorflow-gpu': return ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    case 'tensorflow': return ['tensorflow', 'wasm', 'cpu'];
    case 'wasm': return ['wasm', 'cpu'];
    case 'cpu': return ['cpu'];
    default: throw new Error(`unknown backend '${String(preference)}' (expected ${BACKEND_PREFERENCES.join(', ')})`);
  }
}

/** Load without touching the process-wide cache (tests, and the cached entry point below). */
export async function loadTfUncached(preference: BackendPreference, opts: LoadTfOptions = {}): Promise<LoadedTf> {
  const req = opts.require ?? bundledRequire;
  const fallbacks: string[] = [];
  for (const name of candidates(preference)) {
    try {
      const tf = await LOADERS[name](req, opts);
      return { tf, backend: tf.getBackend(), fallbacks };
    } catch (e) {
      fallbacks.push(`${name}: ${message(e)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded:\n  ${fallbacks.join('\n  ')}`);
}

let cached: { preference: BackendPreference; loaded: Promise<LoadedTf> } | undefined;

/**
 * The process's tf object. The first call decides between a native package and tfjs-core;
 * later calls may switch between wasm and cpu on that same tfjs-core object, but never load a
 * second tfjs copy (tensors of two copies cannot mix), so a late native request is declined.
 */
export async function loadTf(preference: BackendPreference = 'auto', opts: LoadTfOptions = {}): Promise<LoadedTf> {
  if (opts.require) return loadTfUncached(preference, opts);
  if (!cached) {
    const entry = { preference, loaded: loadTfUncached(preference, opts) };
    cached = entry;
    entry.loaded.catch(() => { if (cached === entry) cached = undefined; });
    return entry.loaded;
  }
  const current = await cached.loaded;
  if (preference === cached.preference || preference === 'auto') return current;
  if (current.backend === 'tensorflow' || preference === 'tensorflow' || preference === 'tensorflow-gpu') {
    if ((preference === 'tensorflow' || preference === 'tensorflow-gpu') && current.backend === 'tensorflow') return current;
    return { ...current, fallbacks: [...current.fallbacks, `${preference}: not switchable in a running process (using ${current.backend})`] };
  }
  const entry = { preference, loaded: loadTfUncached(preference, opts) };
  cached = entry;
  return entry.loaded;
}
