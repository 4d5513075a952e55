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

test('XDI with the monochromator angle as abscissa: energies by Bragg\'s law from Mono.d_spacing', () => {
  const text = readFileSync(path.resolve('test/fixtures/spectra/fe-angle.xdi'), 'utf8');
  const t = xdiToTable(parseXdi(text));
  assert.equal(t.dSpacing, 3.13551);
  assert.deepEqual(t.units, ['degrees', undefined, undefined, undefined]);
  const l = loadSpectrumText(text, 'fe-angle.xdi');
  assert.deepEqual(l.choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 }, 'itrans, not irefer');
  // Before: 16.26° was read as 16.26 keV.
  const e = 12398.419843320026 / (2 * 3.13551 * Math.sin((16.262722 * Math.PI) / 180));
  assert.ok(Math.abs(l.spectrum.energies[0] - e) < 1e-9, `${l.spectrum.energies[0]} vs ${e}`);
  assert.ok(Math.abs(e - 7060) < 0.001);
  assert.equal(l.spectrum.mu[0], Math.log(250000 / 185575));
  assert.ok(l.notes.some((n) => /monochromator angle "angle" \(degrees\) by Bragg's law with d = 3\.13551 Å/.test(n)));
  const rad = text.replace('# Column.1: angle degrees', '# Column.1: angle radians').replace(/^(\d+\.\d+)/gm, (a) => String((Number(a) * Math.PI) / 180));
  assert.ok(Math.abs(loadSpectrumText(rad, 'r.xdi').spectrum.energies[0] - e) < 1e-6);
});

test('XDI units and fields that change the energy axis: keV, Scan.edge_energy for E − E0, CR line ends, PVs after ||', () => {
  const body = (f: (e: number) => string): string => Array.from({ length: 41 }, (_, i) => f(7080 + 2 * i)).join('\n') + '\n';
  const edge = (e: number): number => 0.3 + 1 / (1 + Math.exp(-(e - 7112) / 1.5));
  const kev = loadSpectrumText('# XDI/1.0\n# Column.1: energy keV\n# Column.2: mutrans\n#----\n# energy mutrans\n' + body((e) => `${e / 1000} ${edge(e)}`), 'k.xdi');
  assert.equal(kev.spectrum.energies[0], 7080);
  assert.ok(kev.notes.includes('energies in keV ("energy") converted to eV'));
  const rel = loadSpectrumText('# XDI/1.0\n# Column.1: energy eV\n# Column.2: norm\n# Scan.edge_energy: 7.112 keV\n#----\n' + body((e) => `${e - 7112} ${edge(e)}`), 'r.xdi');
  assert.equal(rel.spectrum.energies[0], 7080, 'eV units do not stop the relative axis from being moved to E0');
  const cr = '# XDI/1.0\r# Column.1: energy eV\r# Column.2: mutrans\r# Element.symbol: Fe\r#----\r# energy mutrans\r' + body((e) => `${e} ${edge(e)}`).replace(/\n/g, '\r');
  // Before: CR-only line ends (allowed by the XDI spec) made the file one line: "no data rows".
  const c = loadSpectrumText(cr, 'mac.xdi');
  assert.equal(c.spectrum.energies.length, 41);
  assert.equal(c.metadata['Element.symbol'], 'Fe');
  const gse = loadSpectrumText('# XDI/1.0 Epics StepScan File/2.0\n# Column.1: energy eV || 13IDE:En:Energy\n# Column.2: i0 || 13IDE:scaler1.S2\n# Column.3: ifluor || 13SDD1:sum\n#----\n# energy i0 ifluor\n' + body((e) => `${e} 100000 ${500 * edge(e)}`), 'gse.xdi');
  assert.deepEqual(gse.table.units, ['eV', undefined, undefined]);
  assert.deepEqual(gse.choice, { energy: 0, mode: 'fluorescence', i0: 1, signal: 2 });
  assert.equal(writeXdi(parseXdi('# XDI/1.0\n# Column.1: energy eV || PV:E\n#----\n1 2\n')).split('\n')[1], '# Column.1: energy eV || PV:E', 'the PV survives a round trip');
});

test('XDI from a multi-element detector: the dead-time corrected channels are summed into a column of their own', () => {
  const text = '# XDI/1.0 BlueSky/1.5\n# Column.1: energy eV\n# Column.2: i0\n# Column.3: dtc1\n# Column.4: dtc2\n# Column.5: dtc3\n# Column.6: dtc4\n#----\n' +
    Array.from({ length: 30 }, (_, i) => `${7090 + i} 100000 ${10 + i} ${11 + i} ${12 + i} ${13 + i}`).join('\n');
  const l = loadSpectrumText(text, 'bmm.xdi');
  assert.equal(l.table.names[6], 'sum(dtc1..dtc4)');
  assert.deepEqual(l.choice, { energy: 0, mode: 'fluorescence', i0: 1, signal: 6 });
  assert.equal(l.spectrum.mu[2], (12 + 13 + 14 + 15) / 100000);
  assert.ok(l.notes.includes('fluorescence is sum(dtc1..dtc4) (the sum of the detector channels)'));
  const both = loadSpectrumText(text.replace('# Column.3: dtc1', '# Column.7: roi1\n# Column.8: roi2\n# Column.3: dtc1').replace(/^(\d+ 100000 .*)$/gm, '$1 9 9'), 'both.xdi');
  assert.deepEqual(both.table.names.slice(8), ['sum(dtc1..dtc4)', 'sum(roi1..roi2)']);
  assert.equal(both.choice.signal, 8, 'the dead-time corrected sum is the one used');
});
