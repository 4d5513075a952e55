// The spectrum panel host: one webview panel per window, opened beside the editor, fed with
// predictions; exports and measured files go through VS Code dialogs. The webview restores its
// own state after being hidden or reloaded (retainContextWhenHidden is off to save memory), and
// the serializer brings the panel back after a window reload.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PredictResult, PredictWithoutResult } from '../../../server/src/lsp_ext';
import type { TextRange } from '../../../server/src/structure/types';
import { EXPERIMENTAL_EXTENSIONS, type MultiPartFile } from '../../../server/src/spectrum/load';
import { type ExportFormat, type HostToWebview, LIMITS, type ShownSeries, validateWebviewMessage, type WebviewToHost } from '../../../webview/src/protocol';
import { type SpectrumKey, toPanelOverlay, toPanelSpectrum, spectrumId } from './convert';
import { decodeExperimental, exportBytes, multiPartOf, SAVE_FILTERS } from './files';
import { renderPanelHtml } from './html';

export const SPECTRUM_VIEW_TYPE = 'xanesLens.spectrum';

export interface ShowOptions {
  uri: string;
  averageByElement?: boolean;
}

/** xanes.revealInPanel: which spectrum to highlight (its id fields) and a note to show. */
export interface RevealInPanelArgs extends SpectrumKey {
  note?: string;
}

export interface SpectrumPanelApi {
  show(results: PredictResult[], opts?: ShowOptions): void;
  /** A spectrum with one neighbour removed, dashed over its full curve (opens the panel like a lens click). */
  showWithout(result: PredictWithoutResult): void;
  /** The curves the panel's page last reported holding ([] when closed). */
  series(): ShownSeries[];
}

class SpectrumPanel {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: HostToWebview[] = [];
  /** Absorber rows of the predictions shown, to reveal a site from the panel. */
  private readonly ranges = new Map<string, TextRange>();
  /** Target of the next export when a command supplied one (skips the save dialog). */
  private exportTarget: vscode.Uri | undefined;
  /** What the page last said it holds. */
  shown: ShownSeries[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {}

  private roots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.context.extensionUri, 'dist'), vscode.Uri.joinPath(this.context.extensionUri, 'webview', 'media')];
  }

  ensure(reveal = true): vscode.WebviewPanel {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        SPECTRUM_VIEW_TYPE,
        'XANES spectra',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: this.roots() },
      );
      this.attach(panel);
    } else if (reveal && !this.panel.visible) {
      this.panel.reveal(undefined, true);
    }
    return this.panel as vscode.WebviewPanel;
  }

  attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    const nonce = randomBytes(16).toString('base64');
    panel.webview.html = renderPanelHtml({
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'media', 'panel.css')).toString(),
      cspSource: panel.webview.cspSource,
      nonce,
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw), undefined, this.context.subscriptions);
    // A hidden webview is destroyed; it announces itself with 'ready' when shown again.
    panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.ready = false;
    }, undefined, this.context.subscriptions);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      this.ready = false;
      this.queue = [];
      this.shown = [];
    }, undefined, this.context.subscriptions);
  }

  post(message: HostToWebview, reveal = true): void {
    this.ensure(reveal);
    if (this.ready && this.panel) void this.panel.webview.postMessage(message);
    else this.queue.push(message);
  }

  show(results: PredictResult[], opts?: ShowOptions): void {
    const spectra = results.filter((r) => r.energies.length >= 2 && r.energies.length === r.mu.length).map((r) => {
      const s = toPanelSpectrum(r, opts?.uri);
      this.ranges.set(s.id, r.absorberRange);
      return s;
    });
    if (spectra.length === 0) return;
    this.post({ type: 'addSpectra', spectra, averageByElement: opts?.averageByElement ?? results.length > 1 });
  }

  showWithout(result: PredictWithoutResult): void {
    if (result.energies.length < 2 || result.mu.length !== result.energies.length || result.fullMu.length !== result.energies.length) {
      throw new Error(`the spectrum without ${result.removed.label} has ${result.mu.length} points on a ${result.energies.length}-point grid`);
    }
    const { overlay, parent } = toPanelOverlay(result);
    this.post({ type: 'addOverlay', overlay, parent });
  }

  private async receive(raw: unknown): Promise<void> {
    const m = validateWebviewMessage(raw);
    if (!m) {
      console.warn('xanes: dropped a malformed message from the spectrum panel');
      return;
    }
    try {
      await this.handle(m);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`XANES panel: ${message}`);
      this.post({ type: 'error', message }, false);
    }
  }

  private async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const q of queued) void this.panel?.webview.postMessage(q);
        return;
      }
      case 'shown':
        this.shown = m.series;
        return;
      case 'loadExperimental':
        return this.loadExperimental();
      case 'export':
        return this.saveExport(m.format, m.fileName, m.content);
      case 'reveal': {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
        const range = [...this.ranges.entries()].find(([id]) => id.startsWith(`${m.uri}#${m.block}#${m.siteIndex}#`))?.[1];
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
        if (range) {
          const r = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
          editor.selection = new vscode.Selection(r.start, r.end);
          editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        }
        return;
      }
      case 'error':
        console.warn(`xanes panel: ${m.message}`);
        return;
    }
  }

  /** `select` names an Athena project's group (label or record number) or a SPEC file's scan instead of asking. */
  async loadExperimental(uri?: vscode.Uri, select?: string | number): Promise<void> {
    let target = uri;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Overlay',
        title: 'Measured XANES spectrum',
        filters: { 'Spectra': EXPERIMENTAL_EXTENSIONS, 'All files': ['*'] },
      });
      target = picked?.[0];
    }
    if (!target) return;
    const name = target.path.slice(target.path.lastIndexOf('/') + 1);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(target);
    } catch (e) {
      throw new Error(`cannot read ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const decoded = decodeExperimental(name, bytes);
    if (!decoded.ok) throw new Error(decoded.message);
    let text = decoded.text;
    let shown = name;
    const multi = multiPartOf(name, text);
    if (multi) {
      const chosen = select !== undefined || multi.offered.length <= 1 ? { key: select } : await pickPart(name, multi);
      if (!chosen) return;
      // The panel gets the one group or scan, already decompressed, and reads it with its usual loader.
      ({ text, fileName: shown } = multi.extract(chosen.key));
    }
    // Decompressed text can outgrow what the panel accepts, which would drop the message unseen.
    if (text.length > LIMITS.text) throw new Error(`${name} holds ${(text.length / 1e6).toFixed(0)} million characters of text; spectra over ${LIMITS.text / 1e6} million are not loaded.`);
    this.post({ type: 'experimental', fileName: shown, text });
  }

  requestExport(format: ExportFormat, target?: vscode.Uri): void {
    this.exportTarget = target;
    this.post({ type: 'requestExport', format });
  }

  private async saveExport(format: ExportFormat, fileName: string, content: string): Promise<void> {
    let target = this.exportTarget;
    this.exportTarget = undefined;
    if (!target) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      target = await vscode.window.showSaveDialog({
        defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
        filters: SAVE_FILTERS[format],
        title: `Export ${format.toUpperCase()}`,
      });
    }
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, exportBytes(format, content));
    this.post({ type: 'exportDone', format, path: target.fsPath }, false);
  }

  highlight(args: RevealInPanelArgs): void {
    this.post({ type: 'highlight', id: spectrumId(args), note: args.note });
  }
}

/** Asks which spectrum of an Athena project (μ(E) group) or SPEC file (energy scan) to overlay. */
async function pickPart(fileName: string, multi: MultiPartFile): Promise<{ key: string | number } | undefined> {
  const why = multi.kind === 'athena' ? 'not μ(E) or unreadable' : 'not over energy, or without data';
  const what = multi.kind === 'athena' ? 'μ(E) groups' : 'scans';
  const pick = await vscode.window.showQuickPick(
    multi.offered.map((p) => ({ label: p.label, description: p.description, detail: p.detail, key: p.key })),
    {
      title: `${fileName}: ${multi.noun} to overlay`,
      placeHolder: `${multi.offered.length} ${what}${multi.others > 0 ? ` (${multi.others} other${multi.others > 1 ? 's' : ''}: ${why})` : ''}`,
      matchOnDescription: true,
    },
  );
  return pick ? { key: pick.key } : undefined;
}

/**
 * `{ group: 'Fe foil' | 3 }` or `{ scan: 12 | '12.2' }` from a command's second argument (the
 * Explorer passes a Uri list there).
 */
function selectionOption(v: unknown): string | number | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as { group?: unknown; scan?: unknown; select?: unknown };
  const g = o.select ?? o.group ?? o.scan;
  return typeof g === 'string' || typeof g === 'number' ? g : undefined;
}

function isFormat(v: unknown): v is ExportFormat {
  return v === 'csv' || v === 'xdi' || v === 'png';
}

export function registerSpectrumPanel(context: vscode.ExtensionContext): SpectrumPanelApi {
  const panel = new SpectrumPanel(context);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(SPECTRUM_VIEW_TYPE, {
      // The webview restores its curves from its own persisted state once the page loads.
      deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel) => panel.attach(webviewPanel),
    }),
    vscode.commands.registerCommand('xanes.showSpectrumPanel', () => panel.ensure(true)),
    vscode.commands.registerCommand('xanes.loadExperimental', async (uri?: unknown, options?: unknown) => {
      try {
        panel.ensure(true);
        await panel.loadExperimental(uri instanceof vscode.Uri ? uri : undefined, selectionOption(options));
      } catch (e) {
        void vscode.window.showErrorMessage(`XANES: ${e instanceof Error ? e.message : String(e)}`);
      }
    }),
    vscode.commands.registerCommand('xanes.exportSpectrum', async (format?: unknown, target?: unknown) => {
      let f = isFormat(format) ? format : undefined;
      if (!f) {
        const pick = await vscode.window.showQuickPick(
          [
            { label: 'CSV', description: 'visible curves', format: 'csv' as const },
            { label: 'XDI', description: 'selected curve with provenance', format: 'xdi' as const },
            { label: 'PNG', description: 'the plot', format: 'png' as const },
          ],
          { title: 'Export spectrum' },
        );
        f = pick?.format;
      }
      if (f) panel.requestExport(f, target instanceof vscode.Uri ? target : undefined);
    }),
    vscode.commands.registerCommand('xanes.clearSpectra', () => panel.post({ type: 'clear' }, false)),
    vscode.commands.registerCommand('xanes.revealInPanel', (args?: RevealInPanelArgs) => {
      if (args && typeof args.uri === 'string') panel.highlight(args);
    }),
  );
  return {
    show: (results, opts) => panel.show(results, opts),
    showWithout: (result) => panel.showWithout(result),
    series: () => panel.shown,
  };
}
