// PredictResult (LSP) → PanelSpectrum (webview): the panel needs the curve and its provenance,
// not the attention payload. PredictWithoutResult → the overlay and its full curve.
import type { DomainReliability, PredictResult, PredictWithoutResult } from '../../../server/src/lsp_ext';
import { RELIABILITY_LEVELS } from '../../../server/src/model/reliability';
import { LIMITS, type PanelOverlay, type PanelReliability, type PanelSpectrum } from '../../../webview/src/protocol';

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

/** What a panel curve is built from: a prediction's curve and provenance. */
export type SpectrumSource = Pick<PredictResult,
  'uri' | 'block' | 'blockName' | 'siteIndex' | 'label' | 'element' | 'multiplicity' | 'domain' | 'model' | 'energies' | 'energyNote' | 'mu' | 'std' | 'reliability'>;

/**
 * The level and line of a prediction's reliability, or undefined when the server sent none or one
 * this panel does not know (a newer server's level): the webview drops a message with an unknown
 * field value whole, and losing the curve for its caption would be worse than losing the caption.
 */
export function toPanelReliability(r: DomainReliability | undefined): PanelReliability | undefined {
  if (!r || typeof r.summary !== 'string' || !(RELIABILITY_LEVELS as readonly string[]).includes(r.level)) return undefined;
  return { level: r.level, summary: r.summary.slice(0, LIMITS.string) };
}

export function toPanelSpectrum(r: SpectrumSource, fallbackUri?: string): PanelSpectrum {
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
  const reliability = toPanelReliability(r.reliability);
  if (reliability) s.reliability = reliability;
  return s;
}

/**
 * The overlay (its own curve without the atom) and its parent, the full curve of the same forward
 * pass, whose id is the lens prediction's: the panel keeps the lens curve when it has it.
 */
export function toPanelOverlay(r: PredictWithoutResult): { overlay: PanelOverlay; parent: PanelSpectrum } {
  const parent = toPanelSpectrum({ ...r, mu: r.fullMu, std: r.fullStd });
  const own = toPanelSpectrum(r);
  const n = r.removed;
  return {
    parent,
    overlay: {
      ...own,
      id: `${parent.id}#without#${n.rank}`,
      parentId: parent.id,
      removed: { element: n.element, label: n.label, distance: n.distance, rank: n.rank },
      fullMu: r.fullMu.slice(),
      meanAbsDelta: r.meanAbsDelta,
    },
  };
}
