// The spectrum panel page in a real browser (headless Chromium): the exact HTML and CSP the
// extension serves, the esbuild bundle of webview/src/main.ts, a stub of acquireVsCodeApi that
// records what the page posts, and real Fe K-edge spectra from the shared data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderPanelHtml } from '../../client/src/panel/html';
import type { PanelOverlay, PanelSpectrum, ShownSeries, WebviewToHost } from '../../webview/src/protocol';
import { interpolate } from '../../server/src/spectrum/interp';
import { parseXdi, writeXdi, xdiField } from '../../server/src/spectrum/xdi';

const DATA = '/work/shared/data/fe-k-feff-mp-tiny.jsonl';
const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(DATA) || !existsSync(CHROMIUM) ? 'needs the shared Fe data and /usr/bin/chromium' : false;

interface FeRecord { material_id: string; energies: number[]; mu: number[] }

let server: Server;
let origin = '';
let browser: Browser;
let work = '';

/** Dark-theme variables as VS Code sets them on <html>. */
const THEME: Record<string, string> = {
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-descriptionForeground': '#ababab',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-panel-border': '#454545',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-font-family': 'sans-serif',
};

function records(): FeRecord[] {
  return readFileSync(DATA, 'utf8').trim().split('\n').slice(0, 3).map((l) => JSON.parse(l) as FeRecord);
}

function spectrum(r: FeRecord, siteIndex: number, label: string, multiplicity: number, withStd: boolean): PanelSpectrum {
  const s: PanelSpectrum = {
    id: `file:///ws/FeTiO3.cif#0#${siteIndex}#mem-xanes@0.1#Fe-K-FEFF`,
    uri: 'file:///ws/FeTiO3.cif',
    fileName: 'FeTiO3.cif',
    block: 0,
    blockName: 'FeTiO3',
    siteIndex,
    label,
    element: 'Fe',
    multiplicity,
    edge: 'K',
    model: 'mem-xanes 0.1',
    domain: 'Fe-K-FEFF',
    energies: r.energies,
    mu: r.mu,
  };
  // An ensemble-like band: wider where μ changes fast.
  if (withStd) s.std = r.mu.map((m, i) => 0.01 + 0.3 * Math.abs((r.mu[Math.min(i + 1, r.mu.length - 1)] - m)));
  return s;
}

/** A "measurement" derived from a record: 3 eV higher, scaled, on a background, starting earlier. */
function measuredXdi(r: FeRecord): string {
  const rows: number[][] = [];
  for (let e = r.energies[0] - 25; e <= r.energies[r.energies.length - 1] + 3; e += 0.35) {
    const inside = interpolate(r.energies, r.mu, e - 3);
    const mu = 0.1 + 0.0005 * (e - r.energies[0]) + 1.3 * (Number.isNaN(inside) ? 0 : inside);
    rows.push([Number(e.toFixed(3)), Number(mu.toFixed(6))]);
  }
  return writeXdi({
    version: '1.0',
    applications: 'test/1',
    fields: [{ namespace: 'Element', tag: 'symbol', value: 'Fe' }, { namespace: 'Element', tag: 'edge', value: 'K' }, { namespace: 'Sample', tag: 'name', value: r.material_id }],
    columns: [{ index: 1, name: 'energy', units: 'eV' }, { index: 2, name: 'mutrans' }],
    comments: ['derived from a FEFF spectrum for the panel test'],
    rows,
  });
}

before(async () => {
  if (skip) return;
  work = mkdtempSync(path.join(tmpdir(), 'xl-webview-'));
  await build({
    entryPoints: [path.resolve('webview/src/main.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outfile: path.join(work, 'webview.js'),
    logLevel: 'warning',
  });
  const files: Record<string, [string, string]> = {
    '/webview.js': [path.join(work, 'webview.js'), 'text/javascript'],
    '/panel.css': [path.resolve('webview/media/panel.css'), 'text/css'],
  };
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      const html = renderPanelHtml({ scriptUri: `${origin}/webview.js`, styleUri: `${origin}/panel.css`, cspSource: origin, nonce: 'dGVzdC1ub25jZQ==' });
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    if (url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const f = files[url];
    if (!f) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': f[1] }).end(readFileSync(f[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openPanel(savedState?: unknown): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 900, height: 820 } });
  await page.addInitScript(({ theme, saved }) => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown; __csp: string[] };
    w.__posted = [];
    w.__state = saved;
    w.__csp = [];
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => w.__state,
      setState: (s: unknown) => (w.__state = JSON.parse(JSON.stringify(s))),
    });
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    // VS Code sets the theme variables on <html> through the CSSOM before the page's scripts run.
    const apply = (): boolean => {
      if (!document.documentElement) return false;
      for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
      return true;
    };
    if (!apply()) {
      const obs = new MutationObserver(() => {
        if (apply()) obs.disconnect();
      });
      obs.observe(document, { childList: true });
    }
  }, { theme: THEME, saved: savedState });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('404')) problems.push(`console: ${m.text()}`);
  });
  await page.goto(origin + '/');
  await page.waitForFunction(() => document.readyState === 'complete');
  assert.deepEqual(problems, [], 'page loads without errors');
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return page;
}

const posted = (page: Page): Promise<WebviewToHost[]> => page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);

async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Pixels of the chart canvas within a small distance of an RGB colour. */
async function countColour(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.evaluate((c) => {
    const canvas = document.querySelector('canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - c[0]) + Math.abs(d[i + 1] - c[1]) + Math.abs(d[i + 2] - c[2]) < 40) n++;
    return n;
  }, rgb);
}

const BLUE: [number, number, number] = [0x37, 0x94, 0xff];
const RED: [number, number, number] = [0xf1, 0x4c, 0x4c];
const PURPLE: [number, number, number] = [0xb1, 0x80, 0xd7];

test('panel: plot, list, hide, overlay + align, exports, state restore', { skip }, async () => {
  const [a, b] = records();
  const page = await openPanel();
  const initial = await posted(page);
  assert.deepEqual(initial[0], { type: 'ready' });
  assert.ok(await page.getByText('No spectra yet').isVisible());

  await send(page, { type: 'addSpectra', spectra: [spectrum(a, 4, 'Fe1', 2, true), spectrum(b, 5, 'Fe2', 4, false)], averageByElement: true });
  const items = page.getByTestId('spectrum-item');
  await assert.doesNotReject(items.nth(2).waitFor());
  assert.equal(await items.count(), 3, 'two sites and their multiplicity-weighted average');
  assert.equal(await items.nth(0).getByTestId('label').innerText(), 'Fe1 (Fe ×2)\nFeTiO3.cif · FeTiO3 · mem-xanes 0.1');
  assert.match(await items.nth(2).innerText(), /Fe average \(2 sites\)[\s\S]*Fe1×2, Fe2×4/);

  // The chart is drawn: each curve's colour covers a line's worth of pixels.
  const blue = await countColour(page, BLUE);
  const red = await countColour(page, RED);
  const purple = await countColour(page, PURPLE);
  assert.ok(blue > 300 && red > 300 && purple > 200, `blue ${blue}, red ${red}, purple ${purple}`);

  // Hiding Fe1 removes its pixels and nothing else.
  await items.nth(0).getByTestId('toggle').uncheck();
  const blueHidden = await countColour(page, BLUE);
  assert.ok(blueHidden < blue * 0.1, `blue after hide ${blueHidden} (was ${blue})`);
  // The other curves stay (their pixel counts change a little as the y axis rescales).
  assert.ok((await countColour(page, RED)) > 300 && (await countColour(page, PURPLE)) > 200);
  await items.nth(0).getByTestId('toggle').check();

  // Measured XDI overlay: similarity appears, auto-align finds the 3 eV offset.
  await send(page, { type: 'experimental', fileName: 'measured.xdi', text: measuredXdi(a) });
  await page.getByTestId('normalisation').waitFor();
  assert.match(await page.getByTestId('experimental').innerText(), /Element\.symbol: Fe/);
  const simBefore = await items.nth(0).getByTestId('similarity').innerText();
  const rBefore = Number(/r = (-?[\d.]+)/.exec(simBefore)?.[1]);
  assert.ok(Number.isFinite(rBefore), simBefore);
  assert.match(simBefore, /MAE = \d\.\d{3}/);
  await items.nth(0).getByTestId('label').click();
  await page.getByTestId('auto-align').click();
  const shift = Number(await page.getByTestId('shift-number').inputValue());
  assert.ok(Math.abs(shift + 3) < 0.15, `auto-align shift ${shift}`);
  const rAfter = Number(/r = (-?[\d.]+)/.exec(await items.nth(0).getByTestId('similarity').innerText())?.[1]);
  assert.ok(rAfter > 0.995 && rAfter > rBefore, `r ${rBefore} → ${rAfter}`);

  // How the file was read reaches the panel: an XDI says nothing; keV energies say they were converted.
  assert.equal(await page.getByTestId('load-note').count(), 0);
  const kev = ['# energy_keV  mu', ...a.energies.map((e, i) => `${(e / 1000).toFixed(5)}  ${(0.1 + 1.3 * a.mu[i]).toFixed(6)}`)].join('\n');
  await send(page, { type: 'experimental', fileName: 'kev.dat', text: kev });
  await page.getByTestId('load-note').first().waitFor();
  assert.match((await page.getByTestId('load-note').allInnerTexts()).join('\n'), /keV .*converted to eV/);
  await send(page, { type: 'experimental', fileName: 'measured.xdi', text: measuredXdi(a) });
  await page.getByTestId('normalisation').waitFor();
  await items.nth(0).getByTestId('label').click();
  await page.getByTestId('auto-align').click();
  assert.ok(Math.abs(Number(await page.getByTestId('shift-number').inputValue()) - shift) < 0.15);

  // Exports: CSV of the visible curves, XDI with provenance, PNG of the plot.
  await items.nth(1).getByTestId('toggle').uncheck();
  await page.getByTestId('export-csv').click();
  await page.getByTestId('export-xdi').click();
  await page.getByTestId('export-png').click();
  const exports = (await posted(page)).filter((m): m is Extract<WebviewToHost, { type: 'export' }> => m.type === 'export');
  assert.deepEqual(exports.map((e) => e.format), ['csv', 'xdi', 'png']);
  const csv = exports[0].content.split('\n').filter((l) => !l.startsWith('#'));
  assert.equal(csv[0], 'energy_eV,Fe1 (Fe ×2),Fe1 (Fe ×2) -2sigma,Fe1 (Fe ×2) +2sigma,Fe average (2 sites),measured: measured.xdi');
  const row = csv.find((l) => l.startsWith('7130,'));
  assert.ok(row, 'a row at 7130 eV');
  const i7130 = a.energies.indexOf(7130);
  assert.equal(Number(row.split(',')[1]), Number(a.mu[i7130].toPrecision(8)));
  const avg = (2 * a.mu[i7130] + 4 * b.mu[i7130]) / 6;
  assert.ok(Math.abs(Number(row.split(',')[4]) - avg) < 1e-6, 'average column is multiplicity weighted');
  assert.equal(exports[0].fileName, 'xanes-spectra.csv');
  const xdi = parseXdi(exports[1].content);
  assert.equal(exports[1].fileName, 'FeTiO3_Fe1.xdi');
  assert.equal(xdiField(xdi, 'XANESLens.model'), 'mem-xanes 0.1');
  assert.match(xdiField(xdi, 'XANESLens.site') ?? '', /^Fe1 \(index 4, multiplicity 2\)$/);
  assert.ok(!Number.isNaN(Date.parse(xdiField(xdi, 'XANESLens.date') ?? '')));
  assert.equal(xdi.rows.length, a.energies.length);
  assert.ok(exports[2].content.startsWith('data:image/png;base64,') && exports[2].content.length > 5000);

  // A malformed message is dropped and reported, not half-applied.
  await send(page, { type: 'addSpectra', spectra: [{ id: 'x' }], averageByElement: false });
  await send(page, { type: 'addSpectra', spectra: [{ ...spectrum(a, 9, 'Fe9', 1, false), energies: [3, 2, 1] }], averageByElement: false });
  assert.equal(await items.count(), 4, 'three curves and the measurement; nothing added');
  assert.equal((await posted(page)).filter((m) => m.type === 'error').length, 2);

  mkdirSync('test-artifacts', { recursive: true });
  await page.getByTestId('spectrum-item').nth(1).getByTestId('toggle').check();
  await page.screenshot({ path: 'test-artifacts/panel.png', fullPage: true });
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no CSP violations');

  // Reload with the persisted state (what VS Code does when the panel is shown again).
  const saved = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
  await page.close();
  const again = await openPanel(saved);
  assert.equal(await again.getByTestId('spectrum-item').count(), 4);
  assert.equal(await again.getByTestId('shift-number').inputValue(), (await again.getByTestId('shift-number').inputValue()));
  assert.ok(Math.abs(Number(await again.getByTestId('shift-number').inputValue()) - shift) < 1e-9);
  assert.ok((await countColour(again, BLUE)) > 300);
  await again.close();
});

test('panel: relative energy axis and light theme keep the curves visible', { skip }, async () => {
  const [a] = records();
  const page = await openPanel();
  await send(page, { type: 'addSpectra', spectra: [spectrum(a, 4, 'Fe1', 1, false)], averageByElement: false });
  await page.getByTestId('spectrum-item').first().waitFor();
  await page.getByTestId('x-mode').selectOption('relative');
  assert.ok((await countColour(page, BLUE)) > 300);
  const saved = await page.evaluate(() => (window as unknown as { __state: { xMode: string } }).__state);
  assert.equal(saved.xMode, 'relative');
  // Switching theme: VS Code changes body classes and variables; the chart re-reads them.
  await page.evaluate(() => {
    const light: Record<string, string> = {
      '--vscode-charts-blue': '#0000ff',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#333333',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-panel-border': '#c8c8c8',
    };
    for (const [k, v] of Object.entries(light)) document.documentElement.style.setProperty(k, v);
    document.body.className = 'vscode-light';
  });
  await page.waitForTimeout(50);
  assert.ok((await countColour(page, [0, 0, 255])) > 300, 'curve redrawn in the new theme colour');
  await page.screenshot({ path: 'test-artifacts/panel-light-relative.png' });
  await page.close();
});

/** The parent with a neighbour "removed": the white line 8 % lower, the rest unchanged. */
function overlayOf(parent: PanelSpectrum): PanelOverlay {
  const peak = parent.mu.indexOf(Math.max(...parent.mu));
  const mu = parent.mu.map((m, i) => (Math.abs(i - peak) <= 6 ? m * 0.92 : m));
  const meanAbsDelta = mu.reduce((a, m, i) => a + Math.abs(m - parent.mu[i]), 0) / mu.length;
  return {
    ...parent, id: `${parent.id}#without#2`, mu, parentId: parent.id, fullMu: parent.mu.slice(), meanAbsDelta,
    removed: { element: 'O', label: 'O3', distance: 1.987, rank: 2 },
  };
}

const lastShown = async (page: Page): Promise<ShownSeries[]> => {
  const shown = (await posted(page)).filter((m): m is Extract<WebviewToHost, { type: 'shown' }> => m.type === 'shown');
  return shown.at(-1)?.series ?? [];
};

test('panel: an overlay without one atom is a dashed curve with its Δμ on a right axis; exported; removed with its Δμ', { skip }, async () => {
  const [a] = records();
  const parent = spectrum(a, 4, 'Fe1', 2, true);
  const overlay = overlayOf(parent);
  const page = await openPanel();
  await send(page, { type: 'addSpectra', spectra: [parent], averageByElement: false });
  await page.getByTestId('spectrum-item').first().waitFor();
  const blueAlone = await countColour(page, BLUE);
  assert.equal(await countColour(page, RED), 0, 'nothing red before the overlay');

  await send(page, { type: 'addOverlay', overlay, parent });
  const items = page.getByTestId('spectrum-item');
  await items.nth(2).waitFor();
  assert.deepEqual(await items.getByTestId('label').locator('.name').allInnerTexts(), ['Fe1 (Fe ×2)', 'Fe1 without O3 (rank 2)', 'Δμ = Fe1 without O3 (rank 2) − full']);
  assert.match(await items.nth(1).innerText(), /O O3 at 1\.987 Å removed; mean \|Δμ\| /);
  assert.match(await page.getByTestId('status').innerText(), /Fe1 without O O3 \(rank 2, 1\.987 Å\): mean \|Δμ\| \d/);
  // The page tells the host what it holds: the dashed curve on μ's axis, Δμ dotted on the right.
  const shown = await lastShown(page);
  assert.deepEqual(shown.map((x) => [x.kind, x.label, x.points, x.axis, x.visible]), [
    ['prediction', 'Fe1 (Fe ×2)', a.energies.length, 'y', true],
    ['without', 'Fe1 without O3 (rank 2)', a.energies.length, 'y', true],
    ['delta', 'Δμ = Fe1 without O3 (rank 2) − full', a.energies.length, 'y2', true],
  ]);
  assert.deepEqual(shown[0].dash, []);
  assert.ok(shown[1].dash.length === 2 && shown[2].dash.length === 2, JSON.stringify(shown.map((x) => x.dash)));
  // Drawn in the next palette colour (red), dashed: fewer pixels than a solid line of that length.
  const red = await countColour(page, RED);
  assert.ok(red > 150, `red pixels of the overlay and its Δμ: ${red}`);
  await items.nth(2).getByTestId('toggle').uncheck();
  const redWithoutDelta = await countColour(page, RED);
  assert.ok(redWithoutDelta > 50 && redWithoutDelta < red, `hiding Δμ: red ${red} → ${redWithoutDelta}`);
  assert.ok((await countColour(page, BLUE)) > blueAlone * 0.5, 'the full curve is still drawn');
  await items.nth(2).getByTestId('toggle').check();
  assert.equal(await items.nth(2).getByTestId('remove').count(), 0, 'Δμ goes with its overlay, not alone');

  // CSV of the visible curves: the overlay and its Δμ like every other curve, at the exact values.
  await page.getByTestId('export-csv').click();
  const csvMsg = (await posted(page)).filter((m): m is Extract<WebviewToHost, { type: 'export' }> => m.type === 'export').at(-1);
  assert.ok(csvMsg);
  const lines = csvMsg.content.split('\n').filter((l) => !l.startsWith('#'));
  assert.equal(lines[0], 'energy_eV,Fe1 (Fe ×2),Fe1 (Fe ×2) -2sigma,Fe1 (Fe ×2) +2sigma,Fe1 without O3 (rank 2),Fe1 without O3 (rank 2) -2sigma,Fe1 without O3 (rank 2) +2sigma,Δμ = Fe1 without O3 (rank 2) − full');
  const peak = a.mu.indexOf(Math.max(...a.mu));
  const cells = lines.find((l) => l.startsWith(`${a.energies[peak]},`))?.split(',').map(Number);
  assert.ok(cells, `a row at ${a.energies[peak]} eV`);
  assert.ok(Math.abs(cells[4] - overlay.mu[peak]) < 1e-6 && Math.abs(cells[7] - (overlay.mu[peak] - a.mu[peak])) < 1e-6, JSON.stringify(cells));

  // Removing the overlay removes its Δμ; the full curve stays; the host hears of it.
  await items.nth(1).getByTestId('remove').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="spectrum-item"]').length === 1);
  assert.ok((await countColour(page, RED)) < 20);
  assert.deepEqual((await lastShown(page)).map((x) => x.kind), ['prediction']);

  // A reopened (empty) panel gets the overlay together with its full curve.
  await page.close();
  const fresh = await openPanel();
  await send(fresh, { type: 'addOverlay', overlay, parent });
  await fresh.getByTestId('spectrum-item').nth(2).waitFor();
  assert.deepEqual((await lastShown(fresh)).map((x) => x.kind), ['prediction', 'without', 'delta']);
  // An overlay whose parent is another curve is refused, not drawn.
  await send(fresh, { type: 'addOverlay', overlay: { ...overlay, id: 'x' }, parent: { ...parent, id: 'other' } });
  assert.equal(await fresh.getByTestId('spectrum-item').count(), 3);
  assert.equal((await posted(fresh)).filter((m) => m.type === 'error').length, 1);
  assert.deepEqual(await fresh.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no CSP violations');
  mkdirSync('test-artifacts', { recursive: true });
  await fresh.screenshot({ path: 'test-artifacts/panel-overlay-without.png', fullPage: true });
  await fresh.close();
});

test('panel: a curve from a head with few reference spectra says so under its label, flagged in the warning colour', { skip }, async () => {
  const [a, b] = records();
  const few: PanelSpectrum = {
    ...spectrum(a, 4, 'Fe1', 2, true),
    reliability: { level: 'few', summary: 'Fe-K-FEFF: validation MAE 0.051 (Δμ median 6.1 %) on 2 spectra, test MAE 0.066 on 2 spectra — few reference spectra, treat as qualitative' },
  };
  const wellTested: PanelSpectrum = {
    ...spectrum(b, 0, 'Cu1', 4, false), id: 'file:///ws/CuO.cif#0#0#mem-xanes@0.1#Cu-K-FEFF', uri: 'file:///ws/CuO.cif', fileName: 'CuO.cif', blockName: 'CuO', element: 'Cu', domain: 'Cu-K-FEFF',
    reliability: { level: 'well-tested', summary: 'Cu-K-FEFF: validation MAE 0.026 (Δμ median 2.7 %) on 392 spectra, test MAE 0.026 on 425 spectra — well tested' },
  };
  const page = await openPanel();
  // VS Code's theme sets it (through the CSSOM, as the other variables).
  await page.evaluate(() => document.documentElement.style.setProperty('--vscode-editorWarning-foreground', '#cca700'));
  await send(page, { type: 'addSpectra', spectra: [few, wellTested], averageByElement: false });
  const items = page.getByTestId('spectrum-item');
  await items.nth(1).waitFor();
  assert.equal(await page.getByTestId('status').innerText(), '2 spectra added. ⚠ Treat Fe-K-FEFF as qualitative (see the line under the curve).');
  const line = items.nth(0).getByTestId('reliability');
  assert.ok(await line.isVisible(), 'the reliability line is shown');
  assert.equal(await line.innerText(), `⚠ ${few.reliability!.summary}`);
  assert.equal(await line.getAttribute('data-level'), 'few');
  assert.equal(await line.getAttribute('title'), few.reliability!.summary);
  assert.equal(await items.nth(0).getByTestId('label').innerText(), `Fe1 (Fe ×2)\nFeTiO3.cif · FeTiO3 · mem-xanes 0.1\n⚠ ${few.reliability!.summary}`);
  // Flagged: not the muted colour of the provenance line, and wrapped so that all of it is read.
  const style = (sel: string): Promise<{ color: string; whiteSpace: string; width: number; scroll: number }> => items.nth(0).locator(sel).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { color: cs.color, whiteSpace: cs.whiteSpace, width: el.clientWidth, scroll: el.scrollWidth };
  });
  const flagged = await style('[data-testid="reliability"]');
  const detail = await style('.detail:not(.reliability)');
  assert.equal(flagged.color, 'rgb(204, 167, 0)', 'the theme\'s warning colour');
  assert.notEqual(flagged.color, detail.color, `reliability ${flagged.color} vs detail ${detail.color}`);
  assert.equal(flagged.whiteSpace, 'normal');
  assert.ok(flagged.scroll <= flagged.width + 1, `not cut off: ${flagged.scroll} > ${flagged.width}`);
  // A well-tested head: the same line, unflagged, in the provenance's muted colour.
  const plain = items.nth(1).getByTestId('reliability');
  assert.equal(await plain.innerText(), wellTested.reliability!.summary);
  assert.equal(await plain.getAttribute('data-level'), 'well-tested');
  assert.equal(await plain.evaluate((el) => getComputedStyle(el).color), detail.color);
  // An unknown level is a malformed message: dropped whole and reported (the host never sends one).
  await send(page, { type: 'addSpectra', spectra: [{ ...few, id: 'x', reliability: { level: 'maybe', summary: 'x' } }], averageByElement: false });
  assert.equal(await items.count(), 2);
  assert.equal((await posted(page)).filter((m) => m.type === 'error').length, 1);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp), [], 'no CSP violations');
  // Persisted with the curve: a reloaded panel shows it again.
  const saved = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
  mkdirSync('test-artifacts', { recursive: true });
  await page.screenshot({ path: 'test-artifacts/panel-reliability.png', fullPage: true });
  await page.close();
  const again = await openPanel(saved);
  assert.equal(await again.getByTestId('spectrum-item').nth(0).getByTestId('reliability').innerText(), `⚠ ${few.reliability!.summary}`);
  await again.close();
});
