// Requests about a document wait for its pending parse (DocumentCache.ready) before the
// handler runs, so a handler reading the cache synchronously sees the current version and a
// large document is never parsed a second time on the message loop. Cancelling the request
// while it waits answers RequestCancelled at once. Outline and folding come from the
// per-version memo (symbols.ts) instead of a fresh parse per request.
// Applied around the connection the handlers are registered on (server.ts), so the handlers
// themselves (languageServer.ts) need no change.
import { type Connection, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import { CancelledWaitError, type CancellationLike, whenParsed, type ParsedEntry } from './documentCache';
import { entryFoldingRanges, entrySymbols } from './symbols';

interface DocParams { textDocument?: { uri?: unknown }; uri?: unknown }

function uriOf(params: unknown): string | undefined {
  const p = params as DocParams | undefined;
  const uri = p?.textDocument?.uri ?? p?.uri;
  return typeof uri === 'string' ? uri : undefined;
}

async function waitFor(params: unknown, token: CancellationLike | undefined): Promise<ParsedEntry | undefined> {
  const uri = uriOf(params);
  if (uri === undefined) return undefined;
  try {
    return await whenParsed(uri, token);
  } catch (err) {
    if (err instanceof CancelledWaitError) throw new ResponseError(LSPErrorCodes.RequestCancelled, err.message);
    throw err;
  }
}

type Handler = (params: unknown, token: CancellationLike, ...rest: unknown[]) => unknown;
type Register = (handler: Handler) => unknown;

/** The connection with every document request gated on its document's parse. */
export function gateRequests(connection: Connection): Connection {
  const gated = (register: Register): Register => (handler) => register(async (params, token, ...rest) => {
    await waitFor(params, token);
    return handler(params, token, ...rest);
  });
  const memoised = (register: Register, fromEntry: (e: ParsedEntry) => Promise<unknown>): Register => (handler) =>
    register(async (params, token, ...rest) => {
      const entry = await waitFor(params, token);
      return entry ? fromEntry(entry) : handler(params, token, ...rest);
    });
  const overrides: Record<string, unknown> = {
    onHover: gated(connection.onHover.bind(connection) as Register),
    onCodeLens: gated(connection.onCodeLens.bind(connection) as Register),
    onDocumentSymbol: memoised(connection.onDocumentSymbol.bind(connection) as Register, entrySymbols),
    onFoldingRanges: memoised(connection.onFoldingRanges.bind(connection) as Register, entryFoldingRanges),
    // Custom requests (xanes/sites, xanes/predict…) carry the document as params.uri.
    onRequest: (method: unknown, handler: unknown, ...rest: unknown[]) => {
      const register = connection.onRequest.bind(connection) as (...a: unknown[]) => unknown;
      if (typeof method !== 'string' || typeof handler !== 'function') return register(method, handler, ...rest);
      const h = handler as Handler;
      return register(method, async (params: unknown, token: CancellationLike, ...more: unknown[]) => {
        await waitFor(params, token);
        return h(params, token, ...more);
      }, ...rest);
    },
  };
  return new Proxy(connection, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop];
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}
