// Inside a real VS Code: activation, languages, lenses, hover, diagnostics, the lens command, and
// the whole prediction flow on a Cu crystal (tenorite, covered by the model's Cu-K-FEFF domain):
// result shape and provenance, the spectrum panel beside the editor, attention decorations on
// the neighbour rows, the attention hover, neighbour sensitivity (hover and row colouring), the
// hover's "Overlay spectrum without …" link adding a dashed curve to the panel, head selection and
// clearing. Assertions are about shapes and behaviour, never the model's exact μ
// values (the shipped model is retrained).
// Last, "XANES: Train Model…" on a tiny config: cancelled after its first checkpoint, resumed to
// the end, and the model it writes is the one the lens then predicts with.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { XanesApi } from '../../../client/src/context';
import type { PredictResult, PredictWithoutResult } from '../../../server/src/lsp_ext';
import type { ModelMetadata } from '../../../server/src/model/metadata';
import type { TrainState } from '../../../server/src/training/checkpoint';
import type { RunReport } from '../../../server/src/training/run';
import { shippedModel } from '../../fixtures/shippedModel';

interface Manifest { contributes: { commands: { command: string }[] } }

const EXTENSION_ID = 'xanes-lens.xanes-lens';

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e run opens test/fixtures/lsp as the workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Language features update asynchronously: retry until `check` returns a value. */
async function poll<T>(what: string, fn: () => Thenable<T> | T, check: (v: T) => boolean, timeoutMs = 20000, intervalMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
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

function hoversAt(doc: vscode.TextDocument, line: number, character = 1): Thenable<vscode.Hover[]> {
  return vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, character));
}

/** The hovers of a line once their text contains `needle` (providers may answer before the data arrives). */
function hoverShowing(what: string, doc: vscode.TextDocument, line: number, needle: string): Promise<vscode.Hover[]> {
  return poll(what, () => hoversAt(doc, line), (h) => hoverText(h ?? []).includes(needle));
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

  it('opens POSCAR/CONTCAR and .vasp files as poscar, with one lens for the two equivalent Ti', async () => {
    const fixture = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test/fixtures/structures/rutile-TiO2.vasp');
    // A file named POSCAR, as VASP wants it, is recognised by its name alone.
    const dir = mkdtempSync(path.join(tmpdir(), 'xanes-e2e-poscar-'));
    writeFileSync(path.join(dir, 'POSCAR'), readFileSync(fixture, 'utf8'));
    const named = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(dir, 'POSCAR')));
    assert.equal(named.languageId, 'poscar');
    const vasp = await vscode.workspace.openTextDocument(vscode.Uri.file(fixture));
    assert.equal(vasp.languageId, 'poscar');
    const lenses = await poll(
      'POSCAR lenses',
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', named.uri),
      (l) => Array.isArray(l) && l.length >= 2,
    );
    // No symmetry in a POSCAR: the two Ti have the same surroundings and share one lens.
    assert.deepEqual(lenses.map((l) => [l.command?.title, l.range.start.line]).sort(), [
      ['Predict K-edge XANES (Ti1, ×2)', 8], ['Predict all sites (1)', 0],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('hovers an atom row with multiplicity and first shell', async () => {
    const hovers = await hoverShowing('hover', rutile, lineOf(rutile, 'Ti1'), 'Ti1');
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

  describe('prediction flow on tenorite (CuO, Cu-K-FEFF)', () => {
    let tenorite: vscode.TextDocument;
    let editor: vscode.TextEditor;
    let result: PredictResult;
    /** graph.maxNeighbours of the model the extension resolved (20 for v5, 40 for v6): set with the prediction. */
    let slots = 0;
    const api = (): XanesApi => vscode.extensions.getExtension<XanesApi>(EXTENSION_ID)!.exports;

    before(async () => {
      tenorite = await vscode.workspace.openTextDocument(workspaceFile('tenorite.cif'));
      editor = await vscode.window.showTextDocument(tenorite, vscode.ViewColumn.One);
    });

    after(async () => {
      await vscode.workspace.getConfiguration('xanes').update('attentionHead', undefined, vscode.ConfigurationTarget.Global);
      await vscode.workspace.getConfiguration('xanes').update('highlightBy', undefined, vscode.ConfigurationTarget.Global);
      // The UI run that follows reuses this profile: it must start without a restored panel.
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('registers every command package.json contributes, and contributes every xanes.* command', async () => {
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
      const contributed = manifest.contributes.commands.map((c) => c.command).sort();
      const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('xanes.')).sort();
      assert.deepEqual(registered, contributed);
      for (const c of ['xanes.trainModel', 'xanes.evaluateModel', 'xanes.finetuneModel', 'xanes.showSpectrumPanel', 'xanes.clearAttention']) {
        assert.ok(registered.includes(c), c);
      }
    });

    it('the Cu1 lens predicts 111 points, 3 heads and the model\'s maxNeighbours neighbours whose attention sums to 1 per head', async () => {
      const lenses = await poll(
        'tenorite lenses',
        () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tenorite.uri),
        (l) => Array.isArray(l) && l.some((x) => x.command?.title.startsWith('Predict K-edge XANES (Cu1')),
      );
      const lens = lenses.find((l) => l.command?.title.startsWith('Predict K-edge XANES (Cu1'))!;
      assert.equal(lens.command!.title, 'Predict K-edge XANES (Cu1, ×4)');
      // Loading the model (possibly an ensemble) in the server's worker can take a while under load.
      await poll('model ready', () => api().status(), (s) => s?.state === 'ready', 100_000);
      result = await vscode.commands.executeCommand<PredictResult>('xanes.predictSite', ...(lens.command!.arguments as unknown[]));
      assert.ok(result, 'xanes.predictSite returns its result');
      assert.equal(result.element, 'Cu');
      assert.equal(result.label, 'Cu1');
      assert.equal(result.multiplicity, 4);
      assert.equal(result.domain.id, 'Cu-K-FEFF');
      assert.equal(result.energies.length, 111);
      assert.equal(result.mu.length, 111);
      assert.ok(result.mu.every(Number.isFinite), 'finite μ');
      assert.ok(result.energies.every((e, i) => i === 0 || e > result.energies[i - 1]), 'increasing energies');
      assert.equal(result.heads, 3);
      // The neighbour count is the model's (modelLocation.ts resolveModelDir: the newest
      // models/mem-xanes-v*), read from its metadata.json; the prediction must come from that model.
      const shipped = shippedModel(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath);
      assert.equal(path.resolve(result.model.path), path.resolve(shipped.dir), `the extension predicted with ${result.model.path}, but the newest model is ${shipped.dir} (was it written during the run?)`);
      slots = shipped.maxNeighbours;
      // The accuracy line is the model's own validation record for the domain: Cu crystals are well tested.
      const metrics = (JSON.parse(readFileSync(path.join(shipped.dir, 'metadata.json'), 'utf8')) as { metrics?: { val?: { gnn?: Record<string, { spectra: number; mae: number }> } } }).metrics;
      const cuVal = metrics?.val?.gnn?.['Cu-K-FEFF'];
      assert.ok(cuVal, 'the shipped model records its Cu validation metrics');
      assert.equal(result.reliability?.level, 'well-tested');
      assert.deepEqual([result.reliability?.validation?.spectra, result.reliability?.validation?.mae], [cuVal.spectra, cuVal.mae]);
      assert.equal(result.neighbours.length, slots);
      const real = result.neighbours.filter((n) => !n.virtual);
      // Tenorite has far more atoms within 8 Å of Cu than any model's slots: every slot is real.
      assert.equal(real.length, slots, `tenorite fills all ${slots} neighbour slots of ${shipped.name} within 8 Å of Cu`);
      for (let h = 0; h < 3; h++) {
        const sum = real.reduce((a, n) => a + n.scores[h], 0);
        assert.ok(Math.abs(sum - 1) < 1e-4, `head ${h + 1} sums to ${sum}`);
      }
      // Ties (equal distances up to rounding) are broken by a deterministic key, not by the last bits.
      assert.ok(real.every((n, i) => i === 0 || n.distance >= real[i - 1].distance - 1e-6), 'neighbours sorted by distance');
      assert.ok(real.every((n) => n.element === 'Cu' || n.element === 'O'));
      // Provenance: the same model and backend the status bar names.
      const status = api().status()!;
      assert.equal(result.model.name, status.model);
      assert.equal(result.backend, status.backend);
      assert.ok(result.backend.length > 0 && result.backend !== 'unknown');
      assert.equal(api().statusBarText(), `$(pulse) XANES: ${status.model} · ${status.backend}`);
    }).timeout(150_000);

    it('opens the spectrum panel beside the editor', async () => {
      const panelTab = await poll(
        'spectrum panel tab',
        () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'XANES spectra' && t.input instanceof vscode.TabInputWebview),
        (t) => t !== undefined,
      );
      assert.match((panelTab!.input as vscode.TabInputWebview).viewType, /xanesLens\.spectrum$/);
      const editorTab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === tenorite.uri.toString());
      assert.ok(editorTab, 'tenorite.cif is still open');
      assert.notEqual(panelTab!.group.viewColumn, editorTab.group.viewColumn, 'panel in its own column beside the editor');
    });

    it('decorates the absorber row and the rows of its neighbours, with the summed attention', async () => {
      const cuLine = lineOf(tenorite, 'Cu1');
      const oLine = lineOf(tenorite, 'O1');
      const state = await poll('decorations', () => api().attentionDecorations(tenorite.uri.toString()), (s) => s.rows.length >= 2);
      assert.equal(state.absorberLine, cuLine);
      assert.deepEqual(state.rows.map((r) => r.line), [cuLine, oLine]);
      // Mean over heads, summed over the row's neighbours (periodic images of one atom_site row).
      const mean = (line: number): number =>
        result.neighbours.filter((n) => !n.virtual && n.range.start.line === line).reduce((a, n) => a + n.scores.reduce((x, y) => x + y, 0) / n.scores.length, 0);
      for (const row of state.rows) assert.match(row.text, new RegExp(`attention ${mean(row.line).toFixed(3).replace('.', '\\.')} \\(Σ\\d+\\)`));
      assert.ok(Math.abs(mean(cuLine) + mean(oLine) - 1) < 1e-3, 'the two rows share all the attention');
      assert.ok(state.rows.some((r) => r.level === 4), 'the strongest row gets the strongest colour');
    });

    it('hovering a decorated row shows the per-head scores; other rows do not', async () => {
      const oLine = lineOf(tenorite, 'O1');
      const hovers = await hoverShowing('attention hover', tenorite, oLine, 'XANES attention');
      const text = hoverText(hovers);
      assert.match(text, /absorber Cu1 \(Cu\)/);
      assert.match(text, /\| rank \| atom \| d \(Å\) \| h1 raw \| h2 raw \| h3 raw \| h1 min–max/);
      const oCount = result.neighbours.filter((n) => n.element === 'O').length;
      assert.ok(slots > 0, 'the Cu1 prediction test ran first');
      assert.match(text, new RegExp(`${oCount} neighbours from this row \\(of ${slots}\\)`));
      const other = await hoversAt(tenorite, lineOf(tenorite, '_cell_length_a'), 2);
      assert.doesNotMatch(hoverText(other ?? []), /XANES attention/);
    });

    it('neighbour sensitivity follows the spectrum: one value per neighbour, in the hover, colouring the rows on request, and its link overlays the spectrum without O1 in the panel', async () => {
      const uri = tenorite.uri.toString();
      const s = await poll('sensitivity', () => api().sensitivity(uri), (x) => x !== undefined, 60_000);
      assert.ok(s);
      assert.equal(s.neighbours.length, result.neighbours.filter((n) => !n.virtual).length);
      assert.ok(s.neighbours.every((n) => Number.isFinite(n.sensitivity) && n.sensitivity >= 0));
      // Each S_j carries the members' spread: 0 for a one-member model, else finite and ≥ 0.
      const members = shippedModel(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath).members;
      assert.equal(s.members, members);
      assert.ok(s.neighbours.every((n) => Number.isFinite(n.spread) && n.spread >= 0 && (members > 1 || n.spread === 0)), JSON.stringify(s.neighbours.map((n) => n.spread)));
      const oLine = lineOf(tenorite, 'O1');
      const hovers = await hoverShowing('sensitivity hover', tenorite, oLine, 'Sensitivity (occlusion)');
      const text = hoverText(hovers);
      assert.match(text, /removing one of this row's \d+ atoms changes μ by/);
      assert.match(text, /\|Δμ\| removed \(rank\)/);
      // The per-atom column shows S_j ± its spread across the members (value alone for one member).
      if (members > 1) assert.match(text, /\| \d[\d.e-]* ± \d[\d.e-]* \(\d+\)( \[overlay\]\(command:[^)]*\))? \|/);
      // xanes.highlightBy = sensitivity: the rows carry Σ mean |Δμ| instead of attention.
      const sum = (line: number): number => s.neighbours.filter((n) => n.range.start.line === line).reduce((a, n) => a + n.sensitivity, 0);
      await vscode.commands.executeCommand('xanes.selectHighlight', 'sensitivity');
      const state = await poll('sensitivity rows', () => api().attentionDecorations(uri), (st) => st.rows.every((r) => r.text.includes('sensitivity')) && st.rows.length === 2);
      for (const row of state.rows) assert.match(row.text, new RegExp(`sensitivity ${sum(row.line).toFixed(4).replace('.', '\\.')} \\(Σ\\d+\\)`));
      await vscode.commands.executeCommand('xanes.selectHighlight', 'attention');
      await poll('attention rows again', () => api().attentionDecorations(uri), (st) => st.rows.length === 2 && st.rows.every((r) => r.text.includes('attention')));

      // The hover's "Overlay spectrum without O1" link: the command adds the dashed curve and its
      // Δμ to the panel, and reopens a closed panel. (One it() with the sensitivity it needs.)
      // The link's arguments, as VS Code hands them to the command when it is clicked.
      const link = /\[Overlay spectrum without O1\]\(command:xanes\.overlayWithout\?([^\s)]+)/.exec(text);
      assert.ok(link, text.slice(0, 400));
      // Trusted for that one command only (a hover must not run arbitrary command: links).
      const md = hovers.flatMap((h) => h.contents).find((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString && c.value.includes('Overlay spectrum'));
      assert.deepEqual(md?.isTrusted, { enabledCommands: ['xanes.overlayWithout'] });
      const args = JSON.parse(decodeURIComponent(link[1])) as unknown[];
      const w = await vscode.commands.executeCommand<PredictWithoutResult>('xanes.overlayWithout', ...args);
      assert.ok(w, 'xanes.overlayWithout returns its result');
      assert.equal(w.removed.label, 'O1');
      assert.equal(w.mu.length, 111);
      // The row's most sensitive O: its mean |Δμ| is the hover's value for that atom.
      const entry = s.neighbours.find((n) => n.rank === w.removed.rank);
      assert.ok(entry && Math.min(...s.neighbours.filter((n) => n.label === 'O1').map((n) => n.order)) === entry.order);
      assert.ok(Math.abs(w.meanAbsDelta - entry.sensitivity) < 1e-6, `${w.meanAbsDelta} vs ${entry.sensitivity}`);
      const label = `Cu1 without O1 (rank ${w.removed.rank})`;
      const shown = await poll('the overlay in the panel', () => api().panelSeries(), (list) => list.some((x) => x.label === label));
      const curve = shown.find((x) => x.label === label)!;
      assert.deepEqual([curve.kind, curve.points, curve.visible, curve.axis], ['without', 111, true, 'y']);
      assert.ok(curve.dash.length > 0, 'dashed');
      assert.ok(shown.some((x) => x.kind === 'delta' && x.axis === 'y2' && x.label === `Δμ = ${label} − full`));
      assert.ok(shown.some((x) => x.kind === 'prediction' && x.label === 'Cu1 (Cu ×4)'));
      // Closed panel: the command opens it again, with the full curve to compare against.
      const tab = (): vscode.Tab | undefined => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'XANES spectra' && t.input instanceof vscode.TabInputWebview);
      await vscode.window.tabGroups.close(tab()!);
      await poll('panel closed', () => api().panelSeries(), (list) => list.length === 0);
      const far = s.neighbours.at(-1)!;
      const again = await vscode.commands.executeCommand<PredictWithoutResult>('xanes.overlayWithout', { ...(args[0] as object), rank: far.rank, expect: { siteIndex: far.siteIndex, image: far.image } });
      const farLabel = `Cu1 without ${far.label} (rank ${far.rank})`;
      assert.equal(again.removed.rank, far.rank);
      const reopened = await poll('the reopened panel', () => api().panelSeries(), (list) => list.some((x) => x.label === farLabel));
      assert.deepEqual(reopened.map((x) => x.kind), ['prediction', 'without', 'delta']);
      assert.ok(tab(), 'the spectrum panel is open again');
      await vscode.window.showTextDocument(tenorite, vscode.ViewColumn.One);
    }).timeout(120_000);

    it("xanes.highlightBy transformer colours the rows by the neighbour transformer's weights; the hover lists them per head", async () => {
      const uri = tenorite.uri.toString();
      const t = result.transformer;
      assert.ok(t, 'the shipped model has a neighbour transformer');
      // Mean over the transformer's heads (xanes.attentionHead is still "mean"), summed per row.
      const sum = (line: number): number => result.neighbours.filter((n) => !n.virtual && n.range.start.line === line)
        .reduce((a, n) => a + (n.transformer ?? []).reduce((x, y) => x + y, 0) / t.heads, 0);
      await vscode.commands.executeCommand('xanes.selectHighlight', 'transformer');
      const state = await poll('transformer rows', () => api().attentionDecorations(uri), (st) => st.rows.length === 2 && st.rows.every((r) => r.text.includes('transformer')));
      for (const row of state.rows) assert.match(row.text, new RegExp(`transformer ${sum(row.line).toFixed(3).replace('.', '\\.')} \\(Σ\\d+\\)`));
      const oLine = lineOf(tenorite, 'O1');
      const hovers = await hoverShowing('transformer hover', tenorite, oLine, 't1');
      const text = hoverText(hovers);
      assert.match(text, new RegExp(`\\| h3 min–max \\|${Array.from({ length: t.heads }, (_, h) => ` t${h + 1} \\|`).join('')}`));
      const nearest = result.neighbours.find((n) => n.range.start.line === oLine)!;
      assert.ok(text.includes(`${nearest.distance.toFixed(3)} |`) && text.includes(` ${nearest.transformer![0].toFixed(3)} |`));
      const absorber = hoverText(await hoversAt(tenorite, lineOf(tenorite, 'Cu1')));
      assert.ok(absorber.includes(`t1 ${t.self[0].toFixed(3)}`), absorber.slice(0, 400));
      await vscode.commands.executeCommand('xanes.selectHighlight', 'attention');
      await poll('attention rows again', () => api().attentionDecorations(uri), (st) => st.rows.length === 2 && st.rows.every((r) => r.text.includes('attention')));
    });

    it('xanes.selectAttentionHead 2 repaints the rows with head 2', async () => {
      await vscode.commands.executeCommand('xanes.selectAttentionHead', 2);
      const oLine = lineOf(tenorite, 'O1');
      const head2 = result.neighbours.filter((n) => !n.virtual && n.range.start.line === oLine).reduce((a, n) => a + n.scores[1], 0);
      const state = await poll(
        'head-2 decorations',
        () => api().attentionDecorations(tenorite.uri.toString()),
        (s) => s.rows.some((r) => r.line === oLine && r.text.includes(`attention ${head2.toFixed(3)}`)),
      );
      assert.equal(state.rows.length, 2);
      assert.equal(vscode.workspace.getConfiguration('xanes').get('attentionHead'), 2);
    });

    it('xanes.revealNeighbour selects the neighbour\'s source row in the editor', async () => {
      await vscode.window.showTextDocument(tenorite, vscode.ViewColumn.One);
      const far = result.neighbours.filter((n) => !n.virtual).at(-1)!;
      await vscode.commands.executeCommand('xanes.revealNeighbour', far.rank);
      const active = vscode.window.activeTextEditor!;
      assert.equal(active.document.uri.toString(), tenorite.uri.toString());
      assert.equal(active.selection.start.line, far.range.start.line);
      assert.equal(active.document.getText(active.selection), tenorite.getText(new vscode.Range(far.range.start.line, far.range.start.character, far.range.end.line, far.range.end.character)));
      assert.match(active.document.lineAt(active.selection.start.line).text, new RegExp(`^${far.label}\\s`));
    });

    it('xanes.clearAttention removes the decorations and the attention hover', async () => {
      await vscode.window.showTextDocument(tenorite, vscode.ViewColumn.One);
      await vscode.commands.executeCommand('xanes.clearAttention');
      const state = api().attentionDecorations(tenorite.uri.toString());
      assert.deepEqual(state, { rows: [], absorberLine: null });
      const hovers = await hoversAt(tenorite, lineOf(tenorite, 'O1'));
      assert.doesNotMatch(hoverText(hovers ?? []), /XANES attention/);
      assert.ok(editor.document === tenorite);
    });

    it('overlays one group of a gzip-compressed Athena project, named by its label', async () => {
      const prj = vscode.Uri.file(path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test/fixtures/spectra/athena-fe.prj'));
      await vscode.commands.executeCommand('xanes.loadExperimental', prj, { group: 'Fe foil' });
      const shown = await poll('the Athena group in the panel', () => api().panelSeries(), (list) => list.some((x) => x.kind === 'experimental'));
      const measured = shown.filter((x) => x.kind === 'experimental');
      assert.equal(measured.length, 1);
      assert.equal(measured[0].label, 'measured: Fe foil');
      const lines = readFileSync(path.join(path.dirname(prj.fsPath), 'athena-fe-plain.prj'), 'utf8').split('\n');
      const x = lines[lines.findIndex((l) => l.includes("'fefoi'")) + 2];
      assert.match(x, /^@x = \(/);
      assert.equal(measured[0].points, x.split(',').length, 'every energy of the group');
      await vscode.window.showTextDocument(tenorite, vscode.ViewColumn.One);
    });
  });

  describe('XANES: Train Model… on a tiny config: cancel, resume, predict with the new model', () => {
    const EPOCHS = 8;
    const fixtures = (): string => path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test/fixtures/data/jsonl');
    const api = (): XanesApi => vscode.extensions.getExtension<XanesApi>(EXTENSION_ID)!.exports;
    let dir = '';

    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'xanes-e2e-train-'));
    });

    after(async () => {
      // The UI run that follows reuses this profile and expects the shipped model and no panel.
      await vscode.workspace.getConfiguration('xanes').update('modelPath', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** The Cu fixture under several material ids, so the by-material split puts Cu on both sides. */
    function cuCopies(): string {
      const records = readFileSync(path.join(fixtures(), 'cu-k-feff-fixture.jsonl'), 'utf8').split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
      const copies = records.flatMap((r) => [0, 1, 2, 3].map((k) => JSON.stringify({ ...r, id: `${String(r.id)}-c${k}`, material_id: `${String(r.material_id)}-c${k}` })));
      const file = path.join(dir, 'cu-copies.jsonl');
      writeFileSync(file, copies.join('\n') + '\n');
      return file;
    }

    /** Trains in about a second when the machine is idle: tiny widths, a dozen spectra, no baseline. */
    function writeTinyConfig(): { configFile: string; outputDir: string } {
      const sources = ['cu-k-feff-fixture.jsonl', 'fe-k-fdmnes-fixture.jsonl', 'tc-k-feff-fixture.jsonl'].map((f) => path.join(fixtures(), f));
      const outputDir = path.join(dir, 'run');
      const configFile = path.join(dir, 'train.json');
      writeFileSync(configFile, JSON.stringify({
        data: { sources: [...sources, cuCopies()].map((p) => ({ path: p })), cacheDir: path.join(dir, 'cache') },
        split: { seed: 1, train: 0.5, val: 0.5, test: 0 },
        model: { convWidths: [12, 10], headWidth: 8, attentionHeads: 2, denseWidths: [16] },
        epochs: EPOCHS, batchSize: 2, schedule: { type: 'cosine' }, earlyStopping: { patience: 0 },
        baseline: { enabled: false }, backend: 'wasm', outputDir,
      }, null, 1));
      return { configFile, outputDir };
    }

    const readState = (file: string): TrainState => JSON.parse(readFileSync(file, 'utf8')) as TrainState;

    it('trains, is cancelled after its first checkpoint, resumes to the end, and the lens predicts with the new model', async () => {
      const { configFile, outputDir } = writeTinyConfig();
      const stateFile = path.join(outputDir, 'member-0', 'checkpoint', 'state.json');

      // Not awaited: the command returns its report only when the job ends.
      let firstSettled = false;
      const firstRun = Promise.resolve(vscode.commands.executeCommand<RunReport | undefined>('xanes.trainModel', { configFile }));
      const settle = (): void => {
        firstSettled = true;
      };
      void firstRun.then(settle, settle);
      // An epoch takes a fraction of a second: look often, so the cancel lands well before the last one.
      await poll('the first checkpoint', () => existsSync(stateFile) || firstSettled, (done) => done, 120_000, 20);
      assert.equal(await vscode.commands.executeCommand<boolean>('xanes.cancelModelJob'), true, 'a job was running to cancel');
      const first = await firstRun;
      assert.ok(first, 'xanes.trainModel returns its report');
      assert.equal(first.status, 'cancelled');
      assert.equal(first.modelDir, undefined, 'a cancelled run writes no model');
      const stopped = readState(stateFile);
      assert.ok(stopped.epoch >= 1 && stopped.epoch < EPOCHS, `checkpoint after ${stopped.epoch} of ${EPOCHS} epochs`);
      assert.equal(stopped.finished, false);
      assert.equal(await vscode.commands.executeCommand<boolean>('xanes.cancelModelJob'), false, 'nothing left to cancel');

      const second = await vscode.commands.executeCommand<RunReport | undefined>('xanes.trainModel', { configFile, resume: true, useModel: true });
      assert.ok(second, 'the resumed run returns its report');
      assert.equal(second.status, 'finished');
      const modelDir = path.join(outputDir, 'model');
      assert.equal(second.modelDir && path.resolve(second.modelDir), modelDir);
      assert.ok(existsSync(path.join(modelDir, 'metadata.json')), 'metadata.json written');
      assert.equal(second.members[0].epochs, EPOCHS);
      const ended = readState(stateFile);
      assert.equal(ended.epoch, EPOCHS);
      assert.equal(ended.finished, true);
      // One history across both runs: the resumed run continued the cancelled one's epochs.
      assert.deepEqual(ended.history.map((h) => h.epoch), Array.from({ length: EPOCHS }, (_, i) => i + 1));
      assert.equal(vscode.workspace.getConfiguration('xanes').get<string>('modelPath'), second.modelDir);

      const metadata = JSON.parse(readFileSync(path.join(modelDir, 'metadata.json'), 'utf8')) as ModelMetadata;
      const cuDomain = metadata.domains.find((d) => d.id === 'Cu-K-FEFF');
      assert.ok(cuDomain, `the model predicts Cu-K-FEFF (domains ${metadata.domains.map((d) => d.id).join(', ')})`);
      // The server hears of the setting asynchronously and loads the model in its worker.
      await poll('the trained model loaded', () => api().status(), (s) => s?.model === metadata.name && s.state === 'ready', 100_000);
      const tenorite = await vscode.workspace.openTextDocument(workspaceFile('tenorite.cif'));
      await vscode.window.showTextDocument(tenorite, vscode.ViewColumn.One);
      const lenses = await poll(
        'tenorite lenses',
        () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', tenorite.uri),
        (l) => Array.isArray(l) && l.some((x) => x.command?.title.startsWith('Predict K-edge XANES (Cu1')),
      );
      const lens = lenses.find((l) => l.command?.title.startsWith('Predict K-edge XANES (Cu1'))!;
      const result = await vscode.commands.executeCommand<PredictResult>('xanes.predictSite', ...(lens.command!.arguments as unknown[]));
      assert.ok(result, 'xanes.predictSite returns its result');
      assert.equal(path.resolve(result.model.path), modelDir);
      assert.equal(result.model.name, metadata.name);
      assert.equal(result.domain.id, 'Cu-K-FEFF');
      assert.equal(result.mu.length, cuDomain.energies.length);
      assert.equal(result.energies.length, cuDomain.energies.length);
      assert.ok(result.mu.every(Number.isFinite), 'finite μ');
    }).timeout(200_000);
  });
});
