import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../server/src/cli/graph';

function capture(): { io: { stdout(t: string): void; stderr(t: string): void }; out: () => string; err: () => string } {
  let o = '', e = '';
  return { io: { stdout: (t) => { o += t; }, stderr: (t) => { e += t; } }, out: () => o, err: () => e };
}

interface GraphJson {
  absorber: { siteIndex: number; element: string; label: string; line: number };
  neighbours: { rank: number; element: string | null; label: string | null; distance: number; image: number[]; siteIndex: number | null; line: number | null; virtual: boolean }[];
}

test('graph --json: tenorite Cu has four O at ~1.95 Å, all from the O1 row', async () => {
  const c = capture();
  const code = await run(['test/fixtures/structures/CuO-tenorite-C2c.cif', '--json'], c.io);
  assert.equal(code, 0, c.err());
  const j = JSON.parse(c.out()) as GraphJson;
  assert.equal(j.absorber.element, 'Cu');
  assert.equal(j.absorber.line, 27);
  assert.equal(j.neighbours.length, 20);
  const first = j.neighbours.slice(0, 4);
  assert.ok(first.every((n) => n.element === 'O' && n.label === 'O1' && n.line === 28));
  assert.ok(first.every((n) => n.distance > 1.9 && n.distance < 2.0), JSON.stringify(first.map((n) => n.distance)));
  const d = j.neighbours.map((n) => n.distance);
  assert.deepEqual(d, [...d].sort((x, y) => x - y));
  assert.ok(j.neighbours.every((n) => !n.virtual));
});

test('graph of a molecule pads with virtual atoms and prints a table', async () => {
  const c = capture();
  assert.equal(await run(['test/fixtures/structures/ferrocene.xyz', '--site', '0'], c.io), 0, c.err());
  const text = c.out();
  assert.match(text, /site 0 .*\(Fe, line 3\)/);
  // Ferrocene: Fe + 20 atoms, all within 8 Å → exactly 20 real neighbours, the 10 C first.
  const rows = text.split('\n').filter((l) => /^\s+\d+\s+[A-Z]/.test(l));
  assert.equal(rows.length, 20);
  assert.ok(rows.slice(0, 10).every((r) => /\sC\s/.test(r)));
});

test('graph reports missing sites and blocks clearly', async () => {
  let c = capture();
  assert.equal(await run(['test/fixtures/structures/CuO-tenorite-C2c.cif', '--site', '999'], c.io), 1);
  assert.match(c.err(), /site 999 does not exist \(block "CuO_tenorite" has 8 atoms\)/);
  c = capture();
  assert.equal(await run(['test/fixtures/structures/CuO-tenorite-C2c.cif', '--block', 'nope'], c.io), 1);
  assert.match(c.err(), /no block "nope"/);
  c = capture();
  await assert.rejects(run(['a.cif', 'b.cif'], c.io), /exactly one FILE/);
});
