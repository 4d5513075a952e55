import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { guessColumns, parseColumns, spectrumFromTable } from '../../server/src/spectrum/columns';
import { loadSpectrumText } from '../../server/src/spectrum/load';
import { loadSpectrumBytes } from '../../server/src/spectrum/bytes';
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

// ---- Files as beamlines, analysis programs and spreadsheets write them -------------------------

const HC = 12398.419843320026;
const bragg = (deg: number, d = 3.13551): number => HC / (2 * d * Math.sin((deg * Math.PI) / 180));
const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);
/** Fe-like μ(E) on 7050…7250 eV in steps of 2 eV, for inline files. */
const EDGE = (e: number): number => 0.3 + 1 / (1 + Math.exp(-(e - 7112) / 1.5));
const GRID = Array.from({ length: 101 }, (_, i) => 7050 + 2 * i);
const rows = (f: (e: number, i: number) => string, grid: readonly number[] = GRID): string => grid.map(f).join('\n') + '\n';

test('energies relative to the edge are not read as keV; with E0 in the header they become absolute', () => {
  const window = GRID.filter((e) => e >= 7092 && e <= 7192);
  // Before: -20…80 fell under the "below 100 is keV" rule and became -20000…80000 eV.
  const rel = loadSpectrumText('# dE mu\n' + rows((e) => `${e - 7112} ${EDGE(e)}`, window), 'rel.dat');
  assert.equal(rel.spectrum.energies[0], -20);
  assert.equal(rel.spectrum.energies.at(-1), 80);
  assert.ok(rel.notes.some((n) => /relative to the edge \(E − E0\).*no E0/.test(n)), rel.notes.join(' | '));
  const withE0 = loadSpectrumText('# E0 = 7112.0\n# E-E0 mu\n' + rows((e) => `${e - 7112} ${EDGE(e)}`, window), 'rel.dat');
  assert.equal(withE0.spectrum.energies[0], 7092);
  assert.ok(withE0.notes.some((n) => /E0 = 7112 eV from the file header added/.test(n)));
});

test('keV energies (8.9–9.1) become eV with a note; keV in the column name counts too', () => {
  const cu = Array.from({ length: 101 }, (_, i) => 8.9 + 0.002 * i);
  const l = loadSpectrumText('# energy mu\n' + rows((e) => `${e.toFixed(4)} ${EDGE(e * 1000 - 1867)}`, cu), 'cu.dat');
  close(l.spectrum.energies[50], 9000, 1e-12);
  assert.ok(l.notes.some((n) => /keV/.test(n)));
  const named = loadSpectrumText('Energy (keV),mu\n' + rows((e) => `${(e / 1000).toFixed(4)},${EDGE(e)}`), 'k.csv');
  assert.equal(named.spectrum.energies[1], 7052);
  assert.ok(named.notes.some((n) => /keV \("Energy \(keV\)"\) converted/.test(n)));
});

test('a restarted sweep: repeated energies dropped and the turn-back reported', () => {
  const text = '# energy mu\n' + rows((e) => `${e} ${EDGE(e)}`, GRID.slice(0, 50)) + rows((e) => `${e} ${EDGE(e) + 0.01}`, GRID.slice(40));
  const l = loadSpectrumText(text, 'restart.dat');
  assert.equal(l.spectrum.energies.length, 101);
  assert.equal(l.spectrum.mu[45], EDGE(7140), 'the first sweep is kept at repeated energies');
  assert.equal(l.spectrum.mu[60], EDGE(7170) + 0.01);
  assert.ok(l.notes.some((n) => /goes back 1 time\(s\) \(first at data row 51: 7148 → 7130 eV/.test(n)), l.notes.join(' | '));
  assert.ok(l.notes.includes('10 point(s) at a repeated energy dropped (the first kept)'));
  const down = loadSpectrumText('# energy mu\n' + rows((e) => `${e} ${EDGE(e)}`, [...GRID].reverse()), 'down.dat');
  assert.deepEqual(down.spectrum.energies, GRID);
  assert.deepEqual(down.notes, [], 'a plain descending scan needs no note');
});

test('empty, NaN and text cells cost a point only where the spectrum uses them', () => {
  const text = 'Energy,I0,It,Temp\n' + rows((e, i) => `${e},${i === 5 ? 'NaN' : 100000},${100000 * Math.exp(-EDGE(e))},${i % 10 === 3 ? '' : '295.1'}`);
  const l = loadSpectrumText(text, 'nan.csv');
  // Before: every row with an empty Temp cell was dropped, silently.
  assert.equal(l.spectrum.energies.length, 100);
  assert.ok(!l.spectrum.energies.includes(7060));
  assert.ok(l.notes.some((n) => n.startsWith('1 point(s) dropped: an empty, NaN or text cell, or I0 or It ≤ 0')), l.notes.join(' | '));
  const t = parseColumns(text);
  assert.equal(t.skippedRows, 0);
  assert.ok(Number.isNaN(t.columns[3][3]));
  const zeros = loadSpectrumText('# energy i0 it\n' + rows((e, i) => `${e} 100000 ${i === 7 ? 0 : 100000 * Math.exp(-EDGE(e))}`), 'z.dat');
  assert.equal(zeros.spectrum.energies.length, 100, 'It = 0 has no logarithm');
});

test('a trailing text column (status, timestamps) does not hide the data', () => {
  const text = '# energy i0 it status\n' + rows((e, i) => `${e} 100000 ${100000 * Math.exp(-EDGE(e))} ${i === 20 ? 'BEAMLOSS' : 'OK'}`);
  // Before: "no numeric data rows found".
  const l = loadSpectrumText(text, 'status.dat');
  assert.deepEqual(l.choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 });
  assert.equal(l.spectrum.energies.length, 101);
  close(l.spectrum.mu[10], EDGE(7070));
  assert.ok(l.notes.includes('column 4 ("status") holds text, not numbers; it is left out'));
});

test('header lines: units in brackets, tabs, #L lines, a units row, quoted CSV, prose above the names', () => {
  const trans = (e: number): string => `${e}\t100000\t${100000 * Math.exp(-EDGE(e))}`;
  const cases: [string, string, string[]][] = [
    ['Energy (eV)\tI0 (counts)\tIt (counts)\n' + rows(trans), 'tabs.txt', ['Energy (eV)', 'I0 (counts)', 'It (counts)']],
    ['# Energy (eV)  I0 (cts)  I1 (cts)\n' + rows(trans), 'units.dat', ['Energy (eV)', 'I0 (cts)', 'I1 (cts)']],
    ['# Energy(eV) I0(counts) It(counts)\n' + rows(trans), 'glued.dat', ['Energy(eV)', 'I0(counts)', 'It(counts)']],
    ['#L Energy  I0  It\n' + rows(trans), 'specl.dat', ['Energy', 'I0', 'It']],
    ['Energy\tI0\tIt\neV\tcounts\tcounts\n' + rows(trans), 'unitsrow.txt', ['Energy', 'I0', 'It']],
    ['"Energy","I0","It"\n' + rows((e) => `"${e}","100000","${100000 * Math.exp(-EDGE(e))}"`), 'quoted.csv', ['Energy', 'I0', 'It']],
    ['# Fe foil at RT\n# run 12 of 40\n# Energy I0 It\n# ----\n' + rows(trans), 'prose.dat', ['Energy', 'I0', 'It']],
  ];
  for (const [text, name, names] of cases) {
    // Before: names fell back to col1…col3 (or the units row) and I0 was shown as μ.
    const l = loadSpectrumText(text, name);
    assert.deepEqual(l.table.names, names, name);
    assert.deepEqual(l.choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 }, name);
    close(l.spectrum.mu[30], EDGE(7110));
  }
  assert.deepEqual(parseColumns(cases[4][0]).units, ['eV', 'counts', 'counts']);
});

test('separators: tabs and spaces with decimal commas, Excel CSV (BOM, CRLF, ;;), CR-only lines, Fortran D exponents', () => {
  const euro = (v: number): string => String(v).replace('.', ',');
  const tab = loadSpectrumText('Energy\tmu\n' + rows((e) => `${euro(e + 0.5)}\t${euro(EDGE(e))}`), 'eu.txt');
  assert.equal(tab.spectrum.energies[0], 7050.5);
  assert.equal(tab.spectrum.mu[0], EDGE(7050));
  const spaced = parseColumns('energy mu\n7100,5 0,25\n7101,5 0,5\n');
  assert.deepEqual(spaced.columns, [[7100.5, 7101.5], [0.25, 0.5]]);
  // Excel (German locale): BOM, CRLF, ';' with decimal commas, a units row, a notes column and ";;" at the ends.
  const xl = loadSpectrumText(read('excel-de.csv'), 'excel-de.csv');
  assert.deepEqual(xl.table.names, ['Energie', 'I0', 'It', 'Bemerkung']);
  assert.deepEqual(xl.table.units, ['eV', 'counts', 'counts', undefined]);
  assert.deepEqual(xl.choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 });
  assert.equal(xl.spectrum.energies.length, 25, 'the row with an empty It cell is the only one dropped');
  assert.equal(xl.spectrum.mu[0], Math.log(100000 / 74230.1));
  assert.equal(xl.spectrum.mu[9], Math.log(100000 / 74801.3), '7100 eV follows 7092 eV');
  const cr = loadSpectrumText('# energy mu\r' + GRID.map((e) => `${e} ${EDGE(e)}`).join('\r'), 'mac.dat');
  assert.equal(cr.spectrum.energies.length, 101);
  // Excel with ',' as separator quotes fields that hold a decimal comma or the separator.
  const quoted = parseColumns('"Energy, eV","mu"\n"7100,5","0,25"\n"7101,5","0,5"\n');
  assert.deepEqual(quoted.names, ['Energy, eV', 'mu']);
  assert.deepEqual(quoted.columns, [[7100.5, 7101.5], [0.25, 0.5]]);
  const fortran = parseColumns('# energy mu\n0.7112D+04 0.1D+01\n0.7113D+04 0.2D+01\n');
  assert.deepEqual(fortran.columns, [[7112, 7113], [1, 2]]);
});

test('fluorescence detectors by name: PIPS, SDD, iff; an only-If file is not shown as I0', () => {
  for (const det of ['PIPS', 'SDD', 'iff', 'Vortex', 'TFY']) {
    const l = loadSpectrumText(`# Energy I0 ${det}\n` + rows((e) => `${e} 100000 ${500 * EDGE(e)}`), 'f.dat');
    // Before: no name matched, and μ was column 2, which is I0.
    assert.deepEqual(l.choice, { energy: 0, mode: 'fluorescence', i0: 1, signal: 2 }, det);
    close(l.spectrum.mu[80], (500 * EDGE(7210)) / 100000);
  }
});

test('13 fluorescence channels are summed; a dilute sample is read in fluorescence although It is there', () => {
  const l = loadSpectrumText(read('fe-ff13.dat'), 'fe-ff13.dat');
  assert.equal(l.table.names.at(-1), 'sum(FF1..FF13)');
  assert.deepEqual(l.choice, { energy: 0, mode: 'fluorescence', i0: 1, signal: 17 });
  const first = [12, 12, 13, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15].reduce((a, b) => a + b, 0);
  assert.equal(l.spectrum.mu[0], first / 500000);
  const last = [51, 52, 54, 55, 56, 58, 59, 60, 61, 63, 64, 65, 66].reduce((a, b) => a + b, 0);
  assert.equal(l.spectrum.mu.at(-1), last / 500000);
  assert.ok(l.notes.some((n) => /^fluorescence sum\(FF1\.\.FF13\).*ln\(I0\/It\) changes by only 0\.00/.test(n)), l.notes.join(' | '));
  // With a real transmission edge the same layout stays transmission, and says fluorescence is there.
  const thin = loadSpectrumText('# Energy I0 IT IF IR\n' + rows((e) => `${e} 100000 ${100000 * Math.exp(-EDGE(e))} ${500 * EDGE(e)} ${100000 * Math.exp(-2 * EDGE(e))}`), 'x.dat');
  assert.deepEqual(thin.choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 });
  assert.ok(thin.notes.some((n) => /transmission ln\(I0\/It\) chosen; the file also has fluorescence "IF"/.test(n)));
});

test('the reference channel is never taken for the sample', () => {
  const t = (names: string, f: (e: number) => string): ReturnType<typeof loadSpectrumText> => loadSpectrumText(`# ${names}\n` + rows(f), 'r.dat');
  const it = (e: number): number => 100000 * Math.exp(-EDGE(e));
  assert.deepEqual(t('Energy I0 Iref It', (e) => `${e} 100000 ${it(e) / 3} ${it(e)}`).choice, { energy: 0, mode: 'transmission', i0: 1, signal: 3 });
  assert.deepEqual(t('E I0 I1 I2', (e) => `${e} 100000 ${it(e)} ${it(e) / 3}`).choice, { energy: 0, mode: 'transmission', i0: 1, signal: 2 });
  assert.deepEqual(t('energy murefer mutrans', (e) => `${e} 2 ${EDGE(e)}`).choice, { energy: 0, mode: 'mu', mu: 2 });
  const mu3 = t('energy mutrans mufluor murefer', (e) => `${e} ${EDGE(e)} ${2 * EDGE(e)} ${3 * EDGE(e)}`);
  assert.deepEqual(mu3.choice, { energy: 0, mode: 'mu', mu: 1 });
  assert.ok(mu3.notes.includes('μ from "mutrans"; the file also has "mufluor"'));
  // Before: μ was column 2 (I0) for a file holding only a reference spectrum.
  const ref = t('energy i0 murefer', (e) => `${e} 100000 ${EDGE(e)}`);
  assert.deepEqual(ref.choice, { energy: 0, mode: 'mu', mu: 2 });
  assert.ok(ref.notes.includes('only a reference channel ("murefer") holds a spectrum; it is shown'));
  const ln = t('Energy I0 It ln(I0/It)', (e) => `${e} 100000 ${it(e)} ${EDGE(e)}`);
  assert.deepEqual(ln.choice, { energy: 0, mode: 'mu', mu: 3 });
});

test('Diamond-style SRS file: lnI0It vs FFI0 decided by the data, lnItIref never', () => {
  const head = '&SRS\nSRSRUN=1,\n&END\nEnergy\tI0\tIt\tIref\tlnI0It\tlnItIref\tFF\tFFI0\n';
  const dilute = loadSpectrumText(head + rows((e) => `${e}\t100000\t${100000 * Math.exp(-2 - 0.01 * EDGE(e))}\t1\t${2 + 0.01 * EDGE(e)}\t1.5\t${500 * EDGE(e)}\t${0.005 * EDGE(e)}`), 'b18.dat');
  assert.deepEqual(dilute.choice, { energy: 0, mode: 'mu', mu: 7 });
  assert.ok(dilute.notes.some((n) => /μ from "FFI0"; the file also has "lnI0It" \(its edge step is too small/.test(n)));
  const foil = loadSpectrumText(head + rows((e) => `${e}\t100000\t${100000 * Math.exp(-EDGE(e))}\t1\t${EDGE(e)}\t1.5\t${500 * EDGE(e)}\t${0.005 * EDGE(e)}`), 'b18.dat');
  assert.deepEqual(foil.choice, { energy: 0, mode: 'mu', mu: 4 });
});

test('SSRL data collector: one name per line after "Data:", the achieved energy', () => {
  const l = loadSpectrumText(read('ssrl-fe.dat'), 'ssrl-fe.dat');
  assert.deepEqual(l.table.names, ['Real time clock', 'Requested Energy', 'Achieved Energy', 'I0', 'I1', 'I2']);
  // Before: names col1…col6, the clock was the energy and the requested energy μ.
  assert.deepEqual(l.choice, { energy: 2, mode: 'transmission', i0: 3, signal: 4 });
  assert.equal(l.spectrum.energies[0], 7060.025);
  assert.equal(l.spectrum.mu[1], Math.log(400037 / 297186));
});

test('SPring-8/KEK-PF 9809 files: the observed angle through Bragg\'s law, I0 and I1', () => {
  const l = loadSpectrumText(read('fe-9809.dat'), 'fe-9809.dat');
  assert.deepEqual(l.table.names, ['angle_c', 'angle_o', 'time', 'I0', 'I1']);
  assert.equal(l.table.dSpacing, 3.13551);
  assert.deepEqual(l.choice, { energy: 1, mode: 'transmission', i0: 3, signal: 4 });
  // Before: the angles (16.26°) were taken as keV: 16262 eV.
  close(l.spectrum.energies[0], bragg(16.26272), 1e-12);
  assert.ok(Math.abs(l.spectrum.energies[0] - 7060) < 0.01);
  assert.equal(l.spectrum.mu[0], Math.log(812345 / 603005));
  assert.ok(l.notes.some((n) => /Bragg's law with d = 3\.13551 Å/.test(n)));
  assert.throws(() => loadSpectrumText('# angle i0 it\n' + rows((_, i) => `${16 + 0.01 * i} 100000 70000`), 'a.dat'), /holds monochromator angles, and the file gives no crystal d-spacing/);
  const zn = Array.from({ length: 20 }, (_, i) => `${9809 + i} ${0.5 + 0.01 * i}`).join('\n');
  assert.equal(loadSpectrumText(zn, 'zn.dat').spectrum.energies[0], 9809, 'a headerless Zn scan starting at 9809 eV is no 9809 file');
});

test('χ(k) and χ(R) exports are refused with a reason, not read as keV', () => {
  const chik = '# k chi chik chik2\n' + rows((_, i) => `${i * 0.05} 0.01 0.02 0.03`);
  // Before: k (0–5 Å⁻¹) was read as keV and χ(k) overlaid as a 0–5000 eV "spectrum".
  assert.throws(() => loadSpectrumText(chik, 'fe.chik'), /holds χ\(k\) \(columns k, chi, chik, chik2\), not μ\(E\)/);
  assert.throws(() => loadSpectrumText('# r chir_re chir_im chir_mag\n' + rows((_, i) => `${i * 0.03} 1 2 3`), 'fe.chir'), /holds χ\(R\)/);
});

test('no column names: energy and μ taken from columns 1 and 2, and said so when more columns exist', () => {
  const l = loadSpectrumText(rows((e) => `${e} 100000 ${100000 * Math.exp(-EDGE(e))}`), 'bare.dat');
  assert.deepEqual(l.choice, { energy: 0, mode: 'mu', mu: 1 });
  assert.ok(l.notes.includes('no column names: column 1 read as energy and column 2 as μ (choose the columns if this is wrong)'));
  const unknown = loadSpectrumText('# Energy I0 Sample\n' + rows((e) => `${e} 100000 ${EDGE(e)}`), 'u.dat');
  assert.deepEqual(unknown.choice, { energy: 0, mode: 'mu', mu: 2 }, 'an unknown name is preferred over I0');
  assert.ok(unknown.notes.some((n) => n.startsWith('"Sample" taken as μ')));
});

test('a 200,000-row continuous scan loads in linear time (and without overflowing the stack)', () => {
  const build = (n: number): string => {
    const lines = ['# energy i0 it'];
    for (let i = 0; i < n; i++) {
      const e = 7000 + (i * 1000) / n;
      lines.push(`${e.toFixed(4)} 100000 ${(100000 * Math.exp(-EDGE(e))).toFixed(3)}`);
    }
    return lines.join('\n');
  };
  const small = build(20000);
  const big = build(200000);
  loadSpectrumText(small, 'warm.dat');
  let t = performance.now();
  loadSpectrumText(small, 'small.dat');
  const tSmall = performance.now() - t;
  t = performance.now();
  // Before: Math.max(...energies) threw "Maximum call stack size exceeded".
  const l = loadSpectrumText(big, 'qexafs.dat');
  const tBig = performance.now() - t;
  assert.equal(l.spectrum.energies.length, 200000);
  close(l.spectrum.mu[100000], EDGE(7500), 1e-6);
  assert.ok(tBig < 10000, `200,000 rows took ${tBig.toFixed(0)} ms`);
  assert.ok(tBig < 40 * Math.max(tSmall, 5), `10× the rows took ${(tBig / tSmall).toFixed(1)}× the time (${tSmall.toFixed(0)} → ${tBig.toFixed(0)} ms)`);
});

test('text encodings: UTF-16 (Excel "Unicode text"), Windows-1252 µ, and binary still refused', () => {
  const table = 'Energy\tI0\tIt\r\n' + GRID.map((e) => `${e}\t100000\t${100000 * Math.exp(-EDGE(e))}`).join('\r\n');
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(table, 'utf16le')]);
  // Before: the zero bytes of UTF-16 made it "a binary file".
  const l = loadSpectrumBytes(le, 'export.txt');
  assert.deepEqual(l.table.names, ['Energy', 'I0', 'It']);
  assert.equal(l.spectrum.energies.length, 101);
  const be = Buffer.from(table, 'utf16le').swap16();
  assert.equal(loadSpectrumBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'be.txt').spectrum.energies.length, 101);
  assert.equal(loadSpectrumBytes(Buffer.from(table, 'utf16le'), 'nobom.txt').spectrum.energies.length, 101);
  const latin = Buffer.from('# Energy  \xb5\n' + rows((e) => `${e} ${EDGE(e)}`), 'latin1');
  const w = loadSpectrumBytes(latin, 'win.dat');
  assert.deepEqual(w.table.names, ['Energy', 'µ']);
  assert.deepEqual(w.choice, { energy: 0, mode: 'mu', mu: 1 });
  assert.throws(() => loadSpectrumBytes(Buffer.from([1, 2, 0, 0, 0, 7, 9, 0, 0, 1, 0, 3]), 'x.bin'), /binary file/);
});
