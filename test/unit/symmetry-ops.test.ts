import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSymop, applySymop, closeSymops } from '../../server/src/structure/symop';
import { settingByHallNumber } from '../../server/src/structure/spaceGroups';

const op = (s: string) => {
  const r = parseSymop(s);
  assert.ok(r.op, `${s}: ${r.error}`);
  return r.op;
};

test('odd notations all parse to the same operator', () => {
  for (const s of ['-x+1/2,y,-z', '1/2-x, y, -z', '-X+0.5,+y,-z', ' 0.5 - x ,y , -z', '-x+1/2,+Y,-1*z']) {
    const o = op(s);
    assert.deepEqual(o.rot, [[-1, 0, 0], [0, 1, 0], [0, 0, -1]], s);
    assert.deepEqual(o.trans, [0.5, 0, 0], s);
    assert.equal(o.text, '-x+1/2,y,-z');
  }
});

test('hexagonal x-y and translations are applied as written', () => {
  const o = op('x-y, x, z+1/2');
  assert.deepEqual(o.rot, [[1, -1, 0], [1, 0, 0], [0, 0, 1]]);
  assert.deepEqual(applySymop(o, [0.25, 0.5, 0.1]), [-0.25, 0.25, 0.6]);
  assert.deepEqual(op('1/2+x,1/2+y,z').trans, [0.5, 0.5, 0]);
  assert.deepEqual(op('x+3/4,-y+1/4,z').trans, [0.75, 0.25, 0]);
});

test('invalid operators are rejected with a reason', () => {
  assert.match(parseSymop('x,y').error ?? '', /three/);
  assert.match(parseSymop('x,y,w').error ?? '', /component 3/);
  assert.match(parseSymop('2x,y,z').error ?? '', /determinant 2/);
  assert.match(parseSymop('x y,y,z').error ?? '', /expected '\+' or '-'/);
  assert.match(parseSymop('x,y,').error ?? '', /empty/);
  assert.match(parseSymop('x,y,1/0').error ?? '', /fraction/);
});

test('closeSymops: each of the 530 settings is a closed group; without its identity it gets exactly that back', () => {
  for (let h = 1; h <= 530; h++) {
    const g = settingByHallNumber(h);
    assert.ok(g);
    const whole = closeSymops(g.ops);
    assert.deepEqual([whole.error, whole.added?.length, whole.ops?.length], [undefined, 0, g.ops.length], `Hall ${h}`);
    assert.deepEqual(closeSymops(g.ops.filter((o) => o.text !== 'x,y,z')).added?.map((o) => o.text), ['x,y,z'], `Hall ${h}`);
  }
});

test('rounded decimal translations are the fractions they round; real origin shifts are kept', () => {
  assert.deepEqual(op('x+0.3333,y+0.667,-z+0.1667').trans, [1 / 3, 2 / 3, 1 / 6]);
  assert.deepEqual(op('-x+0.04,-y,-z').trans, [0.04, 0, 0]);
});

test('translations rounded to two decimals are the fractions they round, and say so; 0.37 is no rounding of 3/8', () => {
  const r = parseSymop('x+0.33,y+0.67,z+0.67');
  assert.equal(r.op?.text, 'x+1/3,y+2/3,z+2/3');
  assert.equal(r.rounded, true);
  assert.deepEqual(op('-y+0.17,x-y+0.83,-z-0.33').trans, [1 / 6, 5 / 6, -1 / 3]);
  // 1/8 is printed 0.12 (half to even) or 0.13 (half up); 3/8 as 0.38 either way.
  assert.deepEqual(['x+0.12,y,z', 'x+0.13,y,z', 'x+0.38,y,z', 'x+0.42,y,z'].map((s) => op(s).trans[0]), [1 / 8, 1 / 8, 3 / 8, 5 / 12]);
  assert.equal(op('x+0.37,y,z').trans[0], 0.37);
  // One decimal cannot tell 1/8 from 1/12; three decimals round as they always did, silently.
  assert.equal(op('x+0.1,y,z').trans[0], 0.1);
  assert.equal(parseSymop('x+0.333,y,z').rounded, undefined);
  assert.equal(parseSymop('x+1/2,y,z').rounded, undefined);
  // Before: 'x+0.33' made no group with 'x+0.67' (three applications missed the lattice by 0.01).
  const rCentred = ['x,y,z', 'x+0.67,y+0.33,z+0.33', 'x+0.33,y+0.67,z+0.67'].map(op);
  assert.deepEqual([closeSymops(rCentred).error, closeSymops(rCentred).added], [undefined, []]);
});
