// Spectrum panel entry point (bundled to dist/webview.js). Owns the state, persists it through
// the VS Code webview API, and re-derives the curves on every change.
import { findBestShift } from '../../server/src/spectrum/align';
import { SpectrumChart } from './chart';
import { derive, type Derived, type Series } from './derive';
import { h } from './dom';
import { renderExperimental, SHIFT_LIMIT } from './experimental';
import { buildCsv, buildXdi, exportFileName } from './exports';
import { formatSimilarity, isFlagged, renderList } from './list';
import { type ExportFormat, type HostToWebview, type PanelSpectrum, type ShownSeries, validateHostMessage, type WebviewToHost } from './protocol';
import { addOverlay, addSpectra, initialState, type PanelState, removeSpectrum, restoreState, toggleHidden } from './state';
import { readTheme, seriesDash } from './theme';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PanelState = restoreState(vscode.getState());
let derived: Derived = { series: [], experimental: null };
let alignNote = '';
/**
 * The curve list last reported to the host, so that only changes are sent. It starts as '[]': an
 * empty panel has nothing to report, and its first message stays 'ready'.
 */
let lastShown = '[]';
let theme = readTheme(document);

const status = h('div', { class: 'status', role: 'status', 'aria-live': 'polite', 'data-testid': 'status' });
const xMode = h('select', { 'aria-label': 'Energy axis', 'data-testid': 'x-mode' },
  h('option', { value: 'absolute', text: 'Energy (eV)' }), h('option', { value: 'relative', text: 'E − E0 (eV)' }));
const normalise = h('input', { type: 'checkbox', 'data-testid': 'normalise-predicted' });
const average = h('input', { type: 'checkbox', 'data-testid': 'average-by-element' });
const button = (text: string, testId: string, title: string, onClick: () => void): HTMLButtonElement => {
  const b = h('button', { text, 'data-testid': testId, title });
  b.addEventListener('click', onClick);
  return b;
};
const toolbar = h('div', { class: 'toolbar', role: 'toolbar' },
  h('label', {}, 'x ', xMode),
  h('label', { title: 'Edge-step normalise predictions (pre-edge line, post-edge polynomial)' }, normalise, ' normalise predictions'),
  h('label', { title: 'Multiplicity-weighted average of the sites of each element' }, average, ' average by element'),
  button('Reset zoom', 'reset-zoom', 'Wheel or pinch to zoom, drag to pan, shift-drag to zoom a box', () => plot.resetZoom()),
  button('Load measured…', 'load-experimental', 'Overlay a measured spectrum (.xdi, .dat, .xmu, .txt, .csv)', () => post({ type: 'loadExperimental' })),
  button('CSV', 'export-csv', 'Export the visible curves as CSV', () => doExport('csv')),
  button('XDI', 'export-xdi', 'Export the selected curve as XDI with provenance', () => doExport('xdi')),
  button('PNG', 'export-png', 'Export the plot as PNG', () => doExport('png')),
);
const canvas = h('canvas', { 'data-testid': 'chart', role: 'img', 'aria-label': 'XANES spectra plot' });
const chartBox = h('div', { class: 'chart' }, canvas);
const list = h('ul', { class: 'list', 'data-testid': 'spectrum-list', 'aria-label': 'Spectra' });
const experimental = h('section', { class: 'experimental', 'data-testid': 'experimental', 'aria-label': 'Measured spectrum' });
document.body.append(h('main', { class: 'app' }, toolbar, status, chartBox, experimental, list));

const plot = new SpectrumChart(canvas, theme);

function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

function selectedSeries(): Series | undefined {
  const visible = derived.series.filter((s) => s.visible && s.kind !== 'experimental');
  return derived.series.find((s) => s.id === state.selected && s.kind !== 'experimental') ?? visible[0];
}

/** Tells the host which curves the panel holds, when that changed (the extension API and tests read it). */
function reportShown(): void {
  const series: ShownSeries[] = derived.series.map((s) => ({
    id: s.id, kind: s.kind, label: s.label, visible: s.visible, points: s.energies.length, dash: seriesDash(Math.max(0, s.color), s.kind), axis: s.axis,
  }));
  const text = JSON.stringify(series);
  if (text === lastShown) return;
  lastShown = text;
  post({ type: 'shown', series });
}

/** Re-derive and redraw. `controls: false` leaves the measurement controls alone (mid-drag on the slider). */
function render(controls = true): void {
  vscode.setState(state);
  derived = derive(state);
  xMode.value = state.xMode;
  normalise.checked = state.normalisePredicted;
  average.checked = state.averageByElement;
  const yLabel = state.normalisePredicted ? 'normalised μ' : state.experimental ? 'μ (predicted as is; measurement normalised)' : 'μ (as predicted)';
  plot.update(derived.series, state.xMode, yLabel, theme);
  renderList(list, derived.series, state.selected, theme, {
    toggle: (id, visible) => setState(id === 'experimental' ? withExperimental({ visible }) : toggleHidden(state, id, visible)),
    remove: (id) => setState(id === 'experimental' ? { ...state, experimental: undefined } : removeSpectrum(state, id)),
    select: (id) => setState({ ...state, selected: id }),
    reveal: (id) => {
      const s = derived.series.find((x) => x.id === id)?.source;
      if (s) post({ type: 'reveal', uri: s.uri, block: s.block, siteIndex: s.siteIndex });
    },
  });
  if (controls) {
    renderExperimental(experimental, state.experimental, derived.experimental, alignNote, {
      choose: (choice) => setState(withExperimental({ choice })),
      shift: (value) => setShift(value),
      autoAlign,
      toggle: (visible) => setState(withExperimental({ visible })),
      remove: () => setState({ ...state, experimental: undefined }),
    });
  }
  reportShown();
}

function setState(next: PanelState, controls = true): void {
  state = next;
  render(controls);
}

function withExperimental(patch: Partial<NonNullable<PanelState['experimental']>>): PanelState {
  return state.experimental ? { ...state, experimental: { ...state.experimental, ...patch } } : state;
}

function setShift(value: number): void {
  setState(withExperimental({ shift: Math.round(value * 100) / 100 }), false);
  const number = experimental.querySelector<HTMLInputElement>('[data-testid="shift-number"]');
  const slider = experimental.querySelector<HTMLInputElement>('[data-testid="shift-slider"]');
  if (number && document.activeElement !== number) number.value = (state.experimental?.shift ?? 0).toFixed(2);
  if (slider && document.activeElement !== slider) slider.value = String(state.experimental?.shift ?? 0);
}

function autoAlign(): void {
  const target = selectedSeries();
  const view = derived.experimental;
  if (!target || !view?.loaded) {
    alignNote = 'nothing to align to: add a prediction first';
    render();
    return;
  }
  if (target.kind === 'delta') {
    alignNote = 'a Δμ curve is a difference, not a spectrum: select a spectrum to align to';
    render();
    return;
  }
  const measured = view.normalised ? { energies: view.normalised.energies, mu: view.normalised.norm } : view.loaded.spectrum;
  const r = findBestShift({ energies: target.energies, mu: target.y }, measured, { range: [-SHIFT_LIMIT, SHIFT_LIMIT] });
  if (!r) {
    alignNote = `no overlap with ${target.label} within ±${SHIFT_LIMIT} eV`;
    render();
    return;
  }
  alignNote = `aligned to ${target.label}: r = ${r.score.toFixed(3)}`;
  setState(withExperimental({ shift: Math.round(r.shift * 100) / 100 }));
}

function doExport(format: ExportFormat): void {
  const now = new Date();
  const target = selectedSeries();
  if (format === 'png') {
    post({ type: 'export', format, fileName: exportFileName(target, 'png'), content: plot.toPng() });
    return;
  }
  const shown = derived.series.filter((s) => s.visible);
  if (shown.length === 0) {
    say('Nothing to export: no visible spectrum.', true);
    return;
  }
  if (format === 'csv') {
    post({ type: 'export', format, fileName: exportFileName(shown.length === 1 ? shown[0] : undefined, 'csv'), content: buildCsv(derived.series, state, now) });
    return;
  }
  const one = target ?? shown[0];
  post({ type: 'export', format, fileName: exportFileName(one, 'xdi'), content: buildXdi(one, state, now) });
}

/**
 * "2 spectra added." and, for heads with few or no reference spectra, a caution: the status line
 * is a live region, so the flag reaches screen readers too, not only the colour of the list.
 */
function addedNote(spectra: readonly PanelSpectrum[]): string {
  const text = `${spectra.length} ${spectra.length === 1 ? 'spectrum' : 'spectra'} added.`;
  const flagged = [...new Set(spectra.filter((s) => s.reliability && isFlagged(s.reliability)).map((s) => s.domain))];
  return flagged.length ? `${text} ⚠ Treat ${flagged.join(', ')} as qualitative (see the line under the curve).` : text;
}

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'addSpectra':
      setState(addSpectra(state, m.spectra, m.averageByElement));
      say(addedNote(m.spectra));
      break;
    case 'addOverlay':
      setState(addOverlay(state, m.overlay, m.parent));
      say(`${m.overlay.label} without ${m.overlay.removed.element} ${m.overlay.removed.label} (rank ${m.overlay.removed.rank}, ${m.overlay.removed.distance.toFixed(3)} Å): mean |Δμ| ${m.overlay.meanAbsDelta.toPrecision(3)}; Δμ on the right axis.`);
      list.querySelector(`[data-id="${CSS.escape(m.overlay.id)}"]`)?.scrollIntoView({ block: 'nearest' });
      break;
    case 'experimental':
      alignNote = '';
      setState({ ...state, experimental: { fileName: m.fileName, text: m.text, shift: 0, visible: true } });
      say(derived.experimental?.error ? `Could not read ${m.fileName}: ${derived.experimental.error}` : `Loaded ${m.fileName}.`, Boolean(derived.experimental?.error));
      break;
    case 'highlight': {
      const s = derived.series.find((x) => x.id === m.id);
      setState({ ...state, selected: s ? m.id : state.selected });
      say(m.note ?? (s ? `${s.label}: ${formatSimilarity(s) || s.detail}` : ''));
      list.querySelector(`[data-id="${CSS.escape(m.id)}"]`)?.scrollIntoView({ block: 'nearest' });
      break;
    }
    case 'requestExport':
      doExport(m.format);
      break;
    case 'exportDone':
      say(`Saved ${m.format.toUpperCase()} to ${m.path}`);
      break;
    case 'clear':
      alignNote = '';
      setState({ ...initialState(), xMode: state.xMode, normalisePredicted: state.normalisePredicted });
      break;
    case 'error':
      say(m.message, true);
      break;
  }
}

xMode.addEventListener('change', () => setState({ ...state, xMode: xMode.value === 'relative' ? 'relative' : 'absolute' }));
normalise.addEventListener('change', () => setState({ ...state, normalisePredicted: normalise.checked }));
average.addEventListener('change', () => setState({ ...state, averageByElement: average.checked }));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = validateHostMessage(event.data);
  if (!m) {
    // Name the type (never the content): enough to tell which host message broke the contract.
    const d = event.data as { type?: unknown } | null;
    const type = d && typeof d === 'object' && typeof d.type === 'string' ? d.type.slice(0, 40) : typeof event.data;
    post({ type: 'error', message: `webview: dropped a malformed '${type}' message from the host` });
    return;
  }
  try {
    onMessage(m);
  } catch (e) {
    say(e instanceof Error ? e.message : String(e), true);
  }
});

// VS Code swaps body classes when the theme changes: re-read the colours.
new MutationObserver(() => {
  theme = readTheme(document);
  render(false);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
post({ type: 'ready' });
