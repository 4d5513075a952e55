// Outline and folding: LSP shapes over the parser's outline module, computed once per
// document version (the outline re-reads the whole text, so per request it would cost a parse).
import { DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind } from 'vscode-languageserver';
import { documentOutline, foldingRanges, type FoldingRange as OutlineFoldingRange, type OutlineKind, type OutlineSymbol } from '../outline';
import type { TextRange } from '../structure/types';
import type { ParsedEntry } from './documentCache';

const KIND: Record<OutlineKind, SymbolKind> = {
  block: SymbolKind.Namespace,
  frame: SymbolKind.Namespace,
  cell: SymbolKind.Struct,
  symmetry: SymbolKind.Enum,
  species: SymbolKind.Enum,
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

// Keyed by entry: a new version is a new entry, so nothing here can go stale or outlive it.
const symbolMemo = new WeakMap<ParsedEntry, Promise<DocumentSymbol[]>>();
const foldingMemo = new WeakMap<ParsedEntry, Promise<FoldingRange[]>>();

function memo<T>(map: WeakMap<ParsedEntry, Promise<T>>, entry: ParsedEntry, make: () => Promise<T>): Promise<T> {
  let p = map.get(entry);
  if (!p) {
    p = make();
    map.set(entry, p);
  }
  return p;
}

/** Document symbols of this parsed version (from the background parse when it made them). */
export function entrySymbols(entry: ParsedEntry): Promise<DocumentSymbol[]> {
  return memo(symbolMemo, entry, async () => {
    const extras = entry.extras ? await entry.extras : undefined;
    return toDocumentSymbols(extras?.outline ?? documentOutline(entry.text, entry.format));
  });
}

/** Folding ranges of this parsed version. */
export function entryFoldingRanges(entry: ParsedEntry): Promise<FoldingRange[]> {
  return memo(foldingMemo, entry, async () => {
    const extras = entry.extras ? await entry.extras : undefined;
    return toFoldingRanges(extras?.folding ?? foldingRanges(entry.text, entry.format));
  });
}
