// Plain-text rendering of training progress and metric tables (CLI, output channel, docs).
import type { DomainMetrics } from './metrics';
import type { TrainEvent } from './trainer';

function f(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '—';
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

/** One line per event worth a line (step events only every `stepEvery`-th report). */
export function formatEvent(e: TrainEvent): string | undefined {
  switch (e.type) {
    case 'start':
      return `[${e.member}] ${e.trainSamples} train / ${e.valSamples} val samples, ${e.stepsPerEpoch} steps per epoch, ${e.parameters} parameters${e.resumedFrom ? `, resumed at epoch ${e.resumedFrom.epoch + 1} batch ${e.resumedFrom.batch}` : ''}`;
    case 'step':
      return undefined;
    case 'epoch': {
      const doms = Object.entries(e.val).map(([id, m]) => `${id} ${f(m.mae, 4)}`).join(', ');
      return `[${e.member}] epoch ${e.epoch}/${e.epochs} loss ${f(e.trainLoss, 4)} val ${f(e.valScore, 4)}${e.improved ? ' *' : ''} (best ${f(e.bestScore, 4)} @${e.bestEpoch}) lr ${e.learningRate.toExponential(2)} ${f(e.seconds, 0)} s ${f(e.samplesPerSecond, 1)}/s ETA ${formatDuration(e.etaSeconds)}${doms ? ` | MAE ${doms}` : ''}`;
    }
    case 'checkpoint':
      return undefined;
    case 'done':
      return `[${e.member}] ${e.status} after ${e.epochs} epochs; best validation score ${f(e.bestScore, 4)} at epoch ${e.bestEpoch}`;
  }
}

/** Table of metrics: one row per (domain, model). */
export function formatMetricsTable(byModel: Record<string, Record<string, DomainMetrics>>): string {
  const rows: string[] = [];
  rows.push(`${'domain'.padEnd(18)} ${'model'.padEnd(14)} ${'n'.padStart(5)} ${'MAE'.padStart(7)} ${'R²'.padStart(6)} ${'Pearson'.padStart(7)} ${'Δμ% med [q1, q3]'.padStart(20)} ${'peak eV'.padStart(7)} ${'±2σ'.padStart(5)}`);
  const domains = [...new Set(Object.values(byModel).flatMap((m) => Object.keys(m)))];
  for (const d of domains) {
    for (const [model, per] of Object.entries(byModel)) {
      const m = per[d];
      if (!m) continue;
      const dm = `${f(m.deltaMu.median, 2)} [${f(m.deltaMu.q1, 1)}, ${f(m.deltaMu.q3, 1)}]`;
      rows.push(`${d.padEnd(18)} ${model.padEnd(14)} ${String(m.spectra).padStart(5)} ${f(m.mae, 4).padStart(7)} ${f(m.r2, 3).padStart(6)} ${f(m.pearsonMean, 3).padStart(7)} ${dm.padStart(20)} ${f(m.peakMaeEv, 2).padStart(7)} ${(m.coverage2Sigma !== undefined ? f(m.coverage2Sigma, 2) : '').padStart(5)}`);
    }
  }
  return rows.join('\n');
}

/** The same table in Markdown (docs, README). */
export function formatMetricsMarkdown(byModel: Record<string, Record<string, DomainMetrics>>): string {
  const rows = [
    '| domain | model | spectra | MAE | R² | Pearson | Δμ % median [q1, q3] | peak MAE (eV) | ±2σ coverage |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const domains = [...new Set(Object.values(byModel).flatMap((m) => Object.keys(m)))];
  for (const d of domains) {
    for (const [model, per] of Object.entries(byModel)) {
      const m = per[d];
      if (!m) continue;
      rows.push(`| ${d} | ${model} | ${m.spectra} | ${f(m.mae, 4)} | ${f(m.r2, 3)} | ${f(m.pearsonMean, 3)} | ${f(m.deltaMu.median, 2)} [${f(m.deltaMu.q1, 2)}, ${f(m.deltaMu.q3, 2)}] | ${f(m.peakMaeEv, 2)} | ${m.coverage2Sigma !== undefined ? f(m.coverage2Sigma, 3) : ''} |`);
    }
  }
  return rows.join('\n');
}
