// The server's predictor: the worker-thread inference service over the configured or shipped
// model. Without a model it answers every prediction with the no-model error.
import { InferencePredictor } from './inferencePredictor';
import type { Predictor } from './predictor';

export function createPredictor(log: (m: string) => void): Predictor {
  return new InferencePredictor(log);
}
