// From panel state to what is drawn: every curve (predictions, element averages, the
// measurement) with its x values in the chosen frame, its E0, its band and its similarity to the
// measurement. Pure, so the panel's numbers are unit-tested in node.
import { weightedAverage } from '../../server/src/spectrum/average';
import { findE0, normalizeSpectrum, type NormalizeResult } from '../../server/src/spectrum/normalize';
import { compareSpectra, type Similarity } from '../../server/src/spectrum/similarity';
import { loadSpectrumText, type LoadedSpectrum } from '../../server/src/spectrum/load';
import type { Spectrum } from '../../server/src/spectrum/types';
import type { PanelOverlay, PanelReliability, PanelSpectrum, RemovedAtom, SeriesKind } from './protocol';
import { deltaId, type PanelState } from './state';

const AVERAGE_COLOR = 4;

export type { SeriesKind } from './protocol';

export interface Series {
  id: string;
  kind: SeriesKind;
  label: string;
  /** Longer description for the list (file, block, model…). */
  detail: string;
  color: number;
  visible: boolean;
  /** Absolute energies (eV) and the plotted y (normalised when asked). */
  energies: number[];
  y: number[];
  /** ±2σ band, when the model is an ensemble. */
  lower?: number[];
  upper?: number[];
  e0: number;
  similarity?: Similarity | null;
  /** Members' ids for averages; the source spectrum for predictions and overlays. */
  members?: string[];
  source?: PanelSpectrum;
  /** The atom an overlay (and its Δμ) removed. */
  removed?: RemovedAtom;
  /** Plotted against the right-hand Δμ axis. */
  axis: 'y' | 'y2';
  /** Δμ only, with normalised predictions: the full curve's edge step it was divided by. */
  deltaScale?: number;
  /**
   * Predictions and averages: the measured accuracy behind the model's output for this domain.
   * Overlays leave it to their full curve, which is listed with it.
   */
  reliability?: PanelReliability;
}

export interface ExperimentalView {
  loaded: LoadedSpectrum | null;
  normalised: NormalizeResult | null;
  error?: string;
}

export interface Derived {
  series: Series[];
  experimental: ExperimentalView | null;
}

function safeE0(s: Spectrum): number {
  try {
    return findE0(s.energies, s.mu);
  } catch {
    return s.energies[0];
  }
}

/**
 * y of a prediction: raw μ, or edge-step normalised when asked and possible. `e0` overrides the
 * curve's own (an overlay uses its full curve's, so both sit on one relative axis).
 */
function predictedY(s: Spectrum, normalise: boolean, std?: number[], e0 = safeE0(s)): { y: number[]; std?: number[]; e0: number } {
  if (!normalise) return { y: s.mu, std, e0 };
  try {
    const r = normalizeSpectrum(s.energies, s.mu, { e0 });
    return { y: r.norm, std: std?.map((v) => v / r.edgeStep), e0 };
  } catch {
    return { y: s.mu, std, e0 };
  }
}

export function siteLabel(s: PanelSpectrum): string {
  return `${s.label} (${s.element}${s.multiplicity > 1 ? ` ×${s.multiplicity}` : ''})`;
}

/** "Cu1 without O1 (rank 1)": the rank is the removed atom's distance rank, the request's key. */
export function overlayLabel(o: PanelOverlay): string {
  return `${o.label} without ${o.removed.label} (rank ${o.removed.rank})`;
}

function provenance(s: PanelSpectrum): string {
  return `${s.fileName} · ${s.blockName} · ${s.model}${s.energyNote ? ` · ${s.energyNote}` : ''}`;
}

/**
 * The dashed curve without the atom and its Δμ = without − full, from one forward pass. With
 * "normalise predictions" both curves go through the full curve's own normalisation (its E0,
 * pre-edge line and edge step): normalising the overlay by its own edge step would put a
 * different scale on each curve, and their difference would no longer be the occlusion's effect.
 * So Δμ is raw μ, or raw μ divided by the full curve's edge step — in both cases exactly the
 * plotted without − full.
 */
function overlaySeries(o: PanelOverlay, color: number, hidden: ReadonlySet<string>, normalise: boolean): Series[] {
  const e0 = safeE0({ energies: o.energies, mu: o.fullMu });
  const scale = normalise ? fullCurveNormalisation(o, e0) : undefined;
  const y = scale ? o.mu.map((m, i) => (m - scale.preEdge[i]) / scale.edgeStep) : o.mu;
  const std = scale ? o.std?.map((v) => v / scale.edgeStep) : o.std;
  const delta = o.mu.map((m, i) => (m - o.fullMu[i]) / (scale?.edgeStep ?? 1));
  const atom = `${o.removed.element} ${o.removed.label} at ${o.removed.distance.toFixed(3)} Å removed`;
  const unit = scale ? ` (μ without − full, divided by the full curve's edge step ${scale.edgeStep.toPrecision(4)})` : '';
  return [
    {
      id: o.id, kind: 'without', label: overlayLabel(o),
      detail: `${atom}; mean |Δμ| ${o.meanAbsDelta.toPrecision(3)} · ${provenance(o)}`,
      color, visible: !hidden.has(o.id), energies: o.energies, y, ...withBand(y, std), e0,
      source: o, removed: o.removed, axis: 'y',
    },
    {
      id: deltaId(o.id), kind: 'delta', label: `Δμ = ${overlayLabel(o)} − full`,
      detail: `right axis${unit}; same forward pass as the full curve · ${provenance(o)}`,
      color, visible: !hidden.has(deltaId(o.id)), energies: o.energies, y: delta, e0,
      source: o, removed: o.removed, axis: 'y2', ...(scale ? { deltaScale: scale.edgeStep } : {}),
    },
  ];
}

/** The full curve's pre-edge line and edge step, as its own normalised plot uses them. */
function fullCurveNormalisation(o: PanelOverlay, e0: number): { preEdge: number[]; edgeStep: number } | undefined {
  try {
    const r = normalizeSpectrum(o.energies, o.fullMu, { e0 });
    return { preEdge: r.preEdge, edgeStep: r.edgeStep };
  } catch {
    return undefined;
  }
}

export function averageGroups(spectra: readonly PanelSpectrum[]): Map<string, PanelSpectrum[]> {
  const groups = new Map<string, PanelSpectrum[]>();
  for (const s of spectra) {
    const key = `avg|${s.uri}|${s.block}|${s.element}|${s.model}`;
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  for (const [k, v] of groups) if (v.length < 2) groups.delete(k);
  return groups;
}

function withReliability(r: PanelReliability | undefined): { reliability?: PanelReliability } {
  return r ? { reliability: r } : {};
}

/** The members' common reliability: an average of curves from one output head is as reliable as they are. */
function sharedReliability(members: readonly PanelSpectrum[]): PanelReliability | undefined {
  const first = members[0]?.reliability;
  if (!first) return undefined;
  return members.every((m) => m.reliability?.level === first.level && m.reliability.summary === first.summary) ? first : undefined;
}

function withBand(y: number[], std?: number[]): { lower?: number[]; upper?: number[] } {
  if (!std) return {};
  return { lower: y.map((v, i) => v - 2 * std[i]), upper: y.map((v, i) => v + 2 * std[i]) };
}

export function deriveExperimental(state: PanelState): ExperimentalView | null {
  const ex = state.experimental;
  if (!ex) return null;
  let loaded: LoadedSpectrum;
  try {
    loaded = loadSpectrumText(ex.text, ex.fileName, ex.choice);
  } catch (e) {
    return { loaded: null, normalised: null, error: e instanceof Error ? e.message : String(e) };
  }
  try {
    return { loaded, normalised: normalizeSpectrum(loaded.spectrum.energies, loaded.spectrum.mu) };
  } catch (e) {
    return { loaded, normalised: null, error: `not normalised: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function derive(state: PanelState): Derived {
  const hidden = new Set(state.hidden);
  const series: Series[] = [];
  for (const { spectrum: s, color } of state.spectra) {
    const p = predictedY(s, state.normalisePredicted, s.std);
    series.push({
      id: s.id,
      kind: 'prediction',
      label: siteLabel(s),
      detail: provenance(s),
      color,
      visible: !hidden.has(s.id),
      energies: s.energies,
      y: p.y,
      ...withBand(p.y, p.std),
      e0: p.e0,
      source: s,
      axis: 'y',
      ...withReliability(s.reliability),
    });
  }
  for (const { overlay, color } of state.overlays) series.push(...overlaySeries(overlay, color, hidden, state.normalisePredicted));
  if (state.averageByElement) {
    for (const [key, members] of averageGroups(state.spectra.map((e) => e.spectrum))) {
      const avg = weightedAverage(members.map((m) => ({ energies: m.energies, mu: m.mu, std: m.std, weight: m.multiplicity })));
      if (!avg || avg.energies.length < 3) continue;
      const p = predictedY(avg, state.normalisePredicted, avg.std);
      series.push({
        id: key,
        kind: 'average',
        label: `${members[0].element} average (${members.length} sites)`,
        detail: `${members[0].fileName} · ${members[0].blockName} · weights ${members.map((m) => `${m.label}×${m.multiplicity}`).join(', ')}`,
        // Palette slot 4 (charts.purple) plus a long dash: averages stand apart from site curves.
        color: AVERAGE_COLOR,
        visible: !hidden.has(key),
        energies: avg.energies,
        y: p.y,
        ...withBand(p.y, p.std),
        e0: p.e0,
        members: members.map((m) => m.id),
        axis: 'y',
        ...withReliability(sharedReliability(members)),
      });
    }
  }
  const experimental = deriveExperimental(state);
  const ex = state.experimental;
  if (ex && experimental?.loaded) {
    const n = experimental.normalised;
    const measured: Spectrum = n ? { energies: n.energies, mu: n.norm } : experimental.loaded.spectrum;
    // A Δμ curve is a difference, not a spectrum: nothing to compare with a measurement.
    for (const s of series) if (s.kind !== 'delta') s.similarity = compareSpectra({ energies: s.energies, mu: s.y }, measured, ex.shift);
    // An Athena project's curve is named by its group; the file goes into the detail.
    const group = experimental.loaded.athena;
    const numbers = n ? `E0 ${n.e0.toFixed(2)} eV · step ${n.edgeStep.toPrecision(4)} · shift ${ex.shift.toFixed(2)} eV` : 'raw μ';
    series.push({
      id: 'experimental',
      kind: 'experimental',
      label: `measured: ${group ? group.label : ex.fileName}`,
      detail: group ? `${ex.fileName}, Athena group "${group.label}" · ${numbers}` : numbers,
      color: -1,
      visible: ex.visible,
      energies: measured.energies.map((e) => e + ex.shift),
      y: measured.mu,
      e0: (n ? n.e0 : safeE0(measured)) + ex.shift,
      axis: 'y',
    });
  }
  return { series, experimental };
}

/** x values in the chosen frame: absolute eV, or relative to the curve's own E0. */
export function xValues(s: Series, mode: 'absolute' | 'relative'): number[] {
  return mode === 'absolute' ? s.energies : s.energies.map((e) => e - s.e0);
}
