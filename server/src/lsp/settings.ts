// The `xanes.*` settings as the server sees them. Pulled with workspace/configuration when the
// client supports it (VS Code does); defaults otherwise, so a bare LSP client still gets lenses.
import { TRANSITION_METALS_3D_4D } from '../structure/elements';

export interface XanesSettings {
  symmetryTolerance: number;
  absorbingElements: string[];
  backend: string;
  modelPath: string;
}

export const DEFAULT_SETTINGS: XanesSettings = {
  symmetryTolerance: 0.01,
  absorbingElements: [...TRANSITION_METALS_3D_4D],
  backend: 'auto',
  modelPath: '',
};

/** Merges a raw configuration object into the defaults, ignoring values of the wrong type. */
export function normalizeSettings(raw: unknown): XanesSettings {
  const out: XanesSettings = { ...DEFAULT_SETTINGS, absorbingElements: [...DEFAULT_SETTINGS.absorbingElements] };
  if (raw === null || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  if (typeof r.symmetryTolerance === 'number' && Number.isFinite(r.symmetryTolerance) && r.symmetryTolerance >= 0) {
    out.symmetryTolerance = r.symmetryTolerance;
  }
  if (Array.isArray(r.absorbingElements)) {
    out.absorbingElements = r.absorbingElements.filter((e): e is string => typeof e === 'string');
  }
  if (typeof r.backend === 'string') out.backend = r.backend;
  if (typeof r.modelPath === 'string') out.modelPath = r.modelPath;
  return out;
}
