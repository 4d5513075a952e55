// The order of "Reveal Neighbour…" (pure, no vscode): the neighbours ranked by whatever colours
// the rows. With xanes.highlightBy = "sensitivity" and the occlusion result in, that is S_j; with
// "transformer" and a model that has a neighbour transformer, its last-layer weights; otherwise
// attention of the selected head, and when the other value was asked for but is not there
// (still computing, failed, no neighbours, no transformer) the title says why the list is by
// attention instead.
import type { NeighbourAttention, PredictResult } from '../../../server/src/lsp_ext';
import { headLabel, NO_TRANSFORMER, score, transformerScore, type HeadSelection } from './attention';
import { byRank, formatSensitivity, type HighlightBy, type SensitivityState, usableSensitivity } from './sensitivity';

export interface RevealItem {
  neighbour: NeighbourAttention;
  /** Quick-pick description: rank by distance, distance, and the value the list is sorted by. */
  description: string;
  /** What the panel note says about this neighbour (attention per head, transformer weights and S_j when known). */
  note: string;
}

export interface RevealRanking {
  by: HighlightBy;
  title: string;
  /** Real neighbours, most attended or most sensitive first (non-tokens last when by transformer). */
  items: RevealItem[];
}

/**
 * `sensitivity` must belong to `result` (the decorations keep only matching ones,
 * sensitivityMatches). `transformerHead` is the xanes.attentionHead setting parsed against the
 * transformer's head count (used only when ranking by transformer). Ties keep the distance order.
 */
export function revealRanking(
  result: PredictResult,
  head: HeadSelection,
  highlightBy: HighlightBy,
  sensitivity?: SensitivityState,
  transformerHead: HeadSelection = 'mean',
): RevealRanking {
  const real = result.neighbours.filter((n) => !n.virtual);
  const ready = usableSensitivity(sensitivity);
  const ranks = ready ? byRank(ready) : undefined;
  const transformerNote = (n: NeighbourAttention): string => {
    if (!result.transformer) return '';
    return n.transformer ? `; transformer ${n.transformer.map((s) => s.toFixed(3)).join(' / ')}` : '; transformer — (not a token)';
  };
  const attentionNote = (n: NeighbourAttention): string => `attention ${n.scores.map((s) => s.toFixed(3)).join(' / ')}${transformerNote(n)}`;
  const where = (n: NeighbourAttention): string => `rank ${n.rank} · ${n.distance.toFixed(3)} Å`;
  const sensitivityNote = (n: NeighbourAttention): string => {
    const e = ranks?.get(n.rank);
    return ready && e ? `; |Δμ| removed ${formatSensitivity(e, ready.members)} (sensitivity rank ${e.order} of ${ready.neighbours.length})` : '';
  };

  if (highlightBy === 'sensitivity' && ready && ranks) {
    // The server's order is S_j's rank (ties by distance); a neighbour it lacks goes last.
    const orderOf = (n: NeighbourAttention): number => ranks.get(n.rank)?.order ?? Number.POSITIVE_INFINITY;
    const sorted = [...real].sort((a, b) => orderOf(a) - orderOf(b) || a.rank - b.rank);
    return {
      by: 'sensitivity',
      title: `Neighbours of ${result.label}, by sensitivity (mean |Δμ| when removed; most sensitive first)`,
      items: sorted.map((n) => {
        const e = ranks.get(n.rank);
        return {
          neighbour: n,
          description: `${where(n)} · |Δμ| ${e ? formatSensitivity(e, ready.members) : '—'}`,
          note: `${attentionNote(n)}${sensitivityNote(n)}`,
        };
      }),
    };
  }

  if (highlightBy === 'transformer' && result.transformer) {
    // A non-token atom has no weight at all: after every token, not tied with a 0.
    const t = (n: NeighbourAttention): number => transformerScore(n, transformerHead) ?? Number.NEGATIVE_INFINITY;
    const sorted = [...real].sort((a, b) => t(b) - t(a) || a.rank - b.rank);
    return {
      by: 'transformer',
      title: `Neighbours of ${result.label}, by transformer attention (${headLabel(transformerHead)}; last layer, absorber's query)`,
      items: sorted.map((n) => {
        const v = transformerScore(n, transformerHead);
        return {
          neighbour: n,
          description: `${where(n)} · transformer ${headLabel(transformerHead)} ${v === null ? '— (not a token)' : v.toFixed(3)}`,
          note: `${attentionNote(n)}${sensitivityNote(n)}`,
        };
      }),
    };
  }

  let why = '';
  if (highlightBy === 'transformer') why = `; ${NO_TRANSFORMER}`;
  if (highlightBy === 'sensitivity') {
    if (sensitivity?.status === 'pending') why = '; sensitivity still computing';
    else if (sensitivity?.status === 'failed') why = '; sensitivity unavailable';
    else why = '; no sensitivity for this prediction';
  }
  const h = head;
  const sorted = [...real].sort((a, b) => score(b, h) - score(a, h) || a.rank - b.rank);
  return {
    by: 'attention',
    title: `Neighbours of ${result.label}, by attention (${headLabel(h)}${why})`,
    items: sorted.map((n) => ({
      neighbour: n,
      description: `${where(n)} · ${headLabel(h)} ${score(n, h).toFixed(3)}`,
      note: `${attentionNote(n)}${sensitivityNote(n)}`,
    })),
  };
}
