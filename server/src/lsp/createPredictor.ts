// Chooses the predictor implementation. Until the inference service lands this is the
// no-model predictor; the LSP layer depends only on the Predictor interface.
import { NoModelPredictor, type Predictor } from './predictor';

export function createPredictor(): Predictor {
  return new NoModelPredictor();
}
