// Wires LSP requests to the pure modules. Every handler is wrapped: an exception is logged and
// answered with an empty result (or a ResponseError for xanes/* requests), never a dead server.
import {
  type CancellationToken,
  type CodeLensParams,
  type Connection,
  DidChangeConfigurationNotification,
  type DocumentSymbolParams,
  type FoldingRangeParams,
  type HoverParams,
  type InitializeResult,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type AbsorbingSiteInfo,
  type PredictAllParams,
  PredictAllRequest,
  type PredictAllResult,
  type PredictParams,
  PredictRequest,
  type PredictResult,
  type PredictWithoutParams,
  PredictWithoutRequest,
  type PredictWithoutResult,
  SensitivityRequest,
  type SensitivityParams,
  type SensitivityResult,
  type ServerStatus,
  SitesRequest,
  type SitesParams,
  StatusNotification,
} from '../lsp_ext';
import { parseDocument } from '../parse';
import { codeLenses, documentSites } from './codeLens';
import { coverageDiagnostics } from './coverage';
import { toLspDiagnostic } from './diagnostics';
import { CancelledWaitError, DocumentCache, documentFormat, type ParsedEntry } from './documentCache';
import { hoverAt } from './hover';
import { handlePredict, handlePredictAll, handlePredictWithout, handleSensitivity, handleSites, type PredictionDeps } from './prediction';
import type { Predictor } from './predictor';
import { DEFAULT_SETTINGS, normalizeSettings, type XanesSettings } from './settings';
import { entryFoldingRanges, entrySymbols } from './symbols';

/** Robustness-test request (XANES_TEST_HOOKS=1 only): terminate the inference worker as a crash would. */
export const KILL_WORKER_METHOD = 'xanes/test/killWorker';

export interface LanguageServerOptions {
  createPredictor(log: (m: string) => void): Predictor;
  debounceMs?: number;
}

export function startLanguageServer(connection: Connection, options: LanguageServerOptions): void {
  const log = (m: string) => connection.console.log(m);
  const documents = new TextDocuments(TextDocument);
  let settings: XanesSettings = DEFAULT_SETTINGS;
  let pullConfiguration = false;
  const predictor = options.createPredictor(log);

  const cache = new DocumentCache({
    parse: (text, format, opts) => parseDocument(text, format, opts),
    parseOptions: () => ({ symmetryTolerance: settings.symmetryTolerance }),
    absorbingElements: () => settings.absorbingElements,
    onParsed: (entry) => publishDiagnostics(entry),
    log,
    debounceMs: options.debounceMs,
  });

  function publishDiagnostics(entry: ParsedEntry): void {
    const status = predictor.status();
    const sites = documentSites(entry.doc.blocks, settings.absorbingElements);
    const all = [...entry.doc.diagnostics, ...coverageDiagnostics(sites, predictor.domains(), status.model)];
    void connection.sendDiagnostics({ uri: entry.uri, version: entry.version, diagnostics: all.map(toLspDiagnostic) });
  }

  /** Handler wrapper: logs and returns `fallback` instead of letting an exception escape. */
  function safe<P, R>(name: string, fallback: R, fn: (p: P) => R | Promise<R>): (p: P) => Promise<R> {
    return async (p: P) => {
      try {
        return await fn(p);
      } catch (err) {
        log(`${name} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        return fallback;
      }
    };
  }

  function parsedOpen(uri: string): ParsedEntry | null {
    const doc = documents.get(uri);
    return doc ? cache.get(doc) : null;
  }

  /** Open documents from the cache; files on disk (e.g. a command run on a closed file) read fresh. */
  async function parsedAny(uri: string): Promise<ParsedEntry | null> {
    const open = parsedOpen(uri);
    if (open) return open;
    if (!uri.startsWith('file:')) return null;
    try {
      const text = await readFile(fileURLToPath(uri), 'utf8');
      const format = documentFormat({ uri, languageId: '' });
      return { uri, version: 0, format, text, doc: parseDocument(text, format, { symmetryTolerance: settings.symmetryTolerance }) };
    } catch {
      return null;
    }
  }

  const deps: PredictionDeps = {
    entry: parsedAny,
    absorbingElements: () => settings.absorbingElements,
    predictor: () => predictor,
  };

  async function refreshSettings(): Promise<void> {
    if (!pullConfiguration) {
      // A client without workspace/configuration gets the defaults (and the shipped model).
      await predictor.configure(settings);
      return;
    }
    try {
      const raw: unknown = await connection.workspace.getConfiguration({ section: 'xanes' });
      const next = normalizeSettings(raw);
      const reparse = next.symmetryTolerance !== settings.symmetryTolerance ||
        next.absorbingElements.join() !== settings.absorbingElements.join();
      settings = next;
      await predictor.configure(settings);
      if (reparse) {
        for (const doc of documents.all()) cache.schedule(doc, 0);
      }
    } catch (err) {
      log(`could not read settings: ${String(err)}`);
    }
  }

  function sendStatus(s: ServerStatus): void {
    void connection.sendNotification(StatusNotification.method, s);
  }

  predictor.onStatus((s) => {
    sendStatus(s);
    // Model coverage may have changed.
    for (const uri of cache.uris()) {
      const entry = cache.peek(uri);
      if (entry) publishDiagnostics(entry);
    }
  });

  connection.onInitialize((params): InitializeResult => {
    const ws = params.capabilities.workspace;
    pullConfiguration = !!ws?.configuration;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
      },
      serverInfo: { name: 'xanes-lens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (pullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'xanes' }).catch(() => undefined);
    }
    await refreshSettings();
    sendStatus(predictor.status());
  });

  connection.onDidChangeConfiguration(safe('didChangeConfiguration', undefined, () => refreshSettings()));

  documents.onDidOpen((e) => cache.schedule(e.document, 0));
  documents.onDidChangeContent((e) => cache.schedule(e.document));
  documents.onDidClose((e) => {
    cache.remove(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  /**
   * Requests about a document first wait for its pending parse, so a handler sees the current
   * version and a large document is never parsed a second time on the message loop. Cancelling
   * while waiting answers RequestCancelled at once (outside `safe`, which would swallow it).
   */
  function afterParse<P, R>(uriOf: (p: P) => string, handler: (p: P, token: CancellationToken) => Promise<R>) {
    return async (p: P, token: CancellationToken): Promise<R> => {
      try {
        await cache.ready(uriOf(p), token);
      } catch (err) {
        if (err instanceof CancelledWaitError) throw new ResponseError(LSPErrorCodes.RequestCancelled, err.message);
        throw err;
      }
      return handler(p, token);
    };
  }
  const byTextDocument = (p: { textDocument: { uri: string } }): string => p.textDocument.uri;
  const byUri = (p: { uri: string }): string => p.uri;

  connection.onHover(afterParse(byTextDocument, safe('hover', null, (p: HoverParams) => {
    const entry = parsedOpen(p.textDocument.uri);
    return entry ? hoverAt(entry.doc.blocks, p.position, settings.absorbingElements) : null;
  })));

  connection.onCodeLens(afterParse(byTextDocument, safe('codeLens', [], (p: CodeLensParams) => {
    const entry = parsedOpen(p.textDocument.uri);
    if (!entry) return [];
    return codeLenses(entry.uri, entry.doc.blocks, documentSites(entry.doc.blocks, settings.absorbingElements));
  })));

  // Outline and folding come from the per-version memo (symbols.ts), not a parse per request.
  connection.onDocumentSymbol(afterParse(byTextDocument, safe('documentSymbol', [], (p: DocumentSymbolParams) => {
    const entry = parsedOpen(p.textDocument.uri);
    return entry ? entrySymbols(entry) : [];
  })));

  connection.onFoldingRanges(afterParse(byTextDocument, safe('foldingRanges', [], (p: FoldingRangeParams) => {
    const entry = parsedOpen(p.textDocument.uri);
    return entry ? entryFoldingRanges(entry) : [];
  })));

  // Registered by method name: vscode-languageserver bundles its own copy of the protocol
  // package, whose RequestType is nominally distinct from the one lsp_ext.ts imports.
  connection.onRequest(SitesRequest.method, afterParse(byUri, (p: SitesParams): Promise<AbsorbingSiteInfo[]> => handleSites(deps, p.uri)));
  connection.onRequest(PredictRequest.method, afterParse(byUri, (p: PredictParams, token): Promise<PredictResult> => handlePredict(deps, p, token)));
  connection.onRequest(PredictAllRequest.method, afterParse(byUri, (p: PredictAllParams, token): Promise<PredictAllResult> => handlePredictAll(deps, p, token)));
  connection.onRequest(SensitivityRequest.method, afterParse(byUri, (p: SensitivityParams, token): Promise<SensitivityResult> => handleSensitivity(deps, p, token)));
  connection.onRequest(PredictWithoutRequest.method, afterParse(byUri, (p: PredictWithoutParams, token): Promise<PredictWithoutResult> => handlePredictWithout(deps, p, token)));

  // Test hooks exist only when the test harness asks for them: never in an editor session.
  if (process.env.XANES_TEST_HOOKS === '1') {
    connection.onRequest(KILL_WORKER_METHOD, async (): Promise<{ killed: number }> => ({ killed: (await predictor.killWorkers?.()) ?? 0 }));
  }

  connection.onShutdown(async () => {
    cache.dispose();
    await predictor.dispose();
  });

  documents.listen(connection);
}
