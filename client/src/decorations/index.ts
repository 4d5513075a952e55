// Attention painted on the structure file: after a prediction the source rows of the absorber's
// neighbours get a background whose strength follows their attention (selected head or the
// mean), the absorber's own row is outlined, and hovering a row shows the scores. Neighbour
// sensitivity (occlusion) arrives later, from a second request: it joins the hover, and with
// xanes.highlightBy = "sensitivity" it colours the rows instead of attention. Models with a
// neighbour transformer also carry its last-layer weights, which are far less uniform than the
// GAT scores; xanes.highlightBy = "transformer" colours the rows by them.
import * as vscode from 'vscode';
import type { PredictResult, SensitivityResult } from '../../../server/src/lsp_ext';
import { type HeadSelection, hoverMarkdown, parseHeadSetting, rowColouring } from './attention';
import { OVERLAY_WITHOUT_COMMAND } from './overlayLink';
import { structureSelector } from '../languageClient';
import { revealRanking } from './reveal';
import { type HighlightBy, parseHighlightSetting, sensitivityMatches, type SensitivityState } from './sensitivity';

/** What the decorations last painted on a document's editors (tests and the extension API read it). */
export interface DecorationState {
  /** 0-based lines with an attention background, and their intensity step (0…LEVELS-1). */
  rows: { line: number; level: number; text: string }[];
  /** The absorber's own row; null when nothing is shown. */
  absorberLine: number | null;
}

export interface AttentionDecorationsApi {
  apply(result: PredictResult): void;
  /** Sensitivity for `prediction`; ignored unless the document still shows that prediction. */
  setSensitivity(prediction: PredictResult, state: SensitivityState): void;
  /** The sensitivity shown for a document, once it has arrived. */
  sensitivity(uri: string): SensitivityResult | undefined;
  clear(): void;
  /** Decorations currently set on the visible editors of `uri` (empty when none). */
  state(uri: string): DecorationState;
}

/** Five intensity steps are enough to read and keep the number of decoration types fixed. */
const LEVELS = [0.12, 0.22, 0.34, 0.48, 0.64];

function levelOf(intensity: number): number {
  return Math.min(LEVELS.length - 1, Math.max(0, Math.ceil(intensity * LEVELS.length) - 1));
}

export function registerAttentionDecorations(context: vscode.ExtensionContext): AttentionDecorationsApi {
  // Orange reads on light and dark backgrounds alike; the ruler marks help in high contrast.
  const levels = LEVELS.map((alpha) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: `rgba(255, 140, 0, ${alpha})`,
      overviewRulerColor: `rgba(255, 140, 0, ${Math.min(1, alpha + 0.3)})`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }),
  );
  const absorber = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderWidth: '1px 0 1px 0',
    borderStyle: 'solid',
    borderColor: new vscode.ThemeColor('focusBorder'),
    fontWeight: 'bold',
    overviewRulerColor: new vscode.ThemeColor('focusBorder'),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
  });
  context.subscriptions.push(...levels, absorber);

  /** One prediction per document (the latest). */
  const results = new Map<string, PredictResult>();
  /** Sensitivity of that prediction, per document. */
  const sensitivities = new Map<string, SensitivityState>();
  /** What render() last set, per document. */
  const painted = new Map<string, DecorationState>();

  const headSetting = (): unknown => vscode.workspace.getConfiguration('xanes').get<unknown>('attentionHead', 'mean');
  const head = (r: PredictResult): HeadSelection => parseHeadSetting(headSetting(), r.heads);
  /** One setting picks the head of both: a head beyond the GAT's (e.g. 4) is the mean there. */
  const transformerHead = (r: PredictResult): HeadSelection => parseHeadSetting(headSetting(), r.transformer?.heads ?? 0);

  const highlightBy = (): HighlightBy => parseHighlightSetting(vscode.workspace.getConfiguration('xanes').get<unknown>('highlightBy', 'attention'));

  const readySensitivity = (uri: string): SensitivityResult | undefined => {
    const s = sensitivities.get(uri);
    return s?.status === 'ready' ? s.result : undefined;
  };

  const render = (editor: vscode.TextEditor): void => {
    const r = results.get(editor.document.uri.toString());
    const buckets: vscode.DecorationOptions[][] = LEVELS.map(() => []);
    const own: vscode.DecorationOptions[] = [];
    if (r) {
      const { rows, label, what } = rowColouring(r, highlightBy(), head(r), transformerHead(r), sensitivities.get(r.uri));
      for (const row of rows) {
        const line = editor.document.lineAt(Math.min(row.line, editor.document.lineCount - 1));
        buckets[levelOf(row.intensity)].push({
          range: line.range,
          renderOptions: {
            after: {
              contentText: label(row),
              color: new vscode.ThemeColor('editorCodeLens.foreground'),
            },
          },
        });
      }
      const a = r.absorberRange.start.line;
      if (a < editor.document.lineCount) {
        own.push({
          range: editor.document.lineAt(a).range,
          renderOptions: { after: { contentText: `  absorber ${r.label} · ${what}`, color: new vscode.ThemeColor('editorCodeLens.foreground') } },
        });
      }
    }
    levels.forEach((t, i) => editor.setDecorations(t, buckets[i]));
    editor.setDecorations(absorber, own);
    const rows = buckets.flatMap((b, level) => b.map((o) => ({ line: o.range.start.line, level, text: o.renderOptions?.after?.contentText ?? '' })));
    const uri = editor.document.uri.toString();
    if (rows.length === 0 && own.length === 0) painted.delete(uri);
    else painted.set(uri, { rows: rows.sort((a, b) => a.line - b.line), absorberLine: own[0]?.range.start.line ?? null });
  };

  const renderAll = (): void => vscode.window.visibleTextEditors.forEach(render);

  const clearDoc = (uri: string): void => {
    sensitivities.delete(uri);
    if (!results.delete(uri)) return;
    for (const e of vscode.window.visibleTextEditors) if (e.document.uri.toString() === uri) render(e);
  };

  const lastLine = (r: PredictResult): number =>
    Math.max(r.absorberRange.end.line, ...r.neighbours.map((n) => n.range.end.line));

  context.subscriptions.push(
    vscode.window.onDidChangeVisibleTextEditors(renderAll),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('xanes.attentionHead') || e.affectsConfiguration('xanes.highlightBy')) renderAll();
    }),
    // An edit at or above the last decorated row moves or changes the atoms: the attention no
    // longer belongs to these lines, so it is cleared (predict again to repaint).
    vscode.workspace.onDidChangeTextDocument((e) => {
      const r = results.get(e.document.uri.toString());
      if (!r || e.contentChanges.length === 0) return;
      const limit = lastLine(r);
      if (e.contentChanges.some((c) => c.range.start.line <= limit)) clearDoc(e.document.uri.toString());
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      results.delete(d.uri.toString());
      sensitivities.delete(d.uri.toString());
    }),
    vscode.languages.registerHoverProvider(structureSelector(), {
      provideHover(document, position) {
        const r = results.get(document.uri.toString());
        if (!r) return undefined;
        const md = hoverMarkdown(r, position.line, head(r), sensitivities.get(r.uri), highlightBy() === 'transformer' ? transformerHead(r) : undefined);
        if (!md) return undefined;
        const content = new vscode.MarkdownString(md);
        content.supportHtml = false;
        // The sensitivity lines link "Overlay spectrum without …": trusted for that one command only.
        content.isTrusted = { enabledCommands: [OVERLAY_WITHOUT_COMMAND] };
        return new vscode.Hover(content, document.lineAt(position.line).range);
      },
    }),
    vscode.commands.registerCommand('xanes.clearAttention', () => {
      const editor = vscode.window.activeTextEditor;
      if (editor) clearDoc(editor.document.uri.toString());
      else {
        results.clear();
        sensitivities.clear();
        renderAll();
      }
    }),
    vscode.commands.registerCommand('xanes.selectHighlight', async (choice?: unknown) => {
      const parsed = parseHighlightSetting(choice);
      let value: HighlightBy | undefined = parsed === choice ? parsed : undefined;
      if (value === undefined) {
        const items: { label: HighlightBy; description: string }[] = [
          { label: 'attention', description: 'the attention head chosen in xanes.attentionHead' },
          { label: 'sensitivity', description: 'mean |Δμ| when the neighbour is removed (occlusion)' },
          { label: 'transformer', description: 'neighbour transformer: weight of the absorber\'s query on each atom (last layer; models that have one)' },
        ];
        value = (await vscode.window.showQuickPick(items, { title: 'Colour the neighbour rows by' }))?.label;
      }
      if (value === undefined) return;
      await vscode.workspace.getConfiguration('xanes').update('highlightBy', value, vscode.ConfigurationTarget.Global);
      renderAll();
    }),
    vscode.commands.registerCommand('xanes.selectAttentionHead', async (choice?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const shown = editor && results.get(editor.document.uri.toString());
      // The transformer usually has more heads than the GAT: offer the ones of what colours the rows.
      const byTransformer = highlightBy() === 'transformer' && shown?.transformer !== undefined;
      const heads = (byTransformer ? shown?.transformer?.heads : shown?.heads) || 3;
      let value: string | undefined = typeof choice === 'string' || typeof choice === 'number' ? String(choice) : undefined;
      if (value === undefined) {
        const items = [{ label: 'mean', description: 'mean over heads' }, ...Array.from({ length: heads }, (_, i) => ({ label: String(i + 1), description: `head ${i + 1}` }))];
        value = (await vscode.window.showQuickPick(items, { title: byTransformer ? 'Neighbour transformer head to show' : 'Attention head to show' }))?.label;
      }
      if (value === undefined) return;
      const setting: string | number = value === 'mean' ? 'mean' : Number(value);
      await vscode.workspace.getConfiguration('xanes').update('attentionHead', setting, vscode.ConfigurationTarget.Global);
      renderAll();
    }),
    vscode.commands.registerCommand('xanes.revealNeighbour', async (rank?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const r = editor && results.get(editor.document.uri.toString());
      if (!editor || !r) {
        void vscode.window.showInformationMessage('XANES: no attention shown in this editor; predict a site first.');
        return;
      }
      // Ranked by what colours the rows: sensitivity once it is in and chosen, transformer weights
      // when chosen and the model has them, else attention.
      const ranking = revealRanking(r, head(r), highlightBy(), sensitivities.get(r.uri), transformerHead(r));
      let item = typeof rank === 'number' ? ranking.items.find((x) => x.neighbour.rank === rank) : undefined;
      if (!item) {
        const pick = await vscode.window.showQuickPick(
          ranking.items.map((x) => ({ label: `${x.neighbour.element} ${x.neighbour.label}`, description: x.description, x })),
          { title: ranking.title },
        );
        item = pick?.x;
      }
      if (!item) return;
      const n = item.neighbour;
      const range = new vscode.Range(n.range.start.line, n.range.start.character, n.range.end.line, n.range.end.character);
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      await vscode.commands.executeCommand('xanes.revealInPanel', {
        uri: r.uri,
        block: r.block,
        siteIndex: r.siteIndex,
        model: r.model,
        domain: r.domain,
        note: `${r.label}: neighbour ${n.element} ${n.label}, rank ${n.rank}, ${n.distance.toFixed(3)} Å, ${item.note}`,
      });
    }),
  );

  return {
    apply(result: PredictResult): void {
      results.set(result.uri, result);
      sensitivities.delete(result.uri);
      renderAll();
    },
    setSensitivity(prediction: PredictResult, state: SensitivityState): void {
      // A newer prediction (or a cleared document) makes this one's sensitivity meaningless.
      if (results.get(prediction.uri) !== prediction) return;
      if (state.status === 'ready' && !sensitivityMatches(prediction, state.result)) return;
      sensitivities.set(prediction.uri, state);
      renderAll();
    },
    sensitivity: (uri: string) => readySensitivity(uri),
    clear(): void {
      results.clear();
      sensitivities.clear();
      renderAll();
    },
    state(uri: string): DecorationState {
      return painted.get(uri) ?? { rows: [], absorberLine: null };
    },
  };
}
