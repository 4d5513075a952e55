// xanes/sites, xanes/predict, xanes/predictAll, xanes/sensitivity and xanes/predictWithout: resolve the request to a
// parsed block and site, then hand the structure to the predictor. Every failure becomes a
// ResponseError with a message a scientist can act on.
import { type CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { CancelledError } from '../model/inferenceService';
import {
  type AbsorbingSiteInfo,
  type PredictAllParams,
  type PredictAllResult,
  type PredictParams,
  type PredictResult,
  type PredictWithoutParams,
  type PredictWithoutResult,
  type SensitivityParams,
  type SensitivityResult,
  XanesErrorCodes,
} from '../lsp_ext';
import type { ParsedEntry } from './documentCache';
import { documentSites } from './codeLens';
import { equivalentSites } from '../structure/sites';
import { neighbourKey, NoSuchNeighbourError } from './occlusionTarget';
import { NoModelError, type PredictJob, type Predictor } from './predictor';

export interface PredictionDeps {
  entry(uri: string): Promise<ParsedEntry | null>;
  absorbingElements(): readonly string[];
  predictor(): Predictor;
}

async function requireEntry(deps: PredictionDeps, uri: string): Promise<ParsedEntry> {
  const entry = await deps.entry(uri);
  if (!entry) throw new ResponseError(XanesErrorCodes.NoSuchSite, `Document ${uri} is not open and could not be read.`);
  return entry;
}

export async function handleSites(deps: PredictionDeps, uri: string): Promise<AbsorbingSiteInfo[]> {
  const entry = await requireEntry(deps, uri);
  return documentSites(entry.doc.blocks, deps.absorbingElements());
}

function toResponseError(err: unknown): ResponseError<void> {
  if (err instanceof ResponseError) return err;
  if (err instanceof NoModelError) return new ResponseError(XanesErrorCodes.NoModel, err.message);
  if (err instanceof NoSuchNeighbourError) return new ResponseError(XanesErrorCodes.NoSuchNeighbour, err.message);
  if (err instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'XANES prediction cancelled');
  const message = err instanceof Error ? err.message : String(err);
  return new ResponseError(XanesErrorCodes.PredictionFailed, `XANES prediction failed: ${message}`);
}

/** An AbortSignal that follows the LSP cancellation token (cancelled requests never reach the worker). */
function abortSignal(token?: CancellationToken): AbortSignal | undefined {
  if (!token) return undefined;
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

/** The parsed block and site a request names, or a NoSuchSite error saying what is missing. */
async function resolveJob(deps: PredictionDeps, params: PredictParams): Promise<PredictJob> {
  const entry = await requireEntry(deps, params.uri);
  const block = entry.doc.blocks[params.block];
  if (!block) {
    throw new ResponseError(XanesErrorCodes.NoSuchSite, `Block ${params.block} does not exist (the document has ${entry.doc.blocks.length}).`);
  }
  const structure = block.structure;
  if (!structure) {
    throw new ResponseError(XanesErrorCodes.NoSuchSite, `Block "${block.name}" has no usable structure; see the diagnostics.`);
  }
  if (!Number.isInteger(params.siteIndex) || params.siteIndex < 0 || params.siteIndex >= structure.sites.length) {
    throw new ResponseError(
      XanesErrorCodes.NoSuchSite,
      `Site ${params.siteIndex} does not exist in block "${block.name}" (${structure.sites.length} atoms); the document may have changed.`,
    );
  }
  // A representative of a P1 file stands for its environment group: the result says how many
  // atoms, so an element's average weighs it by all of them.
  const { equivalence, members } = equivalentSites(structure, params.siteIndex, deps.absorbingElements());
  return {
    uri: params.uri,
    block: params.block,
    blockName: block.name,
    structure,
    siteIndex: params.siteIndex,
    multiplicity: members.length,
    equivalence,
    modelPath: params.modelPath,
    domain: params.domain,
  };
}

/** Resolve, run with the request's cancellation, and map every failure to a ResponseError. */
async function runJob<R>(
  deps: PredictionDeps, params: PredictParams, token: CancellationToken | undefined,
  run: (p: Predictor, job: PredictJob, signal?: AbortSignal) => Promise<R>,
): Promise<R> {
  try {
    const job = await resolveJob(deps, params);
    const result = await run(deps.predictor(), job, abortSignal(token));
    // A job shared with an identical request may finish after this one was cancelled.
    if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'XANES prediction cancelled');
    return result;
  } catch (err) {
    throw toResponseError(err);
  }
}

export function handlePredict(deps: PredictionDeps, params: PredictParams, token?: CancellationToken): Promise<PredictResult> {
  return runJob(deps, params, token, (p, job, signal) => p.predict(job, signal));
}

/** xanes/sensitivity: neighbour sensitivity by occlusion, for the site, model and domain of a prediction. */
export function handleSensitivity(deps: PredictionDeps, params: SensitivityParams, token?: CancellationToken): Promise<SensitivityResult> {
  return runJob(deps, params, token, (p, job, signal) => p.sensitivity(job, signal));
}

/** xanes/predictWithout: the spectrum with one neighbour removed, beside the full one of the same pass. */
export function handlePredictWithout(deps: PredictionDeps, params: PredictWithoutParams, token?: CancellationToken): Promise<PredictWithoutResult> {
  return runJob(deps, params, token, (p, job, signal) => p.predictWithout(job, neighbourKey(params), signal));
}

export async function handlePredictAll(deps: PredictionDeps, params: PredictAllParams, token?: CancellationToken): Promise<PredictAllResult> {
  let sites: AbsorbingSiteInfo[];
  try {
    sites = (await handleSites(deps, params.uri)).filter((s) => s.block === params.block);
  } catch (err) {
    throw toResponseError(err);
  }
  const results: PredictResult[] = [];
  const failures: PredictAllResult['failures'] = [];
  for (const site of sites) {
    try {
      results.push(await handlePredict(deps, { uri: params.uri, block: params.block, siteIndex: site.siteIndex, modelPath: params.modelPath }, token));
    } catch (err) {
      const e = toResponseError(err);
      // Without a model every site would fail the same way: one clear error beats N failures.
      if (e.code === XanesErrorCodes.NoModel || e.code === LSPErrorCodes.RequestCancelled) throw e;
      failures.push({ siteIndex: site.siteIndex, label: site.label, element: site.element, message: e.message });
    }
  }
  return { results, failures };
}
