// PredictResult (LSP) → PanelSpectrum (webview): the panel needs the curve and its provenance,
// not the attention payload.
import type { PredictResult } from '../../../server/src/lsp_ext';
import type { PanelSpectrum } from '../../../webview/src/protocol';

export function fileNameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || uri;
  } catch {
    return last || uri;
  }
}

export interface SpectrumKey {
  uri: string;
  block: number;
  siteIndex: number;
  model: { name: string; version: string };
  domain: { id: string };
}

export function spectrumId(r: SpectrumKey): string {
  return `${r.uri}#${r.block}#${r.siteIndex}#${r.model.name}@${r.model.version}#${r.domain.id}`;
}

export function toPanelSpectrum(r: PredictResult, fallbackUri?: string): PanelSpectrum {
  const uri = r.uri || fallbackUri || '';
  const s: PanelSpectrum = {
    id: spectrumId({ ...r, uri }),
    uri,
    fileName: fileNameOf(uri),
    block: r.block,
    blockName: r.blockName,
    siteIndex: r.siteIndex,
    label: r.label,
    element: r.element,
    multiplicity: r.multiplicity,
    edge: r.domain.edge,
    model: `${r.model.name} ${r.model.version}`.trim(),
    domain: r.domain.id,
    energies: r.energies.slice(),
    mu: r.mu.slice(),
  };
  if (r.std && r.std.length === r.energies.length) s.std = r.std.slice();
  if (r.energyNote) s.energyNote = r.energyNote;
  return s;
}
