// Neighbour sensitivity per source row (pure, no vscode): the numbers behind the sensitivity
// colouring and the hover line. S_j (server/src/model/sensitivity.ts) is the mean |Δμ| when
// neighbour j alone is removed. Rows SUM their neighbours' S_j, the same way attention rows sum
// their scores, so the two colourings read alike; unlike attention the sum is only a summary:
// removing all of a row's atoms together is a different (non-additive) experiment.
import type { NeighbourAttention, PredictResult, SensitivityResult } from '../../../server/src/lsp_ext';

/**
 * What colours the neighbour rows (setting xanes.highlightBy): GAT attention, occlusion
 * sensitivity, or the neighbour transformer's last-layer weights (models that have one).
 */
export type HighlightBy = 'attention' | 'sensitivity' | 'transformer';

export function parseHighlightSetting(v: unknown): HighlightBy {
  return v === 'sensitivity' || v === 'transformer' ? v : 'attention';
}

/** Sensitivity of the prediction a document shows: asked for after the spectrum, so it may lag. */
export type SensitivityState =
  | { status: 'pending' }
  | { status: 'ready'; result: SensitivityResult }
  | { status: 'failed'; message: string };

/** Whether a sensitivity result belongs to this prediction (same site, model and domain). */
export function sensitivityMatches(p: PredictResult, s: SensitivityResult): boolean {
  return p.uri === s.uri && p.block === s.block && p.siteIndex === s.siteIndex && p.domain.id === s.domain.id
    && p.model.path === s.model.path && p.model.version === s.model.version;
}

/** The result when it is in and has neighbours to colour or rank by; otherwise attention stands in. */
export function usableSensitivity(state: SensitivityState | undefined): SensitivityResult | undefined {
  return state?.status === 'ready' && state.result.neighbours.length > 0 ? state.result : undefined;
}

/** Neighbour rank → its sensitivity entry. */
export function byRank(s: SensitivityResult): Map<number, SensitivityResult['neighbours'][number]> {
  return new Map(s.neighbours.map((n) => [n.rank, n]));
}

/** μ differences span 1e-1 … 1e-6: four decimals, or two significant digits below 1e-3. */
export function formatDelta(x: number): string {
  return x === 0 || x >= 1e-3 ? x.toFixed(4) : x.toExponential(1);
}

/**
 * S_j with the ensemble's spread, e.g. "0.0357 ± 0.0021". A one-member model has no spread to
 * report (its 0 is not a measurement), so it shows the value alone.
 */
export function formatSensitivity(n: { sensitivity: number; spread: number }, members: number): string {
  return members >= 2 ? `${formatDelta(n.sensitivity)} ± ${formatDelta(n.spread)}` : formatDelta(n.sensitivity);
}

/** What "±" means, for the hover's footnote; null when there is no spread. */
export function spreadNote(s: SensitivityResult): string | null {
  return s.members >= 2 ? `± is the standard deviation over the ${s.members} ensemble members of each member's own mean |Δμ|` : null;
}

/** The hover paragraph for one row's neighbours (null when no neighbour of the row has a value). */
export function sensitivitySentence(s: SensitivityResult, row: readonly NeighbourAttention[]): string | null {
  const ranks = byRank(s);
  const hits = row.flatMap((n) => {
    const e = ranks.get(n.rank);
    return e ? [e] : [];
  });
  if (hits.length === 0) return null;
  const total = s.neighbours.length;
  const grid = `mean |Δμ| over the ${s.gridPoints}-point ${s.domain.id} grid`;
  if (hits.length === 1) {
    const h = hits[0];
    const members = s.members >= 2 ? `, ± over ${s.members} members` : '';
    return `**Sensitivity (occlusion):** removing this atom changes μ by **${formatSensitivity(h, s.members)}** (${grid}${members}; rank ${h.order} of ${total}).`;
  }
  const values = hits.map((h) => h.sensitivity);
  const orders = hits.map((h) => h.order);
  const sum = values.reduce((a, b) => a + b, 0);
  return `**Sensitivity (occlusion):** removing one of this row's ${hits.length} atoms changes μ by ` +
    `${formatDelta(Math.min(...values))}–${formatDelta(Math.max(...values))} (${grid}; ranks ${Math.min(...orders)}–${Math.max(...orders)} of ${total}); ` +
    `**Σ ${formatDelta(sum)}** summed over the row like attention. Each atom is removed on its own: the sum is a summary, ` +
    'not the effect of removing them all.';
}

/** One line for the hover about a sensitivity that is not (yet) there. */
export function sensitivityStatusLine(state: SensitivityState | undefined): string | null {
  if (!state) return null;
  if (state.status === 'pending') return '_Sensitivity (occlusion): computing…_';
  if (state.status === 'failed') return `_Sensitivity (occlusion) unavailable: ${state.message}_`;
  if (state.result.neighbours.length === 0) return `_Sensitivity (occlusion): ${state.result.note ?? 'no neighbours to remove'}_`;
  return null;
}
