// Language server entry (dist/server.js). The transport comes from the command line:
// --node-ipc (VS Code's default for our client), --stdio (tests, other editors) or --socket=N.
// The same bundle is the worker that parses large documents (backgroundParse.ts).
import { isMainThread, workerData } from 'node:worker_threads';
import { createConnection, LSPErrorCodes, ProposedFeatures, type ResponseMessage } from 'vscode-languageserver/node';
import { isParseWorkerData, runParseWorker, workerParser } from './lsp/backgroundParse';
import { useBackgroundParser } from './lsp/documentCache';
import { startLanguageServer } from './lsp/languageServer';
import { createPredictor } from './lsp/createPredictor';

function main(): void {
  // A request cancelled while it still waits in the connection's queue is answered "cancelled"
  // at once; by default vscode-jsonrpc would drop such a cancellation and run the request anyway.
  const connection = createConnection(ProposedFeatures.all, {
    connectionStrategy: {
      cancelUndispatched: (message): ResponseMessage | undefined =>
        'id' in message && message.id !== undefined && message.id !== null
          ? { jsonrpc: '2.0', id: message.id as number | string, error: { code: LSPErrorCodes.RequestCancelled, message: 'request cancelled before it started' } }
          : undefined,
    },
  });

  // Last line of defence: a stray rejection in a background task is logged, not fatal.
  process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
  process.on('uncaughtException', (err) => connection.console.error(`uncaught exception: ${err.stack ?? err.message}`));

  useBackgroundParser(workerParser(__filename));
  startLanguageServer(connection, { createPredictor });
  connection.listen();
}

if (!isMainThread && isParseWorkerData(workerData)) runParseWorker();
else main();
