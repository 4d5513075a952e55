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
    ...shown.map((s) => `${s.label}: ${s.detail}${s.kind === 'prediction' || s.kind === 'average' ? `; E0 ${s.e0.toFixed(2)} eV` : ''}`),
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
  const base = series?.source ? `${series.source.fileName.replace(/\.[^.]*$/, '')}_${series.source.label}` : series ? series.label : 'xanes-spectra';
  return `${safeName(base)}.${format}`;
}

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
  add('XANESLens', 'e0', `${s.e0.toFixed(3)} eV`);
  add('XANESLens', 'shift', `${s.kind === 'experimental' ? (state.experimental?.shift ?? 0) : 0} eV`);
  add('XANESLens', 'y', s.kind === 'experimental' ? 'edge-step normalised measurement' : yName(state));
  add('XANESLens', 'date', date.toISOString());
  const band = s.lower && s.upper;
  const columns = [
    { index: 1, name: 'energy', units: 'eV' },
    { index: 2, name: s.kind === 'experimental' ? 'norm' : yName(state) },
    ...(band ? [{ index: 3, name: 'minus2sigma' }, { index: 4, name: 'plus2sigma' }] : []),
  ];
  const doc: XdiDocument = {
    version: '1.0',
    applications: 'XANESLens/0.1',
    fields,
    columns,
    comments: [s.kind === 'experimental' ? 'Measured spectrum as shown in XANES Lens (shift applied).' : 'Predicted K-edge XANES (XANES Lens).'],
    labels: columns.map((c) => c.name),
    rows: s.energies.map((e, i) => (band && s.lower && s.upper ? [e, s.y[i], s.lower[i], s.upper[i]] : [e, s.y[i]])),
  };
  return writeXdi(doc);
}
