// Every message between the extension host (client/src/panel) and the spectrum webview. Both
// sides import this file and run the validators on whatever arrives: a webview is a browser page,
// and a message that does not have exactly the expected shape is dropped, not half-used.
import { RELIABILITY_LEVELS, type ReliabilityLevel } from '../../server/src/model/reliability';

export type ExportFormat = 'csv' | 'xdi' | 'png';

/** A predicted spectrum as the panel needs it (PredictResult without the attention payload). */
export interface PanelSpectrum {
  /** Stable identity: the same site predicted by the same model replaces the older curve. */
  id: string;
  uri: string;
  fileName: string;
  block: number;
  blockName: string;
  siteIndex: number;
  label: string;
  element: string;
  multiplicity: number;
  edge: string;
  model: string;
  domain: string;
  energies: number[];
  mu: number[];
  std?: number[];
  /** Set when the model's grid is edge-relative and the energies were placed at a tabulated edge. */
  energyNote?: string;
  /** How much measured accuracy the model records for this domain (PredictResult.reliability). */
  reliability?: PanelReliability;
}

/** What the panel shows of a DomainReliability: its level (marks 'few' and 'untested') and its line. */
export interface PanelReliability {
  level: ReliabilityLevel;
  /** e.g. "Fe-K-FEFF: validation MAE 0.051 … on 2 spectra — few reference spectra, treat as qualitative". */
  summary: string;
}

/** The atom an overlay removed (xanes/predictWithout's NeighbourRef, what the panel shows of it). */
export interface RemovedAtom {
  element: string;
  label: string;
  /** Å from the absorber. */
  distance: number;
  /** 1-based rank by distance among the absorber's neighbours (the key of the request). */
  rank: number;
}

/**
 * The spectrum of a site with one neighbour removed (occlusion), drawn dashed over its full
 * prediction. Its own fields are the occluded curve; `fullMu` is the full curve of the same
 * forward pass, so Δμ = mu − fullMu is exact.
 */
export interface PanelOverlay extends PanelSpectrum {
  /** The full prediction's PanelSpectrum id. */
  parentId: string;
  removed: RemovedAtom;
  fullMu: number[];
  /** Mean over the grid of |Δμ|: the removed atom's sensitivity. */
  meanAbsDelta: number;
}

/**
 * What a panel curve is: 'without' a prediction with one neighbour removed, 'delta' its
 * Δμ = without − full (right axis).
 */
export const SERIES_KINDS = ['prediction', 'average', 'experimental', 'without', 'delta'] as const;
export type SeriesKind = (typeof SERIES_KINDS)[number];

/** One curve as the panel drew it (reported back to the host for tests and the extension API). */
export interface ShownSeries {
  id: string;
  kind: SeriesKind;
  label: string;
  visible: boolean;
  points: number;
  /** Line dash pattern of the curve ([] solid). */
  dash: number[];
  /** 'y' (μ) or 'y2' (the Δμ axis on the right). */
  axis: 'y' | 'y2';
}

export type HostToWebview =
  | { type: 'addSpectra'; spectra: PanelSpectrum[]; averageByElement: boolean }
  /** `parent` is the full prediction, added as well when the panel no longer has it (closed since). */
  | { type: 'addOverlay'; overlay: PanelOverlay; parent: PanelSpectrum }
  | { type: 'experimental'; fileName: string; text: string }
  | { type: 'highlight'; id: string; note?: string }
  | { type: 'requestExport'; format: ExportFormat }
  | { type: 'exportDone'; format: ExportFormat; path: string }
  | { type: 'clear' }
  | { type: 'error'; message: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'loadExperimental' }
  | { type: 'export'; format: ExportFormat; fileName: string; content: string }
  | { type: 'reveal'; uri: string; block: number; siteIndex: number }
  /** The curves now in the panel, sent whenever that list changes. */
  | { type: 'shown'; series: ShownSeries[] }
  | { type: 'error'; message: string };

/** Limits that keep a malformed or hostile message from exhausting memory. */
export const LIMITS = {
  points: 100_000,
  spectra: 500,
  text: 20_000_000,
  exportContent: 50_000_000,
  string: 4_096,
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max = LIMITS.string): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isFormat = (v: unknown): v is ExportFormat => v === 'csv' || v === 'xdi' || v === 'png';

function isNumArray(v: unknown, length?: number): v is number[] {
  if (!Array.isArray(v) || v.length > LIMITS.points) return false;
  if (length !== undefined && v.length !== length) return false;
  return v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Keys must be exactly the allowed ones: an unexpected key means a different message. */
function onlyKeys(o: Obj, required: string[], optional: string[] = []): boolean {
  const keys = Object.keys(o);
  return required.every((k) => k in o) && keys.every((k) => required.includes(k) || optional.includes(k));
}

const SPECTRUM_KEYS = ['id', 'uri', 'fileName', 'block', 'blockName', 'siteIndex', 'label', 'element', 'multiplicity', 'edge', 'model', 'domain', 'energies', 'mu'];
const SPECTRUM_OPTIONAL_KEYS = ['std', 'energyNote', 'reliability'];
const OVERLAY_KEYS = ['parentId', 'removed', 'fullMu', 'meanAbsDelta'];

export function isPanelSpectrum(v: unknown): v is PanelSpectrum {
  return isObj(v) && onlyKeys(v, SPECTRUM_KEYS, SPECTRUM_OPTIONAL_KEYS) && spectrumFieldsValid(v);
}

export function isPanelOverlay(v: unknown): v is PanelOverlay {
  if (!isObj(v) || !onlyKeys(v, [...SPECTRUM_KEYS, ...OVERLAY_KEYS], SPECTRUM_OPTIONAL_KEYS) || !spectrumFieldsValid(v)) return false;
  const r = v.removed;
  if (!isStr(v.parentId) || !isObj(r) || !onlyKeys(r, ['element', 'label', 'distance', 'rank'])) return false;
  if (!isStr(r.element) || !isStr(r.label) || typeof r.distance !== 'number' || !(r.distance >= 0) || !isInt(r.rank) || r.rank < 1) return false;
  const n = Array.isArray(v.energies) ? v.energies.length : -1;
  return isNumArray(v.fullMu, n) && typeof v.meanAbsDelta === 'number' && v.meanAbsDelta >= 0;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set(SERIES_KINDS);
const KNOWN_LEVELS: ReadonlySet<string> = new Set(RELIABILITY_LEVELS);

function isPanelReliability(v: unknown): v is PanelReliability {
  return isObj(v) && onlyKeys(v, ['level', 'summary']) && KNOWN_LEVELS.has(String(v.level)) && isStr(v.summary);
}

function isShownSeries(v: unknown): v is ShownSeries {
  return isObj(v) && onlyKeys(v, ['id', 'kind', 'label', 'visible', 'points', 'dash', 'axis']) && isStr(v.id) && KNOWN_KINDS.has(String(v.kind)) &&
    isStr(v.label) && typeof v.visible === 'boolean' && isInt(v.points) && isNumArray(v.dash) && (v.axis === 'y' || v.axis === 'y2');
}

/** The fields every panel curve has, once its keys are known to be the allowed ones. */
function spectrumFieldsValid(v: Obj): boolean {
  if (v.energyNote !== undefined && !isStr(v.energyNote)) return false;
  if (v.reliability !== undefined && !isPanelReliability(v.reliability)) return false;
  const strings = ['id', 'uri', 'fileName', 'blockName', 'label', 'element', 'edge', 'model', 'domain'];
  if (!strings.every((k) => isStr(v[k]))) return false;
  if (!isInt(v.block) || !isInt(v.siteIndex)) return false;
  if (typeof v.multiplicity !== 'number' || !(v.multiplicity > 0)) return false;
  if (!isNumArray(v.energies) || v.energies.length < 2 || !isNumArray(v.mu, v.energies.length)) return false;
  for (let i = 1; i < v.energies.length; i++) if (!(v.energies[i] > v.energies[i - 1])) return false;
  if (v.std !== undefined && !isNumArray(v.std, v.energies.length)) return false;
  return true;
}

export function validateHostMessage(m: unknown): HostToWebview | null {
  if (!isObj(m) || typeof m.type !== 'string') return null;
  switch (m.type) {
    case 'addSpectra':
      return onlyKeys(m, ['type', 'spectra', 'averageByElement']) &&
        Array.isArray(m.spectra) && m.spectra.length <= LIMITS.spectra && m.spectra.every(isPanelSpectrum) &&
        typeof m.averageByElement === 'boolean'
        ? (m as HostToWebview)
        : null;
    case 'addOverlay':
      return onlyKeys(m, ['type', 'overlay', 'parent']) && isPanelOverlay(m.overlay) && isPanelSpectrum(m.parent) && m.overlay.parentId === m.parent.id
        ? (m as HostToWebview)
        : null;
    case 'experimental':
      return onlyKeys(m, ['type', 'fileName', 'text']) && isStr(m.fileName) && isStr(m.text, LIMITS.text) ? (m as HostToWebview) : null;
    case 'highlight':
      return onlyKeys(m, ['type', 'id'], ['note']) && isStr(m.id) && (m.note === undefined || isStr(m.note)) ? (m as HostToWebview) : null;
    case 'requestExport':
      return onlyKeys(m, ['type', 'format']) && isFormat(m.format) ? (m as HostToWebview) : null;
    case 'exportDone':
      return onlyKeys(m, ['type', 'format', 'path']) && isFormat(m.format) && isStr(m.path) ? (m as HostToWebview) : null;
    case 'clear':
      return onlyKeys(m, ['type']) ? (m as HostToWebview) : null;
    case 'error':
      return onlyKeys(m, ['type', 'message']) && isStr(m.message) ? (m as HostToWebview) : null;
    default:
      return null;
  }
}

export function validateWebviewMessage(m: unknown): WebviewToHost | null {
  if (!isObj(m) || typeof m.type !== 'string') return null;
  switch (m.type) {
    case 'ready':
    case 'loadExperimental':
      return onlyKeys(m, ['type']) ? (m as WebviewToHost) : null;
    case 'export': {
      if (!onlyKeys(m, ['type', 'format', 'fileName', 'content']) || !isFormat(m.format)) return null;
      // A file name, not a path: the host decides the folder through a save dialog.
      if (!isStr(m.fileName, 255) || !/^[^/\\:*?"<>|\0]+$/.test(m.fileName)) return null;
      if (!isStr(m.content, LIMITS.exportContent)) return null;
      if (m.format === 'png' && !m.content.startsWith('data:image/png;base64,')) return null;
      return m as WebviewToHost;
    }
    case 'shown':
      return onlyKeys(m, ['type', 'series']) && Array.isArray(m.series) && m.series.length <= 3 * LIMITS.spectra && m.series.every(isShownSeries) ? (m as WebviewToHost) : null;
    case 'reveal':
      return onlyKeys(m, ['type', 'uri', 'block', 'siteIndex']) && isStr(m.uri) && isInt(m.block) && isInt(m.siteIndex) ? (m as WebviewToHost) : null;
    case 'error':
      return onlyKeys(m, ['type', 'message']) && isStr(m.message) ? (m as WebviewToHost) : null;
    default:
      return null;
  }
}
