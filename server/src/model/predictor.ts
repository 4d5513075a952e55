// Inference: a model directory (possibly an ensemble) turned into spectra for absorber graphs.
// Only spectra the model declares (its output domains) are predicted; anything else is refused.
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { batchGraphs, sameGraphOptions } from '../graph/build';
import type { AbsorberGraph } from '../graph/types';
import { loadTf, type BackendPreference, type TfModule } from './backend';
import { stdScaleOf, type ModelMetadata, type OutputDomain } from './metadata';
import { factorGraphBatch } from './factored';
import { loadModelFiles } from './modelFiles';
import { XanesNetwork } from './network';

export interface Prediction {
  domainId: string;
  energies: number[];
  /** Ensemble mean of μ(E). */
  mu: number[];
  /** Ensemble standard deviation of μ(E); only for ensembles of two or more members. */
  std?: number[];
  /** [head][neighbour] attention weights (ensemble mean), 0 for padding. */
  attention: number[][];
  /**
   * With a neighbour transformer (ensemble mean): its last layer's weights of the absorber's
   * query, per head, on the absorber itself and on each neighbour slot (0 for padding and for
   * slots beyond the transformer's `tokens`). Each head's weights sum to 1 over both.
   */
  transformer?: { self: number[]; neighbours: number[][] };
  /**
   * μ(E) of each ensemble member, in member order; only when the call asks for it
   * (PredictCallOptions.members). Quantities that are not linear in μ, such as neighbour
   * sensitivity's mean |Δμ|, need the members' own curves for their spread.
   */
  members?: number[][];
}

export interface PredictCallOptions {
  /** Also return each member's μ(E) (Prediction.members). */
  members?: boolean;
}

export interface PredictorInfo {
  name: string;
  version: string;
  backend: string;
  members: number;
  domains: string[];
}

export interface Predictor {
  info: PredictorInfo;
  metadata: ModelMetadata;
  /** graphs[i] is predicted in domainIds[i] (or domainIds[0] for all when one id is given). */
  predict(graphs: AbsorberGraph[], domainIds: string[], options?: PredictCallOptions): Prediction[];
  /** The domain for an absorbing element (and method, when several exist); undefined if not covered. */
  domainFor(element: string, method?: string): OutputDomain | undefined;
  dispose(): void;
}

export interface PredictorOptions {
  backend?: BackendPreference;
  wasmDir?: string;
  /** Graphs per forward pass. */
  batchSize?: number;
  /** Use this tf object instead of loading one (tests). */
  tf?: TfModule;
}

export function findDomain(metadata: ModelMetadata, element: string, method?: string): OutputDomain | undefined {
  const el = element.toLowerCase();
  const m = method?.toLowerCase();
  return metadata.domains.find((d) => d.element.toLowerCase() === el && (m === undefined || d.method.toLowerCase() === m));
}

/**
 * The domain a structure's absorber is predicted in when the caller names none: crystals take the
 * FEFF (Materials Project-style) convention and molecules the FDMNES one, as in the training data;
 * any other domain of the element is the fallback.
 */
export function defaultDomain(metadata: ModelMetadata, element: string, periodic: boolean): OutputDomain | undefined {
  return findDomain(metadata, element, periodic ? 'FEFF' : 'FDMNES') ?? findDomain(metadata, element);
}

export function describeCoverage(metadata: ModelMetadata): string {
  return metadata.domains.map((d) => d.id).join(', ');
}

/** The clear refusal for spectra the model was not trained on. */
export function uncoveredError(metadata: ModelMetadata, what: string): Error {
  return new Error(`model '${metadata.name}' does not predict ${what}; it covers ${describeCoverage(metadata)}`);
}

function denormalise(metadata: ModelMetadata, head: number, y: Float32Array, offset: number, size: number): number[] {
  const n = metadata.normalisation?.[head];
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    const v = y[offset + i];
    out[i] = n ? v * (n.std.length === 1 ? n.std[0] : n.std[i]) + (n.mean.length === 1 ? n.mean[0] : n.mean[i]) : v;
  }
  return out;
}

function sameOptions(g: AbsorberGraph, m: ModelMetadata): boolean {
  return sameGraphOptions(g.options, m.graph);
}

export function createPredictor(tf: TfModule, dir: string, backend: string, batchSize = 64): Predictor {
  const { metadata, members } = loadModelFiles(dir);
  const networks = members.map((weights) => {
    const net = new XanesNetwork(tf, metadata.network);
    try {
      net.setWeights(weights);
    } catch (e) {
      net.dispose();
      throw new Error(`${dir}: weights do not fit the declared network: ${(e as Error).message}`);
    }
    return net;
  });
  const byId = new Map(metadata.domains.map((d) => [d.id, d]));

  function resolve(graphs: AbsorberGraph[], domainIds: string[]): OutputDomain[] {
    if (domainIds.length !== graphs.length && domainIds.length !== 1) {
      throw new Error(`predict: ${graphs.length} graphs but ${domainIds.length} domain ids`);
    }
    return graphs.map((g, i) => {
      const id = domainIds.length === 1 ? domainIds[0] : domainIds[i];
      const d = byId.get(id);
      if (!d) throw uncoveredError(metadata, `'${id}' spectra`);
      if (d.element.toLowerCase() !== g.element.toLowerCase()) {
        throw new Error(`domain '${id}' is for ${d.element} absorbers, but graph ${i} is centred on ${g.element}`);
      }
      if (!sameOptions(g, metadata)) {
        throw new Error(`graph ${i} was built with ${JSON.stringify(g.options)}, the model needs ${JSON.stringify(metadata.graph)}`);
      }
      return d;
    });
  }

  function runChunk(graphs: AbsorberGraph[], domains: OutputDomain[], withMembers: boolean): Prediction[] {
    // Factored once, shared by every ensemble member.
    const batch = factorGraphBatch(batchGraphs(graphs));
    const B = graphs.length;
    const perMember = networks.map((net) => {
      return tf.tidy(() => {
        const r = net.forwardFactored(batch);
        return {
          outputs: r.outputs.map((o: Tensor2D) => o.dataSync() as Float32Array),
          attention: (r.attention as Tensor3D).dataSync() as Float32Array,
          tokens: r.tokenAttention ? r.tokenAttention.dataSync() as Float32Array : undefined,
        };
      });
    });
    const heads = metadata.network.heads;
    const n = metadata.graph.maxNeighbours;
    const tokenHeads = metadata.network.transformer?.heads ?? 0;
    const memberMean = (k: number, of: (m: (typeof perMember)[number]) => Float32Array | undefined): number =>
      perMember.reduce((s, m) => s + (of(m)?.[k] ?? 0), 0) / perMember.length;
    /** Sample b's [head][slot] (slot 0: the absorber) transformer weights, ensemble mean. */
    const tokenRows = (b: number): number[][] => Array.from({ length: tokenHeads }, (_, h) =>
      Array.from({ length: n + 1 }, (_, j) => memberMean((b * tokenHeads + h) * (n + 1) + j, (m) => m.tokens)));
    return domains.map((d, b) => {
      const size = metadata.network.outputs[d.head].size;
      const curves = perMember.map((m) => denormalise(metadata, d.head, m.outputs[d.head], b * size, size));
      const mu = curves[0].map((_, i) => curves.reduce((s, c) => s + c[i], 0) / curves.length);
      const attention = Array.from({ length: heads }, (_, h) => Array.from({ length: n }, (_, j) => memberMean((b * heads + h) * n + j, (m) => m.attention)));
      const p: Prediction = { domainId: d.id, energies: [...d.energies], mu, attention };
      if (tokenHeads > 0) {
        const rows = tokenRows(b);
        p.transformer = { self: rows.map((r) => r[0]), neighbours: rows.map((r) => r.slice(1)) };
      }
      if (withMembers) p.members = curves;
      if (curves.length > 1) {
        const scale = stdScaleOf(metadata, d.id);
        p.std = mu.map((m, i) => scale * Math.sqrt(curves.reduce((s, c) => s + (c[i] - m) ** 2, 0) / (curves.length - 1)));
      }
      return p;
    });
  }

  // An occlusion set (one site plus each of its neighbours removed, model/sensitivity.ts) always
  // fits one chunk: one forward pass per member, whatever maxNeighbours the model declares.
  const chunk = Math.max(batchSize, metadata.graph.maxNeighbours + 1);

  return {
    info: { name: metadata.name, version: metadata.version, backend, members: networks.length, domains: metadata.domains.map((d) => d.id) },
    metadata,
    predict(graphs, domainIds, options = {}) {
      if (graphs.length === 0) return [];
      const domains = resolve(graphs, domainIds);
      const out: Prediction[] = [];
      for (let i = 0; i < graphs.length; i += chunk) {
        out.push(...runChunk(graphs.slice(i, i + chunk), domains.slice(i, i + chunk), options.members === true));
      }
      return out;
    },
    domainFor: (element, method) => findDomain(metadata, element, method),
    dispose: () => networks.forEach((n) => n.dispose()),
  };
}

export async function loadPredictor(modelDir: string, options: PredictorOptions = {}): Promise<Predictor> {
  if (options.tf) return createPredictor(options.tf, modelDir, options.tf.getBackend(), options.batchSize);
  const { tf, backend } = await loadTf(options.backend ?? 'auto', { wasmDir: options.wasmDir });
  return createPredictor(tf, modelDir, backend, options.batchSize);
}
