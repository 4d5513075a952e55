// The one object the extension's modules share: created in activate(), passed down, disposed
// with the extension.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PredictAllResult, PredictResult, PredictWithoutResult, SensitivityResult, ServerStatus } from '../../server/src/lsp_ext';
import type { ShownSeries } from '../../webview/src/protocol';
import type { DecorationState } from './decorations';
import type { SensitivityState } from './decorations/sensitivity';

/** Where prediction results go: the spectrum panel and attention decorations, or a text log. */
export interface ResultSink {
  showSite(result: PredictResult): void;
  showAll(result: PredictAllResult): void;
  /** Neighbour sensitivity of a prediction already shown (it arrives after the spectrum). */
  showSensitivity(prediction: PredictResult, state: SensitivityState): void;
  /** A spectrum with one neighbour removed (xanes/predictWithout), overlaid on its full curve. */
  showWithout(result: PredictWithoutResult): void;
}

export interface XanesContext {
  extension: vscode.ExtensionContext;
  client: LanguageClient;
  output: vscode.LogOutputChannel;
  results: ResultSink;
  /** Latest xanes/status from the server; null until the first one arrives. */
  status: ServerStatus | null;
}

/** What activate() returns: lets tests (and other extensions) wait for the server and read state. */
export interface XanesApi {
  ready: Promise<void>;
  status(): ServerStatus | null;
  /** The status bar item's text, e.g. "$(pulse) XANES: mem-xanes-v1 · wasm". */
  statusBarText(): string;
  /** Attention decorations currently painted on the editors of a document. */
  attentionDecorations(uri: string): DecorationState;
  /** Neighbour sensitivity shown for a document's prediction, once it has arrived. */
  sensitivity(uri: string): SensitivityResult | undefined;
  /** The curves in the spectrum panel as its page last reported them ([] when it is closed). */
  panelSeries(): ShownSeries[];
}
