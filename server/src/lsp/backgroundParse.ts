// Large documents are parsed in a worker thread so the language server's message loop keeps
// answering (a 50 MB CIF takes seconds). The worker is the server bundle itself started with
// PARSE_WORKER_ROLE (no extra bundle to ship); it posts the parse first, then the outline and
// folding ranges, and a newer version simply terminates it.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { documentOutline, foldingRanges } from '../outline';
import type { EnvironmentGrouping } from '../graph/equivalence';
import { parseDocument } from '../parse';
import { environmentGroupings, seedGroupings } from '../structure/sites';
import type { ParsedDocument, ParseOptions } from '../structure/types';
import type { BackgroundJob, BackgroundParser, DocumentFormat, OutlineExtras } from './documentCache';

export const PARSE_WORKER_ROLE = 'xanes-lens/parse';

interface ParseWorkerData {
  role: typeof PARSE_WORKER_ROLE;
  text: string;
  format: DocumentFormat;
  opts: ParseOptions;
  /** Absorbing elements: their environment groupings are computed here too, off the message loop. */
  elements?: readonly string[];
}

/** Per block, per element: structure/sites.ts environmentGroupings of the block's structure. */
type BlockGroupings = Record<string, EnvironmentGrouping>[];

type ParseWorkerMessage =
  | { kind: 'parsed'; doc: ParsedDocument; groupings?: BlockGroupings }
  | { kind: 'failed'; message: string }
  | { kind: 'extras'; extras?: OutlineExtras };

export function isParseWorkerData(data: unknown): data is ParseWorkerData {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === PARSE_WORKER_ROLE;
}

/** Worker side: parse workerData's text and post the results. */
export function runParseWorker(): void {
  const port = parentPort;
  if (!port || !isParseWorkerData(workerData)) throw new Error('runParseWorker: not started as a parse worker');
  const { text, format, opts, elements } = workerData;
  const post = (m: ParseWorkerMessage): void => port.postMessage(m);
  try {
    const doc = parseDocument(text, format, opts);
    // Lenses and diagnostics need the groupings as soon as the parse lands: a large P1 file
    // would otherwise compare its atoms on the message loop.
    let groupings: BlockGroupings | undefined;
    try {
      groupings = elements ? doc.blocks.map((b) => (b.structure ? environmentGroupings(b.structure, elements) : {})) : undefined;
    } catch {
      groupings = undefined;
    }
    post({ kind: 'parsed', doc, ...(groupings ? { groupings } : {}) });
  } catch (err) {
    post({ kind: 'failed', message: err instanceof Error ? err.stack ?? err.message : String(err) });
    return;
  }
  try {
    post({ kind: 'extras', extras: { outline: documentOutline(text, format), folding: foldingRanges(text, format) } });
  } catch {
    post({ kind: 'extras' });
  }
}

/** The worker's groupings, for the structures the main thread received (structured clones). */
export function adoptGroupings(doc: ParsedDocument, groupings: BlockGroupings | undefined): void {
  if (!groupings || groupings.length !== doc.blocks.length) return;
  doc.blocks.forEach((b, k) => {
    if (b.structure) seedGroupings(b.structure, groupings[k]);
  });
}

/** Main side: one worker per parse of `script` (a bundle whose entry calls runParseWorker). */
export function workerParser(script: string): BackgroundParser {
  return {
    start(text: string, format: DocumentFormat, opts: ParseOptions, elements?: readonly string[]): BackgroundJob {
      const data: ParseWorkerData = { role: PARSE_WORKER_ROLE, text, format, opts, ...(elements ? { elements: [...elements] } : {}) };
      const worker = new Worker(script, { workerData: data });
      // An idle editor must be able to exit while a parse is still running.
      worker.unref();
      let cancelled = false;
      let settleExtras: (e: OutlineExtras | undefined) => void = () => undefined;
      const extras = new Promise<OutlineExtras | undefined>((resolve) => (settleExtras = resolve));
      const parsed = new Promise<ParsedDocument>((resolve, reject) => {
        let gotParse = false;
        worker.on('message', (m: ParseWorkerMessage) => {
          if (m.kind === 'parsed') {
            gotParse = true;
            adoptGroupings(m.doc, m.groupings);
            resolve(m.doc);
          } else if (m.kind === 'failed') {
            reject(new Error(m.message));
            settleExtras(undefined);
          } else {
            settleExtras(m.extras);
          }
        });
        worker.on('error', (err) => {
          if (!cancelled) reject(err);
          settleExtras(undefined);
        });
        worker.on('exit', (code) => {
          if (!cancelled && !gotParse) reject(new Error(`parse worker exited with code ${code} before finishing`));
          settleExtras(undefined);
        });
      });
      return {
        parsed,
        extras,
        cancel: () => {
          cancelled = true;
          settleExtras(undefined);
          void worker.terminate();
        },
      };
    },
  };
}
