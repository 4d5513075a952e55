// VASP POSCAR/CONTCAR documents through the language server over stdio, as VS Code sends them:
// diagnostics with exact ranges, lenses on every inequivalent absorber (P1: atoms grouped by
// environment), hover on a coordinate line, the outline, and with the shipped model the same
// spectrum as the CIF of the same crystal.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, DocumentSymbol, FoldingRange, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { AbsorbingSiteInfo, PredictAllResult, PredictResult } from '../../server/src/lsp_ext';
import { XanesErrorCodes } from '../../server/src/lsp_ext';
import { SHIPPED_MODEL } from '../fixtures/models/fixtures';
import { ROOT, startServer, type TestServer } from './lspClient';

const STRUCTURES = path.join(ROOT, 'test/fixtures/structures');
const uriOf = (name: string): string => pathToFileURL(path.join(STRUCTURES, name)).toString();
const textOf = (name: string): string => readFileSync(path.join(STRUCTURES, name), 'utf8');

let server: TestServer;

before(async () => {
  server = await startServer({ absorbingElements: ['Ti', 'Fe', 'Ni', 'Cu'], symmetryTolerance: 0.01, modelPath: '/nonexistent/xanes-model' });
});
after(async () => {
  await server.close();
});

test('poscar documents: diagnostics with exact ranges, in the document and for its version', async () => {
  const uri = uriOf('broken-poscar-atoms.vasp');
  const pending = server.nextDiagnostics(uri);
  await server.open(uri, textOf('broken-poscar-atoms.vasp'), 'poscar');
  const diags = await pending;
  const summary = diags.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character]);
  assert.deepEqual(summary, [
    ['element.unknown', 1, 5, 3, 5, 5],
    ['poscar.count', 1, 6, 0, 6, 3],
    ['coord.nonnumeric', 1, 9, 18, 9, 21],
    ['coord.nonnumeric', 1, 11, 0, 11, 16],
  ]);
  assert.ok(diags.every((d) => d.source === 'xanes-lens'));
  // An edit that fixes the species leaves the other problems, and the lens appears on the Ti line.
  const v2 = server.nextDiagnostics(uri, { version: 2 });
  await server.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 5, character: 3 }, end: { line: 5, character: 5 } }, text: 'O' }],
  });
  assert.deepEqual((await v2).map((d) => d.code), ['poscar.count', 'coord.nonnumeric', 'coord.nonnumeric']);
  const lenses: CodeLens[] = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(lenses.map((l) => [l.command?.title, l.range.start.line]), [['Predict all sites (1)', 0], ['Predict K-edge XANES (Ti1, ×1)', 8]]);
});

test('code lenses on the inequivalent absorbers of a P1 POSCAR (both Ti one environment), and xanes/sites with their coordinate lines', async () => {
  const uri = uriOf('rutile-TiO2.vasp');
  const pending = server.nextDiagnostics(uri);
  await server.open(uri, textOf('rutile-TiO2.vasp'), 'poscar');
  assert.deepEqual(await pending, []);
  const lenses: CodeLens[] = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(lenses.map((l) => [l.command?.title, l.range.start.line]), [
    ['Predict all sites (1)', 0], ['Predict K-edge XANES (Ti1, ×2)', 8],
  ]);
  assert.deepEqual(lenses[0].command?.arguments, [uri, 0]);
  assert.deepEqual(lenses[1].command?.arguments, [uri, 0, 0]);
  const sites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri });
  assert.deepEqual(sites.map((s) => [s.label, s.element, s.multiplicity, s.blockName, s.range.start.line, s.equivalence, s.members?.map((m) => [m.label, m.range.start.line])]), [
    ['Ti1', 'Ti', 2, 'TiO2 rutile, P1 cell of rutile-TiO2.cif', 8, 'environment', [['Ti1', 8], ['Ti2', 9]]],
  ]);
  // Without a model the lens command fails as it does for a CIF.
  await assert.rejects(
    server.connection.sendRequest('xanes/predict', { uri, block: 0, siteIndex: sites[0].siteIndex }),
    (err: { code: number }) => err.code === XanesErrorCodes.NoModel,
  );
});

test('hover on a coordinate line: element, coordinates as written, multiplicity 1 and the first shell', async () => {
  const uri = uriOf('CONTCAR_NiO-selective-md');
  await server.open(uri, textOf('CONTCAR_NiO-selective-md'), 'poscar');
  const h: Hover | null = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 10, character: 5 } });
  assert.ok(h);
  const md = (h.contents as MarkupContent).value;
  assert.match(md, /\*\*Ni2\*\* — Ni \(Z = 28\)/);
  assert.match(md, /fractional: \(0\.00000, 0\.50000, 0\.50000\)/);
  assert.match(md, /Cartesian: \(0\.0000, 2\.0885, 2\.0885\) Å/);
  assert.match(md, /multiplicity: 1 in the unit cell/);
  // Ni–O = a/2 = 2.0885 Å, printed to three places as the hover rounds it.
  const d = (4.177 / 2).toFixed(3);
  assert.ok(md.includes(`first shell: 6 (O×6), mean ${d} Å, nearest ${d} Å`), md);
  assert.equal(h.range?.start.line, 10);
  // The velocity block after the blank line is no atom.
  const none: Hover | null = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 19, character: 4 } });
  assert.equal(none, null);
});

test('hematite as a POSCAR: 12 Fe written out, one lens ×12 (the R-3c CIF\'s orbit), its atoms in the tooltip, xanes/sites and the hover', async () => {
  const uri = uriOf('hematite-Fe2O3-vasp6.vasp');
  const pending = server.nextDiagnostics(uri);
  await server.open(uri, textOf('hematite-Fe2O3-vasp6.vasp'), 'poscar');
  assert.deepEqual(await pending, []);
  const lenses: CodeLens[] = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(lenses.map((l) => [l.command?.title, l.range.start.line, l.command?.command, l.command?.arguments]), [
    ['Predict all sites (1)', 0, 'xanes.predictAll', [uri, 0]],
    ['Predict K-edge XANES (Fe1, ×12)', 8, 'xanes.predictSite', [uri, 0, 0]],
  ]);
  assert.match(lenses[1].command?.tooltip ?? '', /^Fe1 stands for 12 Fe atoms by environment \(the file has no symmetry operators; .*\): Fe1, Fe2, Fe3, .*, Fe12$/);
  const sites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri });
  assert.deepEqual(sites.map((s) => [s.label, s.siteIndex, s.multiplicity, s.equivalence]), [['Fe1', 0, 12, 'environment']]);
  assert.deepEqual(sites[0].members?.map((m) => [m.siteIndex, m.label, m.range.start.line]), Array.from({ length: 12 }, (_, i) => [i, `Fe${i + 1}`, 8 + i]));
  // The symmetric CIF of the same crystal: the same count, from its operators.
  const cifUri = uriOf('cod-hematite-R-3c.cif');
  await server.open(cifUri, textOf('cod-hematite-R-3c.cif'), 'cif');
  const cifSites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri: cifUri });
  assert.deepEqual(cifSites.map((s) => [s.label, s.multiplicity, s.equivalence, s.members]), [['Fe1', 12, 'symmetry', undefined]]);
  // A member's row says which lens predicts it.
  const h: Hover | null = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 17, character: 4 } });
  const md = (h?.contents as MarkupContent).value;
  assert.match(md, /\*\*Fe10\*\*/);
  assert.match(md, /environment: one of 12 Fe atoms with the same surroundings within 8 Å \(no symmetry operators in the file\), predicted once by the lens on Fe1/);
  // "Predict all sites" is one prediction for the block; without a model it fails once, clearly.
  await assert.rejects(
    server.connection.sendRequest('xanes/predictAll', { uri, block: 0 }),
    (err: { code: number }) => err.code === XanesErrorCodes.NoModel,
  );
  // An edit that moves Fe6 by 0.01 Å splits it off; the lenses follow the new version.
  const v2 = server.nextDiagnostics(uri, { version: 2 });
  await server.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 13, character: 2 }, end: { line: 13, character: 14 } }, text: (0.6666666667 + 0.01 / 5.0356).toFixed(10) }],
  });
  await v2;
  const after: CodeLens[] = await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
  const titles = after.map((l) => l.command?.title ?? '');
  assert.ok(titles.includes('Predict K-edge XANES (Fe6, ×1)'), titles.join('; '));
  assert.equal(titles.filter((t) => t.startsWith('Predict K-edge')).reduce((n, t) => n + Number(/×(\d+)\)$/.exec(t)?.[1]), 0), 12);
});

test('outline and folding of a POSCAR; a document named CONTCAR is read as one without a language id', async () => {
  const uri = uriOf('CONTCAR_NiO-selective-md');
  await server.open(uri, textOf('CONTCAR_NiO-selective-md'), 'poscar');
  const symbols: DocumentSymbol[] = await server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
  assert.equal(symbols.length, 1);
  assert.deepEqual((symbols[0].children ?? []).map((c) => [c.name, c.children?.length ?? 0]), [['cell', 0], ['species', 2], ['atom sites', 8]]);
  const folds: FoldingRange[] = await server.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[0, 16], [9, 16]]);
  // A client that sends another language id: the file name decides.
  const named = 'untitled:CONTCAR';
  const pending = server.nextDiagnostics(named);
  await server.open(named, textOf('FeO-rocksalt-vasp4.poscar'), 'plaintext');
  assert.deepEqual((await pending).map((d) => [d.code, d.severity]), [['poscar.names', 3]]);
  const sites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri: named });
  // Rocksalt FeO: the four Fe share one environment.
  assert.deepEqual(sites.map((s) => [s.label, s.multiplicity, s.members?.map((m) => m.label)]), [['Fe1', 4, ['Fe1', 'Fe2', 'Fe3', 'Fe4']]]);
});

test('garbage under the poscar language id never kills the server', async () => {
  const junk = ['', '\u0000\u0001binary\uFFFF', 'x\n-1e999\n1 0 0\n0 1 0\n0 0 1\nFe\n1\nD\n0 0 0\n', 'x\n1\n1 0 0\n0 1 0\n0 0 1\nFe\n999999999999\nD\n',
    'x\n1\n1 0 0\n0 1 0\n0 0 1\nFe\n1\nD\n1e308 0 0\n', 'P\n'.repeat(10000)];
  for (const [i, text] of junk.entries()) {
    const uri = `untitled:poscar-junk-${i}`;
    await server.open(uri, text, 'poscar');
    await server.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    await server.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 0 } });
    await server.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } });
    await server.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri } });
  }
  const sites: AbsorbingSiteInfo[] = await server.connection.sendRequest('xanes/sites', { uri: uriOf('rutile-TiO2.vasp') });
  assert.deepEqual(sites.map((s) => s.multiplicity), [2]);
  assert.equal(server.process.exitCode, null);
});

test('shipped model: the POSCAR of a crystal predicts the spectrum of its CIF, with attention on the POSCAR\'s lines', async () => {
  const shipped = await startServer({ absorbingElements: ['Ti', 'Fe'], modelPath: SHIPPED_MODEL, backend: 'wasm' });
  try {
    const pairs: [string, string, string][] = [['rutile-TiO2.cif', 'cif', 'rutile-TiO2.vasp'], ['cod-hematite-R-3c.cif', 'cif', 'hematite-Fe2O3-vasp6.vasp']];
    for (const [cifName, cifLanguage, vaspName] of pairs) {
      const cif = await shipped.open(uriOf(cifName), textOf(cifName), cifLanguage);
      const vasp = await shipped.open(uriOf(vaspName), textOf(vaspName), 'poscar');
      const [cifSite] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri: cif.uri });
      const [vaspSite] = await shipped.connection.sendRequest<AbsorbingSiteInfo[]>('xanes/sites', { uri: vasp.uri });
      const a = await shipped.connection.sendRequest<PredictResult>('xanes/predict', { uri: cif.uri, block: cifSite.block, siteIndex: cifSite.siteIndex });
      const b = await shipped.connection.sendRequest<PredictResult>('xanes/predict', { uri: vasp.uri, block: vaspSite.block, siteIndex: vaspSite.siteIndex });
      assert.equal(b.domain.id, a.domain.id, vaspName);
      assert.deepEqual(b.energies, a.energies);
      const worst = b.mu.reduce((m, v, i) => Math.max(m, Math.abs(v - a.mu[i])), 0);
      assert.ok(worst < 1e-4, `${vaspName}: μ differs from the CIF's by up to ${worst}`);
      // The POSCAR's site stands for as many atoms (by environment) as the CIF's orbit.
      assert.deepEqual([b.multiplicity, b.equivalence, a.multiplicity, a.equivalence], [a.multiplicity, 'environment', vaspSite.multiplicity, 'symmetry']);
      assert.equal(b.absorberRange.start.line, vaspSite.range.start.line);
      // Decorations paint the neighbours' rows: each is a coordinate line of the POSCAR.
      const lines = vasp.text.split('\n');
      const real = b.neighbours.filter((n) => !n.virtual);
      assert.ok(real.length > 0);
      for (const n of real) {
        const row = lines[n.range.start.line];
        assert.deepEqual([n.range.start.character, n.range.end.character], [0, row.length]);
        assert.ok(n.range.start.line >= 8, `${n.label} on line ${n.range.start.line}`);
        assert.match(n.label, new RegExp(`^${n.element}\\d+$`));
      }
    }
    // "Predict all sites" on the POSCAR: one prediction for its 12 Fe, weighted ×12 in the panel's average.
    const all = await shipped.connection.sendRequest<PredictAllResult>('xanes/predictAll', { uri: uriOf('hematite-Fe2O3-vasp6.vasp'), block: 0 });
    assert.deepEqual(all.failures, []);
    assert.deepEqual(all.results.map((r) => [r.label, r.siteIndex, r.multiplicity, r.equivalence]), [['Fe1', 0, 12, 'environment']]);
  } finally {
    await shipped.close();
  }
});
