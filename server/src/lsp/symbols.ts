// Outline and folding: LSP shapes over the parser's outline module.
import { DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind } from 'vscode-languageserver';
import type { FoldingRange as OutlineFoldingRange, OutlineKind, OutlineSymbol } from '../outline';
import type { TextRange } from '../structure/types';

const KIND: Record<OutlineKind, SymbolKind> = {
  block: SymbolKind.Namespace,
  frame: SymbolKind.Namespace,
  cell: SymbolKind.Struct,
  symmetry: SymbolKind.Enum,
  atoms: SymbolKind.Array,
  atom: SymbolKind.Field,
};

/** LSP requires selectionRange ⊆ range; a parser slip there would make VS Code drop the outline. */
function clampSelection(range: TextRange, sel: TextRange): TextRange {
  const before = (a: TextRange['start'], b: TextRange['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
  if (before(sel.start, range.start) || before(range.end, sel.end)) return range;
  return sel;
}

export function toDocumentSymbols(nodes: OutlineSymbol[]): DocumentSymbol[] {
  return nodes.map((n) => ({
    name: n.name.length > 0 ? n.name : '(unnamed)',
    detail: n.detail,
    kind: KIND[n.kind] ?? SymbolKind.Object,
    range: n.range,
    selectionRange: clampSelection(n.range, n.selectionRange),
    children: toDocumentSymbols(n.children),
  }));
}

export function toFoldingRanges(ranges: OutlineFoldingRange[]): FoldingRange[] {
  return ranges
    .filter((r) => r.endLine > r.startLine)
    .map((r) => ({ startLine: r.startLine, endLine: r.endLine, kind: FoldingRangeKind.Region }));
}
