import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { validateHostMessage, validateWebviewMessage, type PanelSpectrum } from '../../webview/src/protocol';
import { contentSecurityPolicy, renderPanelHtml } from '../../client/src/panel/html';
import { fileNameOf } from '../../client/src/panel/convert';
import { decodeExperimental } from '../../client/src/panel/files';
import { derive } from '../../webview/src/derive';
import { addSpectra, initialState, removeSpectrum } from '../../webview/src/state';

const spectrum = (id: string, siteIndex: number, multiplicity: number, mu: number[]): PanelSpectrum => ({
  id, uri: 'file:///w/a%20b.cif', fileName: 'a b.cif', block: 0, blockName: 'b', siteIndex, label: `Fe${siteIndex}`,
  element: 'Fe', multiplicity, edge: 'K', model: 'm 1', domain: 'Fe-K', energies: [1, 2, 3, 4], mu,
});

test('host→webview validation rejects extra keys, bad arrays and unknown types', () => {
  const ok = { type: 'addSpectra', spectra: [spectrum('a', 0, 1, [0, 1, 2, 3])], averageByElement: false };
  assert.ok(validateHostMessage(ok));
  assert.equal(validateHostMessage({ ...ok, extra: 1 }), null);
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...ok.spectra[0], mu: [0, 1] }] }), null);
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...ok.spectra[0], energies: [1, 1, 2, 3] }] }), null);
  // Edge-relative models (Ti) carry a note on how their energies were placed; it must get through.
  assert.ok(validateHostMessage({ ...ok, spectra: [{ ...ok.spectra[0], energyNote: 'model predicts E − E0; placed at the tabulated Ti K edge, 4966.0 eV' }] }));
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...ok.spectra[0], energyNote: 42 }] }), null);
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...ok.spectra[0], mu: [0, 1, NaN, 3] }] }), null);
  assert.equal(validateHostMessage({ type: 'eval', code: 'x' }), null);
  assert.equal(validateHostMessage(null), null);
});

test('webview→host validation: export names cannot be paths, PNG must be a PNG data URL', () => {
  assert.ok(validateWebviewMessage({ type: 'export', format: 'csv', fileName: 'a.csv', content: 'x' }));
  assert.equal(validateWebviewMessage({ type: 'export', format: 'csv', fileName: '../a.csv', content: 'x' }), null);
  assert.equal(validateWebviewMessage({ type: 'export', format: 'png', fileName: 'a.png', content: 'data:text/html,x' }), null);
  assert.equal(validateWebviewMessage({ type: 'reveal', uri: 'file:///a', block: -1, siteIndex: 0 }), null);
  assert.deepEqual(validateWebviewMessage({ type: 'ready' }), { type: 'ready' });
});

test('panel HTML: strict CSP with nonce, no inline styles allowed', () => {
  const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abc');
  assert.equal(csp, "default-src 'none'; img-src https://x.vscode-cdn.net data:; style-src https://x.vscode-cdn.net 'nonce-abc'; font-src https://x.vscode-cdn.net; script-src 'nonce-abc'");
  const html = renderPanelHtml({ scriptUri: 'https://x/webview.js', styleUri: 'https://x/panel.css', cspSource: 'https://x', nonce: 'abc' });
  assert.match(html, /<script nonce="abc" src="https:\/\/x\/webview.js"><\/script>/);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
});

test('file names, experimental decoding errors', () => {
  assert.equal(fileNameOf('file:///w/a%20b.cif'), 'a b.cif');
  assert.deepEqual(decodeExperimental('a.xdi', new TextEncoder().encode('# XDI/1.0')), { ok: true, text: '# XDI/1.0' });
  // Gzip (how Athena saves projects) is decompressed; a damaged one says so.
  assert.deepEqual(decodeExperimental('a.prj', new Uint8Array(gzipSync('# Athena project file'))), { ok: true, text: '# Athena project file' });
  assert.match((decodeExperimental('a.dat', new Uint8Array([0x1f, 0x8b, 0])) as { message: string }).message, /gzip-compressed but cannot be decompressed/);
  assert.match((decodeExperimental('a.dat', new Uint8Array([65, 0, 66])) as { message: string }).message, /binary/);
  assert.match((decodeExperimental('a.dat', new Uint8Array()) as { message: string }).message, /empty/);
});

test('panel state: re-prediction replaces in place, averages need two sites, removal', () => {
  let s = addSpectra(initialState(), [spectrum('a', 0, 1, [0, 1, 2, 3]), spectrum('b', 1, 3, [4, 5, 6, 7])], true);
  let d = derive(s);
  assert.deepEqual(d.series.map((x) => x.kind), ['prediction', 'prediction', 'average']);
  assert.deepEqual(d.series[2].y, [3, 4, 5, 6]);
  s = addSpectra(s, [spectrum('a', 0, 1, [1, 1, 1, 1])], false);
  assert.equal(s.spectra.length, 2);
  assert.equal(s.spectra[0].color, 0);
  assert.deepEqual(s.spectra[0].spectrum.mu, [1, 1, 1, 1]);
  s = removeSpectrum(s, 'b');
  d = derive(s);
  assert.deepEqual(d.series.map((x) => x.id), ['a']);
});
