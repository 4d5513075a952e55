// Runs predictions in a worker thread: a FIFO queue, one job in the worker at a time (wasm is
// single-threaded anyway), identical in-flight requests share one job, cancelled requests never
// run, and a crashed worker is replaced on the next request. Background jobs (neighbour
// sensitivity, in batches of a few graphs) wait behind every queued foreground job, so a lens
// click is never queued behind them; one already running in the worker still finishes first.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AbsorberGraph } from '../graph/types';
import type { BackendPreference } from './backend';
import type { Prediction, PredictorInfo } from './predictor';
import type { FromWorker, ToWorker, WorkerConfig } from './workerProtocol';

export class CancelledError extends Error {
  readonly code = 'cancelled';
  constructor(message = 'prediction cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export interface InferenceServiceOptions {
  modelDir: string;
  backend?: BackendPreference;
  wasmDir?: string;
  /** Bundled worker script; defaults to worker.js next to this bundle (dist/worker.js). */
  workerPath?: string;
}

interface Waiter {
  resolve(p: Prediction[]): void;
  reject(e: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Job {
  id: number;
  key: string;
  graphs: AbsorberGraph[];
  domainIds: string[];
  waiters: Waiter[];
  running: boolean;
  background: boolean;
  /** Return each member's μ(E) too (Prediction.members). */
  members: boolean;
}

export interface PredictOptions {
  /** Run after every queued foreground job (extras that the user did not wait for). */
  background?: boolean;
  /** Also return each ensemble member's μ(E) (Prediction.members). */
  members?: boolean;
}

/** FNV-1a over the float bits: identical graphs (features and domain) give identical keys. */
export function requestKey(graphs: AbsorberGraph[], domainIds: string[]): string {
  let h = 0x811c9dc5;
  const mix = (x: number): void => {
    h ^= x;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (const g of graphs) {
    // The descriptor too: two graphs can differ only in atoms beyond the N nearest (wACSF).
    for (const arr of [g.nodeFeatures, g.edgeFeatures, g.mask, ...(g.descriptor ? [g.descriptor] : [])]) {
      const u = new Uint32Array(arr.buffer, arr.byteOffset, arr.length);
      mix(u.length);
      for (let i = 0; i < u.length; i++) mix(u[i]);
    }
  }
  return `${graphs.length}:${domainIds.join(',')}:${h.toString(16)}`;
}

interface WorkerState {
  worker: Worker;
  ready: Promise<{ info: PredictorInfo; fallbacks: string[] }>;
}

export class InferenceService {
  private readonly queue: Job[] = [];
  private readonly byKey = new Map<string, Job>();
  private current: Job | undefined;
  private state: WorkerState | undefined;
  private nextId = 1;
  private disposed = false;
  /** Number of workers started so far (1 + restarts). */
  starts = 0;

  constructor(private readonly options: InferenceServiceOptions) {}

  /** Start the worker now (otherwise the first request does) and report the model it serves. */
  async info(): Promise<PredictorInfo & { fallbacks: string[] }> {
    const state = this.ensureWorker();
    state.worker.ref();
    try {
      const r = await state.ready;
      return { ...r.info, fallbacks: r.fallbacks };
    } finally {
      if (!this.current) state.worker.unref();
    }
  }

  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  predict(graphs: AbsorberGraph[], domainIds: string[], signal?: AbortSignal, options: PredictOptions = {}): Promise<Prediction[]> {
    if (this.disposed) return Promise.reject(new Error('inference service disposed'));
    if (signal?.aborted) return Promise.reject(new CancelledError());
    // Asking for the members' curves is a different answer to the same graphs: its own job.
    const members = options.members === true;
    const key = requestKey(graphs, domainIds) + (members ? ':members' : '');
    return new Promise<Prediction[]>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      let job = this.byKey.get(key);
      if (!job) {
        job = { id: this.nextId++, key, graphs, domainIds, waiters: [], running: false, background: options.background === true, members };
        this.byKey.set(key, job);
        this.queue.push(job);
      } else if (!options.background) {
        job.background = false;
      }
      job.waiters.push(waiter);
      if (signal) {
        const j = job;
        waiter.onAbort = () => this.cancelWaiter(j, waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.pump();
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const err = new Error('inference service disposed');
    for (const job of [...this.queue, ...(this.current ? [this.current] : [])]) this.settle(job, (w) => w.reject(err));
    this.queue.length = 0;
    this.current = undefined;
    const s = this.state;
    this.state = undefined;
    if (s) await s.worker.terminate();
  }

  /**
   * Test hook (robustness suite): end the worker thread from outside, exactly as a crash would;
   * the job in flight fails and the next request starts a new worker. False when none runs.
   */
  async terminateWorker(): Promise<boolean> {
    const s = this.state;
    if (!s) return false;
    await s.worker.terminate();
    return true;
  }

  private cancelWaiter(job: Job, waiter: Waiter): void {
    const i = job.waiters.indexOf(waiter);
    if (i < 0) return;
    job.waiters.splice(i, 1);
    waiter.reject(new CancelledError());
    if (job.waiters.length === 0 && !job.running) {
      // Nobody wants it any more: a queued job is dropped before it ever reaches the worker.
      const q = this.queue.indexOf(job);
      if (q >= 0) this.queue.splice(q, 1);
      this.byKey.delete(job.key);
    }
  }

  private settle(job: Job, f: (w: Waiter) => void): void {
    this.byKey.delete(job.key);
    for (const w of job.waiters.splice(0)) {
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      f(w);
    }
  }

  private ensureWorker(): WorkerState {
    if (this.state) return this.state;
    const o = this.options;
    const config: WorkerConfig = { modelDir: o.modelDir, backend: o.backend ?? 'auto', wasmDir: o.wasmDir };
    const worker = new Worker(o.workerPath ?? path.join(__dirname, 'worker.js'), { workerData: config });
    this.starts++;
    let markReady!: (r: { info: PredictorInfo; fallbacks: string[] }) => void;
    let fail!: (e: Error) => void;
    const ready = new Promise<{ info: PredictorInfo; fallbacks: string[] }>((res, rej) => { markReady = res; fail = rej; });
    ready.catch(() => undefined);
    const state: WorkerState = { worker, ready };
    const lost = (why: string): void => {
      if (this.state !== state) return;
      this.state = undefined;
      const err = new Error(why);
      fail(err);
      const job = this.current;
      this.current = undefined;
      if (job) this.settle(job, (w) => w.reject(err));
      this.pump();
    };
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'ready': markReady({ info: m.info, fallbacks: m.fallbacks }); break;
        case 'fatal': lost(`inference worker could not start: ${m.message}`); void worker.terminate(); break;
        case 'result': this.finish(m.id, (w) => w.resolve(m.predictions)); break;
        case 'error': this.finish(m.id, (w) => w.reject(new Error(m.message))); break;
      }
    });
    worker.on('error', (e) => lost(`inference worker crashed: ${e.message}`));
    worker.on('exit', (code) => lost(`inference worker exited (code ${code})`));
    worker.unref();
    this.state = state;
    return state;
  }

  private finish(id: number, f: (w: Waiter) => void): void {
    const job = this.current;
    if (!job || job.id !== id) return;
    this.current = undefined;
    this.settle(job, f);
    if (this.queue.length === 0) this.state?.worker.unref();
    this.pump();
  }

  private pump(): void {
    if (this.current || this.disposed) return;
    const next = this.queue.findIndex((j) => !j.background);
    const job = this.queue.splice(next >= 0 ? next : 0, 1)[0];
    if (!job) return;
    this.current = job;
    job.running = true;
    let state: WorkerState;
    try {
      state = this.ensureWorker();
      // Keep the process alive while work is outstanding; an idle worker must not (CLI exit).
      state.worker.ref();
    } catch (e) {
      this.current = undefined;
      this.settle(job, (w) => w.reject(e as Error));
      this.pump();
      return;
    }
    state.ready.then(
      () => {
        if (this.current !== job) return;
        if (job.waiters.length === 0) {
          // Every caller cancelled while the worker was starting: skip the work.
          this.current = undefined;
          this.byKey.delete(job.key);
          this.pump();
          return;
        }
        const msg: ToWorker = { type: 'predict', id: job.id, graphs: job.graphs, domainIds: job.domainIds, ...(job.members ? { members: true } : {}) };
        state.worker.postMessage(msg);
      },
      () => undefined, // `lost` has already rejected this job
    );
  }
}
