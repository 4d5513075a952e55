// Fuzzing the measured-spectrum loaders (XDI, column tables, 9809, SPEC, Athena Perl and JSON,
// gzip/UTF-16/Windows-1252 bytes) through loading, column choices, part selection and extraction,
// and normalisation: see spectraInvariants.ts for what must hold.
//   quick (part of the normal suite): 2,500 cases with runs of at most 20,000 characters, about 7 s
//   full:  FUZZ_CASES=100000 node scripts/test-one.mjs test/fuzz/spectra.test.ts   (or npm run fuzz):
//          runs of 10^5 (FUZZ_BIG overrides the cap)
//   replay one case: FUZZ_SEED=<seed> FUZZ_FROM=<index> FUZZ_CASES=1 FUZZ_BIG=<cap> (the report prints it)
// Failing files are written to out/fuzz-failures/ as the bytes the loader was given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runSpectraFuzz, type SpectraSummary } from './spectraHarness';

const seed = Number(process.env.FUZZ_SEED ?? 20261121);
const cases = Number(process.env.FUZZ_CASES ?? 2500);
const from = Number(process.env.FUZZ_FROM ?? 0);
const big = Number(process.env.FUZZ_BIG ?? (cases >= 10000 ? 100000 : 20000));

const line = (s: SpectraSummary): string =>
  `spectra fuzz: ${s.cases} cases (${(s.bytes / 1048576).toFixed(1)} MB, largest ${(s.largest / 1024).toFixed(0)} KB) in ${(s.totalMs / 1000).toFixed(1)} s, ` +
  `${s.loaded} spectra loaded, ${s.normalised} normalised, ${s.parts} parts extracted, ${s.retried} slow cases passed on a rerun, ` +
  `slowest call #${s.slowest.index} ${s.slowest.op} ${s.slowest.ms.toFixed(0)} ms for ${s.slowest.size} bytes, ${s.failures.length} failing`;

test(`fuzz: ${cases} generated and mutated measured spectrum files (seed ${seed}, runs up to ${big}) break no invariant`, () => {
  const progress = cases >= 10000 ? (done: number, s: SpectraSummary): void => console.log(`  ${done}/${cases}: ${line(s)}`) : undefined;
  const s = runSpectraFuzz(seed, cases, from, big, progress);
  const dir = path.resolve('out/fuzz-failures');
  const kept = s.failures.filter((f) => f.bytes.length > 0).slice(0, 20);
  if (kept.length > 0) {
    mkdirSync(dir, { recursive: true });
    for (const f of kept) writeFileSync(path.join(dir, `spectra-${seed}-${f.index}-${f.fileName.replace(/[^\w.-]+/g, '_')}`), f.bytes);
  }
  console.log(line(s));
  const report = s.failures.slice(0, 10).map((f) =>
    `case ${f.index} (${f.kind} ${f.source} as ${f.fileName}, ${f.encoding}, mutations ${f.mutations.join('+') || 'none'}; replay FUZZ_SEED=${seed} FUZZ_FROM=${f.index} FUZZ_CASES=1 FUZZ_BIG=${big}):\n    ${f.problems.slice(0, 3).join('\n    ').slice(0, 1500)}`);
  assert.equal(s.failures.length, 0, `${s.failures.length} failing cases, first ones:\n${report.join('\n')}`);
  // The generator must reach deep: plenty of spectra loaded and normalised, not just refusals
  // (not asked of a replay of a few cases).
  if (cases < 100) return;
  assert.ok(s.loaded > cases / 3, `only ${s.loaded} spectra loaded in ${cases} cases`);
  assert.ok(s.normalised > cases / 4, `only ${s.normalised} spectra normalised in ${cases} cases`);
  assert.ok(s.parts > cases / 20, `only ${s.parts} parts of multi-part files extracted in ${cases} cases`);
});
