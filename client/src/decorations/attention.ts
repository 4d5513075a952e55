// Attention per source row (pure, no vscode): the numbers behind the editor decorations and the
// hover. Several neighbours can come from one row (periodic images, symmetry copies of one CIF
// atom_site row); their scores are SUMMED, because attention is a softmax over neighbours and the
// sum is the share of attention that row's atoms received together.
import type { NeighbourAttention, PredictResult } from '../../../server/src/lsp_ext';
import type { TextRange } from '../../../server/src/structure/types';
import { overlayWithoutLink } from './overlayLink';
import { byRank, formatSensitivity, sensitivitySentence, sensitivityStatusLine, spreadNote, type SensitivityState } from './sensitivity';

/** 'mean' over heads, or a 1-based head number. */
export type HeadSelection = 'mean' | number;

export interface RowAttention {
  line: number;
  range: TextRange;
  neighbours: NeighbourAttention[];
  /** Summed value of the row's neighbours: attention of the selected head (or the head mean), or sensitivity. */
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
  if (head === 'mean') return n.scores.length === 0 ? 0 : n.scores.reduce((a, b) => a + b, 0) / n.scores.length;
  return n.scores[head - 1] ?? 0;
}

export function aggregateRows(result: PredictResult, head: HeadSelection): RowAttention[] {
  return aggregateRowsBy(result, (n) => score(n, head));
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

const f3 = (x: number): string => x.toFixed(3);

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

/**
 * Markdown for a hover on a decorated line; null when the line is not one of the result's rows.
 * With a sensitivity state the row also gets its occlusion sentence and a per-atom column.
 */
export function hoverMarkdown(result: PredictResult, line: number, head: HeadSelection, sensitivity?: SensitivityState): string | null {
  const absorberLine = result.absorberRange.start.line;
  const row = aggregateRows(result, head).find((r) => r.line === line);
  if (!row && line !== absorberLine) return null;
  const title = `**XANES attention** — absorber ${result.label} (${result.element}), ${result.model.name} ${result.model.version}`;
  const parts = [title];
  if (line === absorberLine) parts.push(`This row is the **absorbing atom** of the prediction.`);
  if (row) {
    const norm = minMaxPerHead(result);
    const heads = Array.from({ length: result.heads }, (_, h) => `h${h + 1}`);
    const real = result.neighbours.filter((n) => !n.virtual).length;
    parts.push(
      `${row.neighbours.length} neighbour${row.neighbours.length > 1 ? 's' : ''} from this row (of ${real}); ` +
        `${headLabel(head)}: **${f3(row.value)}**${row.neighbours.length > 1 ? ' (sum over the row\'s neighbours)' : ''}`,
    );
    const ready = sensitivity?.status === 'ready' && sensitivity.result.neighbours.length > 0 ? sensitivity.result : undefined;
    const ranks = ready ? byRank(ready) : undefined;
    const sentence = ready ? sensitivitySentence(ready, row.neighbours) : sensitivityStatusLine(sensitivity);
    if (sentence) parts.push(ranks ? `${sentence} ${rowOverlayLink(result, row.neighbours, ranks)}` : sentence);
    const extra = ranks ? ' |Δμ| removed (rank) |' : '';
    const header = `| rank | atom | d (Å) | ${heads.map((h) => `${h} raw`).join(' | ')} | ${heads.map((h) => `${h} min–max`).join(' | ')} |${extra}`;
    const rule = `|${' --- |'.repeat(3 + 2 * result.heads + (ranks ? 1 : 0))}`;
    const lines = row.neighbours.map((n) => {
      const mm = norm.get(n) ?? [];
      const e = ranks?.get(n.rank);
      // Several atoms share the row's label: each gets its own link in its own table row.
      const link = e && row.neighbours.length > 1 ? ` ${overlayWithoutLink(result, n, 'overlay')}` : '';
      const cell = ranks && ready ? (e ? ` ${formatSensitivity(e, ready.members)} (${e.order})${link} |` : ' — |') : '';
      return `| ${n.rank} | ${n.element} ${n.label} | ${n.distance.toFixed(3)} | ${n.scores.map(f3).join(' | ')} | ${mm.map((v) => v.toFixed(2)).join(' | ')} |${cell}`;
    });
    parts.push([header, rule, ...lines].join('\n'));
    parts.push('_Raw: softmax attention over the real neighbours. Min–max: per head over the neighbours, as in the paper._');
    if (ready) {
      const spread = spreadNote(ready);
      parts.push(`_|Δμ| removed: mean over the grid of |μ − μ without that atom| (ensemble mean)${spread ? `; ${spread}` : ''}; ${ready.method}._`);
    }
  }
  return parts.join('\n\n');
}
