// Every message between the extension host (client/src/panel) and the spectrum webview. Both
// sides import this file and run the validators on whatever arrives: a webview is a browser page,
// and a message that does not have exactly the expected shape is dropped, not half-used.

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
}

export type HostToWebview =
  | { type: 'addSpectra'; spectra: PanelSpectrum[]; averageByElement: boolean }
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

export function isPanelSpectrum(v: unknown): v is PanelSpectrum {
  if (!isObj(v)) return false;
  const required = ['id', 'uri', 'fileName', 'block', 'blockName', 'siteIndex', 'label', 'element', 'multiplicity', 'edge', 'model', 'domain', 'energies', 'mu'];
  if (!onlyKeys(v, required, ['std', 'energyNote'])) return false;
  if (v.energyNote !== undefined && !isStr(v.energyNote)) return false;
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
    case 'reveal':
      return onlyKeys(m, ['type', 'uri', 'block', 'siteIndex']) && isStr(m.uri) && isInt(m.block) && isInt(m.siteIndex) ? (m as WebviewToHost) : null;
    case 'error':
      return onlyKeys(m, ['type', 'message']) && isStr(m.message) ? (m as WebviewToHost) : null;
    default:
      return null;
  }
}
