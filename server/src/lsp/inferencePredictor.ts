// Predictor backed by the model/ inference service (a worker thread running TensorFlow.js):
// resolves the configured or shipped model, reads its domains for coverage diagnostics, builds
// the absorber graph and turns the network's output into a PredictResult.
import path from 'node:path';
import { buildAbsorberGraph } from '../graph/build';
import { absoluteEnergies } from '../spectrum/edges';
import type { Neighbour } from '../graph/types';
import type { NeighbourRef, PredictionDomain, PredictResult, PredictWithoutResult, SensitivityResult, ServerStatus } from '../lsp_ext';
import type { Structure } from '../structure/types';
import type { BackendPreference } from '../model/backend';
import { CancelledError, InferenceService } from '../model/inferenceService';
import type { ModelMetadata, OutputDomain } from '../model/metadata';
import { readMetadata } from '../model/modelFiles';
import { domainReliability } from '../model/reliability';
import { resolveModelDir } from '../model/modelLocation';
import { defaultDomain, type Prediction, uncoveredError } from '../model/predictor';
import { combineOcclusionBatches, neighbourOccluder, occlusionBatchRanges, type OcclusionBatchResult, occlusionSensitivity } from '../model/sensitivity';
import { type NeighbourKey, realNeighbourIndex } from './occlusionTarget';
import { NoModelError, type PredictJob, type Predictor } from './predictor';
import type { XanesSettings } from './settings';

/**
 * Occluded graphs per inference job. A lens click sent while a sensitivity runs waits for the
 * batch in the worker, so this bounds that wait: with v7's neighbour transformer one batch of
 * 10 + 1 graphs through 4 members took about 150 ms and a click in the middle 186 ms
 * (bench/server.bench.ts), over the 150 ms target. With 3 + 1 the click takes 81 ms (worst 105)
 * and the whole sensitivity 672 ms instead of 612.
 */
export const OCCLUSION_BATCH = 3;

/** Per-request models kept loaded besides the configured one. */
const MAX_EXTRA_MODELS = 3;

interface Loaded {
  dir: string;
  metadata: ModelMetadata;
  service: InferenceService;
  backend: string | null;
}

export class InferencePredictor implements Predictor {
  /** The configured (or shipped) model: status, coverage diagnostics, default predictions. */
  private loaded: Loaded | null = null;
  /** Models named per request (PredictParams.modelPath), most recent last; a few kept warm. */
  private readonly extra = new Map<string, Loaded>();
  private backendPref: BackendPreference = 'auto';
  private current: ServerStatus = { backend: null, model: null, state: 'starting' };
  private readonly listeners: ((s: ServerStatus) => void)[] = [];
  private configuredKey = '';

  /** `modelsRoot`: the extension's models/ folder (dist/../models in the bundle). */
  constructor(private readonly log: (m: string) => void, private readonly modelsRoot = path.resolve(__dirname, '..', 'models')) {}

  status(): ServerStatus {
    return this.current;
  }

  domains(): PredictionDomain[] | null {
    return this.loaded ? this.loaded.metadata.domains.map(toDomain) : null;
  }

  onStatus(listener: (s: ServerStatus) => void): void {
    this.listeners.push(listener);
  }

  async configure(settings: XanesSettings): Promise<void> {
    const key = `${settings.modelPath}\u0000${settings.backend}`;
    if (key === this.configuredKey) return;
    this.configuredKey = key;
    await this.unload();
    this.backendPref = settings.backend as BackendPreference;
    let dir: string;
    let metadata: ModelMetadata;
    try {
      dir = resolveModelDir(settings.modelPath || undefined, this.modelsRoot);
      metadata = readMetadata(dir);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.setStatus({ backend: null, model: null, state: 'no model installed', message: new NoModelError(detail).message });
      return;
    }
    const service = new InferenceService({ modelDir: dir, backend: this.backendPref });
    this.loaded = { dir, metadata, service, backend: null };
    this.setStatus({ backend: null, model: metadata.name, state: 'loading model' });
    // Loading happens in the worker; the server answers other requests meanwhile.
    void service.info().then(
      (info) => {
        if (this.loaded?.service !== service) return;
        this.loaded.backend = info.backend;
        this.setStatus({ backend: info.backend, model: info.name, state: 'ready', message: info.fallbacks.join('; ') || undefined });
      },
      (err: unknown) => {
        if (this.loaded?.service !== service) return;
        this.log(`model ${dir} failed to load: ${String(err)}`);
        this.setStatus({ backend: null, model: metadata.name, state: 'failed to load', message: String(err) });
      },
    );
  }

  /** The model and output domain a job asks for (the configured model and the element's default domain when it names none). */
  private resolve(job: PredictJob): { loaded: Loaded; domain: OutputDomain } {
    const loaded = job.modelPath ? this.modelAt(path.resolve(job.modelPath)) : this.loaded;
    if (!loaded) throw new NoModelError(this.current.message);
    const { metadata } = loaded;
    const site = job.structure.sites[job.siteIndex];
    const domain = job.domain
      ? metadata.domains.find((d) => d.id === job.domain)
      : defaultDomain(metadata, site.element, job.structure.lattice !== null);
    if (!domain) throw uncoveredError(metadata, `${site.element} K-edge spectra`);
    return { loaded, domain };
  }

  async predict(job: PredictJob, signal?: AbortSignal): Promise<PredictResult> {
    const { loaded, domain } = this.resolve(job);
    const { metadata, service } = loaded;
    const site = job.structure.sites[job.siteIndex];
    const started = Date.now();
    const graph = buildAbsorberGraph(job.structure, job.siteIndex, metadata.graph);
    const [prediction] = await service.predict([graph], [domain.id], signal);
    if (!loaded.backend) loaded.backend = (await service.info()).backend;
    const heads = prediction.attention.length;
    const tokens = metadata.network.transformer?.tokens ?? Number.POSITIVE_INFINITY;
    const t = prediction.transformer;
    return {
      ...siteOnGrid(job, domain, prediction.energies),
      absorberRange: site.range,
      mu: prediction.mu,
      std: prediction.std,
      heads,
      neighbours: graph.neighbours.map((n, i) => ({
        ...neighbourRef(job.structure, n, i),
        virtual: n.virtual,
        scores: prediction.attention.map((head) => head[i] ?? 0),
        ...(t && i < tokens ? { transformer: t.neighbours.map((head) => head[i] ?? 0) } : {}),
      })),
      ...(t ? { transformer: { heads: t.self.length, self: t.self } } : {}),
      reliability: domainReliability(metadata, domain.id),
      model: { name: metadata.name, version: metadata.version, path: loaded.dir },
      backend: loaded.backend ?? 'unknown',
      timingMs: Date.now() - started,
    };
  }

  async sensitivity(job: PredictJob, signal?: AbortSignal): Promise<SensitivityResult> {
    const { loaded, domain } = this.resolve(job);
    const { metadata, service } = loaded;
    const site = job.structure.sites[job.siteIndex];
    const started = Date.now();
    // maxNeighbours, the features and the descriptor all come from the model's metadata.
    const graph = buildAbsorberGraph(job.structure, job.siteIndex, metadata.graph);
    const occluder = neighbourOccluder(graph, job.structure);
    const real = graph.neighbours.filter((n) => !n.virtual);
    const base = {
      uri: job.uri,
      block: job.block,
      siteIndex: job.siteIndex,
      label: site.label,
      element: site.element,
      domain: toDomain(domain),
      gridPoints: domain.energies.length,
      method: occlusionMethod(metadata),
      model: { name: metadata.name, version: metadata.version, path: loaded.dir },
    };
    if (occluder.count === 0) {
      return {
        ...base,
        members: metadata.weights.members.length,
        neighbours: [],
        note: `${site.label} has no neighbours within ${metadata.graph.cutoff} Å: there is nothing to remove.`,
        backend: loaded.backend ?? 'unknown',
        timingMs: Date.now() - started,
      };
    }
    // Background jobs of at most OCCLUSION_BATCH + 1 graphs, built and queued one batch at a
    // time with the event loop let in between: a lens click clicked meanwhile is handled at once
    // and waits in the worker for the batch that is running at most. The members' curves give
    // S_j's spread.
    const pending: Promise<Prediction[]>[] = [];
    for (const [start, end] of occlusionBatchRanges(occluder.count, OCCLUSION_BATCH)) {
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) break;
      const batch = [graph];
      for (let j = start; j < end; j++) batch.push(occluder.without(j));
      const p = service.predict(batch, [domain.id], signal, { background: true, members: true });
      // Awaited below with the others; a cancellation before then must not go unhandled.
      p.catch(() => undefined);
      pending.push(p);
    }
    if (signal?.aborted) {
      await Promise.allSettled(pending);
      throw new CancelledError();
    }
    const results = await Promise.all(pending);
    if (!loaded.backend) loaded.backend = (await service.info()).backend;
    // Asked for above: missing curves are a worker bug, not a one-member model (spread 0 would lie).
    const withCurves = (p: Prediction): OcclusionBatchResult => {
      if (!p.members) throw new Error('occlusion: the inference worker returned no per-member spectra');
      return { mu: p.mu, members: p.members };
    };
    const { values, spread, rank } = combineOcclusionBatches(results.map((r) => r.map(withCurves)));
    return {
      ...base,
      members: results[0][0].members?.length ?? 0,
      neighbours: real.map((n, j) => ({
        ...neighbourRef(job.structure, n, j),
        sensitivity: values[j],
        spread: spread[j],
        order: rank[j],
      })),
      backend: loaded.backend ?? 'unknown',
      timingMs: Date.now() - started,
    };
  }

  async predictWithout(job: PredictJob, neighbour: NeighbourKey, signal?: AbortSignal): Promise<PredictWithoutResult> {
    const { loaded, domain } = this.resolve(job);
    const { metadata, service } = loaded;
    const site = job.structure.sites[job.siteIndex];
    const started = Date.now();
    const graph = buildAbsorberGraph(job.structure, job.siteIndex, metadata.graph);
    const j = realNeighbourIndex(graph.neighbours, neighbour, site.label);
    const occluded = neighbourOccluder(graph, job.structure).without(j);
    // Full and occluded graph in one job: Δμ then compares curves of one forward pass, as each
    // S_j does, so the overlay's mean |Δμ| is the hover's number. Not background: a user clicked.
    const [full, without] = await service.predict([graph, occluded], [domain.id], signal);
    if (!loaded.backend) loaded.backend = (await service.info()).backend;
    const rank = neighbour.rank;
    return {
      ...siteOnGrid(job, domain, full.energies),
      mu: without.mu,
      ...(without.std ? { std: without.std } : {}),
      fullMu: full.mu,
      ...(full.std ? { fullStd: full.std } : {}),
      removed: neighbourRef(job.structure, graph.neighbours[rank - 1], rank - 1),
      meanAbsDelta: occlusionSensitivity(full.mu, [without.mu])[0],
      method: occlusionMethod(metadata),
      reliability: domainReliability(metadata, domain.id),
      model: { name: metadata.name, version: metadata.version, path: loaded.dir },
      backend: loaded.backend ?? 'unknown',
      timingMs: Date.now() - started,
    };
  }

  async dispose(): Promise<void> {
    await this.unload();
    for (const l of this.extra.values()) await l.service.dispose().catch(() => undefined);
    this.extra.clear();
  }

  async killWorkers(): Promise<number> {
    const services = [...(this.loaded ? [this.loaded.service] : []), ...[...this.extra.values()].map((l) => l.service)];
    const killed = await Promise.all(services.map((s) => s.terminateWorker()));
    return killed.filter(Boolean).length;
  }

  /** A model named by a request; its metadata errors (bad JSON, missing files) surface as NoModel. */
  private modelAt(dir: string): Loaded {
    // The configured model may be named by a relative or unnormalised path; the client names it
    // by the path its prediction reported (xanes/sensitivity): both must find the loaded worker.
    if (this.loaded && path.resolve(this.loaded.dir) === dir) return this.loaded;
    const hit = this.extra.get(dir);
    if (hit) {
      this.extra.delete(dir);
      this.extra.set(dir, hit);
      return hit;
    }
    let metadata: ModelMetadata;
    try {
      metadata = readMetadata(dir);
    } catch (err) {
      throw new NoModelError(err instanceof Error ? err.message : String(err));
    }
    const loaded: Loaded = { dir, metadata, service: new InferenceService({ modelDir: dir, backend: this.backendPref }), backend: null };
    this.extra.set(dir, loaded);
    if (this.extra.size > MAX_EXTRA_MODELS) {
      const [oldest, old] = this.extra.entries().next().value as [string, Loaded];
      this.extra.delete(oldest);
      void old.service.dispose().catch(() => undefined);
    }
    return loaded;
  }

  private async unload(): Promise<void> {
    const l = this.loaded;
    this.loaded = null;
    if (l) await l.service.dispose().catch(() => undefined);
  }

  private setStatus(s: ServerStatus): void {
    this.current = s;
    for (const l of this.listeners) l(s);
  }
}

/**
 * The site a result is about and its energy grid, placed at the tabulated edge for an
 * edge-relative domain: the same for a prediction and for one with a neighbour removed.
 */
function siteOnGrid(job: PredictJob, domain: OutputDomain, energies: readonly number[]) {
  const site = job.structure.sites[job.siteIndex];
  const placed = absoluteEnergies(energies, domain.relative === true, site.element);
  return {
    uri: job.uri,
    block: job.block,
    siteIndex: job.siteIndex,
    blockName: job.blockName,
    label: site.label,
    element: site.element,
    multiplicity: job.multiplicity ?? job.structure.orbits[site.orbit]?.length ?? 1,
    ...(job.equivalence ? { equivalence: job.equivalence } : {}),
    domain: toDomain(domain),
    energies: placed.energies,
    ...(placed.note ? { energyNote: placed.note } : {}),
  };
}

/** Graph neighbour i as the client sees it (virtual ones have no row label). */
function neighbourRef(structure: Structure, n: Neighbour, i: number): NeighbourRef {
  return {
    rank: i + 1,
    element: n.element,
    label: n.virtual ? '' : structure.sites[n.siteIndex]?.label ?? '',
    distance: n.distance,
    siteIndex: n.siteIndex,
    image: n.image,
    range: n.range,
  };
}

/** One line on what occlusion recomputed for this model's features (shown in the hover). */
function occlusionMethod(metadata: ModelMetadata): string {
  const g = metadata.graph;
  const recomputed = [
    ...(g.angular || g.angularZ || g.angularFine ? ['angular'] : []),
    ...(g.context ? ['neighbour-context'] : []),
  ];
  const parts = [`each neighbour removed alone: its slot becomes padding`];
  if (recomputed.length) parts.push(`the other edges' ${recomputed.join(' and ')} features are recomputed without it`);
  if (g.descriptor) parts.push(`the absorber's ${g.descriptor.cutoff} Å wACSF is recomputed without it`);
  return parts.join('; ');
}

function toDomain(d: { id: string; element: string; edge: string; method: string }): PredictionDomain {
  return { id: d.id, element: d.element, edge: d.edge, method: d.method };
}
