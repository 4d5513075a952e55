// The list of curves: colour swatch, show/hide, label and provenance (with the model's measured
// accuracy for the curve's domain), similarity to the measurement, remove.
import type { Series } from './derive';
import { clear, h } from './dom';
import type { PanelReliability } from './protocol';
import { seriesColor, type Theme } from './theme';

export interface ListHandlers {
  toggle(id: string, visible: boolean): void;
  remove(id: string): void;
  select(id: string): void;
  reveal(id: string): void;
}

export function formatSimilarity(s: Series): string {
  if (s.similarity === undefined) return '';
  if (s.similarity === null) return 'no overlap with the measurement';
  const { pearson, mae, overlap } = s.similarity;
  return `r = ${pearson.toFixed(3)} · MAE = ${mae.toFixed(3)} (${overlap[0].toFixed(0)}–${overlap[1].toFixed(0)} eV)`;
}

/** 'few' and 'untested' are flagged: the curve looks as confident as a well-tested one otherwise. */
export function isFlagged(r: PanelReliability): boolean {
  return r.level !== 'well-tested';
}

/** The reliability line of a curve: the metadata's numbers, flagged with ⚠ when they are thin. */
export function formatReliability(r: PanelReliability): string {
  return `${isFlagged(r) ? '⚠ ' : ''}${r.summary}`;
}

function reliabilityLine(r: PanelReliability): HTMLElement {
  const line = h('span', {
    class: `detail reliability reliability-${r.level}`, 'data-testid': 'reliability', 'data-level': r.level,
    title: r.summary, text: formatReliability(r),
  });
  if (isFlagged(r)) {
    // Set through the CSSOM (allowed by the panel's CSP, as for the swatches): the warning colour
    // of the theme, and wrapped rather than cut off, since this is the line that must be read.
    line.style.color = 'var(--vscode-editorWarning-foreground, #bf8803)';
    line.style.whiteSpace = 'normal';
  }
  return line;
}

export function renderList(root: HTMLElement, series: readonly Series[], selected: string | undefined, theme: Theme, on: ListHandlers): void {
  clear(root);
  if (series.length === 0) {
    root.append(h('li', { class: 'empty', text: 'No spectra yet: click "Predict K-edge XANES" above an absorbing site.' }));
    return;
  }
  for (const s of series) {
    const swatch = h('span', { class: `swatch swatch-${s.kind}`, 'aria-hidden': 'true' });
    swatch.style.backgroundColor = seriesColor(theme, s.color);
    const box = h('input', { type: 'checkbox', class: 'toggle', 'aria-label': `Show ${s.label}`, 'data-testid': 'toggle' });
    box.checked = s.visible;
    box.addEventListener('change', () => on.toggle(s.id, box.checked));
    const label = h('button', { class: 'label', 'data-testid': 'label', title: s.source ? 'Select (double-click: reveal the site in the editor)' : 'Select' },
      h('span', { class: 'name', text: s.label }),
      h('span', { class: 'detail', text: s.detail }),
      s.reliability ? reliabilityLine(s.reliability) : null);
    label.addEventListener('click', () => on.select(s.id));
    label.addEventListener('dblclick', () => on.reveal(s.id));
    const sim = h('span', { class: 'similarity', 'data-testid': 'similarity', text: formatSimilarity(s) });
    // Averages follow their sites and a Δμ curve its overlay: they are hidden, not removed.
    const remove = s.kind === 'average' || s.kind === 'delta' ? null : h('button', { class: 'remove icon', 'aria-label': `Remove ${s.label}`, title: 'Remove', text: '×', 'data-testid': 'remove' });
    remove?.addEventListener('click', () => on.remove(s.id));
    const li = h('li', { class: `item item-${s.kind}${s.id === selected ? ' selected' : ''}${s.visible ? '' : ' hidden-curve'}`, 'data-id': s.id, 'data-testid': 'spectrum-item' },
      swatch, box, label, sim, remove);
    root.append(li);
  }
}
