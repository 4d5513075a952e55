import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NeighbourAttention, PredictResult, SensitivityResult } from '../../server/src/lsp_ext';
import { aggregateRows, aggregateRowsBy, hoverMarkdown, minMaxPerHead, parseHeadSetting } from '../../client/src/decorations/attention';
import { revealRanking } from '../../client/src/decorations/reveal';
import { byRank, formatDelta, formatSensitivity, parseHighlightSetting, sensitivityMatches } from '../../client/src/decorations/sensitivity';

const row = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 30 } });
function nb(rank: number, line: number, element: string, distance: number, scores: number[], virtual = false): NeighbourAttention {
  return { rank, element, label: `${element}${line}`, distance, siteIndex: line, image: [0, 0, 0], range: row(line), virtual, scores };
}

const result: PredictResult = {
  uri: 'file:///x.cif', block: 0, siteIndex: 0, blockName: 'x', label: 'Fe1', element: 'Fe', multiplicity: 2,
  absorberRange: row(10), domain: { id: 'Fe-K', element: 'Fe', edge: 'K', method: 'FEFF' },
  energies: [1, 2], mu: [0, 1], heads: 3,
  neighbours: [
    nb(1, 11, 'O', 1.95, [0.5, 0.2, 0.3]),
    nb(2, 11, 'O', 1.98, [0.3, 0.2, 0.3]),
    nb(3, 12, 'Ti', 3.0, [0.2, 0.6, 0.4]),
    nb(4, 13, 'X', 8, [0, 0, 0], true),
  ],
  model: { name: 'mem', version: '1', path: '' }, backend: 'cpu', timingMs: 1,
};

test('rows aggregate their neighbours by sum; virtual neighbours are ignored', () => {
  const mean = aggregateRows(result, 'mean');
  assert.deepEqual(mean.map((r) => r.line), [11, 12]);
  assert.ok(Math.abs(mean[0].value - (1 / 3 + 0.8 / 3)) < 1e-12);
  assert.ok(Math.abs(mean[1].value - 0.4) < 1e-12);
  assert.equal(mean[0].intensity, 1);
  const h2 = aggregateRows(result, 2);
  assert.ok(Math.abs(h2[0].value - 0.4) < 1e-12 && Math.abs(h2[1].value - 0.6) < 1e-12);
  assert.ok(Math.abs(h2[0].intensity - 0.4 / 0.6) < 1e-12);
});

test('min–max per head over real neighbours', () => {
  const mm = minMaxPerHead(result);
  assert.deepEqual(mm.get(result.neighbours[0])?.map((v) => Number(v.toFixed(6))), [1, 0, 0]);
  assert.deepEqual(mm.get(result.neighbours[2])?.map((v) => Number(v.toFixed(6))), [0, 1, 1]);
  assert.equal(mm.has(result.neighbours[3]), false);
});

test('head setting parsing and hover content', () => {
  assert.equal(parseHeadSetting('mean', 3), 'mean');
  assert.equal(parseHeadSetting(2, 3), 2);
  assert.equal(parseHeadSetting('3', 3), 3);
  assert.equal(parseHeadSetting(4, 3), 'mean');
  const md = hoverMarkdown(result, 11, 1);
  assert.ok(md);
  assert.match(md, /2 neighbours from this row \(of 3\); head 1: \*\*0\.800\*\* \(sum over the row's neighbours\)/);
  assert.match(md, /\| 1 \| O O11 \| 1\.950 \| 0\.500 \| 0\.200 \| 0\.300 \| 1\.00 \| 0\.00 \| 0\.00 \|/);
  assert.match(hoverMarkdown(result, 10, 'mean') ?? '', /absorbing atom/);
  assert.equal(hoverMarkdown(result, 13, 'mean'), null);
});

// ---- neighbour sensitivity (occlusion) beside attention ----

const sens: SensitivityResult = {
  uri: result.uri, block: 0, siteIndex: 0, label: 'Fe1', element: 'Fe', domain: result.domain, gridPoints: 2, members: 4,
  method: 'each neighbour removed alone', model: result.model, backend: 'cpu', timingMs: 5,
  neighbours: [
    { rank: 1, element: 'O', label: 'O11', distance: 1.95, siteIndex: 11, image: [0, 0, 0], range: row(11), sensitivity: 0.012, spread: 0.0021, order: 2 },
    { rank: 2, element: 'O', label: 'O11', distance: 1.98, siteIndex: 11, image: [0, 0, 0], range: row(11), sensitivity: 0.0005, spread: 0.0001, order: 3 },
    { rank: 3, element: 'Ti', label: 'Ti12', distance: 3.0, siteIndex: 12, image: [0, 0, 0], range: row(12), sensitivity: 0.03, spread: 0.0042, order: 1 },
  ],
};

test('sensitivity rows sum their neighbours like attention rows', () => {
  const ranks = byRank(sens);
  const rows = aggregateRowsBy(result, (n) => ranks.get(n.rank)?.sensitivity ?? 0);
  assert.deepEqual(rows.map((r) => r.line), [11, 12]);
  assert.ok(Math.abs(rows[0].value - 0.0125) < 1e-12);
  assert.ok(Math.abs(rows[1].value - 0.03) < 1e-12);
  assert.equal(rows[1].intensity, 1);
  assert.ok(Math.abs(rows[0].intensity - 0.0125 / 0.03) < 1e-12);
});

test('the hover tells what removing a row\'s atom does to μ, with per-atom values and ranks', () => {
  const one = hoverMarkdown(result, 12, 'mean', { status: 'ready', result: sens }) ?? '';
  assert.match(one, /removing this atom changes μ by \*\*0\.0300 ± 0\.0042\*\* \(mean \|Δμ\| over the 2-point Fe-K grid, ± over 4 members; rank 1 of 3\)/);
  assert.match(one, /\| 3 \| Ti Ti12 \| 3\.000 \| 0\.200 \| 0\.600 \| 0\.400 \| 0\.00 \| 1\.00 \| 1\.00 \| 0\.0300 ± 0\.0042 \(1\) \|/);
  assert.match(one, /± is the standard deviation over the 4 ensemble members of each member's own mean \|Δμ\|/);
  const two = hoverMarkdown(result, 11, 'mean', { status: 'ready', result: sens }) ?? '';
  assert.match(two, /removing one of this row's 2 atoms changes μ by 5\.0e-4–0\.0120 .*ranks 2–3 of 3\); \*\*Σ 0\.0125\*\* summed over the row like attention/);
  // Two atoms share the row's label: each table row links its own overlay.
  assert.match(two, /\| 2 \| O O11 \| 1\.980 \|.*\| 5\.0e-4 ± 1\.0e-4 \(3\) \[overlay\]\(command:xanes\.overlayWithout\?[^ )]+ "[^"]+"\) \|/);
  // A one-member model has no spread: the value alone, and no footnote about ±.
  const single: SensitivityResult = { ...sens, members: 1, neighbours: sens.neighbours.map((n) => ({ ...n, spread: 0 })) };
  const alone = hoverMarkdown(result, 12, 'mean', { status: 'ready', result: single }) ?? '';
  assert.match(alone, /removing this atom changes μ by \*\*0\.0300\*\* \(mean \|Δμ\| over the 2-point Fe-K grid; rank 1 of 3\)/);
  assert.match(alone, /\| 0\.0300 \(1\) \|/);
  assert.doesNotMatch(alone, /±/);
  assert.match(hoverMarkdown(result, 11, 'mean', { status: 'pending' }) ?? '', /Sensitivity \(occlusion\): computing…/);
  assert.match(hoverMarkdown(result, 11, 'mean', { status: 'failed', message: 'model gone' }) ?? '', /unavailable: model gone/);
  // Without sensitivity the attention hover is what it was.
  assert.doesNotMatch(hoverMarkdown(result, 11, 'mean') ?? '', /Sensitivity|Δμ/);
});

test('sensitivity belongs to one prediction; the setting falls back to attention', () => {
  assert.equal(sensitivityMatches(result, sens), true);
  assert.equal(sensitivityMatches(result, { ...sens, siteIndex: 1 }), false);
  assert.equal(sensitivityMatches(result, { ...sens, domain: { ...sens.domain, id: 'Fe-K-FDMNES' } }), false);
  assert.equal(parseHighlightSetting('sensitivity'), 'sensitivity');
  assert.equal(parseHighlightSetting('bogus'), 'attention');
  assert.equal(formatDelta(0), '0.0000');
  assert.equal(formatDelta(0.01234), '0.0123');
  assert.equal(formatDelta(0.0000123), '1.2e-5');
});

test('S_j with its ensemble spread reads "0.0357 ± 0.0021"; one member shows the value alone', () => {
  assert.equal(formatSensitivity({ sensitivity: 0.0357, spread: 0.0021 }, 4), '0.0357 ± 0.0021');
  assert.equal(formatSensitivity({ sensitivity: 0.0357, spread: 0.00021 }, 4), '0.0357 ± 2.1e-4');
  assert.equal(formatSensitivity({ sensitivity: 0.0357, spread: 0 }, 1), '0.0357');
});

test('Reveal Neighbour ranks by sensitivity when it colours the rows and has arrived, by attention otherwise, and says which', () => {
  const ready = { status: 'ready' as const, result: sens };
  // Attention (head mean): O 1.95 (0.333), Ti (0.4), O 1.98 (0.267) → Ti, O#1, O#2. Virtual left out.
  const att = revealRanking(result, 'mean', 'attention', ready);
  assert.equal(att.by, 'attention');
  assert.deepEqual(att.items.map((x) => x.neighbour.rank), [3, 1, 2]);
  assert.equal(att.title, 'Neighbours of Fe1, by attention (mean over heads)');
  assert.match(att.items[0].description, /^rank 3 · 3\.000 Å · mean over heads 0\.400$/);
  // The panel note carries S_j whenever it is known, whatever the list is sorted by.
  assert.match(att.items[0].note, /attention 0\.200 \/ 0\.600 \/ 0\.400; \|Δμ\| removed 0\.0300 ± 0\.0042 \(sensitivity rank 1 of 3\)/);
  // Head 1: O#1 0.5, O#2 0.3, Ti 0.2.
  assert.deepEqual(revealRanking(result, 1, 'attention').items.map((x) => x.neighbour.rank), [1, 2, 3]);

  // Sensitivity: Ti (0.03), O#1 (0.012), O#2 (0.0005): not the head-1 order, not the distance order.
  const byS = revealRanking(result, 1, 'sensitivity', ready);
  assert.equal(byS.by, 'sensitivity');
  assert.deepEqual(byS.items.map((x) => x.neighbour.rank), [3, 1, 2]);
  assert.match(byS.title, /^Neighbours of Fe1, by sensitivity \(mean \|Δμ\| when removed/);
  assert.deepEqual(byS.items.map((x) => x.description), [
    'rank 3 · 3.000 Å · |Δμ| 0.0300 ± 0.0042',
    'rank 1 · 1.950 Å · |Δμ| 0.0120 ± 0.0021',
    'rank 2 · 1.980 Å · |Δμ| 5.0e-4 ± 1.0e-4',
  ]);
  // Reorder S so that it disagrees with attention of every head: the list follows S.
  const flipped: SensitivityResult = { ...sens, neighbours: sens.neighbours.map((n) => ({ ...n, order: { 1: 3, 2: 1, 3: 2 }[n.rank] ?? 0 })) };
  assert.deepEqual(revealRanking(result, 'mean', 'sensitivity', { status: 'ready', result: flipped }).items.map((x) => x.neighbour.rank), [2, 3, 1]);

  // Asked for, not there: attention order, and the title says why.
  const pending = revealRanking(result, 'mean', 'sensitivity', { status: 'pending' });
  assert.equal(pending.by, 'attention');
  assert.deepEqual(pending.items.map((x) => x.neighbour.rank), [3, 1, 2]);
  assert.equal(pending.title, 'Neighbours of Fe1, by attention (mean over heads; sensitivity still computing)');
  assert.match(revealRanking(result, 'mean', 'sensitivity', { status: 'failed', message: 'x' }).title, /sensitivity unavailable\)$/);
  assert.match(revealRanking(result, 'mean', 'sensitivity').title, /no sensitivity for this prediction\)$/);
  const empty: SensitivityResult = { ...sens, neighbours: [], note: 'nothing' };
  assert.equal(revealRanking(result, 'mean', 'sensitivity', { status: 'ready', result: empty }).by, 'attention');
});
