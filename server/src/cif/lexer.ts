// CIF 1.1 / 2.0 tokenizer: a single index scanner over the text (no per-character regexes),
// tracking LSP-style line/character positions so every token carries its exact range.
// Tokens are stored in flat typed arrays (a TokenStream), not one object each: a 10,000-atom
// loop has ~60,000 tokens and per-token objects made garbage collection the largest cost.
import { MAX_DIAGNOSTICS } from '../structure/limits';
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

/** Token kinds by code, as stored in TokenStream.kind. */
export const TOKEN_KINDS: readonly TokenKind[] = [
  'data', 'save', 'saveEnd', 'loop', 'global', 'stop', 'tag', 'value',
  'listOpen', 'listClose', 'tableOpen', 'tableClose', 'tableKey',
];
export const QUOTINGS: readonly Quoting[] = ['bare', 'single', 'double', 'triple', 'text'];
export const K_DATA = 0, K_SAVE = 1, K_SAVE_END = 2, K_LOOP = 3, K_GLOBAL = 4, K_STOP = 5, K_TAG = 6, K_VALUE = 7;
export const K_LIST_OPEN = 8, K_LIST_CLOSE = 9, K_TABLE_OPEN = 10, K_TABLE_CLOSE = 11, K_TABLE_KEY = 12;
const Q_BARE = 0, Q_SINGLE = 1, Q_DOUBLE = 2, Q_TRIPLE = 3, Q_TEXT = 4;

/** Token i is kind[i], text[i], quoting[i] and the range (sl, sc)–(el, ec), end exclusive. */
export interface TokenStream {
  count: number;
  kind: Uint8Array;
  quoting: Uint8Array;
  sl: Int32Array;
  sc: Int32Array;
  el: Int32Array;
  ec: Int32Array;
  text: string[];
}

export interface FlatLexResult {
  tokens: TokenStream;
  cif2: boolean;
  diagnostics: StructureDiagnostic[];
  /** Diagnostics counted but not built, beyond MAX_DIAGNOSTICS. */
  omitted: number;
  textFields: { startLine: number; endLine: number }[];
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
  return c === CH_SP || c === CH_TAB || c === CH_NL || c === CH_CR || c === CH_BOM || c === 11 || c === 12 || (c >= 0xa0 && isForeignSpace(c));
}

/**
 * Unicode spaces (no-break, thin, ideographic) are not CIF whitespace, but text copied from a
 * paper or a word processor has them between numbers: read as spaces (and said once), or
 * '0.1 0.2' would be one value and the loop's rows would shift.
 */
function isForeignSpace(c: number): boolean {
  return c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}

function diag(
  sl: number, sc: number, el: number, ec: number, message: string, code = 'cif.syntax',
  severity: StructureDiagnostic['severity'] = 'error',
): StructureDiagnostic {
  return { range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, severity, code, message };
}

/** Token objects, for tests and tools; the parser reads the flat stream (lexCifFlat). */
export function lexCif(text: string): LexResult {
  const r = lexCifFlat(text);
  const t = r.tokens;
  const tokens: Token[] = [];
  for (let k = 0; k < t.count; k++) {
    tokens.push({ kind: TOKEN_KINDS[t.kind[k]], text: t.text[k], quoting: QUOTINGS[t.quoting[k]], sl: t.sl[k], sc: t.sc[k], el: t.el[k], ec: t.ec[k] });
  }
  return { tokens, cif2: r.cif2, diagnostics: r.diagnostics, textFields: r.textFields };
}

function newStream(capacity: number): TokenStream {
  return {
    count: 0, kind: new Uint8Array(capacity), quoting: new Uint8Array(capacity),
    sl: new Int32Array(capacity), sc: new Int32Array(capacity), el: new Int32Array(capacity), ec: new Int32Array(capacity),
    text: [],
  };
}

function grow(s: TokenStream): TokenStream {
  const g = newStream(s.kind.length * 2);
  g.kind.set(s.kind); g.quoting.set(s.quoting);
  g.sl.set(s.sl); g.sc.set(s.sc); g.el.set(s.el); g.ec.set(s.ec);
  g.text = s.text;
  g.count = s.count;
  return g;
}

export function lexCifFlat(text: string): FlatLexResult {
  const n = text.length;
  // About one token per 8 characters in atom loops; grown by doubling when a file is denser.
  let toks = newStream(Math.min(1 << 22, (n >> 3) + 64));
  const diagnostics: StructureDiagnostic[] = [];
  let omitted = 0;
  const report = (d: StructureDiagnostic): void => {
    if (diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(d);
    else omitted++;
  };
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
  const push = (kind: number, t: string, quoting: number, sl: number, sc: number): void => {
    if (toks.count === toks.kind.length) toks = grow(toks);
    const k = toks.count++;
    toks.kind[k] = kind;
    toks.quoting[k] = quoting;
    toks.sl[k] = sl;
    toks.sc[k] = sc;
    toks.el[k] = line;
    toks.ec[k] = i - lineStart;
    toks.text.push(t);
  };
  // Nesting depth of CIF2 lists/tables: inside them ':' after a quoted key makes a table key.
  let depth = 0;
  let foreignSpaces = 0;
  let firstForeign: { line: number; character: number; code: number } | undefined;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CH_NL || c === CH_CR) { newline(); continue; }
    if (isSpace(c)) {
      if (c >= 0xa0 && isForeignSpace(c)) {
        if (foreignSpaces++ === 0) firstForeign = { line, character: i - lineStart, code: c };
      }
      i++;
      continue;
    }
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
        report(diag(sl, 0, sl, 1, 'Unterminated text field: no closing \';\' at the start of a line before the end of the file'));
        push(K_VALUE, text.slice(contentStart, n), Q_TEXT, sl, sc);
      } else {
        push(K_VALUE, text.slice(contentStart, contentEnd), Q_TEXT, sl, sc);
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
      push(c === CH_LB ? K_LIST_OPEN : K_TABLE_OPEN, String.fromCharCode(c), Q_BARE, sl, sc);
      continue;
    }
    if (cif2 && (c === CH_RB || c === CH_RC)) {
      i++;
      if (depth > 0) depth--;
      push(c === CH_RB ? K_LIST_CLOSE : K_TABLE_CLOSE, String.fromCharCode(c), Q_BARE, sl, sc);
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
    if (c === CH_US) { push(K_TAG, word, Q_BARE, sl, sc); continue; }
    const kw = keyword(word);
    if (kw) {
      push(kw.kind, kw.name, Q_BARE, sl, sc);
      continue;
    }
    if (!cif2 && (c === CH_LB || c === CH_LC)) {
      report(diag(sl, sc, line, i - lineStart,
        `'${word}' looks like CIF 2.0 list/table syntax; add the '#\\#CIF_2.0' magic line as the first line to use CIF 2.0`,
        'cif2.unsupported', 'warning'));
    }
    push(K_VALUE, word, Q_BARE, sl, sc);
  }
  if (firstForeign) {
    const f = firstForeign;
    const name = f.code === 0xa0 ? 'A no-break space' : 'A Unicode space';
    report(diag(f.line, f.character, f.line, f.character + 1,
      `${name} (U+${f.code.toString(16).toUpperCase().padStart(4, '0')}) is not CIF whitespace (text copied from a document?); it is read as a space${foreignSpaces > 1 ? ` (${foreignSpaces} in this file)` : ''}`,
      'cif.unicodeSpace', 'warning'));
  }
  return { tokens: toks, cif2, diagnostics, omitted, textFields };

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
          push(K_VALUE, value, q === CH_SQ ? Q_SINGLE : Q_DOUBLE, sl, sc);
          return;
        }
      }
      i++;
    }
    report(diag(sl, sc, line, i - lineStart,
      `Unbalanced quote: the ${q === CH_SQ ? 'single' : 'double'} quote opened here is not closed on this line`));
    push(K_VALUE, text.slice(start, i), q === CH_SQ ? Q_SINGLE : Q_DOUBLE, sl, sc);
  }

  function lexTriple(q: number, sl: number, sc: number): void {
    i += 3;
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === q && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
        const value = text.slice(start, i);
        i += 3;
        push(K_VALUE, value, Q_TRIPLE, sl, sc);
        return;
      }
      if (d === CH_NL || d === CH_CR) newline();
      else i++;
    }
    report(diag(sl, sc, sl, sc + 3, 'Unterminated triple-quoted string'));
    push(K_VALUE, text.slice(start, n), Q_TRIPLE, sl, sc);
  }

  /** In a CIF2 table, a quoted key is followed directly by ':' (no whitespace). */
  function markTableKey(): void {
    if (text.charCodeAt(i) !== CH_COLON) return;
    i++;
    const k = toks.count - 1;
    toks.kind[k] = K_TABLE_KEY;
    toks.el[k] = line;
    toks.ec[k] = i - lineStart;
  }
}

function keyword(word: string): { kind: number; name: string } | undefined {
  if (word.length < 5 || (word.charCodeAt(4) !== CH_US && word.charCodeAt(6) !== CH_US)) {
    return undefined;
  }
  const lower = word.toLowerCase();
  if (lower.startsWith('data_')) return { kind: K_DATA, name: word.slice(5) };
  if (lower.startsWith('save_')) return word.length === 5 ? { kind: K_SAVE_END, name: '' } : { kind: K_SAVE, name: word.slice(5) };
  if (lower === 'loop_') return { kind: K_LOOP, name: '' };
  if (lower === 'global_') return { kind: K_GLOBAL, name: '' };
  if (lower === 'stop_') return { kind: K_STOP, name: '' };
  return undefined;
}
