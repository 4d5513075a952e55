// File contents for the export buttons. The webview builds them (it has the curves); the host
// only asks where to save.
import { spectraToCsv } from '../../server/src/spectrum/csv';
import { writeXdi, type XdiDocument, type XdiField } from '../../server/src/spectrum/xdi';
import type { Series } from './derive';
import type { PanelState } from './state';

export function yName(state: PanelState): string {
  return state.normalisePredicted ? 'norm' : 'mu';
}

/** Every visible curve at absolute energies (the measurement with its shift applied). */
export function buildCsv(series: readonly Series[], state: PanelState, date: Date): string {
  const shown = series.filter((s) => s.visible);
  const comments = [
    `XANES Lens export, ${date.toISOString()}`,
    `y: ${state.normalisePredicted ? 'edge-step normalised predictions' : 'predicted mu as output by the model'}; measurement edge-step normalised`,
    ...shown.map((s) => `${s.label}: ${s.detail}${s.kind === 'prediction' || s.kind === 'average' || s.kind === 'without' ? `; E0 ${s.e0.toFixed(2)} eV` : ''}`),
    // The caveat travels with the numbers: a file read later has no panel to show it.
    ...shown.flatMap((s) => (s.reliability ? [`${s.label} reliability: ${s.reliability.summary}`] : [])),
    ...(shown.some((s) => s.kind === 'delta') ? ['Delta-mu columns: mu without the atom minus the full mu of the same forward pass, as predicted (never normalised)'] : []),
  ];
  const cols = shown.flatMap((s) => {
    const main = { name: s.label, energies: s.energies, values: s.y };
    if (!s.lower || !s.upper) return [main];
    return [
      main,
      { name: `${s.label} -2sigma`, energies: s.energies, values: s.lower },
      { name: `${s.label} +2sigma`, energies: s.energies, values: s.upper },
    ];
  });
  return spectraToCsv(cols, comments);
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'spectrum';
}

export function exportFileName(series: Series | undefined, format: 'csv' | 'xdi' | 'png'): string {
  const site = series?.source ? `${series.source.fileName.replace(/\.[^.]*$/, '')}_${series.source.label}` : series ? series.label : 'xanes-spectra';
  const r = series?.removed;
  const base = r ? `${site}${series.kind === 'delta' ? '_delta' : ''}_without_${r.label}_rank${r.rank}` : site;
  return `${safeName(base)}.${format}`;
}

const XDI_COMMENT: Record<Series['kind'], string> = {
  prediction: 'Predicted K-edge XANES (XANES Lens).',
  average: 'Predicted K-edge XANES (XANES Lens).',
  experimental: 'Measured spectrum as shown in XANES Lens (shift applied).',
  without: 'Predicted K-edge XANES with one neighbour removed by occlusion (XANES Lens).',
  delta: 'Change of the predicted K-edge XANES when one neighbour is removed by occlusion (XANES Lens).',
};

/** XDI of one curve with provenance (model, site, shift, date) in an XANESLens namespace. */
export function buildXdi(s: Series, state: PanelState, date: Date): string {
  const src = s.source;
  const fields: XdiField[] = [];
  const add = (namespace: string, tag: string, value: string | number | undefined): void => {
    if (value !== undefined && String(value) !== '') fields.push({ namespace, tag, value: String(value).replace(/[\r\n]+/g, ' ') });
  };
  const element = src?.element ?? (s.kind === 'average' ? s.label.split(' ')[0] : undefined);
  add('Element', 'symbol', element);
  add('Element', 'edge', src?.edge ?? 'K');
  add('XANESLens', 'kind', s.kind);
  add('XANESLens', 'label', s.label);
  add('XANESLens', 'detail', s.detail);
  if (src) {
    add('XANESLens', 'file', src.uri);
    add('XANESLens', 'block', src.blockName);
    add('XANESLens', 'site', `${src.label} (index ${src.siteIndex}, multiplicity ${src.multiplicity})`);
    add('XANESLens', 'model', src.model);
    add('XANESLens', 'domain', src.domain);
  }
  add('XANESLens', 'reliability', (s.reliability ?? src?.reliability)?.summary);
  if (s.removed) {
    const r = s.removed;
    add('XANESLens', 'removed', `${r.element} ${r.label}, rank ${r.rank} by distance, ${r.distance.toFixed(4)} A`);
  }
  add('XANESLens', 'e0', `${s.e0.toFixed(3)} eV`);
  add('XANESLens', 'shift', `${s.kind === 'experimental' ? (state.experimental?.shift ?? 0) : 0} eV`);
  const y = s.kind === 'delta' ? 'delta_mu' : s.kind === 'experimental' ? 'norm' : yName(state);
  add('XANESLens', 'y', s.kind === 'experimental' ? 'edge-step normalised measurement' : s.kind === 'delta' ? `mu without the atom minus full mu (same forward pass)${s.deltaScale ? `, divided by the full curve's edge step ${s.deltaScale.toPrecision(6)}` : ''}` : yName(state));
  add('XANESLens', 'date', date.toISOString());
  const band = s.lower && s.upper;
  const columns = [
    { index: 1, name: 'energy', units: 'eV' },
    { index: 2, name: y },
    ...(band ? [{ index: 3, name: 'minus2sigma' }, { index: 4, name: 'plus2sigma' }] : []),
  ];
  const doc: XdiDocument = {
    version: '1.0',
    applications: 'XANESLens/0.1',
    fields,
    columns,
    comments: [XDI_COMMENT[s.kind]],
    labels: columns.map((c) => c.name),
    rows: s.energies.map((e, i) => (band && s.lower && s.upper ? [e, s.y[i], s.lower[i], s.upper[i]] : [e, s.y[i]])),
  };
  return writeXdi(doc);
}
