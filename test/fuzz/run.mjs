// The long fuzz runs: 100,000 cases per target by default, one target after the other (a few
// minutes for structures, about half an hour for spectra, on one core).
//   npm run fuzz                       both targets, FUZZ_CASES=100000, seed 20261121
//   npm run fuzz -- spectra            one target: structures (CIF/XYZ) or spectra (measured files)
//   FUZZ_SEED=7 FUZZ_CASES=300000 npm run fuzz
import { spawnSync } from 'node:child_process';

const TARGETS = { structures: 'test/fuzz/fuzz.test.ts', spectra: 'test/fuzz/spectra.test.ts' };
const asked = process.argv.slice(2);
const unknown = asked.filter((t) => !Object.hasOwn(TARGETS, t));
if (unknown.length > 0) {
  console.error(`unknown fuzz target(s) ${unknown.join(', ')}; choose from ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
const env = { ...process.env, FUZZ_CASES: process.env.FUZZ_CASES ?? '100000' };
let status = 0;
for (const target of asked.length > 0 ? asked : Object.keys(TARGETS)) {
  console.log(`\n▶ fuzz ${target}: ${env.FUZZ_CASES} cases`);
  const r = spawnSync(process.execPath, ['scripts/test-one.mjs', TARGETS[target]], { stdio: 'inherit', env });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
