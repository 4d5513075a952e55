// The language server over stdio, driven by a real JSON-RPC client: what VS Code would see.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CodeLens, DocumentSymbol, FoldingRange, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { AbsorbingSiteInfo, PredictAllResult, PredictResult, PredictWithoutResult, SensitivityResult } from '../../server/src/lsp_ext';
import { SHIPPED_MODEL } from '../fixtures/models/fixtures';
import { XanesErrorCodes } from '../../server/src/lsp_ext';
import { readMetadata } from '../../server/src/model/modelFiles';
import { OCCLUSION_BATCH } from '../../server/src/lsp/inferencePredictor';
import { modelReliability } from '../../server/src/model/reliability';
import { fixtureUri, lineOf, startServer, type TestServer } from './lspClient';

let server: TestServer;

before(async () => {
  // A model directory that does not exist: predictions must fail with the no-model error.
  server = await startServer({ absorbingElements: ['Ti', 'Fe', 'Ni', 'Cu'], symmetryTolerance: 0.01, modelPath: '/nonexistent/xanes-model' });
});
after(async () => {
  await server.close();
});

function hoverText(h: Hover | null): string {
  assert.ok(h, 'hover expected');
  return (h.contents as MarkupContent).value;
}

test('diagnostics carry exact ranges and severities', async () => {
  const pending = server.nextDiagnostics(fixtureUri('broken.cif'));
  const { text } = await server.open('broken.cif');
  const diags = await pending;
  const xxLine = lineOf(text, 'Xx1');
  const unknown = diags.find((d) => d.code === 'element.unknown');
  assert.ok(unknown, JSON.stringify(diags));
  assert.equal(unknown.severity, 1);
  assert.equal(unknown.source, 'xanes-lens');
  // The type symbol column "Xx" on `Xx1 Xx 0.5 0.5 0.5`.
  assert.deepEqual(unknown.range, { start: { line: xxLine, character: 4 }, end: { line: xxLine, character: 6 } });
  const bad = diags.find((d) => d.range.start.line === lineOf(text, 'O1 O abc'));
  assert.ok(bad, 'non-numeric coordinate diagnosed on its row');
  assert.equal(text.split('\n')[bad.range.start.line].slice(bad.range.start.character, bad.range.end.character), 'abc');
});

test('code lenses: one per inequivalent absorber with multiplicity, plus one per block', async () => {
  const { uri, text } = await server.open('rutile.cif');
  const lenses: CodeLens[] = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(lenses.map((l) => l.command?.title), ['Predict all sites (1)', 'Predict K-edge XANES (Ti1, ×2)']);
  assert.equal(lenses[0].range.start.line, lineOf(text, 'data_rutile'));
  assert.deepEqual(lenses[0].command?.arguments, [uri, 0]);
  assert.equal(lenses[1].range.start.line, lineOf(text, 'Ti1'));
  assert.equal(lenses[1].command?.command, 'xanes.predictSite');
  const [lensUri, block, siteIndex] = lenses[1].command?.arguments as [string, number, number];
  assert.deepEqual([lensUri, block], [uri, 0]);
  assert.equal(typeof siteIndex, 'number');
});

test('P1 and multi-block files: the TM rows of each block grouped by environment, a lens per group in its own block', async () => {
  const { uri } = await server.open('two-blocks.cif');
  const lenses: CodeLens[] = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  const titles = lenses.map((l) => l.command?.title);
  assert.equal(titles.filter((t) => t?.startsWith('Predict all')).length, 2);
  // NiO and Cu written out in P1: the four Ni (and the four Cu) have one environment each.
  assert.deepEqual(titles.filter((t) => t?.includes('K-edge')), ['Predict K-edge XANES (Ni1, ×4)', 'Predict K-edge XANES (Cu1, ×4)']);
  const cuLens = lenses.find((l) => l.command?.title.includes('Cu1'));
  assert.deepEqual(cuLens?.command?.arguments, [uri, 1, 0]);
  assert.match(cuLens?.command?.tooltip ?? '', /^Cu1 stands for 4 Cu atoms by environment .*: Cu1, Cu2, Cu3, Cu4$/);
});

test('hover on an atom row: coordinates, multiplicity and the first shell', async () => {
  const { uri, text } = await server.open('rutile.cif');
  const line = lineOf(text, 'Ti1');
  const h: Hover | null = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 2 } });
  const md = hoverText(h);
  assert.match(md, /\*\*Ti1\*\* — Ti \(Z = 22\)/);
  assert.match(md, /fractional: \(0\.00000, 0\.00000, 0\.00000\)/);
  assert.match(md, /multiplicity: 2 in the unit cell/);
  // Rutile TiO6: 4 × 1.9485 Å + 2 × 1.9800 Å → mean 1.959 Å.
  assert.match(md, /first shell: 6 \(O×6\), mean 1\.959 Å, nearest 1\.948 Å/);
  const o = hoverText(await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: lineOf(text, 'O1'), character: 0 } }));
  assert.match(o, /multiplicity: 4/);
  assert.match(o, /first shell: 3 \(Ti×3\)/);
  const none: Hover | null = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 1 } });
  assert.equal(none, null);
});

test('document symbols and folding ranges', async () => {
  const { uri, text } = await server.open('rutile.cif');
  const symbols: DocumentSymbol[] = await server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.equal(symbols.length, 1);
  assert.match(symbols[0].name, /rutile/);
  const childNames = (symbols[0].children ?? []).map((c) => c.name.toLowerCase()).join(' ');
  assert.match(childNames, /cell/);
  assert.match(childNames, /symmetry/);
  const folds: FoldingRange[] = await server.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  const loopStart = text.split('\n').findIndex((l) => l.startsWith('loop_'));
  assert.ok(folds.some((f) => f.startLine === loopStart && f.endLine > loopStart + 10), JSON.stringify(folds));
});

test('xanes/sites lists inequivalent absorbers with ranges', async () => {
  const { uri, text } = await server.open('rutile.cif');
  const sites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri });
  assert.equal(sites.length, 1);
  assert.deepEqual([sites[0].label, sites[0].element, sites[0].multiplicity, sites[0].block, sites[0].blockName], ['Ti1', 'Ti', 2, 0, 'rutile']);
  assert.equal(sites[0].range.start.line, lineOf(text, 'Ti1'));
});

test('xanes/predict without a model is a clear error; bad sites are rejected', async () => {
  const { uri } = await server.open('rutile.cif');
  const sites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri });
  await assert.rejects(
    server.connection.sendRequest('xanes/predict', { uri, block: 0, siteIndex: sites[0].siteIndex }),
    (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoModel && /No XANES model is installed/.test(err.message),
  );
  await assert.rejects(
    server.connection.sendRequest('xanes/predictAll', { uri, block: 0 }),
    (err: { code: number }) => err.code === XanesErrorCodes.NoModel,
  );
  await assert.rejects(
    server.connection.sendRequest('xanes/predict', { uri, block: 0, siteIndex: 999 }),
    (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoSuchSite && /Site 999 does not exist/.test(err.message),
  );
  await assert.rejects(
    server.connection.sendRequest('xanes/predict', { uri, block: 5, siteIndex: 0 }),
    (err: { code: number }) => err.code === XanesErrorCodes.NoSuchSite,
  );
  await assert.rejects(
    server.connection.sendRequest('xanes/sensitivity', { uri, block: 0, siteIndex: sites[0].siteIndex }),
    (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoModel && /No XANES model is installed/.test(err.message),
  );
  await assert.rejects(
    server.connection.sendRequest('xanes/sensitivity', { uri, block: 0, siteIndex: 999 }),
    (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoSuchSite && /Site 999 does not exist/.test(err.message),
  );
  await assert.rejects(
    server.connection.sendRequest('xanes/predictWithout', { uri, block: 0, siteIndex: sites[0].siteIndex, rank: 1 }),
    (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoModel && /No XANES model is installed/.test(err.message),
  );
  // A rank that is not an integer is refused before any model is asked for.
  await assert.rejects(
    server.connection.sendRequest('xanes/predictWithout', { uri, block: 0, siteIndex: sites[0].siteIndex, rank: 'O1' }),
    (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoSuchNeighbour && /by its rank \(an integer ≥ 1\), got "O1"/.test(err.message),
  );
  const empty: PredictAllResult | null = await server.connection
    .sendRequest<PredictAllResult>('xanes/predictAll', { uri: (await server.open('fe-water.xyz')).uri, block: 0 })
    .catch(() => null);
  // The molecule's Fe is an absorber, so without a model this too is the no-model error.
  assert.equal(empty, null);
});

test('edits are re-parsed: the latest version wins and diagnostics follow', async () => {
  const { uri, text } = await server.open('rutile.cif');
  const conn = server.connection;
  const line = lineOf(text, 'Ti1');
  // Two quick edits; only version 3 must be reflected.
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 6 } }, text: 'Fe1 Fe' }],
  });
  const v3 = server.nextDiagnostics(uri, { version: 3 });
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 3 },
    contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 6 } }, text: 'Zz1 Zz' }],
  });
  const diags = await v3;
  assert.ok(diags.some((d) => d.code === 'element.unknown' && d.range.start.line === line));
  const lenses: CodeLens[] = await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  assert.equal(lenses.length, 0, 'no absorbers left after the edit');
});

test('garbage never kills the server', async () => {
  const conn = server.connection;
  const junk = ['\u0000\u0001binary\uFFFF', 'data_\nloop_\nloop_\n_atom_site_label\n;\nunterminated', '_cell_length_a 1e999\n'.repeat(50),
    'data_x\n_cell_length_a -3\n_cell_angle_alpha 400\nloop_\n_atom_site_label\n_atom_site_fract_x\nFe1 nan\n',
    '999999999\n\nFe 0 0 0\n', 'x'.repeat(100000)];
  for (const [i, text] of junk.entries()) {
    const uri = `untitled:junk-${i}`;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: i === 4 ? 'xyz' : 'cif', version: 1, text } });
    await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
    await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    await conn.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  }
  await assert.rejects(conn.sendRequest('xanes/predict', { uri: 'file:///nope/missing.cif', block: 0, siteIndex: 0 }));
  // Still alive and correct afterwards.
  const { uri } = await server.open('rutile.cif');
  const sites: AbsorbingSiteInfo[] = await conn.sendRequest('xanes/sites', { uri });
  assert.equal(sites.length, 1);
  assert.equal(server.process.exitCode, null);
});

test('the xanes/test/killWorker hook does not exist without XANES_TEST_HOOKS=1', async () => {
  await assert.rejects(server.connection.sendRequest('xanes/test/killWorker', {}), (e: { code: number }) => e.code === -32601);
  assert.equal(server.process.exitCode, null);
});

test('shipped model: Ti (edge-relative grid) is placed at the tabulated K edge and says so; Cu stays on its absolute grid', async () => {
  const shipped = await startServer({ absorbingElements: ['Ti', 'Cu'], modelPath: SHIPPED_MODEL, backend: 'wasm' });
  try {
    const ti = await shipped.open('rutile.cif');
    const [site] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri: ti.uri });
    const r = await shipped.connection.sendRequest<PredictResult>('xanes/predict', { uri: ti.uri, block: 0, siteIndex: site.siteIndex });
    assert.equal(r.domain.id, 'Ti-K-FDMNES-rel');
    // The model's grid is −15 … +49 eV around E0; the Ti K edge is 4966 eV.
    assert.ok(Math.abs(r.energies[0] - (4966 - 15)) < 1e-6, `first energy ${r.energies[0]}`);
    assert.ok(Math.abs(r.energies[r.energies.length - 1] - (4966 + 49)) < 1e-6);
    assert.match(r.energyNote ?? '', /tabulated Ti K edge, 4966\.0 eV/);
    const cu = await shipped.open('tenorite.cif');
    const [cuSite] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri: cu.uri });
    const c = await shipped.connection.sendRequest<PredictResult>('xanes/predict', { uri: cu.uri, block: 0, siteIndex: cuSite.siteIndex });
    assert.equal(c.domain.id, 'Cu-K-FEFF');
    assert.equal(c.energyNote, undefined);
    assert.ok(c.energies[0] > 8900 && c.energies[0] < 9000, `Cu grid starts at ${c.energies[0]}`);
  } finally {
    await shipped.close();
  }
});

test('shipped model: every prediction carries its domain\'s reliability from metadata.json (Cu well tested; hematite\'s Fe K FEFF and Ti few)', async () => {
  const shipped = await startServer({ absorbingElements: ['Ti', 'Fe', 'Cu'], modelPath: SHIPPED_MODEL, backend: 'wasm' });
  try {
    const metadata = readMetadata(SHIPPED_MODEL);
    const expected = new Map(modelReliability(metadata).map((r) => [r.domain, r]));
    const metrics = metadata.metrics as unknown as Record<'val' | 'test', { gnn: Record<string, { mae: number; spectra: number }> }>;
    const predictFirst = async (uri: string): Promise<PredictResult> => {
      const [site] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri });
      return shipped.connection.sendRequest<PredictResult>('xanes/predict', { uri, block: site.block, siteIndex: site.siteIndex });
    };
    const cu = await predictFirst((await shipped.open('tenorite.cif')).uri);
    const hematiteUri = pathToFileURL(path.resolve('test/fixtures/structures/cod-hematite-R-3c.cif')).toString();
    const fe = await predictFirst((await shipped.open(hematiteUri, readFileSync(fileURLToPath(hematiteUri), 'utf8'), 'cif')).uri);
    const ti = await predictFirst((await shipped.open('rutile.cif')).uri);
    assert.deepEqual([cu.domain.id, fe.domain.id, ti.domain.id], ['Cu-K-FEFF', 'Fe-K-FEFF', 'Ti-K-FDMNES-rel']);
    for (const r of [cu, fe, ti]) {
      assert.ok(r.reliability, `${r.domain.id}: reliability sent`);
      assert.deepEqual(r.reliability, expected.get(r.domain.id));
      // Straight from the metadata, not recomputed.
      assert.equal(r.reliability.validation?.mae, metrics.val.gnn[r.domain.id].mae);
      assert.equal(r.reliability.validation?.spectra, metrics.val.gnn[r.domain.id].spectra);
      assert.equal(r.reliability.test?.spectra, metrics.test.gnn[r.domain.id].spectra);
    }
    assert.deepEqual([cu.reliability?.level, fe.reliability?.level, ti.reliability?.level], ['well-tested', 'few', 'few']);
    assert.match(fe.reliability?.summary ?? '', /^Fe-K-FEFF: validation MAE 0\.051 .*on 2 spectra.* — few reference spectra, treat as qualitative$/);
    // Predict all: every site's result carries it.
    // Hematite's structure is its second block (a COD-style publication block comes first).
    const all = await shipped.connection.sendRequest<PredictAllResult>('xanes/predictAll', { uri: hematiteUri, block: fe.block });
    assert.ok(all.results.length > 0 && all.results.every((r) => r.reliability?.level === 'few'));
  } finally {
    await shipped.close();
  }
});

test("shipped model: the neighbour transformer's readout is in the prediction, sums to 1 per head with the absorber's own weight, and singles atoms out", async () => {
  const shipped = await startServer({ absorbingElements: ['Cu'], modelPath: SHIPPED_MODEL, backend: 'wasm' });
  try {
    const cu = await shipped.open('tenorite.cif');
    const [site] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri: cu.uri });
    const r = await shipped.connection.sendRequest<PredictResult>('xanes/predict', { uri: cu.uri, block: 0, siteIndex: site.siteIndex });
    const declared = readMetadata(SHIPPED_MODEL).network.transformer;
    assert.ok(declared, 'the shipped model has a neighbour transformer');
    const t = r.transformer;
    assert.ok(t, 'the prediction carries its readout');
    assert.equal(t.heads, declared.heads);
    const real = r.neighbours.filter((n) => !n.virtual);
    const tokens = declared.tokens ?? real.length;
    for (let h = 0; h < t.heads; h++) {
      const onNeighbours = real.reduce((s, n) => s + (n.transformer?.[h] ?? 0), 0);
      assert.ok(Math.abs(t.self[h] + onNeighbours - 1) < 1e-4, `head ${h + 1}: self ${t.self[h]} + neighbours ${onNeighbours}`);
    }
    real.forEach((n, i) => assert.equal(n.transformer !== undefined, i < tokens, `neighbour ${n.rank} is a token: ${i < tokens}`));
    // The two nearest O of tenorite's Cu are one atom_site row's inversion pair: same weight in every head.
    const [a, b] = real;
    assert.ok(Math.abs(a.distance - b.distance) < 1e-4 && a.range.start.line === b.range.start.line);
    a.transformer!.forEach((w, h) => assert.ok(Math.abs(w - b.transformer![h]) < 1e-4, `head ${h + 1}: ${w} vs ${b.transformer![h]}`));
    // Unlike the near-uniform graph attention, some head puts more than twice the uniform share on one atom.
    const peak = Math.max(...real.flatMap((n) => n.transformer ?? []));
    assert.ok(peak > 2 / (real.length + 1), `largest transformer weight ${peak} vs uniform ${1 / (real.length + 1)}`);
  } finally {
    await shipped.close();
  }
});

/** Tenorite's Cu1: its prediction, then its sensitivity for the same model and domain (as the client asks). */
async function tenoriteSensitivity(shipped: TestServer): Promise<{ params: { uri: string; block: number; siteIndex: number }; p: PredictResult; s: SensitivityResult }> {
  const cu = await shipped.open('tenorite.cif');
  const [site] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri: cu.uri });
  const params = { uri: cu.uri, block: 0, siteIndex: site.siteIndex };
  const p = await shipped.connection.sendRequest<PredictResult>('xanes/predict', params);
  const s = await shipped.connection.sendRequest<SensitivityResult>('xanes/sensitivity', { ...params, modelPath: p.model.path, domain: p.domain.id });
  return { params, p, s };
}

test('shipped model: xanes/sensitivity gives one finite, non-negative |Δμ| per neighbour of the prediction; a lone atom gives none', async () => {
  const shipped = await startServer({ absorbingElements: ['Cu'], modelPath: SHIPPED_MODEL, backend: 'wasm' });
  try {
    const { params, p, s } = await tenoriteSensitivity(shipped);
    const real = p.neighbours.filter((n) => !n.virtual);
    // maxNeighbours comes from the model's metadata.json (20 for v5, 40 for v6), never assumed;
    // tenorite has far more atoms within 8 Å of Cu, so every slot is real.
    const metadata = readMetadata(SHIPPED_MODEL);
    assert.equal(real.length, metadata.graph.maxNeighbours);
    assert.equal(s.neighbours.length, real.length);
    assert.deepEqual(s.neighbours.map((n) => n.rank), real.map((n) => n.rank));
    assert.deepEqual(s.neighbours.map((n) => n.distance), real.map((n) => n.distance));
    assert.equal(s.domain.id, 'Cu-K-FEFF');
    assert.equal(s.gridPoints, p.mu.length);
    assert.deepEqual(s.model, p.model);
    assert.ok(s.neighbours.every((n) => Number.isFinite(n.sensitivity) && n.sensitivity >= 0), JSON.stringify(s.neighbours.map((n) => n.sensitivity)));
    // The spread of S_j over the ensemble's members (one forward pass): finite, ≥ 0, and not all 0
    // for a model of several members, which disagree somewhere.
    assert.equal(s.members, metadata.weights.members.length);
    assert.ok(s.neighbours.every((n) => Number.isFinite(n.spread) && n.spread >= 0), JSON.stringify(s.neighbours.map((n) => n.spread)));
    if (s.members > 1) assert.ok(s.neighbours.some((n) => n.spread > 0));
    else assert.ok(s.neighbours.every((n) => n.spread === 0));
    assert.deepEqual(s.neighbours.map((n) => n.order).sort((a, b) => a - b), real.map((_, i) => i + 1));
    // Tenorite's CuO4 plaquette: four O near 1.95 Å. The model must notice at least one going.
    const shell = s.neighbours.filter((n) => n.element === 'O' && n.distance < 2.0);
    assert.equal(shell.length, 4);
    assert.ok(shell.some((n) => n.sensitivity > 1e-4), `first shell: ${shell.map((n) => n.sensitivity).join(', ')}`);
    assert.match(s.method, /padding/);
    // A click while the sensitivity runs: the occluded graphs go to the worker in batches of
    // OCCLUSION_BATCH, so the click waits for the batch that is running, not for all of them.
    if (real.length > 2 * OCCLUSION_BATCH) {
      const finished: string[] = [];
      const background = shipped.connection.sendRequest<SensitivityResult>('xanes/sensitivity', { ...params, modelPath: p.model.path, domain: p.domain.id }).then((r) => { finished.push('sensitivity'); return r; });
      const click = shipped.connection.sendRequest<PredictResult>('xanes/predict', params).then((r) => { finished.push('click'); return r; });
      const [again, clicked] = await Promise.all([background, click]);
      assert.deepEqual(finished, ['click', 'sensitivity'], 'the click answered before the sensitivity\'s remaining batches');
      assert.deepEqual(clicked.mu, p.mu);
      again.neighbours.forEach((n, j) => assert.ok(Math.abs(n.sensitivity - s.neighbours[j].sensitivity) < 1e-6, `S_${j} again: ${n.sensitivity} vs ${s.neighbours[j].sensitivity}`));
    }
    // No neighbours within the cutoff: an empty answer that says why, not an error.
    const lone = await shipped.open('untitled:lone-cu.xyz', '1\nlone atom\nCu 0 0 0\n', 'xyz');
    const none = await shipped.connection.sendRequest<SensitivityResult>('xanes/sensitivity', { uri: lone.uri, block: 0, siteIndex: 0 });
    assert.deepEqual(none.neighbours, []);
    assert.match(none.note ?? '', /Cu1 has no neighbours within [\d.]+ Å/);
  } finally {
    await shipped.close();
  }
});

test('shipped model: xanes/predictWithout overlays the spectrum without one neighbour; its mean |Δμ| is that neighbour\'s sensitivity', async () => {
  const shipped = await startServer({ absorbingElements: ['Cu'], modelPath: SHIPPED_MODEL, backend: 'wasm' });
  try {
    const { params, p, s } = await tenoriteSensitivity(shipped);
    const same = { ...params, modelPath: p.model.path, domain: p.domain.id };
    const meanAbs = (a: number[], b: number[]): number => a.reduce((acc, v, i) => acc + Math.abs(v - b[i]), 0) / a.length;
    // The most sensitive neighbour (hover "rank 1 of N") and the farthest one (beyond the wACSF cutoff).
    const first = s.neighbours.find((n) => n.order === 1);
    const far = s.neighbours.at(-1);
    assert.ok(first && far && far.rank === p.neighbours.filter((n) => !n.virtual).length);
    for (const target of [first, far]) {
      const w = await shipped.connection.sendRequest<PredictWithoutResult>('xanes/predictWithout', { ...same, rank: target.rank, expect: { siteIndex: target.siteIndex, image: target.image } });
      assert.deepEqual(
        { rank: w.removed.rank, element: w.removed.element, label: w.removed.label, distance: w.removed.distance, siteIndex: w.removed.siteIndex, image: w.removed.image },
        { rank: target.rank, element: target.element, label: target.label, distance: target.distance, siteIndex: target.siteIndex, image: target.image },
      );
      // Placed exactly like the prediction, on the same grid.
      assert.deepEqual(w.energies, p.energies);
      assert.equal(w.mu.length, p.mu.length);
      assert.equal(w.energyNote, undefined);
      assert.deepEqual([w.label, w.element, w.multiplicity, w.blockName, w.domain.id], [p.label, p.element, p.multiplicity, p.blockName, 'Cu-K-FEFF']);
      assert.deepEqual(w.model, p.model);
      assert.deepEqual(w.reliability, p.reliability, 'same model and head: the same reliability');
      // The full curve of the same pass is the lens's curve, and mean |Δμ| is the hover's S_j.
      p.mu.forEach((m, i) => assert.ok(Math.abs(w.fullMu[i] - m) < 1e-6, `full μ[${i}] ${w.fullMu[i]} vs predict ${m}`));
      const delta = meanAbs(w.fullMu, w.mu);
      assert.ok(Math.abs(delta - target.sensitivity) < 1e-6, `mean |Δμ| ${delta} vs S ${target.sensitivity} (rank ${target.rank})`);
      assert.ok(Math.abs(w.meanAbsDelta - delta) < 1e-12);
      if (target === first) assert.ok(delta > 1e-4, `removing the most sensitive neighbour changes the spectrum (${delta})`);
      // The ensemble's calibrated band comes with both curves; it is the prediction's band for the full one.
      if (p.std) {
        assert.equal(w.std?.length, p.mu.length);
        assert.ok(w.std.every((v) => Number.isFinite(v) && v >= 0));
        p.std.forEach((v, i) => assert.ok(Math.abs((w.fullStd?.[i] ?? NaN) - v) < 1e-6));
      }
    }
    // Out of range, a padding slot, a stale atom: LSP errors that say which, and the server lives on.
    const slots = p.neighbours.length;
    await assert.rejects(
      shipped.connection.sendRequest('xanes/predictWithout', { ...same, rank: slots + 1 }),
      (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoSuchNeighbour && new RegExp(`Cu1 has no neighbour of rank ${slots + 1}: ranks run from 1 to ${slots}`).test(err.message),
    );
    await assert.rejects(
      shipped.connection.sendRequest('xanes/predictWithout', { ...same, rank: 0 }),
      (err: { code: number }) => err.code === XanesErrorCodes.NoSuchNeighbour,
    );
    await assert.rejects(
      shipped.connection.sendRequest('xanes/predictWithout', { ...same, rank: 1, expect: { siteIndex: s.neighbours[0].siteIndex, image: [9, 9, 9] } }),
      (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoSuchNeighbour && /no longer the atom shown/.test(err.message),
    );
    const lone = await shipped.open('untitled:lone-cu.xyz', '1\nlone atom\nCu 0 0 0\n', 'xyz');
    await assert.rejects(
      shipped.connection.sendRequest('xanes/predictWithout', { uri: lone.uri, block: 0, siteIndex: 0, rank: 1 }),
      (err: { code: number; message: string }) => err.code === XanesErrorCodes.NoSuchNeighbour && /Rank 1 of Cu1 is an empty \(virtual\) slot.*0 real neighbours/.test(err.message),
    );
    const again = await shipped.connection.sendRequest<PredictResult>('xanes/predict', params);
    assert.deepEqual(again.mu, p.mu, 'the server still predicts after the errors');
  } finally {
    await shipped.close();
  }
});
