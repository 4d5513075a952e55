// Status bar item: which TensorFlow backend and model the server uses, and its state.
import * as vscode from 'vscode';
import type { ServerStatus } from '../../server/src/lsp_ext';

export const SHOW_OUTPUT_COMMAND = 'xanes.showOutput';

export function statusText(s: ServerStatus | null): string {
  if (!s) return '$(loading~spin) XANES: starting';
  if (!s.model) return `$(circle-slash) XANES: ${s.state}`;
  return `$(pulse) XANES: ${s.model}${s.backend ? ` · ${s.backend}` : ''}${s.state === 'ready' ? '' : ` (${s.state})`}`;
}

export function createStatusBar(): { item: vscode.StatusBarItem; update(s: ServerStatus | null): void } {
  const item = vscode.window.createStatusBarItem('xanes.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'XANES Lens';
  item.command = SHOW_OUTPUT_COMMAND;
  const update = (s: ServerStatus | null) => {
    item.text = statusText(s);
    item.tooltip = s
      ? [`Model: ${s.model ?? 'none'}`, `Backend: ${s.backend ?? '—'}`, `State: ${s.state}`, s.message ?? ''].filter(Boolean).join('\n')
      : 'XANES Lens language server is starting';
  };
  update(null);
  item.show();
  return { item, update };
}
