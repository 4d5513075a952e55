// Extension entry (dist/extension.js): output channel, status bar, commands (prediction, panel,
// attention, training), language client.
// Commands are registered before the client starts so a lens click during start-up is not lost.
import * as vscode from 'vscode';
import { StatusNotification, type ServerStatus } from '../../server/src/lsp_ext';
import { registerCommands } from './commands';
import type { XanesApi, XanesContext } from './context';
import { createLanguageClient } from './languageClient';
import { createResultSink } from './resultSink';
import { createStatusBar } from './statusBar';
import { registerTrainingCommands } from './training/commands';

let current: XanesContext | undefined;

export function activate(extension: vscode.ExtensionContext): XanesApi {
  const output = vscode.window.createOutputChannel('XANES Lens', { log: true });
  const statusBar = createStatusBar();
  const client = createLanguageClient(extension, output);
  const results = createResultSink(extension, output);
  const ctx: XanesContext = { extension, client, output, results, status: null };
  current = ctx;
  extension.subscriptions.push(output, statusBar.item);
  registerCommands(ctx);
  registerTrainingCommands(extension, output);

  const ready = client.start().then(() => {
    extension.subscriptions.push(
      client.onNotification(StatusNotification, (s: ServerStatus) => {
        ctx.status = s;
        statusBar.update(s);
      }),
    );
  });
  ready.catch((err: unknown) => output.appendLine(`XANES Lens language server failed to start: ${String(err)}`));
  return {
    ready,
    status: () => ctx.status,
    statusBarText: () => statusBar.item.text,
    attentionDecorations: (uri) => results.decorations.state(uri),
    sensitivity: (uri) => results.decorations.sensitivity(uri),
    panelSeries: () => results.panel.series(),
  };
}

export async function deactivate(): Promise<void> {
  const client = current?.client;
  current = undefined;
  if (client) await client.stop();
}
