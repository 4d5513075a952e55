// Fuzzing the parsers and the parse → expand → absorbing sites → graph pipeline.
//   quick (CI, part of the normal suite): 2,000 cases, a few seconds
//   full:  FUZZ_CASES=100000 node scripts/test-one.mjs test/fuzz/fuzz.test.ts   (or npm run fuzz)
//   replay one case: FUZZ_SEED=<seed> FUZZ_FROM=<index> FUZZ_CASES=1
// Failing documents are written to out/fuzz-failures/ for inspection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runFuzz } from './harness';

const seed = Number(process.env.FUZZ_SEED ?? 20261121);
const cases = Number(process.env.FUZZ_CASES ?? 2000);
const from = Number(process.env.FUZZ_FROM ?? 0);

test(`fuzz: ${cases} generated and mutated CIF/XYZ documents (seed ${seed}) break no invariant`, () => {
  const s = runFuzz(seed, cases, from);
  const dir = path.resolve('out/fuzz-failures');
  if (s.failures.length > 0) {
    mkdirSync(dir, { recursive: true });
    for (const f of s.failures.slice(0, 20)) writeFileSync(path.join(dir, `${seed}-${f.index}.${f.format}`), f.text);
  }
  console.log(`fuzz: ${s.cases} cases in ${(s.totalMs / 1000).toFixed(1)} s, ${s.atoms} atoms, ${s.graphs} graphs built, slowest case #${s.slowest.index} ${s.slowest.ms.toFixed(0)} ms, ${s.failures.length} failing`);
  const report = s.failures.slice(0, 10).map((f) =>
    `case ${f.index} (${f.format}, mutations ${f.mutations.join('+') || 'none'}, ${f.ms.toFixed(0)} ms; replay FUZZ_SEED=${seed} FUZZ_FROM=${f.index} FUZZ_CASES=1):\n    ${f.problems.slice(0, 3).join('\n    ').slice(0, 1500)}`);
  assert.equal(s.failures.length, 0, `${s.failures.length} failing cases, first ones:\n${report.join('\n')}`);
  // The generator must reach deep: plenty of structures and graphs, not just syntax errors.
  assert.ok(s.graphs > cases / 20, `only ${s.graphs} graphs built in ${cases} cases`);
});
