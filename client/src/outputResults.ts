// Prediction results as text in the "XANES Lens" output channel, next to the panel: a record
// of what was predicted with which model, and readable without the webview.
import type * as vscode from 'vscode';
import type { PredictAllResult, PredictResult, PredictWithoutResult, SensitivityResult } from '../../server/src/lsp_ext';
import { reliabilityLogLine } from '../../server/src/model/reliability';
import type { ResultSink } from './context';
import { formatDelta, formatSensitivity as formatValue } from './decorations/sensitivity';

export function formatResult(r: PredictResult): string {
  const lines = [
    `${r.label} (${r.element}, ×${r.multiplicity}) in ${r.blockName} — ${r.domain.id}, model ${r.model.name} ${r.model.version}, ${r.backend}, ${r.timingMs.toFixed(0)} ms`,
  ];
  const peak = r.mu.reduce((best, m, i) => (m > r.mu[best] ? i : best), 0);
  if (r.energies.length > 0) {
    lines.push(`  ${r.energies.length} points ${r.energies[0].toFixed(1)}–${r.energies[r.energies.length - 1].toFixed(1)} eV; white line ${r.energies[peak].toFixed(1)} eV (μ = ${r.mu[peak].toFixed(3)})`);
  }
  if (r.reliability) lines.push(`  ${reliabilityLogLine(r.reliability)}`);
  const top = [...r.neighbours].filter((n) => !n.virtual).slice(0, 6);
  for (const n of top) {
    lines.push(`  #${n.rank} ${n.element} ${n.label} ${n.distance.toFixed(3)} Å  attention ${n.scores.map((s) => s.toFixed(3)).join(' / ')}`);
  }
  return lines.join('\n');
}

/** The most sensitive neighbours, one line (the full list is in the hover). */
export function formatSensitivity(s: SensitivityResult): string {
  if (s.neighbours.length === 0) return `${s.label} sensitivity: ${s.note ?? 'no neighbours'}`;
  const top = [...s.neighbours].sort((a, b) => a.order - b.order).slice(0, 5);
  return `${s.label} sensitivity (occlusion, ${s.neighbours.length} neighbours, mean |Δμ|, ${s.timingMs.toFixed(0)} ms): ` +
    top.map((n) => `#${n.rank} ${n.element} ${n.label} ${n.distance.toFixed(2)} Å ${formatValue(n, s.members)}`).join('; ');
}

/** One line per overlay: which atom went, what it changed, and where on the energy axis most. */
export function formatWithout(r: PredictWithoutResult): string {
  const n = r.removed;
  const at = r.mu.reduce((best, m, i) => (Math.abs(m - r.fullMu[i]) > Math.abs(r.mu[best] - r.fullMu[best]) ? i : best), 0);
  return `${r.label} without #${n.rank} ${n.element} ${n.label} ${n.distance.toFixed(3)} Å (${r.domain.id}, ${r.timingMs.toFixed(0)} ms): mean |Δμ| ${formatDelta(r.meanAbsDelta)}, ` +
    `largest Δμ ${(r.mu[at] - r.fullMu[at]).toFixed(4)} at ${r.energies[at].toFixed(1)} eV`;
}

export function outputResultSink(output: vscode.LogOutputChannel): ResultSink {
  return {
    showSite(r) {
      output.appendLine(formatResult(r));
    },
    showAll(all: PredictAllResult) {
      for (const r of all.results) output.appendLine(formatResult(r));
      for (const f of all.failures) output.appendLine(`${f.label} (${f.element}): ${f.message}`);
    },
    showSensitivity(prediction, state) {
      if (state.status === 'ready') output.appendLine(formatSensitivity(state.result));
      else if (state.status === 'failed') output.appendLine(`${prediction.label} sensitivity failed: ${state.message}`);
    },
    showWithout(r) {
      output.appendLine(formatWithout(r));
    },
  };
}
