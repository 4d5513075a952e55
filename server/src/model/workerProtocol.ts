// Messages between the inference service and its worker thread (plain data, structured-clone safe).
import type { AbsorberGraph } from '../graph/types';
import type { BackendPreference } from './backend';
import type { Prediction, PredictorInfo } from './predictor';

export interface WorkerConfig {
  modelDir: string;
  backend: BackendPreference;
  wasmDir?: string;
}

/** members: also return each ensemble member's μ(E) (Prediction.members). */
export type ToWorker = { type: 'predict'; id: number; graphs: AbsorberGraph[]; domainIds: string[]; members?: boolean };

export type FromWorker =
  | { type: 'ready'; info: PredictorInfo; fallbacks: string[] }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; predictions: Prediction[] }
  | { type: 'error'; id: number; message: string };
