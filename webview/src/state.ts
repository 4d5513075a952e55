// The panel's whole state: plain JSON so that vscode.setState can persist it and a reloaded
// webview (retainContextWhenHidden is off) comes back exactly as it was.
import type { ColumnChoice } from '../../server/src/spectrum/columns';
import type { PanelOverlay, PanelSpectrum } from './protocol';

export interface ExperimentalState {
  fileName: string;
  text: string;
  /** Columns chosen by the user; guessed when absent. */
  choice?: ColumnChoice;
  /** Applied to the measurement: E → E + shift (eV). */
  shift: number;
  visible: boolean;
}

export interface PanelState {
  version: 1;
  spectra: { spectrum: PanelSpectrum; color: number }[];
  /** Spectra with one neighbour removed, each drawn dashed with its Δμ on the right axis. */
  overlays: { overlay: PanelOverlay; color: number }[];
  /** Ids of hidden curves (predictions, averages, overlays and their Δμ). */
  hidden: string[];
  averageByElement: boolean;
  xMode: 'absolute' | 'relative';
  normalisePredicted: boolean;
  experimental?: ExperimentalState;
  selected?: string;
  nextColor: number;
}

export function initialState(): PanelState {
  return { version: 1, spectra: [], overlays: [], hidden: [], averageByElement: true, xMode: 'absolute', normalisePredicted: false, nextColor: 0 };
}

/** Restores persisted state, falling back to a fresh one when it is from another version or broken. */
export function restoreState(saved: unknown): PanelState {
  if (typeof saved !== 'object' || saved === null) return initialState();
  const s = saved as Partial<PanelState>;
  if (s.version !== 1 || !Array.isArray(s.spectra) || !Array.isArray(s.hidden)) return initialState();
  // A state saved before overlays existed has none; it is still version 1.
  return { ...initialState(), ...s, overlays: Array.isArray(s.overlays) ? s.overlays : [] } as PanelState;
}

/** Adds spectra; a re-prediction of the same site by the same model replaces the old curve in place. */
export function addSpectra(state: PanelState, spectra: PanelSpectrum[], averageByElement: boolean): PanelState {
  const next = { ...state, spectra: state.spectra.slice(), hidden: state.hidden.slice() };
  for (const s of spectra) {
    const at = next.spectra.findIndex((e) => e.spectrum.id === s.id);
    if (at >= 0) next.spectra[at] = { spectrum: s, color: next.spectra[at].color };
    else next.spectra.push({ spectrum: s, color: next.nextColor++ });
    next.hidden = next.hidden.filter((h) => h !== s.id);
  }
  if (averageByElement) next.averageByElement = true;
  if (spectra.length > 0) next.selected = spectra[spectra.length - 1].id;
  return next;
}

/** Id of an overlay's Δμ curve. */
export function deltaId(overlayId: string): string {
  return `${overlayId}#delta`;
}

/**
 * Adds an overlay (a new computation of the same atom replaces it in place). Its full prediction
 * comes along when the panel lacks it, so the dashed curve always has its reference; one the
 * panel has is left as it is (visible or hidden as the user chose).
 */
export function addOverlay(state: PanelState, overlay: PanelOverlay, parent: PanelSpectrum): PanelState {
  const next = state.spectra.some((e) => e.spectrum.id === parent.id) ? { ...state } : addSpectra(state, [parent], false);
  const overlays = next.overlays.slice();
  const at = overlays.findIndex((e) => e.overlay.id === overlay.id);
  if (at >= 0) overlays[at] = { overlay, color: overlays[at].color };
  else overlays.push({ overlay, color: next.nextColor++ });
  const shown = new Set([overlay.id, deltaId(overlay.id)]);
  return { ...next, overlays, hidden: next.hidden.filter((h) => !shown.has(h)), selected: overlay.id };
}

/** Removes a curve; an overlay takes its Δμ curve with it. */
export function removeSpectrum(state: PanelState, id: string): PanelState {
  const gone = new Set([id, deltaId(id)]);
  return {
    ...state,
    spectra: state.spectra.filter((e) => e.spectrum.id !== id),
    overlays: state.overlays.filter((e) => e.overlay.id !== id),
    hidden: state.hidden.filter((h) => !gone.has(h)),
    selected: state.selected !== undefined && gone.has(state.selected) ? undefined : state.selected,
  };
}

export function toggleHidden(state: PanelState, id: string, visible: boolean): PanelState {
  const hidden = state.hidden.filter((h) => h !== id);
  if (!visible) hidden.push(id);
  return { ...state, hidden };
}
