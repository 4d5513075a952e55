import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elementSymbol, MAX_Z } from '../../server/src/structure/elements';
import {
  electronConfiguration, electronFeatures, elementFeatures, hundOccupation, NODE_FEATURE_SIZE, SUBSHELLS,
} from '../../server/src/graph/features';

/** Decode the 118 bits back to electrons per subshell. */
function decode(bits: Float32Array): Record<string, number> {
  const out: Record<string, number> = {};
  let o = 0;
  for (const s of SUBSHELLS) {
    const n = { s: 1, p: 3, d: 5, f: 7 }[s[1] as 's' | 'p' | 'd' | 'f'];
    let e = 0;
    for (let k = 0; k < n; k++, o++) e += bits[2 * o] + bits[2 * o + 1];
    if (e) out[s] = e;
  }
  return out;
}

function config(symbolOrZ: string): Record<string, number> {
  return decode(elementFeatures(symbolOrZ));
}

test('59 orbitals, 118 bits, and the electrons of every element H–Og sum to Z', () => {
  assert.equal(NODE_FEATURE_SIZE, 118);
  assert.equal(MAX_Z, 118);
  for (let Z = 1; Z <= 118; Z++) {
    const f = electronFeatures(Z);
    assert.equal(f.length, 118);
    const total = f.reduce((s, v) => s + v, 0);
    assert.equal(total, Z, `${elementSymbol(Z)}`);
    assert.equal(electronConfiguration(Z).reduce((s, v) => s + v, 0), Z);
    // A pair bit is never set without its occupied bit.
    for (let o = 0; o < 59; o++) assert.ok(f[2 * o + 1] <= f[2 * o]);
  }
  assert.deepEqual(config('Og'), { '1s': 2, '2s': 2, '2p': 6, '3s': 2, '3p': 6, '4s': 2, '3d': 10, '4p': 6, '5s': 2, '4d': 10, '5p': 6, '6s': 2, '4f': 14, '5d': 10, '6p': 6, '7s': 2, '5f': 14, '6d': 10, '7p': 6 });
});

test('anomalous ground states', () => {
  const ar = { '1s': 2, '2s': 2, '2p': 6, '3s': 2, '3p': 6 };
  const kr = { ...ar, '4s': 2, '3d': 10, '4p': 6 };
  const xe = { ...kr, '5s': 2, '4d': 10, '5p': 6 };
  const rn = { ...xe, '6s': 2, '4f': 14, '5d': 10, '6p': 6 };
  assert.deepEqual(config('Cu'), { ...ar, '4s': 1, '3d': 10 });
  assert.deepEqual(config('Cr'), { ...ar, '4s': 1, '3d': 5 });
  assert.deepEqual(config('Pd'), { ...kr, '4d': 10 });
  assert.deepEqual(config('Nb'), { ...kr, '5s': 1, '4d': 4 });
  assert.deepEqual(config('Mo'), { ...kr, '5s': 1, '4d': 5 });
  assert.deepEqual(config('Ru'), { ...kr, '5s': 1, '4d': 7 });
  assert.deepEqual(config('Rh'), { ...kr, '5s': 1, '4d': 8 });
  assert.deepEqual(config('Ag'), { ...kr, '5s': 1, '4d': 10 });
  assert.deepEqual(config('La'), { ...xe, '6s': 2, '5d': 1 });
  assert.deepEqual(config('Ce'), { ...xe, '6s': 2, '4f': 1, '5d': 1 });
  assert.deepEqual(config('Gd'), { ...xe, '6s': 2, '4f': 7, '5d': 1 });
  assert.deepEqual(config('Pt'), { ...xe, '6s': 1, '4f': 14, '5d': 9 });
  assert.deepEqual(config('Au'), { ...xe, '6s': 1, '4f': 14, '5d': 10 });
  assert.deepEqual(config('Ac'), { ...rn, '7s': 2, '6d': 1 });
  assert.deepEqual(config('Th'), { ...rn, '7s': 2, '6d': 2 });
  assert.deepEqual(config('U'), { ...rn, '7s': 2, '5f': 3, '6d': 1 });
  assert.deepEqual(config('Cm'), { ...rn, '7s': 2, '5f': 7, '6d': 1 });
  assert.deepEqual(config('Lr'), { ...rn, '7s': 2, '5f': 14, '7p': 1 });
  // Regular ones follow Madelung filling.
  assert.deepEqual(config('Fe'), { ...ar, '4s': 2, '3d': 6 });
  assert.deepEqual(config('W'), { ...xe, '6s': 2, '4f': 14, '5d': 4 });
});

test("Hund's rule: singly occupied orbitals first, then pairs", () => {
  assert.deepEqual(hundOccupation(6, 5), [2, 1, 1, 1, 1]);
  assert.deepEqual(hundOccupation(3, 5), [1, 1, 1, 0, 0]);
  assert.deepEqual(hundOccupation(4, 3), [2, 1, 1]);
  assert.deepEqual(hundOccupation(14, 7), [2, 2, 2, 2, 2, 2, 2]);
  // Fe: the 3d block (orbitals 15–19, after 1s 2s 2p×3 3s 3p×3 4s) reads 11 10 10 10 10.
  const fe = elementFeatures('Fe');
  assert.deepEqual(Array.from(fe.subarray(2 * 10, 2 * 15)), [1, 1, 1, 0, 1, 0, 1, 0, 1, 0]);
  // 4 unpaired electrons in total.
  let unpaired = 0;
  for (let o = 0; o < 59; o++) if (fe[2 * o] === 1 && fe[2 * o + 1] === 0) unpaired++;
  assert.equal(unpaired, 4);
  // H: 1s¹ → 10 then zeros; He: 1s² → 11.
  assert.deepEqual(Array.from(electronFeatures(1).subarray(0, 4)), [1, 0, 0, 0]);
  assert.deepEqual(Array.from(electronFeatures(2).subarray(0, 4)), [1, 1, 0, 0]);
});

test('unknown elements are refused', () => {
  assert.throws(() => elementFeatures('Xx'), /Unknown element 'Xx'/);
  assert.throws(() => electronFeatures(0), /Z=0/);
  assert.throws(() => electronFeatures(119), /Z=119/);
});
