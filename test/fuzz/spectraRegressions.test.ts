// Reproducers of the failures the measured-spectrum fuzzer found (test/fuzz/spectra.test.ts) or
// that reading the loaders' regular expressions for the same pattern turned up, each fixed in
// the owning module. Before the fixes each one threw a RangeError or TypeError, took seconds to
// minutes, built a table of hundreds of megabytes, or returned an infinite normalised μ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { parseAthenaProject } from '../../server/src/spectrum/athena';
import { parseColumns, splitUnits, withChannelSums } from '../../server/src/spectrum/columns';
import { readDumper } from '../../server/src/spectrum/dumper';
import { loadSpectrumText } from '../../server/src/spectrum/load';
import { normalizeSpectrum } from '../../server/src/spectrum/normalize';
import { checkMeasured } from './spectraInvariants';

/** 30 rows of an arctan edge at 7112 eV: energy, μ, I0, It. */
const ROWS = Array.from({ length: 30 }, (_, i) => {
  const e = 7060 + 4 * i;
  const mu = 0.2 + 1.5 * (0.5 + Math.atan((e - 7112) / 2) / Math.PI);
  return `${e} ${mu.toFixed(5)} 100000 ${(100000 * Math.exp(-mu)).toFixed(1)}`;
}).join('\n');

/**
 * Runs `f` and returns how long it took. The limits below are 10–100 times what the fixed code
 * needs on a busy machine and far below what the inputs took before the fixes.
 */
function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

const invariantProblems = (text: string, fileName: string): string[] => checkMeasured(Buffer.from(text, 'utf8'), fileName).problems;

test('a column choice of 0.5 or NaN is refused with an Error, not a TypeError from a missing name (fuzz case 234)', () => {
  const text = `# energy mu i0 it\n${ROWS}\n`;
  assert.throws(() => loadSpectrumText(text, 'a.dat', { energy: 0.5, mode: 'mu', mu: 1 }), (e: unknown) => e instanceof Error && e.name === 'Error' && /energy column 1\.5 does not exist \(table has 4\)/.test(e.message));
  assert.throws(() => loadSpectrumText(text, 'a.dat', { energy: 0, mode: 'mu', mu: Number.NaN }), (e: unknown) => e instanceof Error && e.name === 'Error' && /μ column NaN does not exist/.test(e.message));
  assert.throws(() => loadSpectrumText(text, 'a.dat', { energy: 0, mode: 'transmission', i0: 2, signal: 3.5 }), /It column 4\.5 does not exist/);
  // Whole indices still work.
  assert.equal(loadSpectrumText(text, 'a.dat', { energy: 0, mode: 'transmission', i0: 2, signal: 3 }).spectrum.energies.length, 30);
});

test('one XDI row of 10^5 values does not widen every row to 10^5 cells (fuzz case 31: 300 KB became 22 M cells)', () => {
  const wide = Array.from({ length: 100000 }, (_, i) => (i === 0 ? '7101' : String(i % 97))).join(' ');
  const rows = ROWS.split('\n');
  rows.splice(10, 0, wide);
  // The last row cut off after its energy is padded, as before.
  const text = `# XDI/1.0\n# Column.1: energy eV\n# Column.2: mu\n# Column.3: i0\n# Column.4: itrans\n#----\n# energy mu i0 itrans\n${rows.join('\n')}\n7190\n`;
  const r = timed(() => loadSpectrumText(text, 'a.xdi'));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  const t = r.value.table;
  assert.deepEqual(t.names, ['energy', 'mu', 'i0', 'itrans']);
  assert.equal(t.columns[0].length, 31);
  assert.equal(t.columns[0][30], 7190);
  assert.ok(Number.isNaN(t.columns[1][30]));
  assert.equal(t.skippedRows, 1);
  assert.ok(r.value.notes.includes('1 data row(s) with more than 4 values left out'), r.value.notes.join('\n'));
  assert.equal(r.value.spectrum.energies.length, 30);
});

test('a 10^5-digit field that is not a number is refused in linear time (fuzz case 4393: 8 s)', () => {
  const text = `# energy mu i0 it\n${ROWS}\n7190 ${'1'.repeat(100000)}x 1 1\n`;
  const r = timed(() => parseColumns(text));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  assert.equal(r.value.columns[0].length, 31);
  assert.ok(Number.isNaN(r.value.columns[1][30]));
  // Fortran exponents still read.
  const d = parseColumns(`# energy mu\n${Array.from({ length: 6 }, (_, i) => `${7100 + i} 1.5D-1`).join('\n')}\n71.1d2 .5d0\n`);
  assert.equal(d.columns[0][6], 7110);
  assert.equal(d.columns[1][0], 0.15);
  assert.equal(d.columns[1][6], 0.5);
});

test('a comment line with a run of 10^5 spaces is read in linear time (fuzz case 1104: 11 s)', () => {
  const text = `# ed${'\u00a0'.repeat(100000)}x\n# energy mu i0 it\n${ROWS}\n`;
  const r = timed(() => parseColumns(text));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  assert.deepEqual(r.value.names, ['energy', 'mu', 'i0', 'it']);
  // A unit in brackets still joins the name before it.
  assert.deepEqual(parseColumns(`# Energy (eV) xmu I0 (cts) It\n${ROWS}\n`).names, ['Energy(eV)', 'xmu', 'I0(cts)', 'It']);
});

test('a header name "energy (" followed by spaces is split in linear time (35 s for 2,000 spaces, 10^5 never finished)', () => {
  const text = `energy (${' '.repeat(100000)}x,mu,i0,it\n${ROWS.replace(/ /g, ',')}\n`;
  const r = timed(() => loadSpectrumText(text, 'a.csv'));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  assert.equal(r.value.spectrum.energies.length, 30);
  assert.deepEqual(splitUnits('Energy (eV)'), { base: 'Energy', units: 'eV' });
  assert.deepEqual(splitUnits('I0 [ counts ]'), { base: 'I0', units: 'counts' });
  assert.deepEqual(splitUnits('mu (arb. units)'), { base: 'mu', units: 'arb. units' });
  assert.deepEqual(splitUnits('mu(E)'), { base: 'mu(E)' });
  assert.deepEqual(splitUnits('(eV)'), { base: '(eV)' });
  assert.deepEqual(splitUnits('E (a) (keV)'), { base: 'E (a)', units: 'keV' });
  assert.deepEqual(splitUnits('E (ke(x)'), { base: 'E (ke(x)' });
  assert.deepEqual(splitUnits('energy_keV'), { base: 'energy', units: 'keV' });
});

test('a header cell "sum(" with 10^5 dots is not taken for a channel sum, in linear time (17 s)', () => {
  const text = `E sum(${'.'.repeat(100000)}x FF1 FF2\n${ROWS}\n`;
  const r = timed(() => loadSpectrumText(text, 'a.dat'));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  assert.deepEqual(r.value.table.names, ['E', `sum(${'.'.repeat(100000)}x`, 'FF1', 'FF2', 'sum(FF1..FF2)']);
  // The sum column it adds is recognised, so a second pass adds none.
  assert.equal(withChannelSums(r.value.table).names.length, 5);
});

test('10^5 backslashes before a Perl value read as a reference, not a stack overflow (fuzz case 5340)', () => {
  const items = readDumper(`$old_group = ${'\\'.repeat(100000)}'g1';\n@x = \\ \\(1,2);\n`);
  assert.deepEqual(items.map((i) => (i.kind === 'assign' ? i.value : i.kind)), ['g1', [1, 2]]);
  assert.deepEqual(invariantProblems(`# Athena project file\n$old_group = ${'\\'.repeat(100000)}'g1';\n[record]\n`, 'a.prj'), []);
});

test('a JSON Athena project nested 10^5 deep is refused with an Error, not a stack overflow', () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const objects = '{"a":'.repeat(100000) + '1' + '}'.repeat(100000);
  const x = '[7000,7001,7002,7003,7004,7005]';
  for (const text of [
    `{"_____header1":"x","_____order":[${deep}]}`,
    `{"_____header1":"x","_____order":["a"],"a":{"args":{"label":${deep}},"x":${x},"y":${x}}}`,
    `{"_____header1":"x","_____order":["a"],"a":{"args":{"t":${objects}},"x":${x},"y":${x}}}`,
    `{"_____header1":${deep},"_____order":["a"],"a":{"args":{},"x":${x},"y":${x}}}`,
  ]) {
    assert.throws(() => parseAthenaProject(text, 'a.prj'), (e: unknown) => e instanceof Error && e.name === 'Error' && /a\.prj: unreadable JSON Athena project \(nested more than 64 levels deep\)/.test(e.message));
    assert.deepEqual(invariantProblems(text, 'a.prj'), []);
  }
  // Demeter's own nesting (args holding lists) still reads.
  const ok = parseAthenaProject(`{"_____header1":"x","_____order":["a"],"a":{"args":{"label":"Fe","titles":[["a"],["b"]]},"x":${x},"y":${x}}}`, 'a.prj');
  assert.equal(ok.groups[0].label, 'Fe');
});

test('an Athena flag of 10^5 zeros and a 1 is read in linear time (18 s)', () => {
  const project = (v: string): string => `# Athena project file\n$old_group = 'a';\n@args = ('is_chi','${v}','label','a');\n@x = (1,2,3,4,5,6);\n@y = (1,2,3,4,5,6);\n[record]\n`;
  const r = timed(() => parseAthenaProject(project(`${'0'.repeat(100000)}1`), 'a.prj'));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  assert.equal(r.value.groups[0].datatype, 'chi');
  for (const off of ['0', '0.000', ' 00 ', '.', '', 'none', 'False']) assert.equal(parseAthenaProject(project(off), 'a.prj').groups[0].datatype, 'xmu', off);
});

test('a finite μ of 1e308 outside the fit ranges is refused, not normalised to Infinity (fuzz case 3875)', () => {
  const energies = Array.from({ length: 101 }, (_, i) => 6900 + 5 * i);
  const mu = energies.map((e) => 0.1 + 0.5 * (0.5 + Math.atan((e - 7112) / 3) / Math.PI));
  mu[energies.indexOf(7135)] = 1e308;
  assert.throws(() => normalizeSpectrum(energies, mu, { e0: 7112 }), (e: unknown) => e instanceof Error && e.message === 'normalised μ is not finite at 7135 eV (μ = 1e+308): a value out of range in the data');
  // The same spectrum without the spike normalises.
  mu[energies.indexOf(7135)] = mu[energies.indexOf(7130)];
  const r = normalizeSpectrum(energies, mu, { e0: 7112 });
  assert.ok(r.norm.every(Number.isFinite));
});

test('a #S line of 10^5 digits, a quote and U+2028 is read in linear time (fuzz case 18963: 12 s)', () => {
  // Only CR and LF end lines, so U+2028 stays inside one; "." stops there and "$" failed.
  const text = `#F x\n#E 1\n#S ${'1'.repeat(100000)}"\u2028\n#S 2 ascan energy 7.06 7.18 29 1\n#L Energy  mu  I0  It\n${ROWS}\n`;
  const r = timed(() => loadSpectrumText(text, 'a.spec', undefined, { select: 2 }));
  assert.ok(r.ms < 2000, `${r.ms} ms`);
  assert.equal(r.value.spectrum.energies.length, 30);
  const xdi = `# XDI/${'1'.repeat(100000)} a\u2028b\n# ${'a'.repeat(50000)}.${'b'.repeat(50000)}: x\u2028"y\n#----\n# energy mu i0 it\n${ROWS}\n`;
  const x = timed(() => loadSpectrumText(xdi, 'a.xdi'));
  assert.ok(x.ms < 2000, `${x.ms} ms`);
  assert.equal(x.value.format, 'xdi');
  // A field value holding U+2028 is read (it was refused as not "# Namespace.tag: value").
  assert.equal(x.value.metadata[`${'a'.repeat(50000)}.${'b'.repeat(50000)}`], 'x\u2028"y');
});

test('an energy of 1e308 eV gives a finite normalisation range, not [150, Infinity] (fuzz case 9084)', () => {
  const energies = Array.from({ length: 101 }, (_, i) => 7000 + 2 * i);
  const mu = energies.map((e) => 0.1 + (0.5 + Math.atan((e - 7100) / 3) / Math.PI));
  energies.push(1e308);
  mu.push(1.1);
  const r = normalizeSpectrum(energies, mu);
  assert.deepEqual(r.post.range, [150, 1e308]);
  assert.ok(r.norm.every(Number.isFinite));
  // Ordinary ranges are still rounded to 0.01 eV.
  assert.deepEqual(normalizeSpectrum(energies.slice(0, -1), mu.slice(0, -1)).post.range, [33.33, 100]);
});
