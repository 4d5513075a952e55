// Attention per source row (pure, no vscode): the numbers behind the editor decorations and the
// hover. Several neighbours can come from one row (periodic images, symmetry copies of one CIF
// atom_site row); their scores are SUMMED, because attention is a softmax over neighbours and the
// sum is the share of attention that row's atoms received together. Models with a neighbour
// transformer also report, per transformer head, the last layer's softmax weight of the
// absorber's query on each atom (and on itself): rows sum those the same way.
import type { NeighbourAttention, PredictResult } from '../../../server/src/lsp_ext';
import type { TextRange } from '../../../server/src/structure/types';
import { overlayWithoutLink } from './overlayLink';
import {
  byRank,
  formatDelta,
  formatSensitivity,
  type HighlightBy,
  sensitivitySentence,
  sensitivityStatusLine,
  spreadNote,
  type SensitivityState,
  usableSensitivity,
} from './sensitivity';

const f3 = (x: number): string => x.toFixed(3);

/** 'mean' over heads, or a 1-based head number. */
export type HeadSelection = 'mean' | number;

export interface RowAttention {
  line: number;
  range: TextRange;
  neighbours: NeighbourAttention[];
  /** Summed value of the row's neighbours: attention or transformer weight of the selected head (or the head mean), or sensitivity. */
  value: number;
  /** value / the largest row value: 0…1, drives the colour intensity. */
  intensity: number;
}

export function parseHeadSetting(v: unknown, heads: number): HeadSelection {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= Math.max(1, heads)) return n;
  return 'mean';
}

export function headLabel(head: HeadSelection): string {
  return head === 'mean' ? 'mean over heads' : `head ${head}`;
}

export function score(n: NeighbourAttention, head: HeadSelection): number {
  return ofHead(n.scores, head) ?? 0;
}

export function aggregateRows(result: PredictResult, head: HeadSelection): RowAttention[] {
  return aggregateRowsBy(result, (n) => score(n, head));
}

/** Said wherever transformer weights were asked for and the model has none, so GAT attention stands in. */
export const NO_TRANSFORMER = 'model has no neighbour transformer';

export function transformerHeadLabel(head: HeadSelection): string {
  return head === 'mean' ? 'neighbour transformer, mean over heads' : `neighbour transformer head ${head}`;
}

/**
 * The neighbour transformer's weight on `n` for one head or the head mean; null for an atom that
 * was not a token (beyond the model's token limit), which the transformer never saw: not a 0.
 */
export function transformerScore(n: NeighbourAttention, head: HeadSelection): number | null {
  return ofHead(n.transformer, head);
}

/** One head's value or the head mean; null when there are none. */
function ofHead(values: readonly number[] | undefined, head: HeadSelection): number | null {
  if (!values || values.length === 0) return null;
  if (head === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  return values[head - 1] ?? null;
}

/** The weight the absorber's query keeps on itself (one head or the head mean); null without a readout. */
export function transformerSelf(result: PredictResult, head: HeadSelection): number | null {
  return ofHead(result.transformer?.self, head);
}

/** Rows by transformer weight; a non-token atom adds nothing to its row. */
export function aggregateTransformerRows(result: PredictResult, head: HeadSelection): RowAttention[] {
  return aggregateRowsBy(result, (n) => transformerScore(n, head) ?? 0);
}

/** Whether any atom of the row was a token (else its transformer value is unknown, not 0). */
export function rowHasTokens(row: RowAttention): boolean {
  return row.neighbours.some((n) => n.transformer !== undefined && n.transformer.length > 0);
}

/** Rows of the real neighbours with `valueOf` summed per row; intensity relative to the largest row. */
export function aggregateRowsBy(result: PredictResult, valueOf: (n: NeighbourAttention) => number): RowAttention[] {
  const rows = new Map<number, RowAttention>();
  for (const n of result.neighbours) {
    if (n.virtual) continue;
    const line = n.range.start.line;
    const row = rows.get(line) ?? { line, range: n.range, neighbours: [], value: 0, intensity: 0 };
    row.neighbours.push(n);
    row.value += valueOf(n);
    rows.set(line, row);
  }
  const list = [...rows.values()].sort((a, b) => a.line - b.line);
  const max = Math.max(0, ...list.map((r) => r.value));
  for (const r of list) r.intensity = max > 0 ? r.value / max : 0;
  return list;
}

/** What colours the rows of one prediction, their labels, and what the absorber's label says. */
export interface RowColouring {
  /** What the values are: the chosen setting, or 'attention' when that is not available. */
  by: HighlightBy;
  rows: RowAttention[];
  label: (row: RowAttention) => string;
  what: string;
}

/**
 * The decorations' choice: the chosen value when the prediction has it, else GAT attention of
 * `head` with the reason in `what`. `transformerHead` is the head setting parsed against the
 * transformer's head count.
 */
export function rowColouring(
  result: PredictResult,
  highlightBy: HighlightBy,
  head: HeadSelection,
  transformerHead: HeadSelection,
  sensitivity?: SensitivityState,
): RowColouring {
  const sum = (row: RowAttention): string => (row.neighbours.length > 1 ? ` (Σ${row.neighbours.length})` : '');
  if (highlightBy === 'transformer' && result.transformer) {
    const self = transformerSelf(result, transformerHead);
    return {
      by: 'transformer',
      rows: aggregateTransformerRows(result, transformerHead),
      // A row of non-tokens has no weight, which is not the same as a weight of 0.
      label: (row) => `  transformer ${rowHasTokens(row) ? f3(row.value) : '—'}${sum(row)}`,
      what: `${transformerHeadLabel(transformerHead)} (self ${self === null ? '—' : f3(self)})`,
    };
  }
  const sens = usableSensitivity(sensitivity);
  if (highlightBy === 'sensitivity' && sens) {
    const ranks = byRank(sens);
    return {
      by: 'sensitivity',
      rows: aggregateRowsBy(result, (n) => ranks.get(n.rank)?.sensitivity ?? 0),
      label: (row) => `  sensitivity ${formatDelta(row.value)}${sum(row)}`,
      what: 'sensitivity, mean |Δμ| when removed',
    };
  }
  // Asked for sensitivity or transformer weights that are not (yet) there: attention meanwhile, and say so.
  const waiting = highlightBy === 'sensitivity'
    ? (sensitivity?.status === 'pending' ? ' (sensitivity pending)' : ' (no sensitivity)')
    : highlightBy === 'transformer' ? ` (${NO_TRANSFORMER})` : '';
  return { by: 'attention', rows: aggregateRows(result, head), label: (row) => `  attention ${f3(row.value)}${sum(row)}`, what: `${headLabel(head)}${waiting}` };
}

/** Per head, (s − min)/(max − min) over the real neighbours, as the paper plots attention. */
export function minMaxPerHead(result: PredictResult): Map<NeighbourAttention, number[]> {
  const real = result.neighbours.filter((n) => !n.virtual);
  const out = new Map<NeighbourAttention, number[]>();
  for (const n of real) out.set(n, []);
  for (let h = 0; h < result.heads; h++) {
    const values = real.map((n) => n.scores[h] ?? 0);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    real.forEach((n, i) => out.get(n)?.push(hi > lo ? (values[i] - lo) / (hi - lo) : 0));
  }
  return out;
}


/**
 * The sensitivity sentence's link: the row's atom, or for a row of several atoms the one whose
 * removal changes μ most (the table links the others).
 */
function rowOverlayLink(result: PredictResult, row: readonly NeighbourAttention[], ranks: ReturnType<typeof byRank>): string {
  const scored = row.flatMap((n) => {
    const e = ranks.get(n.rank);
    return e ? [{ n, order: e.order }] : [];
  });
  if (scored.length === 0) return '';
  const top = scored.reduce((a, b) => (b.order < a.order ? b : a));
  const link = overlayWithoutLink(result, top.n);
  return scored.length === 1 ? link : `${link} (this row's most sensitive atom, at ${top.n.distance.toFixed(3)} Å; the table links each atom).`;
}

/** The row's headline: the value that colours it (GAT `row.value`, or the transformer's), summed over the row's atoms. */
function headline(result: PredictResult, row: RowAttention, head: HeadSelection, transformerHead: HeadSelection | undefined): string {
  const several = row.neighbours.length > 1;
  const real = result.neighbours.filter((n) => !n.virtual).length;
  const from = `${row.neighbours.length} neighbour${several ? 's' : ''} from this row (of ${real}); `;
  const summed = several ? ' (sum over the row\'s neighbours)' : '';
  if (transformerHead === undefined || !result.transformer) {
    const fallback = transformerHead !== undefined ? ` (${NO_TRANSFORMER})` : '';
    return `${from}${headLabel(head)}${fallback}: **${f3(row.value)}**${summed}`;
  }
  const label = transformerHeadLabel(transformerHead);
  if (!rowHasTokens(row)) return `${from}${label}: **—** (not a token: beyond the model's token limit)`;
  const values = row.neighbours.map((n) => transformerScore(n, transformerHead));
  const sum = values.reduce<number>((a, v) => a + (v ?? 0), 0);
  const outside = values.filter((v) => v === null).length;
  const note = outside > 0 ? ` (sum over the row's tokens; ${outside} atom${outside > 1 ? 's' : ''} beyond the token limit)` : summed;
  return `${from}${label}: **${f3(sum)}**${note}`;
}

/**
 * Markdown for a hover on a decorated line; null when the line is not one of the result's rows.
 * With a sensitivity state the row also gets its occlusion sentence and a per-atom column.
 * `transformerHead` is given when the neighbour transformer colours the rows: the headline then
 * sums its weights (or says the model has none). The transformer columns and the absorber's self
 * weights appear whenever the result carries the readout.
 */
export function hoverMarkdown(
  result: PredictResult,
  line: number,
  head: HeadSelection,
  sensitivity?: SensitivityState,
  transformerHead?: HeadSelection,
): string | null {
  const absorberLine = result.absorberRange.start.line;
  const row = aggregateRows(result, head).find((r) => r.line === line);
  if (!row && line !== absorberLine) return null;
  const title = `**XANES attention** — absorber ${result.label} (${result.element}), ${result.model.name} ${result.model.version}`;
  const parts = [title];
  const tr = result.transformer;
  const tHeads = tr ? Array.from({ length: tr.heads }, (_, h) => `t${h + 1}`) : [];
  if (line === absorberLine) {
    parts.push(`This row is the **absorbing atom** of the prediction.`);
    if (tr) {
      const self = tHeads.map((t, h) => `${t} ${tr.self[h] === undefined ? '—' : f3(tr.self[h])}`).join(' · ');
      parts.push(`Neighbour transformer (last layer): the absorber's query keeps ${self} on the absorber itself; the rest of each head goes to the neighbours.`);
    }
  }
  if (row) {
    const norm = minMaxPerHead(result);
    const heads = Array.from({ length: result.heads }, (_, h) => `h${h + 1}`);
    parts.push(headline(result, row, head, transformerHead));
    const ready = usableSensitivity(sensitivity);
    const ranks = ready ? byRank(ready) : undefined;
    const sentence = ready ? sensitivitySentence(ready, row.neighbours) : sensitivityStatusLine(sensitivity);
    if (sentence) parts.push(ranks ? `${sentence} ${rowOverlayLink(result, row.neighbours, ranks)}` : sentence);
    const extra = ranks ? ' |Δμ| removed (rank) |' : '';
    const tHeader = tHeads.map((t) => ` ${t} |`).join('');
    const header = `| rank | atom | d (Å) | ${heads.map((h) => `${h} raw`).join(' | ')} | ${heads.map((h) => `${h} min–max`).join(' | ')} |${tHeader}${extra}`;
    const rule = `|${' --- |'.repeat(3 + 2 * result.heads + tHeads.length + (ranks ? 1 : 0))}`;
    const lines = row.neighbours.map((n) => {
      const mm = norm.get(n) ?? [];
      const e = ranks?.get(n.rank);
      // Several atoms share the row's label: each gets its own link in its own table row.
      const link = e && row.neighbours.length > 1 ? ` ${overlayWithoutLink(result, n, 'overlay')}` : '';
      const cell = ranks && ready ? (e ? ` ${formatSensitivity(e, ready.members)} (${e.order})${link} |` : ' — |') : '';
      const t = tHeads.map((_, h) => ` ${n.transformer?.[h] === undefined ? '—' : f3(n.transformer[h])} |`).join('');
      return `| ${n.rank} | ${n.element} ${n.label} | ${n.distance.toFixed(3)} | ${n.scores.map(f3).join(' | ')} | ${mm.map((v) => v.toFixed(2)).join(' | ')} |${t}${cell}`;
    });
    parts.push([header, rule, ...lines].join('\n'));
    parts.push('_Raw: softmax attention over the real neighbours. Min–max: per head over the neighbours, as in the paper._');
    if (tr) {
      const none = row.neighbours.some((n) => n.transformer === undefined) ? ' —: not a token (beyond the model\'s token limit).' : '';
      parts.push(`_t1…t${tr.heads}: last layer of the neighbour transformer, the weight of the absorber's query on each atom; with the absorber itself they sum to 1 per head.${none}_`);
    }
    if (ready) {
      const spread = spreadNote(ready);
      parts.push(`_|Δμ| removed: mean over the grid of |μ − μ without that atom| (ensemble mean)${spread ? `; ${spread}` : ''}; ${ready.method}._`);
    }
  }
  return parts.join('\n\n');
}
