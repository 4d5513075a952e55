import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run } from '../../server/src/cli/normalize';

async function call(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const fixture = (f: string): string => path.resolve('test/fixtures/spectra', f);

test('normalize --json on an XDI fixture: E0, step, ranges and the spectrum', async () => {
  const { code, out } = await call([fixture('synthetic-fe.xdi'), '--json']);
  assert.equal(code, 0);
  const r = JSON.parse(out) as {
    e0: number; edgeStep: number; format: string; columns: string[];
    pre: { range: number[]; absolute: number[] }; post: { range: number[]; degree: number };
    norm: number[]; energies: number[];
  };
  assert.equal(r.format, 'xdi');
  assert.deepEqual(r.columns, ['energy', 'mutrans']);
  assert.ok(Math.abs(r.e0 - 7120) < 0.5, `E0 ${r.e0}`);
  // The white line sits on top of the step, so the post-edge fit stays within a few % of 1.7.
  assert.ok(Math.abs(r.edgeStep / 1.7 - 1) < 0.05, `step ${r.edgeStep}`);
  assert.equal(r.pre.range[1], -30);
  assert.ok(Math.abs(r.pre.absolute[0] - 7050) < 1e-9);
  assert.equal(r.norm.length, 251);
  assert.ok(Math.abs(r.norm[0]) < 0.02);
});

test('normalize text output with explicit columns and ranges', async () => {
  const { code, out } = await call([fixture('synthetic-fe-transmission.csv'), '--columns', 'Energy,I0,It', '--e0', '7120', '--pre', '-70,-20', '--norm', '40,180']);
  assert.equal(code, 0, out);
  assert.match(out, /^E0: 7120\.00 eV \(given\)$/m);
  assert.match(out, /^pre-edge: line over \[-70\.00, -20\.00\] eV from E0 \(7050\.00–7100\.00 eV\), 26 points$/m);
  assert.match(out, /^post-edge: line over \[40\.00, 180\.00\] eV/m);
  assert.match(out, /transmission from Energy, I0, It/);
  const rows = out.trim().split('\n').filter((l) => /^\d/.test(l));
  assert.equal(rows.length, 126);
});

test('normalize a predicted-style short window read from the shared data', async (t) => {
  const src = '/work/shared/data/fe-k-feff-mp-tiny.jsonl';
  let line: string;
  try {
    line = readFileSync(src, 'utf8').split('\n')[0];
  } catch {
    t.skip('shared data not present');
    return;
  }
  const rec = JSON.parse(line) as { energies: number[]; mu: number[] };
  const dir = mkdtempSync(path.join(tmpdir(), 'xl-norm-'));
  const file = path.join(dir, 'fe.dat');
  writeFileSync(file, '# energy mu\n' + rec.energies.map((e, i) => `${e} ${rec.mu[i]}`).join('\n'));
  const { code, out } = await call([file, '--json']);
  assert.equal(code, 0, out);
  const r = JSON.parse(out) as { e0: number; notes: string[]; edgeStep: number };
  assert.ok(r.e0 > rec.energies[0] && r.e0 < rec.energies[0] + 30);
  assert.ok(r.edgeStep > 0.5 && r.edgeStep < 2, `step ${r.edgeStep}`);
  assert.ok(r.notes.some((n) => n.includes('post-edge span')));
});

test('errors are clear and return non-zero', async () => {
  let r = await call([]);
  assert.equal(r.code, 2);
  assert.match(r.err, /no FILE given/);
  r = await call(['/nonexistent/x.xdi']);
  assert.equal(r.code, 1);
  assert.match(r.err, /ENOENT/);
  r = await call([fixture('synthetic-fe.xdi'), '--pre', '-30,-200']);
  assert.match(r.err, /--pre needs two increasing numbers/);
  r = await call([fixture('synthetic-fe.xdi'), '--columns', 'energy,nosuch']);
  assert.match(r.err, /no column named "nosuch"/);
});

test('normalize on a SPEC file: --scan picks the scan; without it the scans are listed with the option to use', async () => {
  const spec = fixture('fe-scans.spec');
  const listed = await call([spec]);
  assert.equal(listed.code, 2);
  assert.match(listed.err, /fe-scans\.spec holds 2 energy scans; choose one by number:\n {3}1 {2}ascan/);
  assert.match(listed.err, /\n {3}3 {2}escan {2}7\.05 7\.25 40 1 {3}\(12 points: .*; aborted\)\nchoose one with --scan N\n/);
  const r = await call([spec, '--scan', '2', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as { format: string; scan: { key: string; points: number }; mode: string; columns: string[]; energies: number[]; mu: number[]; notes: string[] };
  assert.equal(j.format, 'spec');
  assert.equal(j.scan.key, '2');
  assert.equal(j.mode, 'transmission');
  assert.deepEqual(j.columns, ['Energy', 'I0', 'It']);
  assert.equal(j.energies[0], 7050);
  assert.equal(j.mu[0], Math.log(100000 / 74082));
  assert.ok(j.notes.includes('82 MCA line(s) (@A) skipped'));
  const text = await call([spec, '--scan', '2', '--columns', 'Energy,I0,If', '--mode', 'fluorescence']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^file: .*fe-scans\.spec \(SPEC scan 2 "escan {2}7\.05 7\.25 40 1", fluorescence from Energy, I0, If\)$/m);
  assert.match(text.out, /^note: 82 MCA line\(s\) \(@A\) skipped$/m);
  // The aborted scan stops at 7105 eV, before the edge: it loads, but there is no edge step to find.
  const aborted = await call([spec, '--scan', '3']);
  assert.equal(aborted.code, 2);
  assert.match(aborted.err, /edge step/);
});

test('--scan and --group are checked against the file', async () => {
  let r = await call([fixture('synthetic-fe.xdi'), '--scan', '2']);
  assert.match(r.err, /--scan picks a scan of a SPEC file; synthetic-fe\.xdi is read as xdi/);
  r = await call([fixture('fe-scans.spec'), '--group', '2']);
  assert.match(r.err, /--group picks a group of an Athena project; fe-scans\.spec is read as spec/);
  r = await call([fixture('fe-scans.spec'), '--scan', 'two']);
  assert.match(r.err, /--scan needs a scan number \(12, or 12\.2 for the second scan numbered 12\), got "two"/);
  r = await call([fixture('fe-scans.spec'), '--scan', '2', '--group', '1']);
  assert.match(r.err, /--group \(Athena projects\) and --scan \(SPEC files\) exclude each other/);
  r = await call([fixture('athena-fe.prj'), '--scan', '1']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--scan picks a scan of a SPEC file; athena-fe\.prj is read as athena/);
});

test('normalize reads the files beamlines write: 9809 angles, SSRL names, Excel CSV, summed fluorescence channels', async () => {
  const cases: [string, string, RegExp | undefined][] = [
    ['fe-9809.dat', 'transmission', /energies from the monochromator angle "angle_o"/],
    ['ssrl-fe.dat', 'transmission', undefined],
    ['excel-de.csv', 'transmission', /column 4 \("Bemerkung"\) holds text/],
    ['fe-ff13.dat', 'fluorescence', /^fluorescence sum\(FF1\.\.FF13\)/],
  ];
  for (const [file, mode, note] of cases) {
    const r = await call([fixture(file), '--json']);
    assert.equal(r.code, 0, `${file}: ${r.err}`);
    const j = JSON.parse(r.out) as { mode: string; e0: number; notes: string[] };
    assert.equal(j.mode, mode, file);
    assert.ok(Math.abs(j.e0 - 7112) < 2.5, `${file}: E0 ${j.e0}`);
    if (note) assert.ok(j.notes.some((n) => note.test(n)), `${file}: ${j.notes.join(' | ')}`);
  }
  const sum = await call([fixture('fe-ff13.dat'), '--columns', 'Energy,I0,sum(FF1..FF13)', '--mode', 'fluorescence', '--json']);
  assert.equal(sum.code, 0, sum.err);
});
