// Large documents are parsed in a worker thread so the language server's message loop keeps
// answering (a 50 MB CIF takes seconds). The worker is the server bundle itself started with
// PARSE_WORKER_ROLE (no extra bundle to ship); it posts the parse first, then the outline and
// folding ranges, and a newer version simply terminates it.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { documentOutline, foldingRanges } from '../outline';
import { parseDocument } from '../parse';
import type { ParsedDocument, ParseOptions } from '../structure/types';
import type { BackgroundJob, BackgroundParser, DocumentFormat, OutlineExtras } from './documentCache';

export const PARSE_WORKER_ROLE = 'xanes-lens/parse';

interface ParseWorkerData {
  role: typeof PARSE_WORKER_ROLE;
  text: string;
  format: DocumentFormat;
  opts: ParseOptions;
}

type ParseWorkerMessage =
  | { kind: 'parsed'; doc: ParsedDocument }
  | { kind: 'failed'; message: string }
  | { kind: 'extras'; extras?: OutlineExtras };

export function isParseWorkerData(data: unknown): data is ParseWorkerData {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === PARSE_WORKER_ROLE;
}

/** Worker side: parse workerData's text and post the results. */
export function runParseWorker(): void {
  const port = parentPort;
  if (!port || !isParseWorkerData(workerData)) throw new Error('runParseWorker: not started as a parse worker');
  const { text, format, opts } = workerData;
  const post = (m: ParseWorkerMessage): void => port.postMessage(m);
  try {
    post({ kind: 'parsed', doc: parseDocument(text, format, opts) });
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

/** Main side: one worker per parse of `script` (a bundle whose entry calls runParseWorker). */
export function workerParser(script: string): BackgroundParser {
  return {
    start(text: string, format: DocumentFormat, opts: ParseOptions): BackgroundJob {
      const data: ParseWorkerData = { role: PARSE_WORKER_ROLE, text, format, opts };
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
