// The language server survives what goes wrong around inference, driven over stdio like an
// editor would: a corrupted model, a model for another feature version, a killed inference
// worker, and a burst of 100 concurrent predictions (queued, de-duplicated, half cancelled).
// Skipped when dist/server.js is not built (npm run build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadTf } from '../../server/src/model/backend';
import { METADATA_FILE, memberFileName } from '../../server/src/model/modelFiles';
import { tempDir, writeSmallModel } from '../fixtures/models/fixtures';
import { p1Cif } from '../../bench/generate';
import { CancellationTokenSource, SERVER, startServer, type TestServer as Harness } from '../lsp/lspClient';

const built = fs.existsSync(SERVER);
const skip = built ? false : `${SERVER} not built`;

const URI = 'file:///robustness/sites.cif';
/** 64 atoms; the Cu and Fe ones are absorbing sites the small test model covers. */
const TEXT = p1Cif(64, 5, 'robust').text;
const ERR = { NoModel: -32001, PredictionFailed: -32004, RequestCancelled: -32800, ServerCancelled: -32802, MethodNotFound: -32601 };

interface Site { block: number; siteIndex: number; element: string; label: string }
interface Result { mu: number[]; energies: number[]; siteIndex: number }

/** Model directories made by a test, removed when it ends. */
const made: string[] = [];
function cleanUp(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

async function goodModel(): Promise<string> {
  const { tf } = await loadTf('cpu');
  const dir = writeSmallModel(tf);
  made.push(dir);
  return dir;
}

function copyModel(src: string): string {
  const dir = tempDir('xanes-broken-model-');
  made.push(dir);
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  return dir;
}

async function withDocument(h: Harness): Promise<Site[]> {
  const diag = h.nextDiagnostics(URI);
  await h.open(URI, TEXT);
  await diag;
  const sites = (await h.request<Site[]>('xanes/sites', { uri: URI })).filter((s) => s.element === 'Cu' || s.element === 'Fe');
  assert.ok(sites.length >= 4, `fixture needs several Cu/Fe sites, has ${sites.length}`);
  return sites;
}

function predict(h: Harness, s: Site, modelPath: string, cancel?: CancellationTokenSource): Promise<Result> {
  return h.request<Result>('xanes/predict', { uri: URI, block: s.block, siteIndex: s.siteIndex, modelPath }, cancel);
}

async function rejection(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; message: string };
  }
  throw new Error('request succeeded but should have failed');
}

/** The server still answers ordinary requests (and has not exited). */
async function assertAlive(h: Harness): Promise<void> {
  const symbols = await h.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
  assert.ok(symbols.length >= 1);
  assert.ok(h.alive(), `server exited; stderr:\n${h.stderr()}`);
}

test('a corrupted model (truncated weights, NaN weights, garbage metadata) is a clear error, and the server carries on', { skip, timeout: 120000 }, async () => {
  const good = await goodModel();
  const truncated = copyModel(good);
  const w = path.join(truncated, memberFileName(0));
  fs.writeFileSync(w, fs.readFileSync(w).subarray(0, 100));
  const nan = copyModel(good);
  fs.writeFileSync(path.join(nan, memberFileName(0)), Buffer.alloc(fs.statSync(path.join(good, memberFileName(0))).size, 0xff));
  const garbage = copyModel(good);
  fs.writeFileSync(path.join(garbage, METADATA_FILE), '{"format": "xanes-lens-model", "formatVersion": 1, \u0000\u00ff');
  const h = await startServer({ modelPath: good, backend: 'cpu' });
  try {
    const [site] = await withDocument(h);
    const cases: [string, RegExp][] = [[truncated, /bytes|truncated/], [nan, /non-finite|corrupt/], [garbage, /not valid JSON/]];
    for (const [dir, why] of cases) {
      const e = await rejection(predict(h, site, dir));
      assert.ok([ERR.NoModel, ERR.PredictionFailed].includes(e.code), `code ${e.code}: ${e.message}`);
      assert.match(e.message, why);
      await assertAlive(h);
    }
    // The good model still predicts after all that.
    const r = await predict(h, site, good);
    assert.equal(r.mu.length, 7);
    assert.ok(r.mu.every(Number.isFinite));
  } finally {
    await h.close();
    cleanUp();
  }
});

test('a model trained on another feature version is refused with the reason', { skip, timeout: 120000 }, async () => {
  const good = await goodModel();
  const old = copyModel(good);
  const meta = JSON.parse(fs.readFileSync(path.join(old, METADATA_FILE), 'utf8')) as { featureVersion: string };
  meta.featureVersion = 'econf118-rbf64-v0';
  fs.writeFileSync(path.join(old, METADATA_FILE), JSON.stringify(meta));
  const h = await startServer({ modelPath: good, backend: 'cpu' });
  try {
    const [site] = await withDocument(h);
    const e = await rejection(predict(h, site, old));
    assert.ok([ERR.NoModel, ERR.PredictionFailed].includes(e.code), `code ${e.code}: ${e.message}`);
    assert.match(e.message, /econf118-rbf64-v0/);
    assert.match(e.message, /features/);
    await assertAlive(h);
    assert.equal((await predict(h, site, good)).mu.length, 7);
  } finally {
    await h.close();
    cleanUp();
  }
});

// Killing a worker thread from outside the process needs the server's cooperation: with
// XANES_TEST_HOOKS=1 the server answers `xanes/test/killWorker` by terminating its inference
// worker exactly as a crash would end it.
test('a killed inference worker fails at most the request in flight and is restarted', { skip, timeout: 120000 }, async (t) => {
  const good = await goodModel();
  const h = await startServer({ modelPath: good, backend: 'cpu' }, { XANES_TEST_HOOKS: '1' });
  try {
    const sites = await withDocument(h);
    const before = await predict(h, sites[0], good);
    try {
      // The configured model's worker served `before`: exactly that one is terminated.
      assert.deepEqual(await h.request('xanes/test/killWorker', {}), { killed: 1 });
    } catch (e) {
      if ((e as { code: number }).code === ERR.MethodNotFound) {
        t.skip('server has no xanes/test/killWorker hook (XANES_TEST_HOOKS=1)');
        return;
      }
      throw e;
    }
    // In flight while the worker dies, then after: every request settles, none hangs.
    const during = predict(h, sites[1], good).then(() => 'ok', (e: { code: number }) => e.code);
    await h.request('xanes/test/killWorker', {});
    const outcome = await during;
    assert.ok(outcome === 'ok' || outcome === ERR.PredictionFailed, `in-flight request ended with ${outcome}`);
    const after = await predict(h, sites[0], good);
    assert.deepEqual(after.mu, before.mu);
    await assertAlive(h);
  } finally {
    await h.close();
    cleanUp();
  }
});

test('100 concurrent predictions: cancelled half are cancelled, the other half answer, identical sites agree', { skip, timeout: 180000 }, async () => {
  const good = await goodModel();
  const h = await startServer({ modelPath: good, backend: 'cpu' });
  try {
    const sites = (await withDocument(h)).slice(0, 5);
    // Warm up: model loaded before the burst, so cancellations land on queued work.
    await predict(h, sites[0], good);
    const jobs = Array.from({ length: 100 }, (_, i) => {
      const cancel = i % 2 === 1 ? new CancellationTokenSource() : undefined;
      const site = sites[i % sites.length];
      const p = predict(h, site, good, cancel).then((r) => ({ ok: true as const, r, site }), (e: { code: number; message: string }) => ({ ok: false as const, e, site }));
      // Cancel right behind its own request: the $/cancelRequest is then written before any
      // later request, so the server always reads it before that request could have finished.
      cancel?.cancel();
      return { i, cancel, p };
    });
    const done = await Promise.all(jobs.map((j) => j.p));
    const cancelled = done.filter((d, i) => i % 2 === 1);
    const kept = done.filter((d, i) => i % 2 === 0);
    for (const d of kept) assert.ok(d.ok, `kept request failed: ${d.ok ? '' : `${d.e.code} ${d.e.message}`}`);
    for (const d of cancelled) {
      assert.ok(!d.ok, 'a cancelled request was answered with a result');
      assert.ok([ERR.RequestCancelled, ERR.ServerCancelled].includes(d.e.code), `cancelled request ended with ${d.e.code} ${d.e.message}`);
    }
    // De-duplicated or not, the same site must give the same spectrum.
    const bySite = new Map<number, number[]>();
    for (const d of kept) {
      if (!d.ok) continue;
      const prev = bySite.get(d.site.siteIndex);
      if (prev) assert.deepEqual(d.r.mu, prev);
      else bySite.set(d.site.siteIndex, d.r.mu);
    }
    assert.equal(bySite.size, sites.length);
    await assertAlive(h);
  } finally {
    await h.close();
    cleanUp();
  }
});
