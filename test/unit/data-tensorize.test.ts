import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDatasets } from '../../server/src/data/load';
import { cacheKey, loadCache, prepareDataset, sampleGraph, sampleTarget, saveCache, tensorize } from '../../server/src/data/tensorize';
import { DEFAULT_WACSF_OPTIONS } from '../../server/src/baseline/wacsf';
import { run } from '../../server/src/cli/dataset';

const FX = path.resolve('test/fixtures/data');
const SOURCES = ['jsonl/cu-k-feff-fixture.jsonl', 'jsonl/fe-k-fdmnes-fixture.jsonl', 'jsonl/tc-k-feff-fixture.jsonl', 'jsonl/ti-k-fdmnes-fixture.jsonl']
  .map((p) => path.join(FX, p));

test('tensorize: domains, coverage skip, masks, graphs, site-averaged expansion', async () => {
  const { records } = await loadDatasets(SOURCES);
  const { set, report } = tensorize(records, { wacsf: DEFAULT_WACSF_OPTIONS });
  assert.deepEqual(set.domains.map((d) => d.id), ['Cu-K-FEFF', 'Fe-K-FDMNES', 'Tc-K-FEFF', 'Ti-K-FDMNES-rel']);
  // mp-4 starts at 9000 eV: covers (9039 − 9000)/0.5 + 1 = 79 of 111 points = 71 % → skipped
  assert.equal(report.perDomain['Cu-K-FEFF'].records, 2);
  assert.equal(report.perDomain['Cu-K-FEFF'].skipped, 1);
  assert.match(report.skipped[0].reason, /covers 71\.2 %/);
  // mp-1-2 starts at 8986.5: points 8984, 8984.5 … 8986 masked (5 of 111)
  const i = set.ids.indexOf('mp-1-2-Cu');
  const t = sampleTarget(set, i);
  assert.deepEqual([...t.mask.slice(0, 6)], [0, 0, 0, 0, 0, 1]);
  assert.equal(report.perDomain['Cu-K-FEFF'].partial, 1);
  assert.equal(set.gridLength, 226);
  // Ti site-averaged: one sample per Ti site (2), same record
  assert.equal(report.perDomain['Ti-K-FDMNES-rel'].samples, 2);
  const ti = set.ids.map((id, k) => (id.startsWith('mp-390') ? k : -1)).filter((k) => k >= 0);
  assert.equal(set.group[ti[0]], set.group[ti[1]]);
  // Tc graph-only: 20 neighbours, first at 1.9 Å, O
  const tc = set.ids.indexOf('mp-9-0-Tc-XANES-K');
  assert.equal(set.neighbourZ[tc * 20], 8);
  assert.ok(Math.abs(set.neighbourDistance[tc * 20] - 1.9) < 1e-6);
  const g = sampleGraph(set, tc);
  assert.equal(g.element, 'Tc');
  assert.equal(g.mask.reduce((a, b) => a + b, 0), 21);
  // Fe molecule: 8 neighbours → 12 padding slots
  const fe = set.ids.indexOf('TESTFE_C2H6Fe');
  assert.equal(set.neighbourZ.slice(fe * 20, fe * 20 + 20).filter((z) => z > 0).length, 8);
  assert.equal(set.wacsfLength, 97);
  assert.ok((set.wacsf as Float32Array)[fe * 97 + 50] > 0);
});

test('binary cache round-trips every array and the report', async () => {
  const { records } = await loadDatasets(SOURCES);
  const { set, report } = tensorize(records, { wacsf: DEFAULT_WACSF_OPTIONS });
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'xl-cache-')), 'c.bin');
  saveCache(file, set, report);
  const back = loadCache(file);
  assert.ok(back);
  assert.deepEqual(back.set.ids, set.ids);
  assert.deepEqual([...back.set.targets], [...set.targets]);
  assert.deepEqual([...back.set.targetMask], [...set.targetMask]);
  assert.deepEqual([...back.set.neighbourDistance], [...set.neighbourDistance]);
  assert.deepEqual([...(back.set.wacsf as Float32Array)], [...(set.wacsf as Float32Array)]);
  assert.deepEqual([...back.set.domainIndex], [...set.domainIndex]);
  assert.deepEqual(back.report, report);
  const dir = path.dirname(file);
  const first = await prepareDataset(SOURCES.map((p) => ({ path: p })), { cacheDir: dir });
  const second = await prepareDataset(SOURCES.map((p) => ({ path: p })), { cacheDir: dir });
  assert.equal(first.fromCache, false);
  assert.equal(second.fromCache, true);
  assert.equal(second.set.count, first.set.count);
  assert.equal(second.issues.length, first.issues.length);
});

test('a folder source is cached by the files inside it: rewriting one xmu.dat rebuilds the set', async () => {
  const tree = mkdtempSync(path.join(tmpdir(), 'xl-feff-tree-'));
  cpSync(path.join(FX, 'feff/poscar-tree'), tree, { recursive: true });
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'xl-cache-'));
  const first = await prepareDataset([{ path: tree }], { cacheDir });
  const again = await prepareDataset([{ path: tree }], { cacheDir });
  assert.deepEqual([first.fromCache, again.fromCache], [false, true]);
  // Same entries, so the folders' own mtimes stay; only the file below changes.
  const xmu = path.join(tree, 'mp-7/site_0/xmu.dat');
  const text = readFileSync(xmu, 'utf8');
  writeFileSync(xmu, text.replace(/\n\s*\S+(\s+\S+){2,}\s*$/, '\n'));
  utimesSync(xmu, new Date(), new Date(Date.now() + 5000));
  const after = await prepareDataset([{ path: tree }], { cacheDir });
  assert.equal(after.fromCache, false, 'the edited run is read again');
  assert.equal(cacheKey([tree], {}), cacheKey([tree], {}));
});

test('dataset CLI prints per-domain counts and reasons', async () => {
  let out = '';
  const io = { stdout: (s: string) => { out += s; }, stderr: (s: string) => { out += s; } };
  assert.equal(await run([...SOURCES, '--json'], io), 0);
  const s = JSON.parse(out);
  assert.equal(s.records, 6);
  assert.equal(s.perDomain['Fe-K-FDMNES'].records, 1);
  assert.equal(s.importIssues, 3);
  assert.equal(s.skipped, 1);
  assert.equal(Object.values(s.reasons as Record<string, number>).reduce((a, b) => a + b, 0), 4);
  assert.equal(s.reasons['# energies but # μ values'], 1);
  out = '';
  assert.equal(await run([SOURCES[0]], io), 0);
  assert.match(out, /Cu-K-FEFF\s+2\s+2\s+1\s+1/);
  assert.match(out, /covers #% of the Cu-K-FEFF window|covers # % of the Cu-K-FEFF window/);
  out = '';
  assert.equal(await run(['--bogus'], io), 2);
});
