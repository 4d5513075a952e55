// "Overlay spectrum without this atom": which neighbour a request names (server), the hover's
// command link and its arguments (client), and the overlay in the panel (state, curves, exports,
// messages). The LSP and browser tests run the same pieces end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Neighbour } from '../../server/src/graph/types';
import type { NeighbourAttention, PredictResult, PredictWithoutResult, SensitivityResult } from '../../server/src/lsp_ext';
import { neighbourKey, NoSuchNeighbourError, realNeighbourIndex } from '../../server/src/lsp/occlusionTarget';
import { hoverMarkdown } from '../../client/src/decorations/attention';
import { OVERLAY_WITHOUT_COMMAND, overlayWithoutLink, overlayWithoutParams, overlayWithoutUri, parseOverlayWithoutArgs } from '../../client/src/decorations/overlayLink';
import { toPanelOverlay } from '../../client/src/panel/convert';
import { formatWithout } from '../../client/src/outputResults';
import { derive } from '../../webview/src/derive';
import { buildCsv, buildXdi, exportFileName } from '../../webview/src/exports';
import { type PanelOverlay, validateHostMessage, validateWebviewMessage } from '../../webview/src/protocol';
import { addOverlay, addSpectra, deltaId, initialState, removeSpectrum, toggleHidden } from '../../webview/src/state';
import { seriesDash } from '../../webview/src/theme';
import { parseXdi, xdiField } from '../../server/src/spectrum/xdi';

const range = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 20 } });

function graphNeighbour(siteIndex: number, distance: number, virtual = false, image: [number, number, number] = [0, 0, 0]): Neighbour {
  return { siteIndex, image, element: virtual ? 'X' : 'O', Z: virtual ? 0 : 8, distance, cart: [distance, 0, 0], range: range(siteIndex), virtual };
}

test('the neighbour to remove: its rank must name a real atom, and the atom the client saw', () => {
  const graph = [graphNeighbour(3, 1.9), graphNeighbour(3, 1.9, false, [1, 0, 0]), graphNeighbour(5, 2.5), graphNeighbour(0, 8, true), graphNeighbour(0, 8, true)];
  assert.equal(realNeighbourIndex(graph, { rank: 1 }, 'Cu1'), 0);
  assert.equal(realNeighbourIndex(graph, { rank: 3 }, 'Cu1'), 2);
  // Two images of one row: the image tells them apart.
  assert.equal(realNeighbourIndex(graph, { rank: 2, expect: { siteIndex: 3, image: [1, 0, 0] } }, 'Cu1'), 1);
  assert.throws(() => realNeighbourIndex(graph, { rank: 2, expect: { siteIndex: 3, image: [0, 0, 0] } }, 'Cu1'), /rank 2 of Cu1 is no longer the atom shown/);
  assert.throws(() => realNeighbourIndex(graph, { rank: 4 }, 'Cu1'), /Rank 4 of Cu1 is an empty \(virtual\) slot, not an atom: Cu1 has 3 real neighbours/);
  assert.throws(() => realNeighbourIndex(graph, { rank: 6 }, 'Cu1'), /Cu1 has no neighbour of rank 6: ranks run from 1 to 3/);
  assert.throws(() => realNeighbourIndex(graph, { rank: 0 }, 'Cu1'), NoSuchNeighbourError);
  assert.throws(() => realNeighbourIndex([graphNeighbour(0, 8, true)], { rank: 1 }, 'Cu9'), /Cu9 has 0 real neighbours/);

  assert.deepEqual(neighbourKey({ rank: 2 }), { rank: 2 });
  assert.deepEqual(neighbourKey({ rank: 2, expect: { siteIndex: 3, image: [1, 0, -1] } }), { rank: 2, expect: { siteIndex: 3, image: [1, 0, -1] } });
  assert.throws(() => neighbourKey({ rank: 1.5 }), /an integer ≥ 1\), got 1\.5/);
  assert.throws(() => neighbourKey({}), /got nothing/);
  assert.throws(() => neighbourKey({ rank: 1, expect: { siteIndex: 3, image: [0, 0] } }), /"expect" must be/);
});

function nb(rank: number, line: number, element: string, distance: number, label = `${element}${line}`): NeighbourAttention {
  return { rank, element, label, distance, siteIndex: line, image: [rank, 0, 0], range: range(line), virtual: false, scores: [0.5, 0.5, 0.5] };
}

const prediction: PredictResult = {
  uri: 'file:///data/CuO (tenorite).cif', block: 0, siteIndex: 2, blockName: 'CuO', label: 'Cu1', element: 'Cu', multiplicity: 4,
  absorberRange: range(10), domain: { id: 'Cu-K-FEFF', element: 'Cu', edge: 'K', method: 'FEFF' }, energies: [1, 2], mu: [0, 1], heads: 3,
  neighbours: [nb(1, 11, 'O', 1.951), nb(2, 11, 'O', 1.962), nb(3, 12, 'Cu', 2.9, 'Cu[2]')],
  model: { name: 'mem', version: '6', path: '/models/mem (v6)' }, backend: 'wasm', timingMs: 1,
};

const sens: SensitivityResult = {
  uri: prediction.uri, block: 0, siteIndex: 2, label: 'Cu1', element: 'Cu', domain: prediction.domain, gridPoints: 2, members: 4,
  method: 'm', model: prediction.model, backend: 'wasm', timingMs: 3,
  neighbours: prediction.neighbours.map((n, i) => ({ ...n, sensitivity: [0.01, 0.03, 0.002][i], spread: 0.001, order: [2, 1, 3][i] })),
};

/** The JSON array a command: URI carries, decoded as VS Code does before spreading it into arguments. */
function commandArgs(uri: string): unknown {
  const m = /^command:([\w.]+)\?(.*)$/.exec(uri);
  assert.ok(m, uri);
  assert.equal(m[1], OVERLAY_WITHOUT_COMMAND);
  return JSON.parse(decodeURIComponent(m[2]));
}

test('the hover link carries the request for exactly that atom, and survives parentheses and brackets', () => {
  const params = overlayWithoutParams(prediction, prediction.neighbours[2]);
  assert.deepEqual(params, {
    uri: 'file:///data/CuO (tenorite).cif', block: 0, siteIndex: 2, modelPath: '/models/mem (v6)', domain: 'Cu-K-FEFF', rank: 3, expect: { siteIndex: 12, image: [3, 0, 0] },
  });
  const uri = overlayWithoutUri(params);
  // A ')' would close the Markdown link: none may be left raw.
  assert.doesNotMatch(uri, /[()\s]/);
  const args = commandArgs(uri);
  assert.deepEqual(args, [params]);
  // The command accepts what VS Code hands it (the spread argument) and the array form alike.
  assert.deepEqual(parseOverlayWithoutArgs((args as unknown[])[0]), params);
  assert.deepEqual(parseOverlayWithoutArgs(args), params);

  const link = overlayWithoutLink(prediction, prediction.neighbours[2]);
  const m = /^\[(.*)\]\((command:\S+) "([^"]*)"\)$/.exec(link);
  assert.ok(m, link);
  assert.equal(m[1], 'Overlay spectrum without Cu\\[2\\]', 'the label is Markdown-escaped');
  assert.deepEqual(commandArgs(m[2]), [params]);
  assert.equal(m[3], 'Predict Cu1 again without Cu Cu[2] at 2.900 Å, rank 3, and overlay it in the spectrum panel');
});

test('bad command arguments are refused with the reason, before any request', () => {
  const ok = { uri: 'file:///a.cif', block: 0, siteIndex: 1, rank: 2 };
  assert.deepEqual(parseOverlayWithoutArgs(ok), ok);
  assert.match((parseOverlayWithoutArgs(undefined) as { error: string }).error, /needs \{ uri, block, siteIndex, rank \}/);
  assert.match((parseOverlayWithoutArgs({ ...ok, rank: 0 }) as { error: string }).error, /rank must be/);
  assert.match((parseOverlayWithoutArgs({ ...ok, rank: '1' }) as { error: string }).error, /rank must be/);
  assert.match((parseOverlayWithoutArgs({ ...ok, block: -1 }) as { error: string }).error, /block and siteIndex/);
  assert.match((parseOverlayWithoutArgs({ ...ok, uri: '' }) as { error: string }).error, /uri/);
  assert.match((parseOverlayWithoutArgs({ ...ok, modelPath: 3 }) as { error: string }).error, /modelPath must be a string/);
  assert.match((parseOverlayWithoutArgs({ ...ok, expect: { siteIndex: 1, image: [0, 0.5, 0] } }) as { error: string }).error, /expect must be/);
});

test('the sensitivity hover links the atom, or a row\'s most sensitive atom and each atom in the table', () => {
  const one = hoverMarkdown(prediction, 12, 'mean', { status: 'ready', result: sens }) ?? '';
  const link = /removing this atom changes μ by .*rank 3 of 3\)\. \[Overlay spectrum without Cu\\\[2\\\]\]\((command:\S+) "/.exec(one);
  assert.ok(link, one);
  assert.equal((commandArgs(link[1]) as { rank: number }[])[0].rank, 3);
  // One atom in the row: the sentence's link is enough, the table has none.
  assert.equal([...one.matchAll(/command:/g)].length, 1);

  const row = hoverMarkdown(prediction, 11, 'mean', { status: 'ready', result: sens }) ?? '';
  // Rank 2 (order 1) is the row's most sensitive O.
  const top = /\[Overlay spectrum without O11\]\((command:\S+) "[^"]*"\) \(this row's most sensitive atom, at 1\.962 Å; the table links each atom\)\./.exec(row);
  assert.ok(top, row);
  assert.equal((commandArgs(top[1]) as { rank: number }[])[0].rank, 2);
  const cells = [...row.matchAll(/\| (\d) \| O O11 \|.*\[overlay\]\((command:\S+) "/g)];
  assert.deepEqual(cells.map((c) => [Number(c[1]), (commandArgs(c[2]) as { rank: number }[])[0].rank]), [[1, 1], [2, 2]]);
  // No sensitivity yet: nothing to link.
  assert.doesNotMatch(hoverMarkdown(prediction, 11, 'mean', { status: 'pending' }) ?? '', /command:/);
});

const E = [8980, 8985, 8990, 8995, 9000, 9005];
const FULL = [0.1, 0.3, 1.2, 1.5, 1.1, 1.0];
const WITHOUT = [0.1, 0.32, 1.1, 1.45, 1.12, 1.0];

const withoutResult: PredictWithoutResult = {
  uri: 'file:///w/tenorite.cif', block: 0, siteIndex: 2, blockName: 'CuO_tenorite', label: 'Cu1', element: 'Cu', multiplicity: 4,
  domain: prediction.domain, energies: E, mu: WITHOUT, std: WITHOUT.map(() => 0.01), fullMu: FULL, fullStd: FULL.map(() => 0.02),
  removed: { rank: 1, element: 'O', label: 'O1', distance: 1.9508, siteIndex: 5, image: [0, 1, 0], range: range(20) },
  meanAbsDelta: (0.02 + 0.1 + 0.05 + 0.02) / 6, method: 'm', model: { name: 'mem-xanes-v6', version: '6.0', path: '/m' }, backend: 'wasm', timingMs: 9,
};

test('the overlay and its full curve for the panel: ids, curves of one pass, the removed atom', () => {
  const { overlay, parent } = toPanelOverlay(withoutResult);
  assert.equal(parent.id, 'file:///w/tenorite.cif#0#2#mem-xanes-v6@6.0#Cu-K-FEFF', 'the lens prediction\'s id');
  assert.deepEqual(parent.mu, FULL);
  assert.deepEqual(parent.std, FULL.map(() => 0.02));
  assert.equal(overlay.id, `${parent.id}#without#1`);
  assert.equal(overlay.parentId, parent.id);
  assert.deepEqual(overlay.mu, WITHOUT);
  assert.deepEqual(overlay.fullMu, FULL);
  assert.deepEqual(overlay.removed, { element: 'O', label: 'O1', distance: 1.9508, rank: 1 });
  assert.ok(validateHostMessage({ type: 'addOverlay', overlay, parent }), 'the host sends what the webview accepts');
  assert.match(formatWithout(withoutResult), /^Cu1 without #1 O O1 1\.951 Å \(Cu-K-FEFF, 9 ms\): mean \|Δμ\| 0\.0317, largest Δμ -0\.1000 at 8990\.0 eV$/);
});

function overlayFixture(): { overlay: PanelOverlay; parent: ReturnType<typeof toPanelOverlay>['parent'] } {
  return toPanelOverlay(withoutResult);
}

test('panel state: an overlay brings its full curve when missing, leaves a present one alone, and goes with its Δμ', () => {
  const { overlay, parent } = overlayFixture();
  // A closed and reopened panel is empty: the overlay comes with its reference curve.
  let s = addOverlay(initialState(), overlay, parent);
  assert.deepEqual(s.spectra.map((e) => e.spectrum.id), [parent.id]);
  assert.deepEqual(s.overlays.map((e) => [e.overlay.id, e.color]), [[overlay.id, 1]]);
  assert.equal(s.selected, overlay.id);
  // The lens curve the user hid stays hidden and unchanged; the overlay is replaced in place.
  const lens = { ...parent, mu: FULL.map((v) => v + 1e-7) };
  s = toggleHidden(addSpectra(initialState(), [lens], false), parent.id, false);
  s = addOverlay(s, overlay, parent);
  s = addOverlay(toggleHidden(s, deltaId(overlay.id), false), { ...overlay, meanAbsDelta: 0.5 }, parent);
  assert.deepEqual(s.spectra[0].spectrum.mu, lens.mu);
  assert.deepEqual(s.hidden, [parent.id], 'a recomputed overlay shows its Δμ again');
  assert.equal(s.overlays.length, 1);
  assert.equal(s.overlays[0].overlay.meanAbsDelta, 0.5);
  s = toggleHidden(s, deltaId(overlay.id), false);
  s = removeSpectrum(s, overlay.id);
  assert.deepEqual(s.overlays, []);
  assert.deepEqual(s.hidden, [parent.id], 'the Δμ curve\'s hidden flag went with it');
  assert.equal(s.selected, undefined);
});

test('derived curves: the overlay is dashed and labelled, Δμ = without − full on the right axis, exported', () => {
  const { overlay, parent } = overlayFixture();
  const s = addOverlay(initialState(), overlay, parent);
  const d = derive(s);
  assert.deepEqual(d.series.map((x) => [x.kind, x.label, x.axis]), [
    ['prediction', 'Cu1 (Cu ×4)', 'y'],
    ['without', 'Cu1 without O1 (rank 1)', 'y'],
    ['delta', 'Δμ = Cu1 without O1 (rank 1) − full', 'y2'],
  ]);
  const [full, without, delta] = d.series;
  assert.deepEqual(without.y, WITHOUT);
  assert.deepEqual(without.lower, WITHOUT.map((v) => v - 0.02));
  WITHOUT.forEach((v, i) => assert.ok(Math.abs(delta.y[i] - (v - FULL[i])) < 1e-15));
  const meanAbs = delta.y.reduce((a, v) => a + Math.abs(v), 0) / delta.y.length;
  assert.ok(Math.abs(meanAbs - overlay.meanAbsDelta) < 1e-12, 'the Δμ curve\'s mean |·| is the hover\'s number');
  // Both on the full curve's E0, so the relative axis does not hide an edge shift.
  assert.equal(without.e0, full.e0);
  assert.equal(delta.e0, full.e0);
  assert.match(without.detail, /^O O1 at 1\.951 Å removed; mean \|Δμ\| 0\.0317 · tenorite\.cif · CuO_tenorite · mem-xanes-v6 6\.0$/);
  assert.ok(seriesDash(without.color, 'without').length > 0 && seriesDash(delta.color, 'delta').length > 0);
  assert.deepEqual(seriesDash(full.color, 'prediction'), []);
  // Normalised predictions: both curves on the full curve's normalisation (its pre-edge line and
  // edge step), so Δμ is raw Δμ over that one step and still exactly the plotted without − full.
  const n = derive({ ...s, normalisePredicted: true });
  const [nFull, nWithout, nDelta] = n.series;
  assert.notDeepEqual(nWithout.y, WITHOUT);
  const step = nDelta.deltaScale;
  assert.ok(step !== undefined && step > 0.2 && step < 5, `edge step ${step}`);
  nDelta.y.forEach((v, i) => {
    assert.ok(Math.abs(v - (nWithout.y[i] - nFull.y[i])) < 1e-12, `point ${i}: Δμ is the plotted difference`);
    assert.ok(Math.abs(v - delta.y[i] / step) < 1e-12, `point ${i}: raw Δμ over the full curve's step`);
  });
  assert.ok(Math.abs((nWithout.upper as number[])[3] - nWithout.y[3] - 0.02 / step) < 1e-12, 'the band is scaled by the same step');
  assert.match(nDelta.detail, /divided by the full curve's edge step/);
  assert.equal(delta.deltaScale, undefined);

  const csv = buildCsv(d.series, s, new Date('2025-01-02T03:04:05Z')).split('\n');
  assert.ok(csv.includes('# Cu1 without O1 (rank 1): O O1 at 1.951 Å removed; mean |Δμ| 0.0317 · tenorite.cif · CuO_tenorite · mem-xanes-v6 6.0; E0 ' + without.e0.toFixed(2) + ' eV'));
  const header = csv.find((l) => l.startsWith('energy_eV'));
  assert.equal(header, 'energy_eV,Cu1 (Cu ×4),Cu1 (Cu ×4) -2sigma,Cu1 (Cu ×4) +2sigma,Cu1 without O1 (rank 1),Cu1 without O1 (rank 1) -2sigma,Cu1 without O1 (rank 1) +2sigma,Δμ = Cu1 without O1 (rank 1) − full');
  const row = csv.find((l) => l.startsWith('8990,'))?.split(',').map(Number);
  assert.deepEqual(row, [8990, 1.2, 1.16, 1.24, 1.1, 1.08, 1.12, -0.1]);

  const xdi = parseXdi(buildXdi(delta, s, new Date('2025-01-02T03:04:05Z')));
  assert.equal(xdiField(xdi, 'XANESLens.removed'), 'O O1, rank 1 by distance, 1.9508 A');
  assert.equal(xdiField(xdi, 'XANESLens.kind'), 'delta');
  assert.deepEqual(xdi.rows.map((r) => Number(r[1].toFixed(6))), delta.y.map((v) => Number(v.toFixed(6))));
  assert.equal(exportFileName(without, 'xdi'), 'tenorite_Cu1_without_O1_rank1.xdi');
  assert.equal(exportFileName(delta, 'csv'), 'tenorite_Cu1_delta_without_O1_rank1.csv');
});

test('overlay and shown messages are validated like every other', () => {
  const { overlay, parent } = overlayFixture();
  const ok = { type: 'addOverlay', overlay, parent };
  assert.ok(validateHostMessage(ok));
  assert.equal(validateHostMessage({ ...ok, parent: { ...parent, id: 'other' } }), null, 'the parent must be the overlay\'s');
  assert.equal(validateHostMessage({ ...ok, overlay: { ...overlay, fullMu: FULL.slice(1) } }), null);
  assert.equal(validateHostMessage({ ...ok, overlay: { ...overlay, removed: { ...overlay.removed, rank: 0 } } }), null);
  assert.equal(validateHostMessage({ ...ok, overlay: { ...overlay, extra: 1 } }), null);
  assert.equal(validateHostMessage({ ...ok, overlay: { ...overlay, meanAbsDelta: -1 } }), null);
  const shown = { type: 'shown', series: [{ id: 'a', kind: 'without', label: 'Cu1 without O1 (rank 1)', visible: true, points: 111, dash: [7, 4], axis: 'y' }] };
  assert.deepEqual(validateWebviewMessage(shown), shown);
  assert.equal(validateWebviewMessage({ ...shown, series: [{ ...shown.series[0], kind: 'bogus' }] }), null);
  assert.equal(validateWebviewMessage({ ...shown, series: [{ ...shown.series[0], axis: 'y3' }] }), null);
});
