// xanes.predictSite / xanes.predictAll. Code lenses call them with explicit arguments; from the
// command palette they fall back to the active editor and the cursor. They return the result
// (or reject) so tests and other extensions can use them programmatically. xanes.overlayWithout
// is the sensitivity hover's link: the spectrum again without one neighbour, into the panel.
import * as vscode from 'vscode';
import {
  type AbsorbingSiteInfo,
  PredictAllRequest,
  type PredictAllResult,
  PredictRequest,
  type PredictResult,
  PredictWithoutRequest,
  type PredictWithoutResult,
  SitesRequest,
} from '../../server/src/lsp_ext';
import type { XanesContext } from './context';
import { STRUCTURE_LANGUAGES } from './languageClient';
import { OVERLAY_WITHOUT_COMMAND, parseOverlayWithoutArgs } from './decorations/overlayLink';
import { cancelSensitivity, requestSensitivity } from './sensitivity';
import { SHOW_OUTPUT_COMMAND } from './statusBar';

export const PREDICT_SITE = 'xanes.predictSite';
export const PREDICT_ALL = 'xanes.predictAll';

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Shows the failure to the user and rethrows it, so programmatic callers see it as well. */
function report(ctx: XanesContext, what: string, err: unknown): never {
  const message = errorMessage(err);
  ctx.output.appendLine(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`XANES Lens: ${message}`);
  throw err instanceof Error ? err : new Error(message);
}

function activeStructureUri(): vscode.Uri {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !(STRUCTURE_LANGUAGES as readonly string[]).includes(editor.document.languageId)) {
    throw new Error('Open a CIF, XYZ or POSCAR file first.');
  }
  return editor.document.uri;
}

/** The site under the cursor, the only site, or the user's pick. */
async function chooseSite(ctx: XanesContext, uri: vscode.Uri): Promise<AbsorbingSiteInfo | undefined> {
  const sites = await ctx.client.sendRequest(SitesRequest, { uri: uri.toString() });
  if (sites.length === 0) throw new Error('This file has no absorbing sites of the configured elements (xanes.absorbingElements).');
  const line = vscode.window.activeTextEditor?.selection.active.line;
  const under = sites.find((s) => line !== undefined && s.range.start.line <= line && line <= s.range.end.line);
  if (under) return under;
  if (sites.length === 1) return sites[0];
  const pick = await vscode.window.showQuickPick(
    sites.map((s) => ({ label: `${s.label} (${s.element}, ×${s.multiplicity})`, description: `${s.blockName}, line ${s.range.start.line + 1}`, site: s })),
    { placeHolder: 'Absorbing site to predict' },
  );
  return pick?.site;
}

export async function predictSite(ctx: XanesContext, uri?: string, block?: number, siteIndex?: number): Promise<PredictResult | undefined> {
  try {
    let params: { uri: string; block: number; siteIndex: number };
    if (typeof uri === 'string' && typeof block === 'number' && typeof siteIndex === 'number') {
      params = { uri, block, siteIndex };
    } else {
      const docUri = activeStructureUri();
      const site = await chooseSite(ctx, docUri);
      if (!site) return undefined;
      params = { uri: docUri.toString(), block: site.block, siteIndex: site.siteIndex };
    }
    // An older sensitivity job of this document must not hold up the new spectrum.
    cancelSensitivity(params.uri);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Predicting K-edge XANES…' },
      () => ctx.client.sendRequest(PredictRequest, params),
    );
    ctx.results.showSite(result);
    // After the spectrum is on screen, never before: the lens click does not wait for it.
    requestSensitivity(ctx, result);
    return result;
  } catch (err) {
    return report(ctx, 'Predict K-edge XANES', err);
  }
}

export async function predictAll(ctx: XanesContext, uri?: string, block?: number): Promise<PredictAllResult | undefined> {
  try {
    const docUri = typeof uri === 'string' ? uri : activeStructureUri().toString();
    cancelSensitivity(docUri);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Predicting K-edge XANES for all sites…' },
      () => ctx.client.sendRequest(PredictAllRequest, { uri: docUri, block: typeof block === 'number' ? block : 0 }),
    );
    ctx.results.showAll(result);
    // The decorations show the first site: its sensitivity follows.
    if (result.results.length > 0) requestSensitivity(ctx, result.results[0]);
    return result;
  } catch (err) {
    return report(ctx, 'Predict all sites', err);
  }
}

/** xanes.overlayWithout: arguments from the hover link (overlayLink.ts) or any executeCommand caller. */
export async function overlayWithout(ctx: XanesContext, raw: unknown): Promise<PredictWithoutResult | undefined> {
  try {
    const params = parseOverlayWithoutArgs(raw);
    if ('error' in params) throw new Error(`Overlay spectrum without a neighbour: ${params.error}.`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Predicting XANES without the neighbour…' },
      () => ctx.client.sendRequest(PredictWithoutRequest, params),
    );
    ctx.results.showWithout(result);
    return result;
  } catch (err) {
    return report(ctx, 'Overlay spectrum without a neighbour', err);
  }
}

export function registerCommands(ctx: XanesContext): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand(PREDICT_SITE, (uri?: string, block?: number, siteIndex?: number) => predictSite(ctx, uri, block, siteIndex)),
    vscode.commands.registerCommand(PREDICT_ALL, (uri?: string, block?: number) => predictAll(ctx, uri, block)),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => ctx.output.show()),
    // VS Code spreads a command URI's JSON array into arguments: the one argument is the params.
    vscode.commands.registerCommand(OVERLAY_WITHOUT_COMMAND, (args?: unknown) => overlayWithout(ctx, args)),
  );
}
