// Batch normalisation over real nodes only. Padding nodes carry no atom, so including them
// would make the statistics depend on how many virtual atoms a batch happens to contain.
// Parameters and constants here; factored.ts applies it (inference: folded into the update layer).
import type { Variable } from '@tensorflow/tfjs-core';
import type { LayerContext } from './dense';

export const BN_EPSILON = 1e-5;
export const BN_MOMENTUM = 0.9;

export interface BatchNorm {
  gamma: Variable;
  beta: Variable;
  movingMean: Variable;
  movingVariance: Variable;
}

export function createBatchNorm(ctx: LayerContext, name: string, size: number): BatchNorm {
  return {
    gamma: ctx.params.create(`${name}.gamma`, [size], 'ones'),
    beta: ctx.params.create(`${name}.beta`, [size], 'zeros'),
    movingMean: ctx.params.create(`${name}.movingMean`, [size], 'zeros', false),
    movingVariance: ctx.params.create(`${name}.movingVariance`, [size], 'ones', false),
  };
}
