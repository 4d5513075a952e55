// Neighbour sensitivity (xanes/sensitivity) for a prediction already on screen. It is asked for
// only after the spectrum is shown, so a lens click never waits for it; the server runs it as a
// background job behind any queued prediction, and a newer prediction of the same document
// cancels the older request. Failures go to the log and the hover, never to an error popup:
// the spectrum the user asked for is already there.
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { type PredictResult, SensitivityRequest } from '../../server/src/lsp_ext';
import type { XanesContext } from './context';

const pending = new Map<string, vscode.CancellationTokenSource>();

/** Cancels the document's outstanding sensitivity request, if any. */
export function cancelSensitivity(uri: string): void {
  pending.get(uri)?.cancel();
  pending.delete(uri);
}

export function requestSensitivity(ctx: XanesContext, prediction: PredictResult): void {
  cancelSensitivity(prediction.uri);
  const cts = new vscode.CancellationTokenSource();
  pending.set(prediction.uri, cts);
  ctx.results.showSensitivity(prediction, { status: 'pending' });
  const params = {
    uri: prediction.uri,
    block: prediction.block,
    siteIndex: prediction.siteIndex,
    // The model and domain that produced the spectrum, even if the settings change meanwhile.
    modelPath: prediction.model.path,
    domain: prediction.domain.id,
  };
  ctx.client.sendRequest(SensitivityRequest, params, cts.token).then(
    (result) => ctx.results.showSensitivity(prediction, { status: 'ready', result }),
    (err: unknown) => {
      if (cts.token.isCancellationRequested || (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled)) return;
      ctx.results.showSensitivity(prediction, { status: 'failed', message: err instanceof Error ? err.message : String(err) });
    },
  ).then(() => {
    if (pending.get(prediction.uri) === cts) pending.delete(prediction.uri);
    cts.dispose();
  });
}
