// Parsed documents, one entry per open URI, always for the latest version only.
// Edits are parsed after a short debounce so typing in a large CIF never parses on every key;
// a request that needs the structure (hover, lens) flushes the pending parse for that URI.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument, ParseOptions } from '../structure/types';
import { internalErrorDiagnostic } from './diagnostics';

export type DocumentFormat = 'cif' | 'xyz';

export interface ParsedEntry {
  uri: string;
  version: number;
  format: DocumentFormat;
  text: string;
  doc: ParsedDocument;
}

export interface DocumentCacheOptions {
  parse(text: string, format: DocumentFormat, opts: ParseOptions): ParsedDocument;
  parseOptions(): ParseOptions;
  /** Called after every completed parse of the latest version. */
  onParsed(entry: ParsedEntry): void;
  log(message: string): void;
  debounceMs?: number;
}

export function documentFormat(doc: Pick<TextDocument, 'languageId' | 'uri'>): DocumentFormat {
  if (doc.languageId === 'xyz' || doc.languageId === 'cif') return doc.languageId;
  return /\.(ext)?xyz$/i.test(doc.uri) ? 'xyz' : 'cif';
}

export class DocumentCache {
  private readonly entries = new Map<string, ParsedEntry>();
  private readonly pending = new Map<string, { doc: TextDocument; timer: NodeJS.Timeout }>();
  private readonly debounceMs: number;

  constructor(private readonly opts: DocumentCacheOptions) {
    this.debounceMs = opts.debounceMs ?? 200;
  }

  /** Schedules a parse of this version; a newer version replaces a pending one. */
  schedule(doc: TextDocument, delayMs = this.debounceMs): void {
    const prev = this.pending.get(doc.uri);
    if (prev) clearTimeout(prev.timer);
    const timer = setTimeout(() => {
      this.pending.delete(doc.uri);
      this.parseNow(doc);
    }, delayMs);
    this.pending.set(doc.uri, { doc, timer });
  }

  /** The parse of `doc`'s current version, parsing synchronously when it is stale. */
  get(doc: TextDocument): ParsedEntry {
    const cached = this.entries.get(doc.uri);
    if (cached && cached.version === doc.version && !this.pending.has(doc.uri)) return cached;
    const p = this.pending.get(doc.uri);
    if (p) {
      clearTimeout(p.timer);
      this.pending.delete(doc.uri);
    }
    return this.parseNow(doc);
  }

  peek(uri: string): ParsedEntry | undefined {
    return this.entries.get(uri);
  }

  remove(uri: string): void {
    const p = this.pending.get(uri);
    if (p) clearTimeout(p.timer);
    this.pending.delete(uri);
    this.entries.delete(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.entries.clear();
  }

  private parseNow(doc: TextDocument): ParsedEntry {
    const format = documentFormat(doc);
    const text = doc.getText();
    let parsed: ParsedDocument;
    try {
      parsed = this.opts.parse(text, format, this.opts.parseOptions());
    } catch (err) {
      // A parser bug must cost one document its structure, never the server.
      this.opts.log(`parse failed for ${doc.uri}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      parsed = { format, blocks: [], diagnostics: [internalErrorDiagnostic('parse this file', err)] };
    }
    const entry: ParsedEntry = { uri: doc.uri, version: doc.version, format, text, doc: parsed };
    this.entries.set(doc.uri, entry);
    try {
      this.opts.onParsed(entry);
    } catch (err) {
      this.opts.log(`onParsed failed for ${doc.uri}: ${String(err)}`);
    }
    return entry;
  }
}
