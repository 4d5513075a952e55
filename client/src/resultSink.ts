// Chooses where prediction results are shown. TODO(panel): when client/src/panel and
// client/src/decorations land, route showSite/showAll to them (and keep the output log).
import type * as vscode from 'vscode';
import type { ResultSink } from './context';
import { outputResultSink } from './outputResults';

export function createResultSink(_context: vscode.ExtensionContext, output: vscode.OutputChannel): ResultSink {
  return outputResultSink(output);
}
