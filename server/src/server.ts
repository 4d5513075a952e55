// Language server entry (dist/server.js). The transport comes from the command line:
// --node-ipc (VS Code's default for our client), --stdio (tests, other editors) or --socket=N.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/languageServer';
import { createPredictor } from './lsp/createPredictor';

const connection = createConnection(ProposedFeatures.all);

// Last line of defence: a stray rejection in a background task is logged, not fatal.
process.on('unhandledRejection', (reason) => connection.console.error(`unhandled rejection: ${String(reason)}`));
process.on('uncaughtException', (err) => connection.console.error(`uncaught exception: ${err.stack ?? err.message}`));

startLanguageServer(connection, { createPredictor });
connection.listen();
