import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NeighbourAttention, PredictResult } from '../../server/src/lsp_ext';
import { aggregateRows, hoverMarkdown, minMaxPerHead, parseHeadSetting } from '../../client/src/decorations/attention';

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
