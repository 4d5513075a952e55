// Parsed documents, one entry per open URI, always for the latest version only.
// Edits are parsed after a short debounce so typing in a large CIF never parses on every key.
// Documents over BACKGROUND_PARSE_CHARS are parsed off the message loop by a BackgroundParser
// (a worker thread in the server): a newer version cancels the parse in flight, and a
// request for a document whose parse is pending awaits ready() (cancellable) instead of
// parsing again on the main thread.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FoldingRange as OutlineFoldingRange, OutlineSymbol } from '../outline';
import { formatFromPath } from '../parse';
import type { ParsedDocument, ParseOptions, StructureFormat } from '../structure/types';
import { internalErrorDiagnostic } from './diagnostics';

export type DocumentFormat = StructureFormat;

/** Outline and folding ranges of one version, computed with the parse (background parses). */
export interface OutlineExtras {
  outline: OutlineSymbol[];
  folding: OutlineFoldingRange[];
}

export interface ParsedEntry {
  uri: string;
  version: number;
  format: DocumentFormat;
  text: string;
  doc: ParsedDocument;
  /** Set when the background parser computes the outline too (resolves undefined if it could not). */
  extras?: Promise<OutlineExtras | undefined>;
}

export interface BackgroundJob {
  /** The parse; rejects when the job fails (not when cancelled: a cancelled job never settles). */
  parsed: Promise<ParsedDocument>;
  extras: Promise<OutlineExtras | undefined>;
  cancel(): void;
}

export interface BackgroundParser {
  /** `elements`: absorbing elements whose environment groupings (structure/sites.ts) come with the parse. */
  start(text: string, format: DocumentFormat, opts: ParseOptions, elements?: readonly string[]): BackgroundJob;
}

/** ~2 MB of text: below this a parse takes tens of ms and stays on the message loop. */
export const BACKGROUND_PARSE_CHARS = 2_000_000;

export interface DocumentCacheOptions {
  parse(text: string, format: DocumentFormat, opts: ParseOptions): ParsedDocument;
  parseOptions(): ParseOptions;
  /** Absorbing elements, for background parses to group their atoms off the message loop. */
  absorbingElements?(): readonly string[];
  /** Called after every completed parse of the latest version. */
  onParsed(entry: ParsedEntry): void;
  log(message: string): void;
  debounceMs?: number;
  /** Parser for large documents; defaults to the one installed with useBackgroundParser. */
  background?: BackgroundParser;
  backgroundChars?: number;
}

export interface CancellationLike {
  isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class CancelledWaitError extends Error {
  constructor() {
    super('request cancelled while the document was being parsed');
  }
}

/** The client's language id, else the file name (a file read from disk, a client that sends none). */
export function documentFormat(doc: Pick<TextDocument, 'languageId' | 'uri'>): DocumentFormat {
  if (doc.languageId === 'xyz' || doc.languageId === 'cif' || doc.languageId === 'poscar') return doc.languageId;
  const path = doc.uri.replace(/[?#].*$/, '');
  // After the last '/' of a file: URI, or the scheme of an untitled:CONTCAR.
  let name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf(':')) + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape: the name as written still tells POSCAR from CIF.
  }
  return formatFromPath(name) ?? 'cif';
}

let installed: BackgroundParser | undefined;

/** Background parser for every DocumentCache created without its own (the server installs a worker). */
export function useBackgroundParser(parser: BackgroundParser | undefined): void {
  installed = parser;
}

export class DocumentCache {
  private readonly entries = new Map<string, ParsedEntry>();
  private readonly pending = new Map<string, { doc: TextDocument; timer: NodeJS.Timeout }>();
  private readonly jobs = new Map<string, { version: number; job: BackgroundJob }>();
  private readonly waiters = new Map<string, (() => void)[]>();
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
      this.start(doc);
    }, delayMs);
    this.pending.set(doc.uri, { doc, timer });
  }

  /**
   * The parse of `doc`'s current version, parsing synchronously when it is stale. A large
   * document being parsed in the background gives its previous entry instead (never a second,
   * blocking parse); callers that need the exact version await ready() first.
   */
  get(doc: TextDocument): ParsedEntry {
    const cached = this.entries.get(doc.uri);
    if (cached && cached.version === doc.version && !this.busy(doc.uri)) return cached;
    if (cached && this.backgroundFor(doc.getText())) {
      if (!this.jobs.has(doc.uri)) {
        this.cancelTimer(doc.uri);
        this.start(doc);
      }
      return cached;
    }
    this.cancelTimer(doc.uri);
    this.cancelJob(doc.uri);
    return this.parseNow(doc);
  }

  /**
   * Resolves when `uri` has no parse pending (debounce or background), with its entry. Rejects
   * with CancelledWaitError when the token is cancelled first.
   */
  ready(uri: string, token?: CancellationLike): Promise<ParsedEntry | undefined> {
    if (!this.busy(uri)) return Promise.resolve(this.entries.get(uri));
    if (token?.isCancellationRequested) return Promise.reject(new CancelledWaitError());
    return new Promise((resolve, reject) => {
      const sub = token?.onCancellationRequested(() => {
        const list = this.waiters.get(uri);
        if (list) list.splice(list.indexOf(done), 1);
        reject(new CancelledWaitError());
      });
      const done = (): void => {
        sub?.dispose();
        resolve(this.entries.get(uri));
      };
      this.waiters.set(uri, [...(this.waiters.get(uri) ?? []), done]);
    });
  }

  peek(uri: string): ParsedEntry | undefined {
    return this.entries.get(uri);
  }

  remove(uri: string): void {
    this.cancelTimer(uri);
    this.cancelJob(uri);
    this.entries.delete(uri);
    this.wake(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  dispose(): void {
    for (const uri of [...this.pending.keys(), ...this.jobs.keys()]) {
      this.cancelTimer(uri);
      this.cancelJob(uri);
    }
    this.entries.clear();
    for (const uri of [...this.waiters.keys()]) this.wake(uri);
  }

  private busy(uri: string): boolean {
    return this.pending.has(uri) || this.jobs.has(uri);
  }

  private backgroundFor(text: string): BackgroundParser | undefined {
    const parser = this.opts.background ?? installed;
    return parser && text.length > (this.opts.backgroundChars ?? BACKGROUND_PARSE_CHARS) ? parser : undefined;
  }

  private cancelTimer(uri: string): void {
    const p = this.pending.get(uri);
    if (p) clearTimeout(p.timer);
    this.pending.delete(uri);
  }

  private cancelJob(uri: string): void {
    this.jobs.get(uri)?.job.cancel();
    this.jobs.delete(uri);
  }

  private wake(uri: string): void {
    if (this.busy(uri)) return;
    const list = this.waiters.get(uri) ?? [];
    this.waiters.delete(uri);
    for (const w of list) w();
  }

  private start(doc: TextDocument): void {
    const text = doc.getText();
    const parser = this.backgroundFor(text);
    this.cancelJob(doc.uri);
    if (!parser) {
      this.parseNow(doc);
      return;
    }
    const format = documentFormat(doc);
    let job: BackgroundJob;
    try {
      job = parser.start(text, format, this.opts.parseOptions(), this.opts.absorbingElements?.());
    } catch (err) {
      this.opts.log(`background parse of ${doc.uri} could not start (${String(err)}); parsing here`);
      this.parseNow(doc);
      return;
    }
    const slot = { version: doc.version, job };
    this.jobs.set(doc.uri, slot);
    const current = (): boolean => this.jobs.get(doc.uri) === slot;
    job.parsed.then(
      (parsed) => {
        // A newer version (or a close) replaced this job: its result is stale, drop it.
        if (!current()) return;
        this.jobs.delete(doc.uri);
        this.commit({ uri: doc.uri, version: doc.version, format, text, doc: parsed, extras: job.extras });
      },
      (err: unknown) => {
        if (!current()) return;
        this.jobs.delete(doc.uri);
        this.commit(this.failed(doc, format, text, err));
      },
    );
  }

  private failed(doc: TextDocument, format: DocumentFormat, text: string, err: unknown): ParsedEntry {
    // A parser bug must cost one document its structure, never the server.
    this.opts.log(`parse failed for ${doc.uri}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    const parsed: ParsedDocument = { format, blocks: [], diagnostics: [internalErrorDiagnostic('parse this file', err)] };
    return { uri: doc.uri, version: doc.version, format, text, doc: parsed };
  }

  private parseNow(doc: TextDocument): ParsedEntry {
    const format = documentFormat(doc);
    const text = doc.getText();
    let entry: ParsedEntry;
    try {
      entry = { uri: doc.uri, version: doc.version, format, text, doc: this.opts.parse(text, format, this.opts.parseOptions()) };
    } catch (err) {
      entry = this.failed(doc, format, text, err);
    }
    this.commit(entry);
    return entry;
  }

  private commit(entry: ParsedEntry): void {
    this.entries.set(entry.uri, entry);
    try {
      this.opts.onParsed(entry);
    } catch (err) {
      this.opts.log(`onParsed failed for ${entry.uri}: ${String(err)}`);
    }
    this.wake(entry.uri);
  }
}
