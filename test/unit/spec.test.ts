import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeSpecScan, isSpecText, parseSpec, selectSpecScan, SpecScanChoiceError, specScanText } from '../../server/src/spectrum/spec';
import { EXPERIMENTAL_EXTENSIONS, loadSpectrumText, multiPartFile, partChoiceNeeded } from '../../server/src/spectrum/load';

const FIXTURE = readFileSync(path.resolve('test/fixtures/spectra/fe-scans.spec'), 'utf8');

test('a SPEC file: its scans with number, command, #L names (one with a space), points, MCA lines and the abort', () => {
  const f = parseSpec(FIXTURE);
  assert.equal(f.file, '/data/visitor/ma9999/bm23/fe-scans.spec');
  assert.equal(f.header[0], '#F /data/visitor/ma9999/bm23/fe-scans.spec');
  assert.deepEqual(f.scans.map((s) => [s.number, s.key, s.command, s.points]), [
    [1, '1', 'ascan  samx -1 1 10 0.5', 11],
    [2, '2', 'escan  7.05 7.25 40 1', 41],
    [3, '3', 'escan  7.05 7.25 40 1', 12],
  ]);
  const [align, full, cut] = f.scans;
  assert.deepEqual(align.table.names, ['samx', 'Seconds', 'Monitor', 'Detector']);
  assert.deepEqual(full.table.names, ['Energy', 'Epoch', 'Seconds', 'I0', 'It', 'If', 'I ref']);
  assert.equal(full.date, 'Wed May 24 12:03:00 2023');
  // Each point carries a two-line @A spectrum; the continuation line must not become a data row.
  assert.deepEqual(full.notes, ['82 MCA line(s) (@A) skipped']);
  assert.equal(full.table.skippedRows, 0);
  assert.deepEqual(full.table.columns[3].slice(0, 2), [100000, 100100]);
  assert.equal(cut.aborted, true);
  assert.equal(cut.table.skippedRows, 1);
  assert.deepEqual(cut.notes, ['1 data row(s) with a number of values other than 7 left out (a line cut off when the scan stopped?)', 'the scan was aborted after 12 point(s)']);
  assert.equal(describeSpecScan(cut), '   3  escan  7.05 7.25 40 1   (12 points: Energy, Epoch, Seconds, I0, It, If, I ref; aborted)');
});

test('SPEC files are recognised by content, whatever their name', () => {
  assert.ok(isSpecText(FIXTURE));
  assert.ok(isSpecText('#S 1 ascan th 0 1 10 1\n#N 2\n#L th  det\n0 1\n'), 'a scan cut out of a file, without #F');
  assert.ok(isSpecText('#F x.spec\n#E 1684922400\n#D Wed May 24 2023\n'), 'a header before the first scan');
  assert.ok(!isSpecText('# energy mu\n7100 0.1\n'));
  assert.ok(!isSpecText('# XDI/1.0\n# Column.1: energy eV\n#----\n7100 1\n'));
  for (const name of ['fe-scans.spec', 'fe-scans.dat', 'fe_0001', 'scans.txt']) {
    assert.equal(loadSpectrumText(FIXTURE, name, undefined, { select: 2 }).format, 'spec', name);
  }
  assert.ok(EXPERIMENTAL_EXTENSIONS.includes('spec'));
});

test('several energy scans and none chosen: an error listing them; partChoiceNeeded says a scan is wanted', () => {
  let error: unknown;
  try {
    loadSpectrumText(FIXTURE, 'fe-scans.spec');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof SpecScanChoiceError);
  assert.equal(partChoiceNeeded(error), 'scan');
  assert.equal(
    (error as Error).message,
    'fe-scans.spec holds 2 energy scans; choose one by number:\n' +
      '   1  ascan  samx -1 1 10 0.5   (11 points: samx, Seconds, Monitor, Detector)\n' +
      '   2  escan  7.05 7.25 40 1   (41 points: Energy, Epoch, Seconds, I0, It, If, I ref)\n' +
      '   3  escan  7.05 7.25 40 1   (12 points: Energy, Epoch, Seconds, I0, It, If, I ref; aborted)',
  );
  assert.throws(() => loadSpectrumText(FIXTURE, 'fe-scans.spec', undefined, { select: 7 }), /fe-scans\.spec: no scan numbered "7"; its scans:\n {3}1 {2}ascan/);
  assert.throws(() => loadSpectrumText(FIXTURE, 'fe-scans.spec', undefined, { select: 1 }), /scan 1 \(ascan {2}samx -1 1 10 0\.5\) does not scan energy \(columns samx, Seconds, Monitor, Detector\); the energy scans are 2, 3/);
});

test('scan 2: transmission from I0 and It (not "I ref"), keV energies to eV, μ by hand', () => {
  const l = loadSpectrumText(FIXTURE, 'fe-scans.spec', undefined, { select: 2 });
  assert.equal(l.format, 'spec');
  assert.deepEqual(l.choice, { energy: 0, mode: 'transmission', i0: 3, signal: 4 });
  assert.deepEqual(l.spec, { number: 2, key: '2', command: 'escan  7.05 7.25 40 1', points: 41, aborted: false, scans: 3 });
  assert.equal(l.metadata['Spec.scan'], '2');
  assert.equal(l.metadata['Spec.date'], 'Wed May 24 12:03:00 2023');
  assert.equal(l.spectrum.energies.length, 41);
  assert.equal(l.spectrum.energies[0], 7050);
  assert.equal(l.spectrum.energies[40], 7250);
  assert.equal(l.spectrum.mu[0], Math.log(100000 / 74082));
  assert.equal(l.spectrum.mu[1], Math.log(100100 / 74230));
  assert.deepEqual(l.notes, [
    '82 MCA line(s) (@A) skipped',
    'transmission ln(I0/It) chosen; the file also has fluorescence "If": choose the fluorescence mode to use it',
    'energies below 100 read as keV and converted to eV',
  ]);
  const fluo = loadSpectrumText(FIXTURE, 'fe-scans.spec', { energy: 0, mode: 'fluorescence', i0: 3, signal: 5 }, { select: '2' });
  assert.equal(fluo.spectrum.mu[0], 200 / 100000);
});

test('the aborted scan loads with what it has, and says it was aborted', () => {
  const l = loadSpectrumText(FIXTURE, 'fe-scans.spec', undefined, { select: '3' });
  assert.equal(l.spectrum.energies.length, 12);
  assert.equal(l.spectrum.energies[11], 7105);
  assert.equal(l.spectrum.mu[11], Math.log(90000 / 66121));
  assert.equal(l.spec?.aborted, true);
  assert.ok(l.notes.includes('the scan was aborted after 12 point(s)'));
});

test('one energy scan among alignment scans is taken without asking; repeated scan numbers become 12.1, 12.2', () => {
  const scan = (n: number, cmd: string, names: string, rows: string[]): string => `\n#S ${n} ${cmd}\n#N ${names.split(/\s{2,}/).length}\n#L ${names}\n${rows.join('\n')}\n`;
  const energyRows = Array.from({ length: 20 }, (_, i) => `${7100 + i} 100000 ${Math.round(100000 * Math.exp(-0.3 - (i > 10 ? 1 : 0)))}`);
  const motor = Array.from({ length: 9 }, (_, i) => `${i - 4} ${100 - i * i}`);
  const one = '#F a.spec\n#E 1\n' + scan(1, 'dscan  samy -1 1 8 1', 'samy  Detector', motor) + scan(2, 'Escan  7.1 7.119 19 1', 'Energy  I0  It', energyRows);
  const l = loadSpectrumText(one, 'a.spec');
  assert.equal(l.spec?.key, '2');
  assert.ok(l.notes.includes('scan 2 (Escan  7.1 7.119 19 1) of 2: the only one that holds a spectrum'));
  const again = one + scan(1, 'Escan  7.1 7.119 19 1', 'Energy  I0  It', energyRows.slice(0, 15));
  const f = parseSpec(again);
  assert.deepEqual(f.scans.map((s) => s.key), ['1.1', '2', '1.2']);
  assert.throws(() => selectSpecScan(f, 'a.spec', 1), /a\.spec: 2 scans are numbered 1 \(SPEC restarted its numbering\); choose one of 1\.1, 1\.2/);
  assert.equal(loadSpectrumText(again, 'a.spec', undefined, { select: '1.2' }).spectrum.energies.length, 15);
  assert.throws(() => loadSpectrumText(again, 'a.spec'), (e: unknown) => e instanceof SpecScanChoiceError && /holds 2 energy scans/.test(e.message));
});

test('#L names and data widths that disagree, and a scan without rows', () => {
  const text = '#S 5 ascan energy 7.1 7.2 9 1\n#N 4\n#L Energy  I0  It\n' + Array.from({ length: 10 }, (_, i) => `${7100 + 10 * i} 1000 ${500 - i} 7`).join('\n') + '\n#S 6 ascan energy 7.1 7.2 9 1\n#N 3\n#L Energy  I0  It\n#C Scan aborted after 0 points.\n';
  const f = parseSpec(text);
  assert.deepEqual(f.scans[0].table.names, ['Energy', 'I0', 'It', 'col4']);
  const nan = parseSpec('#S 1 ascan energy 7.1 7.2 2 1\n#N 3\n#L Energy  I0  ratio\n7100 1000 0.5\n7110 0 nan\n7120 1000 -inf\n');
  assert.equal(nan.scans[0].points, 3, 'nan and inf are empty cells, not broken rows');
  assert.deepEqual(nan.scans[0].table.columns[2], [0.5, NaN, NaN]);
  assert.deepEqual(f.scans[0].notes, ['#L names 3 column(s) but the data rows have 4']);
  assert.equal(f.scans[1].problem, 'it was aborted before its first point');
  assert.deepEqual(f.scans[1].notes, ['the scan was aborted after 0 point(s)']);
  assert.throws(() => selectSpecScan(f, 'x.spec', 6), /x\.spec: scan 6 cannot be used: it was aborted before its first point/);
  assert.equal(selectSpecScan(f, 'x.spec').key, '5');
  assert.throws(() => selectSpecScan(parseSpec('#F empty.spec\n#E 1\n'), 'empty.spec'), /empty\.spec: the SPEC file holds no scans/);
  assert.throws(() => loadSpectrumText('#F empty.spec\n#E 1\n', 'empty.spec'), /empty\.spec: the SPEC file holds no scans/);
});

test('the panel path: the energy scans offered, the chosen one extracted as a SPEC file of its own', () => {
  const multi = multiPartFile(FIXTURE, 'fe-scans.spec');
  assert.ok(multi);
  assert.equal(multi.kind, 'spec');
  assert.equal(multi.noun, 'scan');
  assert.deepEqual(multi.offered.map((p) => p.key), ['2', '3']);
  assert.equal(multi.others, 1);
  assert.equal(multi.offered[1].description, '12 points · aborted · Wed May 24 12:06:00 2023');
  const part = multi.extract(2);
  assert.equal(part.fileName, 'fe-scans.spec, scan 2');
  assert.ok(part.text.length < FIXTURE.length / 2, 'the MCA lines stay behind');
  const direct = loadSpectrumText(FIXTURE, 'fe-scans.spec', undefined, { select: 2 });
  const viaPanel = loadSpectrumText(part.text, part.fileName);
  assert.deepEqual(viaPanel.spectrum, direct.spectrum);
  assert.deepEqual(viaPanel.choice, direct.choice);
  assert.equal(viaPanel.spec?.scans, 1);
  assert.throws(() => multi.extract(), SpecScanChoiceError);
  const f = parseSpec(FIXTURE);
  assert.equal(parseSpec(specScanText(f, f.scans[2], 'fe-scans.spec')).scans[0].aborted, true, 'the abort comment travels with the scan');
  assert.equal(multiPartFile('# energy mu\n1 2\n', 'a.dat'), undefined);
});
