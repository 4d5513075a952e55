import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { guessColumns, parseColumns, spectrumFromTable } from '../../server/src/spectrum/columns';
import { loadSpectrumText } from '../../server/src/spectrum/load';
import { normalizeSpectrum } from '../../server/src/spectrum/normalize';
import { spectraToCsv } from '../../server/src/spectrum/csv';

const read = (f: string): string => readFileSync(path.resolve('test/fixtures/spectra', f), 'utf8');

test('CSV with a header row and ; comments: transmission μ = ln(I0/It)', () => {
  const t = parseColumns(read('synthetic-fe-transmission.csv'));
  assert.equal(t.delimiter, ',');
  assert.deepEqual(t.names, ['Energy', 'I0', 'It', 'Iref']);
  assert.equal(t.columns[0].length, 126);
  assert.equal(t.comments.length, 2);
  const choice = guessColumns(t);
  assert.deepEqual(choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 });
  const s = spectrumFromTable(t, choice);
  assert.ok(Math.abs(s.mu[0] - Math.log(100000 / 87668.715)) < 1e-12);
  const n = normalizeSpectrum(s.energies, s.mu);
  assert.ok(Math.abs(n.e0 - 7120) < 1, `E0 ${n.e0}`);
});

test('Athena-style .xmu: names from the last comment line', () => {
  const t = parseColumns(read('synthetic-fe.xmu'));
  assert.equal(t.delimiter, 'whitespace');
  assert.deepEqual(t.names, ['energy', 'xmu', 'i0']);
  assert.deepEqual(guessColumns(t), { energy: 0, mode: 'mu', mu: 1 });
  assert.equal(loadSpectrumText(read('synthetic-fe.xmu'), 'a.xmu').spectrum.energies.length, 84);
});

test('headerless two-column data, keV energies, semicolons with decimal commas, junk rows', () => {
  const t = parseColumns('! scan\n7.100 0.1\n7.101 0.2\n7.102 0.4\n7.103 0.8\n7.104 1.0\n7.105 1.0\nend of scan\n');
  assert.deepEqual(t.names, ['col1', 'col2']);
  assert.equal(t.skippedRows, 1);
  const s = spectrumFromTable(t, guessColumns(t));
  assert.ok(Math.abs(s.energies[1] - 7101) < 1e-9);
  assert.ok(s.notes.some((n) => n.includes('keV')));
  const eu = parseColumns('E;mu\n7100,5;0,25\n7101,5;0,5\n');
  assert.equal(eu.delimiter, ';');
  assert.deepEqual(eu.columns, [[7100.5, 7101.5], [0.25, 0.5]]);
});

test('fluorescence If/I0 and clear errors for bad choices', () => {
  const t = parseColumns('energy i0 ifluor\n1 2 1\n2 2 2\n3 2 3\n4 2 4\n5 2 5\n');
  const c = guessColumns(t);
  assert.deepEqual(c, { energy: 0, mode: 'fluorescence', i0: 1, signal: 2 });
  assert.ok(Math.abs(spectrumFromTable(t, c).mu[3] - 2) < 1e-12);
  assert.throws(() => spectrumFromTable(t, { energy: 0, mode: 'mu', mu: 7 }), /column 8 does not exist/);
  assert.throws(() => parseColumns('# only\n# comments\n'), /no data rows/);
});

test('Athena projects load through the same entry point, by name or by header', () => {
  const prj = read('athena-0.8.prj');
  const byName = loadSpectrumText(prj, 'a.prj', undefined, { group: 1 });
  assert.equal(byName.format, 'athena');
  assert.equal(byName.athena?.label, 'Fe foil (0.8)');
  assert.deepEqual(byName.table.names, ['energy', 'mu', 'i0']);
  assert.deepEqual(byName.spectrum, loadSpectrumText(read('synthetic-fe.xmu'), 'a.xmu').spectrum);
  assert.equal(loadSpectrumText(prj, 'exported.txt', undefined, { group: 'Fe_ref' }).spectrum.energies.length, 10);
  assert.throws(() => loadSpectrumText('x', 'a.prj'), /a\.prj is not an Athena project file/);
});

test('CSV export on the union grid, empty cells outside a spectrum, quoted names', () => {
  const csv = spectraToCsv(
    [
      { name: 'Fe1, site', energies: [1, 2, 3], values: [0.1, 0.2, 0.3] },
      { name: 'avg', energies: [2, 4], values: [1, 3] },
    ],
    ['model: test'],
  );
  assert.equal(csv, '# model: test\nenergy_eV,"Fe1, site",avg\n1,0.1,\n2,0.2,1\n3,0.3,2\n4,,3\n');
});
