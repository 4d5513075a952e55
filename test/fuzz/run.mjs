// The long fuzz run: 100,000 cases by default (a few minutes on one core).
//   npm run fuzz                       FUZZ_CASES=100000, seed 20261121
//   FUZZ_SEED=7 FUZZ_CASES=300000 npm run fuzz
import { spawnSync } from 'node:child_process';

const env = { ...process.env, FUZZ_CASES: process.env.FUZZ_CASES ?? '100000' };
const r = spawnSync(process.execPath, ['scripts/test-one.mjs', 'test/fuzz/fuzz.test.ts'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
