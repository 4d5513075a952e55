// Worker-thread entry (bundled to dist/worker.js): owns the tf object and the predictor so the
// synchronous wasm kernels never block the language server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTf } from './backend';
import { createPredictor, type Predictor } from './predictor';
import type { FromWorker, ToWorker, WorkerConfig } from './workerProtocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('worker.ts must run in a worker thread');
  const post = (m: FromWorker): void => port.postMessage(m);
  const config = workerData as WorkerConfig;
  let predictor: Predictor;
  try {
    const { tf, backend, fallbacks } = await loadTf(config.backend, { wasmDir: config.wasmDir });
    predictor = createPredictor(tf, config.modelDir, backend);
    post({ type: 'ready', info: predictor.info, fallbacks });
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
    return;
  }
  port.on('message', (m: ToWorker) => {
    if (m.type !== 'predict') return;
    try {
      post({ type: 'result', id: m.id, predictions: predictor.predict(m.graphs, m.domainIds, { members: m.members === true }) });
    } catch (e) {
      post({ type: 'error', id: m.id, message: (e as Error).message });
    }
  });
}

void main();
