import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lookupSpaceGroup, settingByHallNumber, type SpaceGroupSetting } from '../../server/src/structure/spaceGroups';
import { latticeFromParameters } from '../../server/src/structure/lattice';
import { parseSymop, type SymOp } from '../../server/src/structure/symop';

function setting(q: Parameters<typeof lookupSpaceGroup>[0]): { g: SpaceGroupSetting; assumed?: string } {
  const r = lookupSpaceGroup(q);
  assert.ok(r.setting, `lookup ${JSON.stringify(q)}: ${r.error}`);
  return { g: r.setting, ...(r.assumed ? { assumed: r.assumed } : {}) };
}

/** a∘b as (rot, trans mod 1) text key. */
function key(rot: number[][], trans: number[]): string {
  return `${rot.flat().join(',')}|${trans.map((t) => Math.round((((t % 1) + 1) % 1) * 24) % 24).join(',')}`;
}
function compose(a: SymOp, b: SymOp): string {
  const rot = a.rot.map((row) => [0, 1, 2].map((j) => row[0] * b.rot[0][j] + row[1] * b.rot[1][j] + row[2] * b.rot[2][j]));
  const trans = a.rot.map((row, i) => row[0] * b.trans[0] + row[1] * b.trans[1] + row[2] * b.trans[2] + a.trans[i]);
  return key(rot, trans);
}

test('space-group lookup: every symbol spelling of rutile\'s group gives its 16 operators', () => {
  const names = ['P 42/m n m', 'P4_2/mnm', 'p 4_2/m 2_1/n 2/m', 'P42/mnm'];
  for (const symbol of names) {
    const { g, assumed } = setting({ symbol });
    assert.deepEqual([g.number, g.ops.length, g.hall, assumed], [136, 16, '-P 4n 2n', undefined], symbol);
  }
  assert.equal(setting({ number: 136 }).g.hallNumber, setting({ symbol: 'P42/mnm' }).g.hallNumber);
  assert.equal(setting({ hall: ' -P  4n 2n ' }).g.number, 136);
  // The screw axis of 4_2: (x, y, z) → (−y + 1/2, x + 1/2, z + 1/2) is among them.
  assert.ok(setting({ number: 136 }).g.ops.some((o) => o.text === '-y+1/2,x+1/2,z+1/2'));
});

test('space-group lookup: origin choice and rhombohedral axes, stated or decided, and refusals', () => {
  const fd3m = setting({ symbol: 'F d -3 m' });
  assert.deepEqual([fd3m.g.number, fd3m.g.choice, fd3m.g.ops.length], [227, '2', 192]);
  assert.match(fd3m.assumed ?? '', /origin choice 2 assumed/);
  for (const symbol of ['Fd-3m:1', 'F d -3 m :1']) assert.deepEqual([setting({ symbol }).g.choice, setting({ symbol }).assumed], ['1', undefined]);
  for (const symbol of ['Fd-3m:2', 'F d -3 m S', 'F d -3 m Z']) assert.deepEqual([setting({ symbol }).g.choice, setting({ symbol }).assumed], ['2', undefined]);
  const hex = latticeFromParameters(4.76, 4.76, 12.99, 90, 90, 120);
  const rho = latticeFromParameters(5.13, 5.13, 5.13, 55.3, 55.3, 55.3);
  assert.deepEqual([setting({ symbol: 'R -3 c', lattice: hex }).g.choice, setting({ symbol: 'R -3 c', lattice: hex }).g.ops.length], ['H', 36]);
  assert.deepEqual([setting({ symbol: 'R -3 c', lattice: rho }).g.choice, setting({ symbol: 'R -3 c', lattice: rho }).g.ops.length], ['R', 12]);
  assert.equal(setting({ symbol: 'R-3c:R' }).g.choice, 'R');
  // Monoclinic short symbols mean the standard setting: unique axis b, cell choice 1.
  assert.deepEqual([setting({ symbol: 'P 21/c' }).g.choice, setting({ symbol: 'P 21/c' }).g.ops.length], ['b1', 4]);
  assert.equal(setting({ symbol: 'P 1 1 21/a' }).g.choice.replace('-', '').charAt(0), 'c');
  // Other cell choices as files write them, and the pre-2002 names of the e-glide groups.
  for (const [symbol, number, choice] of [['P21/n', 14, 'b2'], ['P 1 21/n 1', 14, 'b2'], ['P21/a', 14, 'b3'], ['I2/a', 15, 'b3'], ['Cmca', 64, ''], ['Abm2', 39, ''], ['Ccca', 68, '2']] as const) {
    const { g } = setting({ symbol });
    assert.deepEqual([g.number, g.choice], [number, choice], symbol);
  }
  assert.match(lookupSpaceGroup({ symbol: 'Q 9 z' }).error ?? '', /unknown space-group symbol 'Q 9 z'/);
  assert.match(lookupSpaceGroup({ number: 231 }).error ?? '', /not between 1 and 230/);
  assert.match(lookupSpaceGroup({ symbol: 'P m -3 m :2' }).error ?? '', /setting '2' does not exist/);
  // An unknown symbol with a valid number falls back on the number.
  assert.equal(setting({ symbol: 'P 42/m n x', number: 136 }).g.number, 136);
});

test('all 530 settings: the generated operators are the table\'s, distinct, and close into a group', () => {
  let checked = 0;
  for (let hall = 1; hall <= 530; hall++) {
    const g = settingByHallNumber(hall);
    assert.ok(g);
    // Each setting is reached through its own Hall symbol (three of spglib's Hall symbols name
    // two settings each, e.g. 'C 2 2 -1bc' for Ccce '1' and '1ba-c': the same operators).
    const back = setting({ hall: g.hall }).g;
    assert.deepEqual(back.ops.map((o) => o.text).sort(), g.ops.map((o) => o.text).sort(), g.hall);
    const keys = new Set(g.ops.map((o) => key(o.rot, o.trans)));
    assert.equal(keys.size, g.ops.length, `Hall ${hall}: distinct operators`);
    assert.ok(keys.has(key([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0])), `Hall ${hall}: identity`);
    // Each operator is the one its own text parses to, numbers included.
    for (const o of g.ops) assert.deepEqual(parseSymop(o.text).op, o, `Hall ${hall}: ${o.text}`);
    for (const a of g.ops) for (const b of g.ops) assert.ok(keys.has(compose(a, b)), `Hall ${hall} ${g.symbol}: ${a.text} ∘ ${b.text} is not in the set`);
    checked++;
  }
  assert.equal(checked, 530);
  assert.equal(settingByHallNumber(531), undefined);
});

