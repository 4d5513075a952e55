// The measurement controls: column chooser for multi-column files, normalisation summary,
// energy shift (slider and number) and automatic alignment.
import type { ColumnChoice, MuMode } from '../../server/src/spectrum/columns';
import type { ExperimentalView } from './derive';
import { clear, h } from './dom';
import type { ExperimentalState } from './state';

export interface ExperimentalHandlers {
  choose(choice: ColumnChoice): void;
  shift(value: number): void;
  autoAlign(): void;
  toggle(visible: boolean): void;
  remove(): void;
}

export const SHIFT_LIMIT = 50;

function select(label: string, names: readonly string[], value: number | undefined, testId: string, onChange: (v: number) => void): HTMLElement {
  const sel = h('select', { 'aria-label': label, 'data-testid': testId });
  names.forEach((n, i) => sel.append(h('option', { value: i, text: `${i + 1}: ${n}` })));
  sel.value = String(value ?? 0);
  sel.addEventListener('change', () => onChange(Number(sel.value)));
  return h('label', {}, `${label} `, sel);
}

export function renderExperimental(root: HTMLElement, ex: ExperimentalState | undefined, view: ExperimentalView | null, alignNote: string, on: ExperimentalHandlers): void {
  clear(root);
  root.hidden = !ex;
  if (!ex) return;
  const head = h('div', { class: 'row' }, h('strong', { text: `Measured: ${ex.fileName}` }));
  const visible = h('input', { type: 'checkbox', 'aria-label': 'Show the measurement' });
  visible.checked = ex.visible;
  visible.addEventListener('change', () => on.toggle(visible.checked));
  const remove = h('button', { text: 'Remove', 'data-testid': 'remove-experimental' });
  remove.addEventListener('click', () => on.remove());
  head.append(h('label', {}, visible, ' show'), remove);
  root.append(head);
  if (view?.error) root.append(h('div', { class: 'error', role: 'alert', text: view.error }));
  const loaded = view?.loaded;
  if (!loaded) return;
  const meta = Object.entries(loaded.metadata).filter(([k]) => /^(Element\.|Sample\.name|Facility\.name|Beamline\.name|Scan\.start_time)/i.test(k));
  if (meta.length > 0) root.append(h('div', { class: 'meta', text: meta.map(([k, v]) => `${k}: ${v}`).join(' · ') }));
  // How the file was read (units converted, columns guessed, points dropped): a wrong guess is
  // only caught if the scientist sees it.
  for (const note of loaded.notes) root.append(h('div', { class: 'meta note', 'data-testid': 'load-note', text: note }));
  const names = loaded.table.names;
  if (names.length > 2) {
    const c = loaded.choice;
    const chooser = h('div', { class: 'row columns', 'data-testid': 'column-chooser' });
    const update = (patch: Partial<ColumnChoice>): void => on.choose({ ...c, ...patch });
    chooser.append(select('Energy', names, c.energy, 'col-energy', (v) => update({ energy: v })));
    const mode = h('select', { 'aria-label': 'Signal', 'data-testid': 'col-mode' });
    for (const [v, t] of [['mu', 'μ column'], ['transmission', 'ln(I0/It)'], ['fluorescence', 'If/I0']]) mode.append(h('option', { value: v, text: t }));
    mode.value = c.mode;
    mode.addEventListener('change', () => {
      const m = mode.value as MuMode;
      update(m === 'mu' ? { mode: m, mu: c.mu ?? 1 } : { mode: m, i0: c.i0 ?? 1, signal: c.signal ?? 2 });
    });
    chooser.append(h('label', {}, 'Signal ', mode));
    if (c.mode === 'mu') chooser.append(select('μ', names, c.mu, 'col-mu', (v) => update({ mu: v })));
    else {
      chooser.append(select('I0', names, c.i0, 'col-i0', (v) => update({ i0: v })));
      chooser.append(select(c.mode === 'transmission' ? 'It' : 'If', names, c.signal, 'col-signal', (v) => update({ signal: v })));
    }
    root.append(chooser);
  }
  const n = view?.normalised;
  if (n) {
    const pre = `${n.pre.range[0].toFixed(0)}…${n.pre.range[1].toFixed(0)}`;
    const post = `${n.post.range[0].toFixed(0)}…${n.post.range[1].toFixed(0)}`;
    root.append(h('div', { class: 'meta', 'data-testid': 'normalisation', text: `E0 ${n.e0.toFixed(2)} eV · edge step ${n.edgeStep.toPrecision(4)} · pre-edge ${pre} eV · post-edge ${post} eV (degree ${n.post.degree})` }));
    for (const note of n.notes) root.append(h('div', { class: 'meta note', text: note }));
  }
  const slider = h('input', { type: 'range', min: -SHIFT_LIMIT, max: SHIFT_LIMIT, step: 0.05, 'aria-label': 'Energy shift (eV)', 'data-testid': 'shift-slider' });
  slider.value = String(ex.shift);
  const number = h('input', { type: 'number', min: -SHIFT_LIMIT, max: SHIFT_LIMIT, step: 0.05, 'aria-label': 'Energy shift in eV', 'data-testid': 'shift-number', class: 'shift-number' });
  number.value = ex.shift.toFixed(2);
  slider.addEventListener('input', () => on.shift(Number(slider.value)));
  number.addEventListener('change', () => {
    const v = Number(number.value);
    if (Number.isFinite(v)) on.shift(Math.max(-SHIFT_LIMIT, Math.min(SHIFT_LIMIT, v)));
  });
  const align = h('button', { text: 'Auto align', 'data-testid': 'auto-align', title: 'Shift maximising Pearson r against the selected (or first visible) prediction' });
  align.addEventListener('click', () => on.autoAlign());
  root.append(h('div', { class: 'row' }, h('label', {}, 'Shift ', slider), number, ' eV ', align, h('span', { class: 'meta', 'data-testid': 'align-note', text: alignNote })));
}
