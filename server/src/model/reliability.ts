// How much measured accuracy stands behind one output domain of a model: the ensemble's own
// validation and test numbers from metadata.json, and a level that says whether there are enough
// reference spectra behind them to trust the curve beyond a qualitative reading. Pure (no Node
// imports): the language server, the CLI and the webview's message validator all use it.
//
// The numbers are never estimated here: they are copied from `metrics.<split>.gnn.<domain>`
// (training/run.ts assembleModel writes them). A model without them (older, user-trained or test
// models) is 'untested' and says so.
import type { ModelMetadata } from './metadata';

/**
 * 'well-tested': enough reference spectra that the numbers describe the domain;
 * 'few': the numbers rest on a handful of spectra (or the head saw few in training);
 * 'untested': the model records no accuracy for the domain at all.
 */
export const RELIABILITY_LEVELS = ['well-tested', 'few', 'untested'] as const;
export type ReliabilityLevel = (typeof RELIABILITY_LEVELS)[number];

/**
 * Fewer validation + test spectra than this → 'few'. An MAE averaged over n spectra is uncertain
 * by s/√n (s: the spread between single spectra): half of s at n = 4, under a fifth of it only
 * from about 30, so below that one or two unusual structures decide the number. On v7 this
 * separates Cu K FEFF (817) and Fe K FDMNES (816) from Tc (26), Fe K FEFF (4) and Ti (4), the
 * domains docs/training.md already says to "read as indications".
 */
export const MIN_REFERENCE_SPECTRA = 30;

/**
 * Fewer training spectra than this → 'few', when the model records them
 * (training.samples.byDomain, models trained after v7). With the usual 80/10/10 split by material
 * this is the training side of about MIN_REFERENCE_SPECTRA held-out spectra, so it only decides
 * when a split gives the held-out sides unusually many.
 */
export const MIN_TRAINING_SPECTRA = 100;

/** The model whose metrics describe a prediction: the ensemble mean, as predictions use it. */
export const ENSEMBLE_METRICS_KEY = 'gnn';

/** One split's numbers for the ensemble, exactly as metadata.json records them. */
export interface SplitAccuracy {
  /** Mean |μ_pred − μ_true| over the split's scored points (μ units of the domain). */
  mae: number;
  /** Median over spectra of Δμ = 100·Σ|pred − true|/Σ|true| (%); absent when not recorded. */
  deltaMuMedian?: number;
  /** Reference spectra the numbers were computed on. */
  spectra: number;
}

export interface DomainReliability {
  /** Output domain id, e.g. 'Fe-K-FEFF'. */
  domain: string;
  level: ReliabilityLevel;
  /** The level in words: 'well tested', 'few reference spectra' (or 'few training spectra'), 'untested'. */
  levelText: string;
  validation?: SplitAccuracy;
  test?: SplitAccuracy;
  /** Training spectra of the domain, when the model records them (not for v7 and older). */
  trainingSpectra?: number;
  /** Caveat on where the numbers come from (e.g. measured before fine-tuning). */
  note?: string;
  /**
   * One line for people, e.g. "Fe-K-FEFF: validation MAE 0.051 (Δμ median 6.1 %) on 2 spectra,
   * test MAE 0.066 on 2 spectra — few reference spectra, treat as qualitative".
   */
  summary: string;
}

const LEVEL_TEXT: Record<ReliabilityLevel, string> = {
  'well-tested': 'well tested',
  few: 'few reference spectra',
  untested: 'untested',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The ensemble's numbers for one split and domain, or undefined when they are missing or do not
 * have the trainer's shape (metadata.json is user-editable; nothing here may throw).
 */
function splitAccuracy(metrics: unknown, split: 'val' | 'test', domain: string): SplitAccuracy | undefined {
  if (!isObj(metrics)) return undefined;
  const side = metrics[split];
  const models = isObj(side) ? side[ENSEMBLE_METRICS_KEY] : undefined;
  const m = isObj(models) ? models[domain] : undefined;
  if (!isObj(m) || !isCount(m.spectra) || m.spectra === 0 || !finite(m.mae)) return undefined;
  const dm = isObj(m.deltaMu) ? m.deltaMu.median : undefined;
  return { mae: m.mae, ...(finite(dm) ? { deltaMuMedian: dm } : {}), spectra: m.spectra };
}

function trainingSpectraOf(metadata: Pick<ModelMetadata, 'training'>, domain: string): number | undefined {
  const samples = metadata.training?.samples;
  const byDomain = isObj(samples) ? samples.byDomain : undefined;
  const entry = isObj(byDomain) ? byDomain[domain] : undefined;
  return isObj(entry) && isCount(entry.train) ? entry.train : undefined;
}

/** Fine-tuning copies the base model's metrics unchanged: they describe the base model. */
function provenanceNote(metadata: Pick<ModelMetadata, 'training'>): string | undefined {
  const ft = metadata.training?.finetune;
  if (!isObj(ft)) return undefined;
  return `measured${typeof ft.from === 'string' && ft.from ? ` for ${ft.from}` : ''} before fine-tuning`;
}

/** The level, from the counts alone (the thresholds above). */
export function reliabilityLevel(referenceSpectra: number, trainingSpectra?: number): ReliabilityLevel {
  if (referenceSpectra <= 0) return 'untested';
  if (referenceSpectra < MIN_REFERENCE_SPECTRA) return 'few';
  if (trainingSpectra !== undefined && trainingSpectra < MIN_TRAINING_SPECTRA) return 'few';
  return 'well-tested';
}

/** MAE with two significant digits: more would claim a precision a few spectra do not have. */
function formatMae(v: number): string {
  return Math.abs(v) >= 10 ? v.toFixed(0) : v.toPrecision(2);
}

function formatSplit(name: string, a: SplitAccuracy, withDeltaMu: boolean): string {
  const dm = withDeltaMu && a.deltaMuMedian !== undefined ? ` (Δμ median ${a.deltaMuMedian.toFixed(1)} %)` : '';
  return `${name} MAE ${formatMae(a.mae)}${dm} on ${a.spectra} spectr${a.spectra === 1 ? 'um' : 'a'}`;
}

function summaryOf(r: Omit<DomainReliability, 'summary'>): string {
  const advice = r.level === 'well-tested' ? '' : ', treat as qualitative';
  const note = r.note ? ` (${r.note})` : '';
  if (r.level === 'untested') return `${r.domain}: no measured accuracy in this model — ${r.levelText}${advice}`;
  // Δμ once, on the first split shown: the line has to stay readable in a list entry.
  const parts: string[] = [];
  if (r.validation) parts.push(formatSplit('validation', r.validation, true));
  if (r.test) parts.push(formatSplit('test', r.test, parts.length === 0));
  const training = r.trainingSpectra !== undefined ? `; ${r.trainingSpectra} training spectra` : '';
  return `${r.domain}: ${parts.join(', ')}${training}${note} — ${r.levelText}${advice}`;
}

/**
 * What metadata.json says about the accuracy of `domain`'s output: the ensemble's validation and
 * test MAE and Δμ median with their spectrum counts, and the level they support.
 */
export function domainReliability(metadata: Pick<ModelMetadata, 'metrics' | 'training'>, domain: string): DomainReliability {
  const validation = splitAccuracy(metadata.metrics, 'val', domain);
  const test = splitAccuracy(metadata.metrics, 'test', domain);
  const trainingSpectra = trainingSpectraOf(metadata, domain);
  const reference = (validation?.spectra ?? 0) + (test?.spectra ?? 0);
  const level = reliabilityLevel(reference, trainingSpectra);
  const note = level === 'untested' ? undefined : provenanceNote(metadata);
  const r: Omit<DomainReliability, 'summary'> = {
    domain,
    level,
    // Enough held-out spectra but a head that saw few in training: say which.
    levelText: level === 'few' && reference >= MIN_REFERENCE_SPECTRA ? 'few training spectra' : LEVEL_TEXT[level],
    ...(validation ? { validation } : {}),
    ...(test ? { test } : {}),
    ...(trainingSpectra !== undefined ? { trainingSpectra } : {}),
    ...(note ? { note } : {}),
  };
  return { ...r, summary: summaryOf(r) };
}

/** One log line: "accuracy: …" for well-tested numbers, "caution: …" otherwise, so it stands out. */
export function reliabilityLogLine(r: Pick<DomainReliability, 'level' | 'summary'>): string {
  return `${r.level === 'well-tested' ? 'accuracy' : 'caution'}: ${r.summary}`;
}

/** Every declared domain's reliability, in the model's domain order. */
export function modelReliability(metadata: Pick<ModelMetadata, 'metrics' | 'training' | 'domains'>): DomainReliability[] {
  return metadata.domains.map((d) => domainReliability(metadata, d.id));
}
