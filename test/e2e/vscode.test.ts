// The real-VS-Code suite as one node:test test, so `npm test` has a single summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../lsp/lspClient';

/** it() blocks in test/e2e/suite/extension.e2e.ts; a silently skipped test must fail here. */
const EXPECTED_E2E_TESTS = 7;

test('extension suite passes inside a real VS Code, and the lens renders in the UI', { timeout: 400_000 }, async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/e2e/run.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const tail = out.split('\n').slice(-60).join('\n');
  assert.equal(code, 0, `e2e runner failed:\n${tail}`);
  const passing = /(\d+) passing/.exec(out);
  assert.ok(passing, `no mocha summary in the output:\n${tail}`);
  assert.equal(Number(passing[1]), EXPECTED_E2E_TESTS);
  assert.doesNotMatch(out, /\d+ failing/);
  assert.match(out, /UI: code lens "Predict K-edge XANES \(Ti1, ×2\)" visible/);
});
