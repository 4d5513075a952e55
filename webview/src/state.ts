// The panel's whole state: plain JSON so that vscode.setState can persist it and a reloaded
// webview (retainContextWhenHidden is off) comes back exactly as it was.
import type { ColumnChoice } from '../../server/src/spectrum/columns';
import type { PanelSpectrum } from './protocol';

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
  /** Ids of hidden curves (predictions and averages). */
  hidden: string[];
  averageByElement: boolean;
  xMode: 'absolute' | 'relative';
  normalisePredicted: boolean;
  experimental?: ExperimentalState;
  selected?: string;
  nextColor: number;
}

export function initialState(): PanelState {
  return { version: 1, spectra: [], hidden: [], averageByElement: true, xMode: 'absolute', normalisePredicted: false, nextColor: 0 };
}

/** Restores persisted state, falling back to a fresh one when it is from another version or broken. */
export function restoreState(saved: unknown): PanelState {
  if (typeof saved !== 'object' || saved === null) return initialState();
  const s = saved as Partial<PanelState>;
  if (s.version !== 1 || !Array.isArray(s.spectra) || !Array.isArray(s.hidden)) return initialState();
  return { ...initialState(), ...s } as PanelState;
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

export function removeSpectrum(state: PanelState, id: string): PanelState {
  return {
    ...state,
    spectra: state.spectra.filter((e) => e.spectrum.id !== id),
    hidden: state.hidden.filter((h) => h !== id),
    selected: state.selected === id ? undefined : state.selected,
  };
}

export function toggleHidden(state: PanelState, id: string, visible: boolean): PanelState {
  const hidden = state.hidden.filter((h) => h !== id);
  if (!visible) hidden.push(id);
  return { ...state, hidden };
}
