import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type BackgroundJob, type BackgroundParser, CancelledWaitError, DocumentCache, type ParsedEntry } from '../../server/src/lsp/documentCache';
import { entryFoldingRanges, entrySymbols } from '../../server/src/lsp/symbols';
import { parseDocument } from '../../server/src/parse';
import type { ParsedDocument } from '../../server/src/structure/types';

const CIF = (name: string): string => `data_${name}\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
  `loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCu1 Cu 0 0 0\nO1 O 0.5 0.5 0.5\n`;

/** A background parser the test completes by hand; records starts and cancellations. */
function manualParser(): BackgroundParser & { jobs: { text: string; finish(): void; cancelled: boolean }[] } {
  const jobs: { text: string; finish(): void; cancelled: boolean }[] = [];
  return {
    jobs,
    start(text, format, opts): BackgroundJob {
      let finish: () => void = () => undefined;
      const parsed = new Promise<ParsedDocument>((resolve) => (finish = () => resolve(parseDocument(text, format, opts))));
      const job = { text, finish: () => finish(), cancelled: false };
      jobs.push(job);
      return { parsed, extras: Promise.resolve(undefined), cancel: () => { job.cancelled = true; } };
    },
  };
}

function cache(background: BackgroundParser, parsed: ParsedEntry[] = [], syncParses = { n: 0 }): DocumentCache {
  return new DocumentCache({
    parse: (text, format, opts) => { syncParses.n++; return parseDocument(text, format, opts); },
    parseOptions: () => ({}),
    onParsed: (e) => parsed.push(e),
    log: () => undefined,
    debounceMs: 5,
    background,
    backgroundChars: 100, // every CIF here counts as "large"
  });
}

const tick = (ms = 15): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('large documents: a newer version cancels the parse in flight, its stale result is dropped', async () => {
  const bg = manualParser();
  const parsed: ParsedEntry[] = [];
  const sync = { n: 0 };
  const c = cache(bg, parsed, sync);
  const v1 = TextDocument.create('file:///a.cif', 'cif', 1, CIF('one'));
  c.schedule(v1, 0);
  await tick();
  assert.equal(bg.jobs.length, 1);
  const waiting = c.ready(v1.uri);
  const v2 = TextDocument.update(v1, [{ text: CIF('two') }], 2);
  c.schedule(v2, 0);
  await tick();
  assert.equal(bg.jobs.length, 2);
  assert.equal(bg.jobs[0].cancelled, true);
  bg.jobs[0].finish(); // a cancelled worker that still answers must not win
  await tick(1);
  assert.equal(parsed.length, 0);
  bg.jobs[1].finish();
  const entry = await waiting;
  assert.equal(entry?.version, 2);
  assert.equal(entry?.doc.blocks[0].name, 'two');
  assert.deepEqual(parsed.map((e) => e.version), [2]);
  assert.equal(sync.n, 0, 'nothing was parsed on the calling thread');
  assert.equal(c.get(v2), entry);
  c.dispose();
});

test('ready() honours cancellation; get() on a large pending document never parses it synchronously again', async () => {
  const bg = manualParser();
  const sync = { n: 0 };
  const c = cache(bg, [], sync);
  const v1 = TextDocument.create('file:///b.cif', 'cif', 1, CIF('first'));
  c.schedule(v1, 0);
  await tick();
  bg.jobs[0].finish();
  await c.ready(v1.uri);
  const v2 = TextDocument.update(v1, [{ text: CIF('second') }], 2);
  c.schedule(v2, 0);
  await tick();
  let cancel: () => void = () => undefined;
  const token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => { cancel = l; return { dispose: () => undefined }; } };
  const wait = c.ready(v2.uri, token);
  cancel();
  await assert.rejects(wait, CancelledWaitError);
  // Previous entry while version 2 parses in the background (and no extra parse starts).
  assert.equal(c.get(v2).version, 1);
  assert.equal(bg.jobs.length, 2);
  assert.equal(sync.n, 0);
  bg.jobs[1].finish();
  assert.equal((await c.ready(v2.uri))?.version, 2);
  c.dispose();
});

test('outline and folding ranges are computed once per version', async () => {
  const c = new DocumentCache({ parse: (t, f, o) => parseDocument(t, f, o), parseOptions: () => ({}), onParsed: () => undefined, log: () => undefined });
  const v1 = TextDocument.create('file:///c.cif', 'cif', 1, CIF('outlined'));
  const e1 = c.get(v1);
  const s1 = await entrySymbols(e1);
  assert.equal(s1[0].name, 'data_outlined');
  assert.equal(await entrySymbols(e1), s1, 'same version: the memoised array');
  assert.equal(await entryFoldingRanges(e1), await entryFoldingRanges(e1));
  const v2 = TextDocument.update(v1, [{ text: CIF('renamed') }], 2);
  const e2 = c.get(v2);
  assert.notEqual(e2, e1);
  assert.equal((await entrySymbols(e2))[0].name, 'data_renamed');
  // Extras from a background parse are used as they are.
  const withExtras: ParsedEntry = { ...e2, extras: Promise.resolve({ outline: [], folding: [{ startLine: 1, endLine: 4 }] }) };
  assert.deepEqual(await entrySymbols(withExtras), []);
  assert.deepEqual((await entryFoldingRanges(withExtras)).map((f) => [f.startLine, f.endLine]), [[1, 4]]);
  c.dispose();
});
