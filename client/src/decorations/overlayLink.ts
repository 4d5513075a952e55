// "Overlay spectrum without <atom>" (pure, no vscode): the hover's command link and the parsing
// of its arguments when the command runs. The arguments arrive from a URI a Markdown hover
// carried, or from any caller of executeCommand, so they are checked field by field before they
// become an xanes/predictWithout request.
import type { NeighbourRef, OverlayWithoutCommandArgs, PredictResult, PredictWithoutParams } from '../../../server/src/lsp_ext';
import { expectedAtom } from '../../../server/src/lsp/occlusionTarget';

export const OVERLAY_WITHOUT_COMMAND = 'xanes.overlayWithout';

/** The request for `n` removed from `p`'s site, with the model and domain that produced `p`. */
export function overlayWithoutParams(p: PredictResult, n: Pick<NeighbourRef, 'rank' | 'siteIndex' | 'image'>): PredictWithoutParams {
  return {
    uri: p.uri,
    block: p.block,
    siteIndex: p.siteIndex,
    // As for sensitivity: the model and domain on screen, even if the settings change meanwhile.
    modelPath: p.model.path,
    domain: p.domain.id,
    rank: n.rank,
    // The server refuses if the rank now names another atom (document edited since).
    expect: { siteIndex: n.siteIndex, image: [n.image[0], n.image[1], n.image[2]] },
  };
}

/**
 * `command:` URI with the arguments as encoded JSON. Parentheses are encoded as well:
 * encodeURIComponent leaves them, and a ')' from a file or model path would end the Markdown
 * link early.
 */
export function overlayWithoutUri(params: PredictWithoutParams): string {
  const args: OverlayWithoutCommandArgs = [params];
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `command:${OVERLAY_WITHOUT_COMMAND}?${encoded}`;
}

/** Markdown-escapes link text (atom labels are free text in a CIF). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** `[text](command:…)` removing neighbour `n` of prediction `p`. */
export function overlayWithoutLink(p: PredictResult, n: NeighbourRef, text = `Overlay spectrum without ${n.label}`): string {
  const params = overlayWithoutParams(p, n);
  const title = `Predict ${p.label} again without ${n.element} ${n.label} at ${n.distance.toFixed(3)} Å, rank ${n.rank}, and overlay it in the spectrum panel`;
  return `[${escapeMarkdown(text)}](${overlayWithoutUri(params)} "${title.replace(/["\\()]/g, '')}")`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * The request the command's arguments describe, or why they do not. Accepts the params object
 * itself or OverlayWithoutCommandArgs (VS Code spreads a command URI's JSON array into
 * arguments, executeCommand callers may pass either).
 */
export function parseOverlayWithoutArgs(raw: unknown): PredictWithoutParams | { error: string } {
  const v = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (!isObj(v)) return { error: 'needs { uri, block, siteIndex, rank } (from the sensitivity hover of a prediction)' };
  if (typeof v.uri !== 'string' || v.uri === '') return { error: 'uri must be the structure file\'s URI' };
  if (!isIndex(v.block) || !isIndex(v.siteIndex)) return { error: 'block and siteIndex must be integers ≥ 0' };
  if (typeof v.rank !== 'number' || !Number.isInteger(v.rank) || v.rank < 1) return { error: 'rank must be the neighbour\'s rank, an integer ≥ 1' };
  for (const k of ['modelPath', 'domain'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'string') return { error: `${k} must be a string when given` };
  }
  const params: PredictWithoutParams = { uri: v.uri, block: v.block, siteIndex: v.siteIndex, rank: v.rank };
  if (typeof v.modelPath === 'string') params.modelPath = v.modelPath;
  if (typeof v.domain === 'string') params.domain = v.domain;
  if (v.expect !== undefined) {
    const expect = expectedAtom(v.expect);
    if (!expect) return { error: 'expect must be { siteIndex, image: [i, j, k] }' };
    params.expect = expect;
  }
  return params;
}
