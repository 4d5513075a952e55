// What the language server needs from inference, behind one interface so the LSP layer does
// not care whether a model is installed, loading, or running in a worker thread.
import type { PredictionDomain, PredictResult, PredictWithoutResult, SensitivityResult, ServerStatus, SiteEquivalence } from '../lsp_ext';
import type { Structure } from '../structure/types';
import type { NeighbourKey } from './occlusionTarget';
import type { XanesSettings } from './settings';

export interface PredictJob {
  uri: string;
  block: number;
  blockName: string;
  structure: Structure;
  siteIndex: number;
  /** Atoms the site stands for (its orbit, or its environment group); the orbit's size when absent. */
  multiplicity?: number;
  equivalence?: SiteEquivalence;
  modelPath?: string;
  domain?: string;
}

export interface Predictor {
  status(): ServerStatus;
  /** Domains of the loaded model; null while no model is loaded (coverage is then unknown). */
  domains(): PredictionDomain[] | null;
  /** Applies backend/model settings; may start loading a model. */
  configure(settings: XanesSettings): Promise<void>;
  /** Rejects with model/inferenceService's CancelledError when `signal` aborts first. */
  predict(job: PredictJob, signal?: AbortSignal): Promise<PredictResult>;
  /**
   * Neighbour sensitivity by occlusion (model/sensitivity.ts) for the same site, model and
   * domain: background jobs of a few graphs each, behind any queued prediction.
   */
  sensitivity(job: PredictJob, signal?: AbortSignal): Promise<SensitivityResult>;
  /**
   * The site's spectrum with one real neighbour removed (model/sensitivity.ts neighbourOccluder)
   * and the full spectrum from the same forward pass, as a foreground job. Rejects with
   * occlusionTarget's NoSuchNeighbourError when `neighbour` names no real neighbour.
   */
  predictWithout(job: PredictJob, neighbour: NeighbourKey, signal?: AbortSignal): Promise<PredictWithoutResult>;
  onStatus(listener: (s: ServerStatus) => void): void;
  dispose(): Promise<void>;
  /** Test hook (XANES_TEST_HOOKS=1): terminate the inference worker(s) as a crash would; returns how many. */
  killWorkers?(): Promise<number>;
}

export class NoModelError extends Error {
  constructor(detail?: string) {
    super(
      'No XANES model is installed. Put a trained model in the extension\'s models/ folder or set ' +
        '"xanes.modelPath" to a model directory' + (detail ? ` (${detail})` : '') + '.',
    );
    this.name = 'NoModelError';
  }
}
