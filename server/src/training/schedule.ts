// Learning-rate schedules. Cosine and step are pure functions of the (fractional) epoch; plateau
// keeps a little state that goes into the checkpoint.

export interface ScheduleConfig {
  type: 'none' | 'cosine' | 'step' | 'plateau';
  warmupEpochs: number;
  minLearningRate: number;
  stepEpochs: number;
  factor: number;
  patience: number;
}

export interface PlateauState {
  scale: number;
  best: number;
  bad: number;
}

export function initialPlateau(): PlateauState {
  return { scale: 1, best: Infinity, bad: 0 };
}

/** Learning rate at fractional epoch t (0-based) of `epochs`. */
export function learningRateAt(base: number, s: ScheduleConfig, t: number, epochs: number, plateau?: PlateauState): number {
  const warm = s.warmupEpochs > 0 && t < s.warmupEpochs ? (t + 1e-3) / s.warmupEpochs : 1;
  let lr = base;
  switch (s.type) {
    case 'cosine': {
      const span = Math.max(1e-9, epochs - s.warmupEpochs);
      const p = Math.min(1, Math.max(0, (t - s.warmupEpochs) / span));
      lr = s.minLearningRate + 0.5 * (base - s.minLearningRate) * (1 + Math.cos(Math.PI * p));
      break;
    }
    case 'step':
      lr = base * s.factor ** Math.floor(t / s.stepEpochs);
      break;
    case 'plateau':
      lr = Math.max(s.minLearningRate, base * (plateau?.scale ?? 1));
      break;
    case 'none':
      break;
  }
  return lr * Math.min(1, warm);
}

/** After each validation: lower the scale by `factor` when `patience` epochs brought no gain. */
export function updatePlateau(p: PlateauState, score: number, s: ScheduleConfig): PlateauState {
  if (score < p.best) return { scale: p.scale, best: score, bad: 0 };
  const bad = p.bad + 1;
  if (bad >= s.patience) return { scale: p.scale * s.factor, best: p.best, bad: 0 };
  return { ...p, bad };
}
