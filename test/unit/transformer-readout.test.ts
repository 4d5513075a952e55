// The neighbour transformer's readout in the client (client/src/decorations): rows coloured by its
// last-layer weights, the Reveal Neighbour order, the hover's t1…tH columns and the absorber's
// self weights, and the fall back to GAT attention for a model without a transformer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NeighbourAttention, PredictResult } from '../../server/src/lsp_ext';
import {
  aggregateRows,
  aggregateTransformerRows,
  hoverMarkdown,
  parseHeadSetting,
  rowColouring,
  transformerScore,
  transformerSelf,
} from '../../client/src/decorations/attention';
import { revealRanking } from '../../client/src/decorations/reveal';
import { parseHighlightSetting } from '../../client/src/decorations/sensitivity';
import type { SensitivityResult } from '../../server/src/lsp_ext';

const row = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 30 } });
function nb(rank: number, line: number, element: string, distance: number, scores: number[], transformer?: number[], virtual = false): NeighbourAttention {
  const n: NeighbourAttention = { rank, element, label: `${element}${line}`, distance, siteIndex: line, image: [0, 0, 0], range: row(line), virtual, scores };
  return transformer ? { ...n, transformer } : n;
}

// GAT: 3 heads summing to 1 over the 4 real neighbours. Transformer: 4 heads; Cu (rank 4) is past
// the token limit, and self = 1 − Σ tokens per head: [0.59, 0.55, 0.70, 0.68].
// Row 11 holds two O; row 14 only the non-token Cu; line 13 is a virtual slot.
const withTransformer: PredictResult = {
  uri: 'file:///t.cif', block: 0, siteIndex: 0, blockName: 't', label: 'Fe1', element: 'Fe', multiplicity: 1,
  absorberRange: row(10), domain: { id: 'Fe-K', element: 'Fe', edge: 'K', method: 'FEFF' },
  energies: [1, 2], mu: [0, 1], heads: 3,
  neighbours: [
    nb(1, 11, 'O', 1.95, [0.4, 0.2, 0.3], [0.1, 0.3, 0.05, 0.2]),
    nb(2, 11, 'O', 1.98, [0.3, 0.2, 0.3], [0.06, 0.1, 0.15, 0.1]),
    nb(3, 12, 'Ti', 3.0, [0.2, 0.5, 0.3], [0.25, 0.05, 0.1, 0.02]),
    nb(4, 14, 'Cu', 5.5, [0.1, 0.1, 0.1]),
    nb(5, 13, 'X', 8, [0, 0, 0], [0, 0, 0, 0], true),
  ],
  transformer: { heads: 4, self: [0.59, 0.55, 0.7, 0.68] },
  model: { name: 'mem-t', version: '7', path: '' }, backend: 'cpu', timingMs: 1,
};

/** The same prediction from a model without a neighbour transformer. */
const without: PredictResult = {
  ...withTransformer,
  transformer: undefined,
  neighbours: withTransformer.neighbours.map(({ transformer: _t, ...n }) => n),
};

const near = (x: number, y: number, what: string): void => assert.ok(Math.abs(x - y) < 1e-12, `${what}: ${x} vs ${y}`);

test('the fixture obeys the readout\'s contract: per head, self + Σ token weights = 1', () => {
  const tokens = withTransformer.neighbours.filter((n) => !n.virtual && n.transformer);
  for (let h = 0; h < 4; h++) near((withTransformer.transformer?.self[h] ?? 0) + tokens.reduce((a, n) => a + (n.transformer?.[h] ?? 0), 0), 1, `head ${h + 1}`);
});

test('transformer weight per atom: head mean or one head; null (not 0) for a non-token', () => {
  near(transformerScore(withTransformer.neighbours[0], 'mean') ?? NaN, 0.1625, 'O#1 mean');
  near(transformerScore(withTransformer.neighbours[0], 2) ?? NaN, 0.3, 'O#1 head 2');
  assert.equal(transformerScore(withTransformer.neighbours[3], 'mean'), null);
  assert.equal(transformerScore(withTransformer.neighbours[3], 1), null);
  assert.equal(transformerScore(withTransformer.neighbours[0], 5), null);
  near(transformerSelf(withTransformer, 'mean') ?? NaN, 0.63, 'self mean');
  near(transformerSelf(withTransformer, 3) ?? NaN, 0.7, 'self head 3');
  assert.equal(transformerSelf(without, 'mean'), null);
});

test('transformer rows sum the row\'s atoms: mean over heads and a single head; virtual slots left out', () => {
  const mean = aggregateTransformerRows(withTransformer, 'mean');
  assert.deepEqual(mean.map((r) => r.line), [11, 12, 14]);
  // Row 11: O#1 (0.1 + 0.3 + 0.05 + 0.2)/4 = 0.1625 plus O#2 (0.06 + 0.1 + 0.15 + 0.1)/4 = 0.1025.
  near(mean[0].value, 0.265, 'row 11 mean');
  near(mean[1].value, 0.105, 'row 12 mean');
  near(mean[2].value, 0, 'row 14 (non-token)');
  assert.equal(mean[0].intensity, 1);
  near(mean[1].intensity, 0.105 / 0.265, 'row 12 intensity');
  // Head 1 puts Ti above the O pair, unlike GAT head 1 (0.7 vs 0.2).
  const h1 = aggregateTransformerRows(withTransformer, 1);
  near(h1[0].value, 0.16, 'row 11 head 1');
  near(h1[1].value, 0.25, 'row 12 head 1');
  assert.equal(h1[1].intensity, 1);
  near(h1[0].intensity, 0.64, 'row 11 head 1 intensity');
  const gat1 = aggregateRows(withTransformer, 1);
  near(gat1[0].value, 0.7, 'GAT row 11 head 1');
  // Head 4 exists for the transformer only: the one setting parses per pathway.
  assert.equal(parseHeadSetting(4, withTransformer.transformer?.heads ?? 0), 4);
  assert.equal(parseHeadSetting(4, withTransformer.heads), 'mean');
  assert.equal(parseHeadSetting('4', 4), 4);
  assert.equal(parseHeadSetting(5, 4), 'mean');
  near(aggregateTransformerRows(withTransformer, 4)[0].value, 0.3, 'row 11 head 4');
});

test('xanes.highlightBy parses its three values; anything else is attention', () => {
  assert.equal(parseHighlightSetting('attention'), 'attention');
  assert.equal(parseHighlightSetting('sensitivity'), 'sensitivity');
  assert.equal(parseHighlightSetting('transformer'), 'transformer');
  for (const junk of ['Transformer', 'transformers', '', 3, undefined, null, {}, ['transformer']]) {
    assert.equal(parseHighlightSetting(junk), 'attention', String(junk));
  }
});

test('the decorations colour by transformer weights when asked and present, with labels and the self weight', () => {
  const mean = rowColouring(withTransformer, 'transformer', 'mean', 'mean');
  assert.equal(mean.by, 'transformer');
  assert.deepEqual(mean.rows.map((r) => Number(r.value.toFixed(6))), [0.265, 0.105, 0]);
  assert.deepEqual(mean.rows.map(mean.label), ['  transformer 0.265 (Σ2)', '  transformer 0.105', '  transformer —']);
  assert.equal(mean.what, 'neighbour transformer, mean over heads (self 0.630)');
  const h2 = rowColouring(withTransformer, 'transformer', 'mean', 2);
  assert.deepEqual(h2.rows.map(h2.label), ['  transformer 0.400 (Σ2)', '  transformer 0.050', '  transformer —']);
  assert.equal(h2.what, 'neighbour transformer head 2 (self 0.550)');
  // Attention chosen: the transformer readout is not used for the rows.
  const att = rowColouring(withTransformer, 'attention', 1, 2);
  assert.equal(att.by, 'attention');
  assert.deepEqual(att.rows.map(att.label), ['  attention 0.700 (Σ2)', '  attention 0.200', '  attention 0.100']);
  assert.equal(att.what, 'head 1');
});

test('a model without a neighbour transformer colours by GAT attention and says so', () => {
  const fb = rowColouring(without, 'transformer', 'mean', 'mean');
  assert.equal(fb.by, 'attention');
  assert.deepEqual(fb.rows.map((r) => r.value), aggregateRows(without, 'mean').map((r) => r.value));
  assert.deepEqual(fb.rows.map(fb.label), ['  attention 0.567 (Σ2)', '  attention 0.333', '  attention 0.100']);
  assert.equal(fb.what, 'mean over heads (model has no neighbour transformer)');
  // The sensitivity fall back is what it was.
  assert.equal(rowColouring(withTransformer, 'sensitivity', 'mean', 'mean', { status: 'pending' }).what, 'mean over heads (sensitivity pending)');
  assert.equal(rowColouring(withTransformer, 'sensitivity', 'mean', 'mean').what, 'mean over heads (no sensitivity)');
});

test('Reveal Neighbour ranks by transformer weight (non-tokens last), and falls back to attention without one', () => {
  // Transformer mean: O#1 0.1625, Ti 0.105, O#2 0.1025, Cu none. GAT mean would give Ti, O#1, O#2, Cu.
  const t = revealRanking(withTransformer, 'mean', 'transformer', undefined, 'mean');
  assert.equal(t.by, 'transformer');
  assert.deepEqual(t.items.map((x) => x.neighbour.rank), [1, 3, 2, 4]);
  assert.equal(t.title, 'Neighbours of Fe1, by transformer attention (mean over heads; last layer, absorber\'s query)');
  assert.equal(t.items[0].description, 'rank 1 · 1.950 Å · transformer mean over heads 0.163');
  assert.equal(t.items[3].description, 'rank 4 · 5.500 Å · transformer mean over heads — (not a token)');
  assert.equal(t.items[0].note, 'attention 0.400 / 0.200 / 0.300; transformer 0.100 / 0.300 / 0.050 / 0.200');
  assert.equal(t.items[3].note, 'attention 0.100 / 0.100 / 0.100; transformer — (not a token)');
  // A token the transformer gives nothing still ranks above the non-token, whose weight is unknown.
  const zero: PredictResult = { ...withTransformer, neighbours: [...withTransformer.neighbours, nb(6, 15, 'H', 6.1, [0, 0, 0], [0, 0, 0, 0])] };
  assert.deepEqual(revealRanking(zero, 'mean', 'transformer').items.map((x) => x.neighbour.rank), [1, 3, 2, 6, 4]);
  // Head 1: Ti 0.25, O#1 0.1, O#2 0.06; head 3: O#2 0.15, Ti 0.1, O#1 0.05.
  assert.deepEqual(revealRanking(withTransformer, 'mean', 'transformer', undefined, 1).items.map((x) => x.neighbour.rank), [3, 1, 2, 4]);
  const h3 = revealRanking(withTransformer, 1, 'transformer', undefined, 3);
  assert.deepEqual(h3.items.map((x) => x.neighbour.rank), [2, 3, 1, 4]);
  assert.match(h3.title, /by transformer attention \(head 3;/);
  // Attention chosen: GAT order, but the notes still carry the transformer weights.
  const att = revealRanking(withTransformer, 'mean', 'attention', undefined, 3);
  assert.equal(att.by, 'attention');
  assert.deepEqual(att.items.map((x) => x.neighbour.rank), [3, 1, 2, 4]);
  assert.match(att.items[1].note, /; transformer 0\.100 \/ 0\.300 \/ 0\.050 \/ 0\.200$/);
  // No transformer: GAT order, the title says why, and no transformer in the notes.
  const fb = revealRanking(without, 'mean', 'transformer', undefined, 'mean');
  assert.equal(fb.by, 'attention');
  assert.deepEqual(fb.items.map((x) => x.neighbour.rank), [3, 1, 2, 4]);
  assert.equal(fb.title, 'Neighbours of Fe1, by attention (mean over heads; model has no neighbour transformer)');
  assert.equal(fb.items[1].note, 'attention 0.400 / 0.200 / 0.300');
});

test('the hover adds t1…t4 columns after the GAT columns, "—" for a non-token, and the explanation', () => {
  const md = hoverMarkdown(withTransformer, 11, 'mean') ?? '';
  assert.match(md, /\| rank \| atom \| d \(Å\) \| h1 raw \| h2 raw \| h3 raw \| h1 min–max \| h2 min–max \| h3 min–max \| t1 \| t2 \| t3 \| t4 \|\n/);
  assert.match(md, /\n\|( --- \|){13}\n/);
  // Min–max over the 4 real neighbours: h1 (0.4 − 0.1)/0.3 = 1, h2 (0.2 − 0.1)/0.4 = 0.25, h3 1.
  assert.match(md, /\| 1 \| O O11 \| 1\.950 \| 0\.400 \| 0\.200 \| 0\.300 \| 1\.00 \| 0\.25 \| 1\.00 \| 0\.100 \| 0\.300 \| 0\.050 \| 0\.200 \|\n/);
  assert.match(md, /\| 2 \| O O11 \| 1\.980 \| .* \| 0\.060 \| 0\.100 \| 0\.150 \| 0\.100 \|$/m);
  assert.match(md, /_t1…t4: last layer of the neighbour transformer, the weight of the absorber's query on each atom; with the absorber itself they sum to 1 per head\._/);
  // Without transformerHead the headline stays GAT attention.
  assert.match(md, /2 neighbours from this row \(of 4\); mean over heads: \*\*0\.567\*\* \(sum over the row's neighbours\)/);
  const cu = hoverMarkdown(withTransformer, 14, 'mean') ?? '';
  assert.match(cu, /\| 4 \| Cu Cu14 \| 5\.500 \| 0\.100 \| 0\.100 \| 0\.100 \| 0\.00 \| 0\.00 \| 0\.00 \| — \| — \| — \| — \|/);
  assert.match(cu, /—: not a token \(beyond the model's token limit\)\._/);
});

test('the hover\'s headline follows what colours the rows: transformer sums, non-tokens, fall back', () => {
  assert.match(hoverMarkdown(withTransformer, 11, 'mean', undefined, 2) ?? '', /2 neighbours from this row \(of 4\); neighbour transformer head 2: \*\*0\.400\*\* \(sum over the row's neighbours\)/);
  assert.match(hoverMarkdown(withTransformer, 12, 1, undefined, 'mean') ?? '', /1 neighbour from this row \(of 4\); neighbour transformer, mean over heads: \*\*0\.105\*\*\n/);
  assert.match(hoverMarkdown(withTransformer, 14, 'mean', undefined, 'mean') ?? '', /neighbour transformer, mean over heads: \*\*—\*\* \(not a token/);
  // A row of a token and a non-token sums the token and says one atom is missing.
  const mixed: PredictResult = {
    ...withTransformer,
    neighbours: withTransformer.neighbours.map((n) => (n.rank === 2 ? { ...n, transformer: undefined } : n)),
  };
  assert.match(hoverMarkdown(mixed, 11, 'mean', undefined, 1) ?? '', /neighbour transformer head 1: \*\*0\.100\*\* \(sum over the row's tokens; 1 atom beyond the token limit\)/);
  assert.match(hoverMarkdown(mixed, 11, 'mean') ?? '', /\| 2 \| O O11 \| 1\.980 \| .* \| — \| — \| — \| — \|$/m);
  // No transformer in the model: GAT headline with the reason, no transformer columns or lines.
  const fb = hoverMarkdown(without, 11, 'mean', undefined, 'mean') ?? '';
  assert.match(fb, /mean over heads \(model has no neighbour transformer\): \*\*0\.567\*\*/);
  assert.doesNotMatch(fb, /\bt1\b|last layer|token/);
  // And without transformerHead an older result's hover is exactly what it was: 9 columns.
  const old = hoverMarkdown(without, 11, 'mean') ?? '';
  assert.match(old, /\n\|( --- \|){9}\n/);
  assert.doesNotMatch(old, /transformer|t1/);
});

test('the absorber\'s own line shows the self weights per transformer head', () => {
  const md = hoverMarkdown(withTransformer, 10, 'mean') ?? '';
  assert.match(md, /absorbing atom/);
  assert.match(md, /Neighbour transformer \(last layer\): the absorber's query keeps t1 0\.590 · t2 0\.550 · t3 0\.700 · t4 0\.680 on the absorber itself/);
  assert.doesNotMatch(hoverMarkdown(without, 10, 'mean') ?? '', /transformer/);
  // Not on a neighbour's line.
  assert.doesNotMatch(hoverMarkdown(withTransformer, 12, 'mean') ?? '', /keeps t1/);
});

test('with sensitivity in, its column follows the transformer columns', () => {
  const sens: SensitivityResult = {
    uri: withTransformer.uri, block: 0, siteIndex: 0, label: 'Fe1', element: 'Fe', domain: withTransformer.domain, gridPoints: 2, members: 1,
    method: 'each neighbour removed alone', model: withTransformer.model, backend: 'cpu', timingMs: 5,
    neighbours: [{ rank: 3, element: 'Ti', label: 'Ti12', distance: 3.0, siteIndex: 12, image: [0, 0, 0], range: row(12), sensitivity: 0.03, spread: 0, order: 1 }],
  };
  const md = hoverMarkdown(withTransformer, 12, 'mean', { status: 'ready', result: sens }) ?? '';
  assert.match(md, /\| t4 \| \|Δμ\| removed \(rank\) \|\n\|( --- \|){14}\n/);
  assert.match(md, /\| 0\.250 \| 0\.050 \| 0\.100 \| 0\.020 \| 0\.0300 \(1\) \|/);
});
