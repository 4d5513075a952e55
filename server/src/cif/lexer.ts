// CIF 1.1 / 2.0 tokenizer: a single index scanner over the text (no per-character regexes),
// tracking LSP-style line/character positions so every token carries its exact range.
import type { StructureDiagnostic } from '../structure/types';

export type TokenKind =
  | 'data' | 'save' | 'saveEnd' | 'loop' | 'global' | 'stop'
  | 'tag' | 'value'
  | 'listOpen' | 'listClose' | 'tableOpen' | 'tableClose' | 'tableKey';

/** How a value was written: decides whether '?' and '.' are special and whether it can be numeric. */
export type Quoting = 'bare' | 'single' | 'double' | 'triple' | 'text';

export interface Token {
  kind: TokenKind;
  /** For tags/keywords the raw text (data_ name without prefix for data/save); for values the unquoted content. */
  text: string;
  quoting: Quoting;
  /** Zero-based start line/character and end line/character (end exclusive). */
  sl: number;
  sc: number;
  el: number;
  ec: number;
}

export interface LexResult {
  tokens: Token[];
  /** `#\#CIF_2.0` magic code on the first line. */
  cif2: boolean;
  diagnostics: StructureDiagnostic[];
  /** Comment and text-field line spans, for folding. */
  textFields: { startLine: number; endLine: number }[];
}

const CH_NL = 10;
const CH_CR = 13;
const CH_SP = 32;
const CH_TAB = 9;
const CH_HASH = 35;
const CH_SEMI = 59;
const CH_SQ = 39;
const CH_DQ = 34;
const CH_US = 95;
const CH_LB = 91;
const CH_RB = 93;
const CH_LC = 123;
const CH_RC = 125;
const CH_COLON = 58;
const CH_BOM = 0xfeff;

function isSpace(c: number): boolean {
  return c === CH_SP || c === CH_TAB || c === CH_NL || c === CH_CR || c === CH_BOM || c === 11 || c === 12;
}

function diag(
  sl: number, sc: number, el: number, ec: number, message: string, code = 'cif.syntax',
  severity: StructureDiagnostic['severity'] = 'error',
): StructureDiagnostic {
  return { range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, severity, code, message };
}

export function lexCif(text: string): LexResult {
  const n = text.length;
  const tokens: Token[] = [];
  const diagnostics: StructureDiagnostic[] = [];
  const textFields: { startLine: number; endLine: number }[] = [];
  let i = 0;
  let line = 0;
  let lineStart = 0;
  // The magic line may follow a BOM.
  const magicAt = text.charCodeAt(0) === CH_BOM ? 1 : 0;
  const cif2 = text.startsWith('#\\#CIF_2.0', magicAt);

  /** Consume a line break at i (CRLF, LF or lone CR) and advance the line counter. */
  const newline = (): void => {
    if (text.charCodeAt(i) === CH_CR && text.charCodeAt(i + 1) === CH_NL) i += 2;
    else i += 1;
    line++;
    lineStart = i;
  };
  const push = (kind: TokenKind, t: string, quoting: Quoting, sl: number, sc: number): void => {
    tokens.push({ kind, text: t, quoting, sl, sc, el: line, ec: i - lineStart });
  };
  // Nesting depth of CIF2 lists/tables: inside them ':' after a quoted key makes a table key.
  let depth = 0;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CH_NL || c === CH_CR) { newline(); continue; }
    if (isSpace(c)) { i++; continue; }
    const sl = line;
    const sc = i - lineStart;
    if (c === CH_HASH) {
      while (i < n && text.charCodeAt(i) !== CH_NL && text.charCodeAt(i) !== CH_CR) i++;
      continue;
    }
    if (c === CH_SEMI && sc === 0) {
      // Text field: runs to the next line that starts with ';'. The value excludes both delimiters
      // and the line break before the closing ';'.
      i++;
      const contentStart = i;
      let contentEnd = -1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === CH_NL || d === CH_CR) {
          const breakAt = i;
          newline();
          if (text.charCodeAt(i) === CH_SEMI) {
            contentEnd = breakAt;
            i++;
            break;
          }
        } else i++;
      }
      if (contentEnd < 0) {
        diagnostics.push(diag(sl, 0, sl, 1, 'Unterminated text field: no closing \';\' at the start of a line before the end of the file'));
        push('value', text.slice(contentStart, n), 'text', sl, sc);
      } else {
        push('value', text.slice(contentStart, contentEnd), 'text', sl, sc);
      }
      textFields.push({ startLine: sl, endLine: line });
      continue;
    }
    if (c === CH_SQ || c === CH_DQ) {
      if (cif2 && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) {
        lexTriple(c, sl, sc);
      } else {
        lexQuoted(c, sl, sc);
      }
      if (depth > 0) markTableKey();
      continue;
    }
    if (cif2 && (c === CH_LB || c === CH_LC)) {
      i++;
      depth++;
      push(c === CH_LB ? 'listOpen' : 'tableOpen', String.fromCharCode(c), 'bare', sl, sc);
      continue;
    }
    if (cif2 && (c === CH_RB || c === CH_RC)) {
      i++;
      if (depth > 0) depth--;
      push(c === CH_RB ? 'listClose' : 'tableClose', String.fromCharCode(c), 'bare', sl, sc);
      continue;
    }
    // Bare word: up to whitespace (and, in CIF2, up to a bracket).
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (isSpace(d)) break;
      if (cif2 && (d === CH_LB || d === CH_RB || d === CH_LC || d === CH_RC)) break;
      i++;
    }
    const word = text.slice(start, i);
    if (c === CH_US) { push('tag', word, 'bare', sl, sc); continue; }
    const kw = keyword(word);
    if (kw) {
      push(kw.kind, kw.name, 'bare', sl, sc);
      continue;
    }
    if (!cif2 && (c === CH_LB || c === CH_LC)) {
      diagnostics.push(diag(sl, sc, line, i - lineStart,
        `'${word}' looks like CIF 2.0 list/table syntax; add the '#\\#CIF_2.0' magic line as the first line to use CIF 2.0`,
        'cif2.unsupported', 'warning'));
    }
    push('value', word, 'bare', sl, sc);
  }
  return { tokens, cif2, diagnostics, textFields };

  function lexQuoted(q: number, sl: number, sc: number): void {
    // CIF 1.1: the closing quote must be followed by whitespace (or end of file), so "it's" inside
    // 'O'Brien's' style values survives. CIF 2.0: the next matching quote closes.
    i++;
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === CH_NL || d === CH_CR) break;
      if (d === q) {
        const after = text.charCodeAt(i + 1);
        if (cif2 || i + 1 >= n || isSpace(after)) {
          const value = text.slice(start, i);
          i++;
          push('value', value, q === CH_SQ ? 'single' : 'double', sl, sc);
          return;
        }
      }
      i++;
    }
    diagnostics.push(diag(sl, sc, line, i - lineStart,
      `Unbalanced quote: the ${q === CH_SQ ? 'single' : 'double'} quote opened here is not closed on this line`));
    push('value', text.slice(start, i), q === CH_SQ ? 'single' : 'double', sl, sc);
  }

  function lexTriple(q: number, sl: number, sc: number): void {
    i += 3;
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === q && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
        const value = text.slice(start, i);
        i += 3;
        push('value', value, 'triple', sl, sc);
        return;
      }
      if (d === CH_NL || d === CH_CR) newline();
      else i++;
    }
    diagnostics.push(diag(sl, sc, sl, sc + 3, 'Unterminated triple-quoted string'));
    push('value', text.slice(start, n), 'triple', sl, sc);
  }

  /** In a CIF2 table, a quoted key is followed directly by ':' (no whitespace). */
  function markTableKey(): void {
    if (text.charCodeAt(i) !== CH_COLON) return;
    i++;
    const t = tokens[tokens.length - 1];
    t.kind = 'tableKey';
    t.el = line;
    t.ec = i - lineStart;
  }
}

function keyword(word: string): { kind: TokenKind; name: string } | undefined {
  if (word.length < 5 || (word.charCodeAt(4) !== CH_US && word.charCodeAt(6) !== CH_US)) {
    return undefined;
  }
  const lower = word.toLowerCase();
  if (lower.startsWith('data_')) return { kind: 'data', name: word.slice(5) };
  if (lower.startsWith('save_')) return word.length === 5 ? { kind: 'saveEnd', name: '' } : { kind: 'save', name: word.slice(5) };
  if (lower === 'loop_') return { kind: 'loop', name: '' };
  if (lower === 'global_') return { kind: 'global', name: '' };
  if (lower === 'stop_') return { kind: 'stop', name: '' };
  return undefined;
}
