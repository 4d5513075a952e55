// Prediction results go to the spectrum panel, the attention decorations on the structure
// file, and a one-paragraph log in the output channel; neighbour sensitivity, which follows
// each prediction, to the decorations and the log.
import type * as vscode from 'vscode';
import { type AttentionDecorationsApi, registerAttentionDecorations } from './decorations';
import type { ResultSink } from './context';
import { outputResultSink } from './outputResults';
import { registerSpectrumPanel, type SpectrumPanelApi } from './panel';

export function createResultSink(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): ResultSink & { decorations: AttentionDecorationsApi; panel: SpectrumPanelApi } {
  const log = outputResultSink(output);
  const panel = registerSpectrumPanel(context);
  const decorations = registerAttentionDecorations(context);
  return {
    decorations,
    panel,
    showSite(result) {
      log.showSite(result);
      panel.show([result], { uri: result.uri });
      decorations.apply(result);
    },
    showAll(all) {
      log.showAll(all);
      if (all.results.length === 0) return;
      panel.show(all.results, { uri: all.results[0].uri });
      // Attention of one absorber at a time: the first site's neighbours.
      decorations.apply(all.results[0]);
    },
    showSensitivity(prediction, state) {
      log.showSensitivity(prediction, state);
      decorations.setSensitivity(prediction, state);
    },
    showWithout(result) {
      log.showWithout(result);
      panel.showWithout(result);
    },
  };
}
