// The real-VS-Code suite as one node:test test, so `npm test` has a single summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../lsp/lspClient';
import { shippedModel } from '../fixtures/shippedModel';

/** it() blocks in test/e2e/suite/extension.e2e.ts; a silently skipped test must fail here. */
const EXPECTED_E2E_TESTS = 20;

test('extension suite passes inside a real VS Code; in the UI a lens click opens the panel, decorates and hovers attention', { timeout: 400_000 }, async () => {
  // The model the extension will resolve (modelLocation.ts: the newest models/mem-xanes-v*),
  // read before VS Code starts; the status bar line below must name the same model.
  const shipped = shippedModel(ROOT);
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
  // Once the model is loaded the status bar names it and the backend.
  const bar = /UI: status bar "XANES: (\S+) · (wasm|cpu|tensorflow|tensorflow-gpu)"/.exec(out);
  assert.ok(bar, `no status bar line in the UI output:\n${tail}`);
  assert.equal(bar[1], shipped.name, `the UI ran ${bar[1]}, the newest model in models/ is ${shipped.name} (was one written during the run?)`);
  // The clicked lens: the panel lists the Cu1 spectrum and its chart has pixels on it.
  const panel = /UI: panel lists "([^"]*)"; chart canvas has (\d+) painted pixels/.exec(out);
  assert.ok(panel, `no panel line in the UI output:\n${tail}`);
  assert.match(panel[1], /^Cu1 \(Cu ×4\) tenorite\.cif · CuO_tenorite · /);
  assert.ok(Number(panel[2]) > 1000, `chart canvas nearly blank (${panel[2]} pixels)`);
  // Both atom_site rows carry an attention label; the two shares sum to 1 (mean over heads).
  const labels = [...out.matchAll(/"\s*attention (\d\.\d{3}) \(Σ(\d+)\)"/g)];
  assert.equal(labels.length, 2, `attention labels: ${labels.map((m) => m[0]).join(', ')}`);
  assert.ok(Math.abs(labels.reduce((a, m) => a + Number(m[1]), 0) - 1) < 0.002);
  // Tenorite fills every neighbour slot of the model (graph.maxNeighbours of its metadata.json).
  assert.equal(labels.reduce((a, m) => a + Number(m[2]), 0), shipped.maxNeighbours, `the rows account for all ${shipped.maxNeighbours} neighbours of ${shipped.name}`);
  assert.match(out, /UI: hover on O1 shows "XANES attention" with per-head scores/);
  assert.match(out, /UI: palette lists XANES: Evaluate Model…, XANES: Fine-tune on Experimental Spectra…, XANES: Train Model…/);
  // The Explorer's "Overlay Experimental Spectrum…" on a measured XDI: auto-aligned and scored.
  const overlay = /UI: overlay from the explorer: r = (-?\d\.\d{3}) · MAE = (\d+\.\d{3}) \((\d+)–(\d+) eV\)/.exec(out);
  assert.ok(overlay, `no overlay line in the UI output:\n${tail}`);
  assert.ok(Math.abs(Number(overlay[1])) <= 1 && Number(overlay[2]) >= 0);
  assert.ok(Number(overlay[3]) < Number(overlay[4]), 'a non-empty energy overlap');
});
