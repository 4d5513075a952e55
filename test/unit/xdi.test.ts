import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isXdi, parseXdi, writeXdi, xdiField, xdiToTable } from '../../server/src/spectrum/xdi';
import { loadSpectrumText } from '../../server/src/spectrum/load';

const fixture = readFileSync(path.resolve('test/fixtures/spectra/synthetic-fe.xdi'), 'utf8');

test('reads XDI fields, columns, comments and data', () => {
  assert.ok(isXdi(fixture));
  const doc = parseXdi(fixture);
  assert.equal(doc.version, '1.0');
  assert.equal(doc.applications, 'XanesLens-fixture/1');
  assert.deepEqual(doc.columns[0], { index: 1, name: 'energy', units: 'eV' });
  assert.deepEqual(doc.columns.map((c) => c.name), ['energy', 'mutrans', 'i0', 'itrans']);
  assert.equal(xdiField(doc, 'element.SYMBOL'), 'Fe');
  assert.equal(xdiField(doc, 'Mono.d_spacing'), '3.13551');
  assert.equal(doc.comments.length, 2);
  assert.deepEqual(doc.labels, ['energy', 'mutrans', 'i0', 'itrans']);
  assert.equal(doc.rows.length, 251);
  assert.deepEqual(doc.rows[0], [7050, 0.131605, 100000, 87668.715]);
});

test('XDI round trip: write(read(x)) reads back identical, and is stable', () => {
  const doc = parseXdi(fixture);
  const text = writeXdi(doc);
  assert.deepEqual(parseXdi(text), doc);
  assert.equal(writeXdi(parseXdi(text)), text);
});

test('XDI written from scratch keeps full double precision', () => {
  const doc = {
    version: '1.0',
    applications: 'XANESLens/0.1',
    fields: [{ namespace: 'XANESLens', tag: 'shift', value: '-1.25 eV' }],
    columns: [{ index: 1, name: 'energy', units: 'eV' }, { index: 2, name: 'norm' }],
    comments: ['predicted'],
    rows: [[7112.1, 0.1 + 0.2], [7112.6, 1 / 3]],
  };
  const back = parseXdi(writeXdi(doc));
  assert.deepEqual(back.rows, doc.rows);
  assert.deepEqual(back.columns, doc.columns);
  assert.equal(xdiField(back, 'XANESLens.shift'), '-1.25 eV');
});

test('malformed XDI is rejected with the line number', () => {
  assert.throws(() => parseXdi('# not xdi\n1 2\n'), /first line/);
  assert.throws(() => parseXdi('# XDI/1.0\n# Column.1: energy\n# bad header line\n#----\n1 2\n'), /line 3/);
  assert.throws(() => parseXdi('# XDI/1.0\n# Column.1: energy\n#----\n1 x\n'), /line 4: non-numeric/);
  assert.throws(() => parseXdi('# XDI/1.0\n# Column.1: energy\n#----\n'), /no data/);
});

test('loading an XDI picks energy and mutrans and keeps metadata', () => {
  const loaded = loadSpectrumText(fixture, 'x.xdi');
  assert.equal(loaded.format, 'xdi');
  assert.deepEqual(loaded.choice, { energy: 0, mode: 'mu', mu: 1 });
  assert.equal(loaded.metadata['Element.symbol'], 'Fe');
  assert.equal(loaded.spectrum.energies.length, 251);
  assert.equal(xdiToTable(parseXdi(fixture)).names[3], 'itrans');
  // Transmission from the raw intensities gives the same μ as the mutrans column.
  const t = loadSpectrumText(fixture, 'x.xdi', { energy: 0, mode: 'transmission', i0: 2, signal: 3 });
  for (const i of [0, 100, 250]) assert.ok(Math.abs(t.spectrum.mu[i] - loaded.spectrum.mu[i]) < 1e-4);
});
