// Athena project files (.prj) as measured spectra: the Data::Dumper reader, the project parser,
// gzip, group choice, and the same normalisation as the XDI path for the same data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readDumper } from '../../server/src/spectrum/dumper';
import { AthenaGroupChoiceError, athenaGroupText, isAthenaText, parseAthenaProject, selectAthenaGroup } from '../../server/src/spectrum/athena';
import { loadSpectrumBytes, spectrumTextFromBytes } from '../../server/src/spectrum/bytes';
import { loadSpectrumText, multiPartFile, partChoiceNeeded } from '../../server/src/spectrum/load';
import { normalizeSpectrum } from '../../server/src/spectrum/normalize';
import { run } from '../../server/src/cli/normalize';
import { athenaProjectOf, decodeExperimental, overlayableGroups } from '../../client/src/panel/files';
import { derive } from '../../webview/src/derive';
import { initialState } from '../../webview/src/state';

const DIR = path.resolve('test/fixtures/spectra');
const fixture = (f: string): string => path.join(DIR, f);
const text = (f: string): string => readFileSync(fixture(f), 'utf8');
const PLAIN = 'athena-fe-plain.prj';
const close = (a: number, b: number, tol: number, what: string): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

test('Data::Dumper literals: quotes and escapes, bare numbers, undef, nesting, comments, [record]', () => {
  const items = readDumper([
    '# header',
    "$old_group = 'a\\'b';",
    "@args = ('k','v\\\\w','n',-12,'f','1.5e3','u',undef,'t',['x',\"caf\\x{e9} \\\"q\\\" \\$1\"],'h' => {'a' => 1},);",
    '@x = ();',
    '[record]   # create object',
    "%plot = ('e' => 'm');",
    '1;',
  ].join('\n'));
  assert.deepEqual(items, [
    { kind: 'assign', sigil: '$', name: 'old_group', value: "a'b", line: 2 },
    { kind: 'assign', sigil: '@', name: 'args', value: ['k', 'v\\w', 'n', -12, 'f', '1.5e3', 'u', null, 't', ['x', 'café "q" $1'], 'h', ['a', 1]], line: 3 },
    { kind: 'assign', sigil: '@', name: 'x', value: [], line: 4 },
    { kind: 'record', line: 5 },
    { kind: 'assign', sigil: '%', name: 'plot', value: ['e', 'm'], line: 6 },
  ]);
  // In Perl single quotes only \' and \\ are escapes; '#' inside a string is not a comment.
  assert.deepEqual(readDumper("@a = ('C:\\data\\n','# no');"), [{ kind: 'assign', sigil: '@', name: 'a', value: ['C:\\data\\n', '# no'], line: 1 }]);
});

test('Data::Dumper reader reports unreadable statements with lines and carries on; never evaluates', () => {
  const items = readDumper("@x = (1,2\n@y = (1,2);\n@z = (1 2);\n$w = system('rm');\n@v = (((((((1)))))));\n@s = ('cut\n");
  assert.deepEqual(items.map((i) => [i.kind, 'name' in i ? i.name : undefined, i.line]), [
    ['bad', 'x', 1], ['assign', 'y', 2], ['bad', 'z', 3], ['bad', 'w', 4], ['assign', 'v', 5], ['bad', 's', 6],
  ]);
  const message = (i: number): string => (items[i] as { message: string }).message;
  assert.equal(message(0), 'expected "," or ")", found "@" (line 2)');
  assert.equal(message(2), 'expected "," or ")", found "2" (line 3)');
  // A function call is not a literal: `system` reads as a bare word, then "(" is refused.
  assert.equal(message(3), 'expected ";" after $w (line 4)');
  assert.deepEqual((items[4] as { value: unknown }).value, [[[[[[[1]]]]]]]);
  assert.equal(message(5), 'string not closed before the end of the file (line 6)');
  const deep = readDumper(`@d = ${'('.repeat(5000)}${')'.repeat(5000)};`);
  assert.match((deep[0] as { message: string }).message, /nested too deeply/);
  assert.equal(readDumper("@e = ('x');\n@f = ('a\n").at(-1)?.kind, 'bad');
});

test('a Demeter project: every group with label, datatype, arrays, E0 and the energy shift applied', () => {
  const p = parseAthenaProject(text(PLAIN), PLAIN);
  assert.equal(p.format, 'perl');
  assert.equal(p.version, 'Demeter 0.9.26');
  assert.equal(p.header[0], 'Athena project file -- Demeter version 0.9.26');
  assert.deepEqual(p.groups.map((g) => [g.index, g.id, g.label, g.datatype, g.isMu]), [
    [1, 'fefoi', 'Fe foil', 'xmu', true],
    [2, 'hemat', "Fe2O3 'hematite' (shifted)", 'xmu', true],
    [3, 'fechi', 'Fe foil chi(k)', 'chi', false],
    [4, 'fexan', 'Fe foil XANES window', 'xanes', true],
  ]);
  const [foil, hematite, chi, window] = p.groups;
  assert.equal(foil.x.length, 251);
  assert.equal(foil.y.length, 251);
  assert.deepEqual([foil.x[0], foil.x[70], foil.x[250], foil.y[0], foil.y[70]], [7050, 7120, 7300, 0.131605, 1.037708]);
  assert.equal(foil.i0?.[0], 100000);
  assert.equal(foil.signal?.[0], 87668.715);
  assert.equal(foil.e0, 7120);
  assert.equal(foil.eshift, 0);
  assert.equal(foil.problem, undefined);
  assert.deepEqual(foil.args.get('titles'), ['synthetic arctan edge', 'E0 = 7120 eV']);
  assert.equal(foil.args.get('reference'), null);
  // Stored 1.5 eV high with bkg_eshift −1.5: the energies come out on the foil's grid.
  assert.equal(hematite.storedX[0], 7051.5);
  assert.equal(hematite.eshift, -1.5);
  assert.deepEqual(hematite.x, foil.x);
  assert.deepEqual(hematite.y, foil.y);
  assert.ok(hematite.notes.some((n) => /bkg_eshift\) of -1\.5 eV applied/.test(n)), hematite.notes.join('; '));
  assert.equal(hematite.args.get('datafile'), 'C:\\data\\fe2o3.xdi');
  assert.equal(hematite.args.get('annotation'), 'café "noir" $5');
  assert.equal(hematite.i0, undefined);
  // χ(k) keeps its k grid unshifted and is not offered.
  assert.equal(chi.x.length, 31);
  assert.equal(chi.x[2], 1);
  assert.equal(window.x.length, 111);
  assert.deepEqual(overlayableGroups(p).map((g) => g.index), [1, 2, 4]);
});

test('gzip: the compressed fixture is the plain one; bytes are decompressed, text is not', () => {
  const gz = readFileSync(fixture('athena-fe.prj'));
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  assert.equal(gunzipSync(gz).toString('utf8'), text(PLAIN));
  assert.equal(spectrumTextFromBytes(gz, 'athena-fe.prj'), text(PLAIN));
  assert.equal(spectrumTextFromBytes(readFileSync(fixture(PLAIN)), PLAIN), text(PLAIN));
  const fromGz = loadSpectrumBytes(gz, 'athena-fe.prj', undefined, { group: 'Fe foil' });
  const fromText = loadSpectrumText(text(PLAIN), PLAIN, undefined, { group: 1 });
  assert.deepEqual(fromGz.spectrum, fromText.spectrum);
  assert.equal(fromGz.format, 'athena');
  assert.deepEqual(fromGz.athena, { label: 'Fe foil', index: 1, id: 'fefoi', datatype: 'xmu', eshift: 0, groups: 4, e0: 7120 });
  assert.equal(fromGz.metadata['Athena.version'], 'Demeter 0.9.26');
  // Gzip bytes decoded as text instead of decompressed get a clear message.
  assert.throws(() => loadSpectrumText(new TextDecoder().decode(gz), 'athena-fe.prj'), /athena-fe\.prj is gzip-compressed/);
  // The extension host's reader: gzip gets through, and is recognised as a project.
  const decoded = decodeExperimental('athena-fe.prj', gz);
  assert.ok(decoded.ok);
  assert.equal(athenaProjectOf('athena-fe.prj', decoded.text)?.groups.length, 4);
  assert.equal(athenaProjectOf('a.xdi', text('synthetic-fe.xdi')), undefined);
});

test('normalised like the XDI of the same data: E0 and edge step agree, with and without the shift', () => {
  const xdi = loadSpectrumText(text('synthetic-fe.xdi'), 'synthetic-fe.xdi');
  const ref = normalizeSpectrum(xdi.spectrum.energies, xdi.spectrum.mu);
  close(ref.e0, 7120, 0.5, 'XDI E0');
  for (const group of ['Fe foil', "Fe2O3 'hematite' (shifted)"]) {
    const a = loadSpectrumBytes(readFileSync(fixture('athena-fe.prj')), 'athena-fe.prj', undefined, { group });
    assert.equal(a.spectrum.energies.length, 251);
    const n = normalizeSpectrum(a.spectrum.energies, a.spectrum.mu);
    close(n.e0, ref.e0, 1e-9, `${group} E0`);
    close(n.edgeStep, ref.edgeStep, 1e-9, `${group} edge step`);
    n.norm.forEach((v, i) => close(v, ref.norm[i], 1e-9, `${group} norm[${i}]`));
  }
  // The stored I0 and signal give ln(I0/It) exactly as the XDI's transmission columns do.
  const t = loadSpectrumText(text(PLAIN), PLAIN, { energy: 0, mode: 'transmission', i0: 2, signal: 3 }, { group: 1 });
  const tx = loadSpectrumText(text('synthetic-fe.xdi'), 'x.xdi', { energy: 0, mode: 'transmission', i0: 2, signal: 3 });
  assert.deepEqual(t.table.names, ['energy', 'mu', 'i0', 'signal']);
  t.spectrum.mu.forEach((v, i) => close(v, tx.spectrum.mu[i], 1e-12, `ln(I0/It)[${i}]`));
  // Athena's explicit "xanes" datatype: a window of the same spectrum.
  const w = loadSpectrumText(text(PLAIN), PLAIN, undefined, { group: 'fe foil xanes window' });
  assert.deepEqual([w.spectrum.energies[0], w.spectrum.energies.at(-1)], [7090, 7200]);
});

test('an Athena 0.8 project: multi-line dumps, labels from old_group, the shift, the same spectrum as the .xmu', () => {
  const p = parseAthenaProject(text('athena-0.8.prj'), 'athena-0.8.prj');
  assert.equal(p.version, 'Athena 0.8.056');
  assert.deepEqual(p.groups.map((g) => [g.label, g.datatype, g.isMu, g.x.length, g.eshift]), [
    ['Fe foil (0.8)', 'xmu', true, 84, 0.75],
    ['Fe_ref', 'xmu', true, 10, 0],
  ]);
  const [foil] = p.groups;
  assert.equal(foil.storedX[0], 7049.25);
  assert.equal(foil.x[0], 7050);
  assert.equal(foil.i0?.length, 84);
  const a = loadSpectrumText(text('athena-0.8.prj'), 'athena-0.8.prj', undefined, { group: 'Fe foil (0.8)' });
  const x = loadSpectrumText(text('synthetic-fe.xmu'), 'synthetic-fe.xmu');
  assert.deepEqual(a.spectrum, x.spectrum);
  const na = normalizeSpectrum(a.spectrum.energies, a.spectrum.mu);
  const nx = normalizeSpectrum(x.spectrum.energies, x.spectrum.mu);
  close(na.e0, nx.e0, 1e-9, 'E0');
  close(na.edgeStep, nx.edgeStep, 1e-9, 'edge step');
  assert.equal(loadSpectrumText(text('athena-0.8.prj'), 'a.prj', undefined, { group: 'Fe_ref' }).spectrum.energies[0], 7110);
});

test('choosing a group: by label, case-insensitive label or record number; several μ(E) groups need a choice', () => {
  const p = parseAthenaProject(text(PLAIN), PLAIN);
  assert.equal(selectAthenaGroup(p, PLAIN, 2).id, 'hemat');
  assert.equal(selectAthenaGroup(p, PLAIN, '2').id, 'hemat');
  assert.equal(selectAthenaGroup(p, PLAIN, ' fe FOIL ').id, 'fefoi');
  assert.equal(selectAthenaGroup(p, PLAIN, "Fe2O3 'hematite' (shifted)").id, 'hemat');
  assert.throws(() => selectAthenaGroup(p, PLAIN), (e: unknown) => {
    assert.ok(e instanceof AthenaGroupChoiceError);
    assert.match(e.message, /athena-fe-plain\.prj holds 3 μ\(E\) groups/);
    for (const l of ['"Fe foil"', `"Fe2O3 'hematite' (shifted)"`, '"Fe foil chi(k)"  χ(k) data, not μ(E)', '"Fe foil XANES window"']) assert.ok(e.message.includes(l), l);
    return true;
  });
  assert.throws(() => selectAthenaGroup(p, PLAIN, 3), /group 3 "Fe foil chi\(k\)" is χ\(k\) data, not μ\(E\)/);
  assert.throws(() => selectAthenaGroup(p, PLAIN, 'nope'), /no group labelled or numbered "nope"/);
  assert.throws(() => selectAthenaGroup(p, PLAIN, 9), AthenaGroupChoiceError);
  const twice = parseAthenaProject(`${text(PLAIN)}\n$old_group = 'again';\n@args = ('label','Fe foil');\n@x = (1,2,3,4,5);\n@y = (1,2,3,4,5);\n[record]\n`, 't.prj');
  assert.throws(() => selectAthenaGroup(twice, 't.prj', 'Fe foil'), /2 groups are labelled "Fe foil" \(records 1, 5\)/);
  // One μ(E) group among others: taken without asking.
  const one = parseAthenaProject(text(PLAIN).replace(/\$old_group = 'hemat'[\s\S]*?\[record\][^\n]*\n/, '').replace(/'datatype','xanes'/, "'datatype','background'"), 'one.prj');
  assert.equal(selectAthenaGroup(one, 'one.prj').label, 'Fe foil');
});

test('bad projects: clear errors naming the file and what is wrong', () => {
  const gz = readFileSync(fixture('athena-fe.prj'));
  assert.throws(() => loadSpectrumBytes(gz.subarray(0, 2000), 'cut.prj'), /^Error: cut\.prj is gzip-compressed but cannot be decompressed \(unexpected end of file\): the file is truncated or damaged\.$/);
  assert.throws(() => loadSpectrumText('# Athena project file -- Demeter version 0.9.26\n\n1;\n', 'empty.prj'), /empty\.prj: the Athena project holds no data groups/);
  assert.throws(() => loadSpectrumText('energy mu\n1 2\n', 'not.prj'), /not\.prj is not an Athena project file/);
  const mismatch = "# Athena project file -- Demeter version 0.9.26\n$old_group = 'a';\n@args = ('label','short y','is_xmu',1);\n@x = (1,2,3,4,5);\n@y = (1,2,3,4);\n[record]\n";
  assert.throws(() => loadSpectrumText(mismatch, 'mm.prj'), /^Error: mm\.prj: group 1 "short y" cannot be read: @x has 5 values but @y has 4$/);
  // Cut in the middle of @y (a plain project copied short): that group is unreadable, the others are fine.
  const cut = text(PLAIN).slice(0, text(PLAIN).indexOf("'0.2", text(PLAIN).indexOf("$old_group = 'hemat'")));
  const p = parseAthenaProject(cut, 'cut.prj');
  assert.equal(p.groups.length, 2);
  assert.match(p.groups[1].problem ?? '', /^@y cannot be read: list opened with "\(" is not closed \(line 16\)$/);
  assert.throws(() => loadSpectrumText(cut, 'cut.prj', undefined, { group: 2 }), /cut\.prj: group 2 "Fe2O3 'hematite' \(shifted\)" cannot be read: @y cannot be read/);
  assert.equal(loadSpectrumText(cut, 'cut.prj').athena?.label, 'Fe foil');
  // Too few points after cleaning: the group is named.
  const tiny = "# Athena project file -- Demeter version 0.9.26\n$old_group = 'a';\n@args = ('label','tiny');\n@x = (7000,7001,'nan');\n@y = (1,2,3);\n[record]\n";
  assert.throws(() => loadSpectrumText(tiny, 'tiny.prj'), /tiny\.prj, group 1 "tiny": only 2 usable points/);
  // Garbage never crashes: an error, not a stack overflow or a hang.
  for (const junk of ['(((((', "$old_group = '", '[record]\n[record]', '@x = (' + '1,'.repeat(10000), '{"_____order": 5}', '{not json']) {
    assert.throws(() => loadSpectrumText(junk, 'junk.prj'), /junk\.prj/);
  }
});

test('one group as its own small project reads back the same (what the panel is sent)', () => {
  const p = parseAthenaProject(text(PLAIN), PLAIN);
  const g = p.groups[1];
  const extract = athenaGroupText(g, PLAIN);
  assert.ok(isAthenaText(extract));
  assert.ok(extract.length < text(PLAIN).length / 3);
  const back = parseAthenaProject(extract, PLAIN).groups;
  assert.equal(back.length, 1);
  assert.deepEqual([back[0].label, back[0].id, back[0].storedX, back[0].x, back[0].y, back[0].eshift, back[0].e0], [g.label, g.id, g.storedX, g.x, g.y, g.eshift, g.e0]);
  assert.deepEqual(loadSpectrumText(extract, PLAIN).spectrum, loadSpectrumText(text(PLAIN), PLAIN, undefined, { group: 2 }).spectrum);
  // The panel names the curve after the group and normalises it like any measurement.
  const state = { ...initialState(), experimental: { fileName: 'athena-fe.prj', text: extract, shift: 0, visible: true } };
  const d = derive(state);
  const measured = d.series.find((s) => s.kind === 'experimental');
  assert.equal(measured?.label, "measured: Fe2O3 'hematite' (shifted)");
  assert.match(measured?.detail ?? '', /^athena-fe\.prj, Athena group "Fe2O3 'hematite' \(shifted\)" · E0 7120\.\d\d eV/);
  assert.equal(d.experimental?.error, undefined);
});

test("Demeter's JSON project flavour", () => {
  const doc = {
    _____header1: '# Athena project file -- Demeter version 0.9.24',
    _____order: ['abcde', 'fghij'],
    abcde: { args: { label: 'json foil', is_xmu: 1, bkg_eshift: '2' }, x: [7000, 7001, 7002, 7003, 7004, 7005], y: ['0.1', '0.2', '0.4', '0.8', '1.0', '1.0'] },
    fghij: { args: { label: 'json chi', is_chi: '1' }, x: [0, 1], y: [0, 1] },
  };
  const p = parseAthenaProject(JSON.stringify(doc), 'j.prj');
  assert.equal(p.format, 'json');
  assert.equal(p.version, 'Demeter 0.9.24');
  assert.deepEqual(p.groups.map((g) => [g.label, g.datatype, g.isMu]), [['json foil', 'xmu', true], ['json chi', 'chi', false]]);
  const l = loadSpectrumText(JSON.stringify(doc), 'j.prj');
  assert.deepEqual(l.spectrum.energies, [7002, 7003, 7004, 7005, 7006, 7007]);
});

test('CLI normalize on a project: --group by label or number; without it, the groups are listed', async () => {
  const prj = fixture('athena-fe.prj');
  const none = await cli([prj]);
  assert.equal(none.code, 2);
  assert.match(none.err, /athena-fe\.prj holds 3 μ\(E\) groups/);
  assert.match(none.err, /2 {2}"Fe2O3 'hematite' \(shifted\)" {2}xmu, 251 points, E0 7120\.00 eV/);
  assert.match(none.err, /choose one with --group LABEL\|INDEX/);
  const byLabel = await cli([prj, '--group', 'Fe foil', '--json']);
  assert.equal(byLabel.code, 0, byLabel.err);
  const j = JSON.parse(byLabel.out) as { format: string; group: { label: string; index: number }; e0: number; edgeStep: number; columns: string[]; norm: number[] };
  const xdi = await cli([fixture('synthetic-fe.xdi'), '--json']);
  const jx = JSON.parse(xdi.out) as { e0: number; edgeStep: number; norm: number[] };
  assert.equal(j.format, 'athena');
  assert.deepEqual([j.group.label, j.group.index], ['Fe foil', 1]);
  assert.deepEqual(j.columns, ['energy', 'mu']);
  close(j.e0, jx.e0, 1e-9, 'E0');
  close(j.edgeStep, jx.edgeStep, 1e-9, 'edge step');
  assert.equal(j.norm.length, 251);
  const byIndex = await cli([prj, '--group', '2']);
  assert.equal(byIndex.code, 0, byIndex.err);
  assert.match(byIndex.out, /^file: .*athena-fe\.prj \(Athena group 2 "Fe2O3 'hematite' \(shifted\)", mu from energy, mu\)$/m);
  assert.match(byIndex.out, /^note: Athena's energy shift \(bkg_eshift\) of -1\.5 eV applied to the energies$/m);
  const cols = await cli([fixture(PLAIN), '--group', '1', '--columns', 'energy,i0,signal', '--json']);
  assert.equal(cols.code, 0, cols.err);
  assert.equal((JSON.parse(cols.out) as { mode: string }).mode, 'transmission');
  const chi = await cli([prj, '--group', '3']);
  assert.equal(chi.code, 2);
  assert.match(chi.err, /group 3 "Fe foil chi\(k\)" is χ\(k\) data, not μ\(E\)/);
  // A project with one μ(E) group needs no --group.
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-prj-'));
  const single = path.join(dir, 'single.prj');
  const plain = text(PLAIN);
  writeFileSync(single, gzipSync(plain.slice(0, plain.indexOf("$old_group = 'hemat'")) + plain.slice(plain.indexOf("$old_group = 'fechi'"), plain.indexOf("$old_group = 'fexan'"))));
  const one = await cli([single]);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /Athena group 1 "Fe foil"/);
  assert.equal((await cli([prj, '--group'])).code, 2);
  const notPrj = await cli([fixture('synthetic-fe.xdi'), '--group', '1']);
  assert.equal(notPrj.code, 2);
  assert.match(notPrj.err, /--group picks a group of an Athena project; synthetic-fe\.xdi is read as xdi/);
});

test('the picker path shared with SPEC files: μ(E) groups offered by record number, the chosen one extracted', () => {
  const multi = multiPartFile(text(PLAIN), PLAIN);
  assert.ok(multi);
  assert.equal(multi.kind, 'athena');
  assert.equal(multi.noun, 'Athena group');
  assert.deepEqual(multi.offered.map((p) => [p.key, p.label]), [[1, 'Fe foil'], [2, "Fe2O3 'hematite' (shifted)"], [4, 'Fe foil XANES window']]);
  assert.equal(multi.others, 1);
  assert.equal(multi.offered[1].detail, 'E0 7120.00 eV · energy shift -1.5 eV applied');
  const part = multi.extract(2);
  assert.equal(part.fileName, PLAIN, 'the curve is named after the group, so the file keeps its name');
  assert.equal(part.text, athenaGroupText(parseAthenaProject(text(PLAIN), PLAIN).groups[1], PLAIN));
  let error: unknown;
  try {
    multi.extract();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AthenaGroupChoiceError);
  assert.equal(partChoiceNeeded(error), 'group');
  // `select` is the general name of the option; `group` still works and means the same.
  assert.deepEqual(loadSpectrumText(text(PLAIN), PLAIN, undefined, { select: 'Fe foil' }).spectrum, loadSpectrumText(text(PLAIN), PLAIN, undefined, { group: 1 }).spectrum);
  assert.equal(loadSpectrumText(text(PLAIN), PLAIN, undefined, { select: 4, group: 1 }).athena?.index, 4);
});
