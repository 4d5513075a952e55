// Every message between the extension (client/) and the language server (server/) beyond
// standard LSP. One file, imported by both sides, so the two cannot drift apart.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { DomainReliability } from './model/reliability';
import type { TextRange, Vec3 } from './structure/types';

export type { DomainReliability, ReliabilityLevel, SplitAccuracy } from './model/reliability';

/** Identifies one symmetry-inequivalent absorbing site of a document. */
export interface SiteRef {
  uri: string;
  /** Index of the CIF data block / XYZ frame. */
  block: number;
  /** Index into the block's expanded Structure.sites (the orbit representative). */
  siteIndex: number;
}

export interface PredictParams extends SiteRef {
  /** Model directory; the configured/shipped model when absent. */
  modelPath?: string;
  /** Output domain id (e.g. 'Cu-K-FEFF'); the model's default for the element when absent. */
  domain?: string;
}

/** One neighbour of the absorber graph: which atom it is and where its row is. */
export interface NeighbourRef {
  /** 1-based rank by distance among the absorber's neighbours. */
  rank: number;
  element: string;
  label: string;
  distance: number;
  siteIndex: number;
  image: Vec3;
  /** Source row of the neighbour (several neighbours may share one row). */
  range: TextRange;
}

export interface NeighbourAttention extends NeighbourRef {
  virtual: boolean;
  /** Attention score per head (softmax over the absorber's real neighbours). */
  scores: number[];
  /**
   * Models with a neighbour transformer: per transformer head, the last layer's weight of the
   * absorber's query on this atom (PredictResult.transformer). Absent for an atom that is not a
   * token (beyond the model's token limit).
   */
  transformer?: number[];
}

/** The neighbour transformer's readout of one prediction (models that have one). */
export interface TransformerAttention {
  heads: number;
  /** Per head, the weight the absorber's query keeps on the absorber itself; with the neighbours' weights it sums to 1. */
  self: number[];
}

export interface PredictionDomain {
  id: string;
  element: string;
  edge: string;
  method: string;
}

export interface PredictResult extends SiteRef {
  blockName: string;
  label: string;
  element: string;
  /** Atoms the site stands for (AbsorbingSiteInfo.multiplicity): weights of an element's average. */
  multiplicity: number;
  /** How they were found equivalent (AbsorbingSiteInfo.equivalence); absent from servers before it. */
  equivalence?: SiteEquivalence;
  absorberRange: TextRange;
  domain: PredictionDomain;
  /** Absolute energies in eV. */
  energies: number[];
  /** How the energies were placed when the model's grid is edge-relative (E − E0). */
  energyNote?: string;
  mu: number[];
  /** Ensemble standard deviation per point, when the model is an ensemble. */
  std?: number[];
  heads: number;
  neighbours: NeighbourAttention[];
  transformer?: TransformerAttention;
  /**
   * What the model's metadata.json records about this domain's accuracy (model/reliability.ts):
   * the ensemble's validation/test MAE and Δμ median with their spectrum counts, and the level
   * they support. Optional: servers before it did not send it.
   */
  reliability?: DomainReliability;
  model: { name: string; version: string; path: string };
  backend: string;
  timingMs: number;
}

/** xanes/sensitivity: the same site, model and domain as a PredictParams. */
export type SensitivityParams = PredictParams;

/** How much one neighbour shapes the prediction: the spectrum again without that atom. Its rank is the prediction's NeighbourAttention.rank. */
export interface NeighbourSensitivity extends NeighbourRef {
  /** Mean over the domain's energy grid of |μ_full − μ_without this atom| (ensemble mean, μ units); ≥ 0. */
  sensitivity: number;
  /**
   * Disagreement of the ensemble members about `sensitivity`: the standard deviation (n − 1) over
   * members of each member's own mean |Δμ| (μ units, uncalibrated; model/sensitivity.ts
   * occlusionSpread). 0 for a one-member model (SensitivityResult.members = 1).
   */
  spread: number;
  /** 1-based rank by sensitivity among the real neighbours, largest first. */
  order: number;
}

export interface SensitivityResult extends SiteRef {
  label: string;
  element: string;
  domain: PredictionDomain;
  /** One entry per real neighbour of the absorber graph, in distance order (virtual slots omitted). */
  neighbours: NeighbourSensitivity[];
  /** Points of the energy grid the mean runs over. */
  gridPoints: number;
  /** Ensemble members behind `spread` (1: no spread to report). */
  members: number;
  /** How the occluded graphs were built (what was recomputed); for hovers and logs. */
  method: string;
  /** Why the list is empty (no neighbours within the cutoff), when it is. */
  note?: string;
  model: { name: string; version: string; path: string };
  backend: string;
  timingMs: number;
}

/**
 * xanes/predictWithout: the spectrum again with one neighbour removed (occlusion, as in
 * xanes/sensitivity), so its change can be seen along the energy axis.
 */
export interface PredictWithoutParams extends PredictParams {
  /** The neighbour to remove: its NeighbourRef.rank (1-based distance order) in the site's prediction; must be a real neighbour. */
  rank: number;
  /**
   * The atom the client saw at that rank (from the prediction it shows). Checked when given, so
   * that a document edited since cannot silently swap which atom is removed.
   */
  expect?: { siteIndex: number; image: Vec3 };
}

export interface PredictWithoutResult extends SiteRef {
  blockName: string;
  label: string;
  element: string;
  multiplicity: number;
  equivalence?: SiteEquivalence;
  domain: PredictionDomain;
  /** Absolute energies in eV, placed as PredictResult.energies. */
  energies: number[];
  energyNote?: string;
  /** Ensemble-mean μ without the removed atom. */
  mu: number[];
  /** Its calibrated ensemble standard deviation, when the model is an ensemble. */
  std?: number[];
  /** μ of the full graph from the same forward pass, so mu − fullMu is exactly the occlusion's Δμ. */
  fullMu: number[];
  fullStd?: number[];
  removed: NeighbourRef;
  /** Mean over the grid of |fullMu − mu|: the removed atom's NeighbourSensitivity.sensitivity. */
  meanAbsDelta: number;
  /** How the occluded graph was built (as SensitivityResult.method). */
  method: string;
  /** As PredictResult.reliability (same model and domain). */
  reliability?: DomainReliability;
  model: { name: string; version: string; path: string };
  backend: string;
  timingMs: number;
}

export interface PredictAllParams {
  uri: string;
  block: number;
  modelPath?: string;
}

export interface PredictAllResult {
  results: PredictResult[];
  /** Sites that could not be predicted, with the reason (e.g. element outside the model's domains). */
  failures: { siteIndex: number; label: string; element: string; message: string }[];
}

/**
 * How the atoms of an absorbing site were found equivalent: 'symmetry', one orbit of the file's
 * operators; 'environment', atoms of a file without operators (P1 CIF, XYZ, POSCAR) whose
 * environments within 8 Å are congruent, so the network gives them one spectrum; 'none', such a
 * file whose atoms were not compared (too many; AbsorbingSiteInfo.note says why).
 */
export type SiteEquivalence = 'symmetry' | 'environment' | 'none';

/** One atom an absorbing site stands for. */
export interface SiteMember {
  siteIndex: number;
  label: string;
  range: TextRange;
}

export interface AbsorbingSiteInfo {
  block: number;
  blockName: string;
  /** The representative: the orbit's or environment group's first atom. */
  siteIndex: number;
  orbit: number;
  label: string;
  element: string;
  /** Atoms the site stands for: the orbit's size, or the environment group's. */
  multiplicity: number;
  range: TextRange;
  /** Absent from servers before it: 'symmetry'. */
  equivalence?: SiteEquivalence;
  /** equivalence 'environment' with more than one atom: every atom of the group, the representative first. */
  members?: SiteMember[];
  /** equivalence 'none': why the atoms were not compared by environment. */
  note?: string;
}

export interface SitesParams {
  uri: string;
}

export interface ServerStatus {
  backend: string | null;
  model: string | null;
  /** Human-readable state, e.g. 'ready', 'loading model', 'no model installed'. */
  state: string;
  message?: string;
}

export const PredictRequest = new RequestType<PredictParams, PredictResult, void>('xanes/predict');
export const PredictAllRequest = new RequestType<PredictAllParams, PredictAllResult, void>('xanes/predictAll');
/** Neighbour sensitivity by occlusion; the client asks after the spectrum is shown, never before. */
export const SensitivityRequest = new RequestType<SensitivityParams, SensitivityResult, void>('xanes/sensitivity');
/** One neighbour removed, as a foreground job (it is a user's click, unlike xanes/sensitivity). */
export const PredictWithoutRequest = new RequestType<PredictWithoutParams, PredictWithoutResult, void>('xanes/predictWithout');
export const SitesRequest = new RequestType<SitesParams, AbsorbingSiteInfo[], void>('xanes/sites');
export const StatusNotification = new NotificationType<ServerStatus>('xanes/status');

/** Arguments of the `xanes.predictSite` command that the code lens carries. */
export type PredictSiteCommandArgs = [uri: string, block: number, siteIndex: number];
/** Arguments of the `xanes.predictAll` command. */
export type PredictAllCommandArgs = [uri: string, block: number];
/** Arguments of the `xanes.overlayWithout` command that the sensitivity hover's link carries. */
export type OverlayWithoutCommandArgs = [params: PredictWithoutParams];

/** Error codes of xanes/* requests (application range, outside JSON-RPC's and LSP's reserved ones). */
export const XanesErrorCodes = {
  /** No model is installed or the configured model could not be loaded. */
  NoModel: -32001,
  /** The document, block or site of the request does not exist (any more). */
  NoSuchSite: -32002,
  /** The model cannot predict this element/edge. */
  Unsupported: -32003,
  /** Inference failed. */
  PredictionFailed: -32004,
  /** xanes/predictWithout names no real neighbour of the site (out of range, or a padding slot). */
  NoSuchNeighbour: -32005,
} as const;
