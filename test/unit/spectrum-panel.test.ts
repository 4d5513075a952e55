import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { validateHostMessage, validateWebviewMessage, type PanelSpectrum } from '../../webview/src/protocol';
import { contentSecurityPolicy, renderPanelHtml } from '../../client/src/panel/html';
import { fileNameOf, type SpectrumSource, toPanelOverlay, toPanelSpectrum } from '../../client/src/panel/convert';
import { decodeExperimental } from '../../client/src/panel/files';
import { formatResult } from '../../client/src/outputResults';
import type { DomainReliability, PredictResult, PredictWithoutResult } from '../../server/src/lsp_ext';
import { derive } from '../../webview/src/derive';
import { buildCsv, buildXdi } from '../../webview/src/exports';
import { formatReliability } from '../../webview/src/list';
import { addOverlay, addSpectra, initialState, removeSpectrum } from '../../webview/src/state';

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

/** As the server sends it for the shipped model's Fe K FEFF head (model/reliability.ts). */
const FEW: DomainReliability = {
  domain: 'Fe-K-FEFF', level: 'few', levelText: 'few reference spectra',
  validation: { mae: 0.0514, deltaMuMedian: 6.14, spectra: 2 }, test: { mae: 0.0659, deltaMuMedian: 8.01, spectra: 2 },
  summary: 'Fe-K-FEFF: validation MAE 0.051 (Δμ median 6.1 %) on 2 spectra, test MAE 0.066 on 2 spectra — few reference spectra, treat as qualitative',
};

const source = (siteIndex: number, reliability?: DomainReliability): SpectrumSource => ({
  uri: 'file:///w/Fe2O3.cif', block: 0, blockName: 'hematite', siteIndex, label: `Fe${siteIndex}`, element: 'Fe', multiplicity: 6,
  domain: { id: 'Fe-K-FEFF', element: 'Fe', edge: 'K', method: 'FEFF' }, model: { name: 'mem-xanes-v7', version: '1.0.0', path: '/m' },
  energies: [7110, 7111, 7112, 7113], mu: [0.1, 0.5, 1.2, 1.0], std: [0.01, 0.02, 0.03, 0.02], ...(reliability ? { reliability } : {}),
});

test('conversion: a prediction\'s reliability reaches the panel as level + line; none, or an unknown level, leaves it out', () => {
  const s = toPanelSpectrum(source(0, FEW));
  assert.deepEqual(s.reliability, { level: 'few', summary: FEW.summary });
  assert.ok(validateHostMessage({ type: 'addSpectra', spectra: [s], averageByElement: false }));
  // From an older server: no field at all, and the message is as before.
  const old = toPanelSpectrum(source(0));
  assert.equal('reliability' in old, false);
  assert.ok(validateHostMessage({ type: 'addSpectra', spectra: [old], averageByElement: false }));
  // A level this panel does not know (a newer server): the curve still gets through, without the caption.
  const newer = toPanelSpectrum(source(0, { ...FEW, level: 'partly-tested' as DomainReliability['level'] }));
  assert.equal(newer.reliability, undefined);
  assert.ok(validateHostMessage({ type: 'addSpectra', spectra: [newer], averageByElement: false }));
  // The webview checks the field's shape like every other one.
  const ok = { type: 'addSpectra', spectra: [s], averageByElement: false };
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...s, reliability: { level: 'few' } }] }), null);
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...s, reliability: { level: 'bad', summary: 'x' } }] }), null);
  assert.equal(validateHostMessage({ ...ok, spectra: [{ ...s, reliability: { ...s.reliability, mae: 1 } }] }), null);
  // An overlay and its full curve carry it too (same model, same head).
  const without: PredictWithoutResult = {
    ...source(0, FEW), fullMu: [0.1, 0.6, 1.3, 1.0], removed: { rank: 1, element: 'O', label: 'O1', distance: 1.95, siteIndex: 3, image: [0, 0, 0], range: { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } } },
    meanAbsDelta: 0.05, method: 'occlusion', backend: 'cpu', timingMs: 1,
  };
  const { overlay, parent } = toPanelOverlay(without);
  assert.deepEqual(parent.reliability, s.reliability);
  assert.ok(validateHostMessage({ type: 'addOverlay', overlay, parent }));
});

test('panel: predictions and their average show the reliability line, flagged when few; overlays leave it to their full curve; exports keep it', () => {
  const a = toPanelSpectrum(source(0, FEW));
  const b = toPanelSpectrum(source(1, FEW));
  let state = addSpectra(initialState(), [a, b], true);
  let d = derive(state);
  assert.deepEqual(d.series.map((x) => [x.kind, x.reliability?.level]), [['prediction', 'few'], ['prediction', 'few'], ['average', 'few']]);
  assert.equal(formatReliability(d.series[0].reliability!), `⚠ ${FEW.summary}`);
  assert.equal(formatReliability({ level: 'well-tested', summary: 'Cu-K-FEFF: … — well tested' }), 'Cu-K-FEFF: … — well tested');
  assert.match(formatReliability({ level: 'untested', summary: 'x' }), /^⚠ /);
  // Sites from different heads (or one without numbers): the average claims none.
  const mixed = derive(addSpectra(initialState(), [a, toPanelSpectrum(source(1))], true));
  assert.equal(mixed.series.find((x) => x.kind === 'average')?.reliability, undefined);
  const csv = buildCsv(d.series, state, new Date(0));
  assert.ok(csv.split('\n').includes(`# Fe0 (Fe ×6) reliability: ${FEW.summary}`), csv.split('\n').filter((l) => l.startsWith('#')).join('\n'));
  assert.match(buildXdi(d.series[0], state, new Date(0)), new RegExp(`^# XANESLens\\.reliability: ${FEW.summary.replace(/[().]/g, '\\$&')}$`, 'm'));
  const { overlay, parent } = toPanelOverlay({
    ...source(0, FEW), fullMu: a.mu, mu: [0.1, 0.4, 1.1, 1.0], meanAbsDelta: 0.05, method: 'occlusion', backend: 'cpu', timingMs: 1,
    removed: { rank: 1, element: 'O', label: 'O1', distance: 1.95, siteIndex: 3, image: [0, 0, 0], range: { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } } },
  });
  state = addOverlay(state, overlay, parent);
  d = derive(state);
  assert.deepEqual(d.series.filter((x) => x.kind === 'without' || x.kind === 'delta').map((x) => x.reliability), [undefined, undefined]);
  // Its XDI still says which head's numbers stand behind it.
  const w = d.series.find((x) => x.kind === 'without');
  assert.ok(w);
  assert.match(buildXdi(w, state, new Date(0)), /^# XANESLens\.reliability: Fe-K-FEFF: validation MAE 0\.051 /m);
});

test('output channel: a prediction\'s lines include its reliability, as a caution when the numbers are thin', () => {
  const r: PredictResult = {
    ...source(0, FEW), absorberRange: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, heads: 1, neighbours: [], backend: 'cpu', timingMs: 3,
  };
  assert.ok(formatResult(r).split('\n').includes(`  caution: ${FEW.summary}`), formatResult(r));
  const { reliability: _, ...older } = r;
  assert.doesNotMatch(formatResult(older), /caution|accuracy:/);
});
