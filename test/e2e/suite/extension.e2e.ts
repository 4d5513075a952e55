// Inside a real VS Code: activation, languages, lenses, hover, diagnostics and the lens command.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { XanesApi } from '../../../client/src/context';
import type { PredictResult } from '../../../server/src/lsp_ext';

const EXTENSION_ID = 'xanes-lens.xanes-lens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run opens test/fixtures/lsp as the workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Language features update asynchronously: retry until `check` returns a value. */
async function poll<T>(what: string, fn: () => Thenable<T> | T, check: (v: T) => boolean, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

function lineOf(doc: vscode.TextDocument, prefix: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.trimStart().startsWith(prefix)) return i;
  throw new Error(`no line starting with ${prefix}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('XANES Lens in VS Code', () => {
  let rutile: vscode.TextDocument;

  before(async () => {
    rutile = await vscode.workspace.openTextDocument(workspaceFile('rutile.cif'));
    await vscode.window.showTextDocument(rutile);
    const ext = vscode.extensions.getExtension<XanesApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed in development mode`);
    await poll('activation', () => ext.isActive, (a) => a);
    await ext.exports.ready;
  });

  it('activates on a CIF and registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['xanes.predictSite', 'xanes.predictAll']) assert.ok(commands.includes(c), c);
    const api = vscode.extensions.getExtension<XanesApi>(EXTENSION_ID)!.exports;
    const status = await poll('server status', () => api.status(), (s) => s !== null);
    assert.equal(typeof status!.state, 'string');
  });

  it('maps .cif/.mcif to cif and .xyz to xyz', async () => {
    assert.equal(rutile.languageId, 'cif');
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('cif') && languages.includes('xyz'));
    const xyz = await vscode.workspace.openTextDocument(workspaceFile('fe-water.xyz'));
    assert.equal(xyz.languageId, 'xyz');
  });

  it('shows a lens per inequivalent Ti site and one per block', async () => {
    const lenses = await poll(
      'code lenses',
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', rutile.uri),
      (l) => Array.isArray(l) && l.length >= 2,
    );
    const titles = lenses.map((l) => l.command?.title).sort();
    assert.deepEqual(titles, ['Predict K-edge XANES (Ti1, ×2)', 'Predict all sites (1)']);
    const site = lenses.find((l) => l.command?.command === 'xanes.predictSite')!;
    assert.equal(site.range.start.line, lineOf(rutile, 'Ti1'));
    assert.equal((site.command!.arguments as unknown[])[0], rutile.uri.toString());
  });

  it('hovers an atom row with multiplicity and first shell', async () => {
    const pos = new vscode.Position(lineOf(rutile, 'Ti1'), 1);
    const hovers = await poll(
      'hover',
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', rutile.uri, pos),
      (h) => hoverText(h ?? []).includes('Ti1'),
    );
    const text = hoverText(hovers);
    assert.match(text, /multiplicity: 2/);
    assert.match(text, /first shell: 6 \(O×6\)/);
  });

  it('lists the block in the outline', async () => {
    const symbols = await poll(
      'document symbols',
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', rutile.uri),
      (s) => Array.isArray(s) && s.length > 0,
    );
    assert.match(symbols[0].name, /rutile/);
  });

  it('reports precise diagnostics on a broken file', async () => {
    const broken = await vscode.workspace.openTextDocument(workspaceFile('broken.cif'));
    await vscode.window.showTextDocument(broken);
    const diags = await poll('diagnostics', () => vscode.languages.getDiagnostics(broken.uri), (d) => d.length >= 2);
    const unknown = diags.find((d) => d.code === 'element.unknown');
    assert.ok(unknown, JSON.stringify(diags));
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(unknown.range.start.line, lineOf(broken, 'Xx1'));
    assert.equal(broken.getText(unknown.range), 'Xx');
  });

  it('runs the lens command: a prediction or the no-model error', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', rutile.uri);
    const site = lenses.find((l) => l.command?.command === 'xanes.predictSite')!;
    const args = site.command!.arguments as [string, number, number];
    let result: PredictResult | undefined;
    let error: Error | undefined;
    try {
      result = await vscode.commands.executeCommand<PredictResult>('xanes.predictSite', ...args);
    } catch (err) {
      error = err as Error;
    }
    if (error) {
      assert.match(error.message, /No XANES model is installed/);
    } else {
      assert.ok(result);
      assert.equal(result.element, 'Ti');
      assert.equal(result.multiplicity, 2);
      assert.ok(result.energies.length > 0 && result.energies.length === result.mu.length);
    }
  });
});
