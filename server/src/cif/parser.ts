// CIF token stream -> syntax tree (blocks, save frames, pairs, loops, CIF2 lists/tables),
// every node carrying its exact document range. Recovers from every error with a diagnostic.
import { MAX_DIAGNOSTICS } from '../structure/limits';
import type { StructureDiagnostic, TextRange } from '../structure/types';
import {
  K_DATA, K_GLOBAL, K_LIST_CLOSE, K_LIST_OPEN, K_LOOP, K_SAVE, K_SAVE_END, K_STOP, K_TABLE_CLOSE, K_TABLE_KEY,
  K_TABLE_OPEN, K_TAG, K_VALUE, lexCifFlat, QUOTINGS, type Quoting, type Token, type TokenStream,
} from './lexer';

export interface CifValue {
  kind: 'scalar' | 'list' | 'table';
  /** Unquoted text for scalars; the source-like rendering for lists/tables. */
  text: string;
  quoting: Quoting;
  range: TextRange;
  items?: CifValue[];
  entries?: { key: string; keyRange: TextRange; value: CifValue }[];
}

export interface CifTag {
  /** As written, e.g. `_atom_site_Fract_x`. */
  name: string;
  /** Lookup key: lower-case with DDL2's `category.item` dot folded to `_` (`_atom_site.fract_x`). */
  key: string;
  range: TextRange;
}

export interface CifPair {
  tag: CifTag;
  value: CifValue;
}

export interface CifLoop {
  /** From `loop_` to the last value. */
  range: TextRange;
  keywordRange: TextRange;
  tags: CifTag[];
  /** Row-major values: row r column c is values[r * tags.length + c]. Only complete rows. */
  values: CifValue[];
  rowCount: number;
}

export type TagRef = { pair: CifPair; loop?: undefined } | { loop: CifLoop; column: number; pair?: undefined };

export interface CifBlock {
  kind: 'data' | 'global' | 'save';
  name: string;
  headerRange: TextRange;
  range: TextRange;
  pairs: CifPair[];
  loops: CifLoop[];
  frames: CifBlock[];
  /** Tag key -> where its value(s) live. First definition wins on duplicates. */
  index: Map<string, TagRef>;
}

export interface CifDocument {
  cif2: boolean;
  /** Top-level data_ and global_ blocks in document order. */
  blocks: CifBlock[];
  diagnostics: StructureDiagnostic[];
  /** Syntax problems beyond MAX_DIAGNOSTICS: counted, not built. */
  omittedDiagnostics: number;
  textFields: { startLine: number; endLine: number }[];
}

/**
 * A scalar value read straight from the token stream; its range is built on first use: a large
 * atom-site loop has tens of thousands of values and only a few ranges are ever read.
 */
class ScalarValue implements CifValue {
  readonly kind = 'scalar' as const;
  readonly text: string;
  readonly quoting: Quoting;
  private cached: TextRange | undefined;
  constructor(readonly stream: TokenStream, readonly token: number) {
    this.text = stream.text[token];
    this.quoting = QUOTINGS[stream.quoting[token]];
  }
  get range(): TextRange {
    return (this.cached ??= rangeAt(this.stream, this.token));
  }
}

function rangeAt(s: TokenStream, i: number): TextRange {
  return { start: { line: s.sl[i], character: s.sc[i] }, end: { line: s.el[i], character: s.ec[i] } };
}

export function tagKey(name: string): string {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  return dot < 0 ? lower : lower.slice(0, dot) + '_' + lower.slice(dot + 1);
}

/** Range of a token object (from lexCif). */
export function tokenRange(t: Token): TextRange {
  return { start: { line: t.sl, character: t.sc }, end: { line: t.el, character: t.ec } };
}

export function spanRange(a: TextRange, b: TextRange): TextRange {
  return { start: a.start, end: b.end };
}

/** Range of a loop row: from its first value to its last. */
export function rowRange(loop: CifLoop, row: number): TextRange {
  const w = loop.tags.length;
  const first = loop.values[row * w];
  const last = loop.values[row * w + w - 1];
  // Scalars: straight from the token stream, without building (and caching) two value ranges.
  if (first instanceof ScalarValue && last instanceof ScalarValue) {
    const a = first.stream, i = first.token, b = last.stream, j = last.token;
    return { start: { line: a.sl[i], character: a.sc[i] }, end: { line: b.el[j], character: b.ec[j] } };
  }
  return spanRange(first.range, last.range);
}

export function parseCif(text: string): CifDocument {
  const lex = lexCifFlat(text);
  const toks = lex.tokens;
  const count = toks.count;
  const kinds = toks.kind;
  const texts = toks.text;
  const diagnostics = lex.diagnostics;
  const blocks: CifBlock[] = [];
  let block: CifBlock | null = null;
  let container: CifBlock | null = null;
  let p = 0;
  let reportedOrphan = false;

  const range = (i: number): TextRange => rangeAt(toks, i);
  let omitted = lex.omitted;
  /** True (and counted) once the limit is reached: callers then skip building the message. */
  const full = (): boolean => {
    if (diagnostics.length < MAX_DIAGNOSTICS) return false;
    omitted++;
    return true;
  };
  const err = (r: TextRange, message: string, code = 'cif.syntax', severity: StructureDiagnostic['severity'] = 'error'): void => {
    if (!full()) diagnostics.push({ range: r, severity, code, message });
  };
  const newBlock = (kind: CifBlock['kind'], t: number): CifBlock => {
    const r = range(t);
    return { kind, name: texts[t], headerRange: r, range: r, pairs: [], loops: [], frames: [], index: new Map() };
  };
  const extend = (r: TextRange): void => {
    if (container) container.range = spanRange(container.range, r);
    if (block && block !== container) block.range = spanRange(block.range, r);
  };
  const isValueStart = (i: number): boolean => {
    if (i >= count) return false;
    const k = kinds[i];
    return k === K_VALUE || k === K_LIST_OPEN || k === K_TABLE_OPEN;
  };
  const needContainer = (t: number): CifBlock | null => {
    if (container) return container;
    if (!reportedOrphan) {
      err(range(t), 'Data item before the first data_ block header; it is ignored');
      reportedOrphan = true;
    }
    return null;
  };
  const register = (c: CifBlock, tag: CifTag, ref: TagRef): void => {
    if (c.index.has(tag.key)) {
      if (full()) return;
      err(tag.range, `Duplicate data name ${tag.name} in this block; the first value is used`, 'cif.duplicateTag', 'warning');
      return;
    }
    c.index.set(tag.key, ref);
  };

  while (p < count) {
    const t = p;
    switch (kinds[t]) {
      case K_DATA:
      case K_GLOBAL: {
        if (container && container !== block) err(container.headerRange, `Save frame save_${container.name} is not closed with save_`);
        block = newBlock(kinds[t] === K_DATA ? 'data' : 'global', t);
        if (kinds[t] === K_DATA && texts[t] === '') err(range(t), 'data_ needs a block name, e.g. data_NaCl');
        blocks.push(block);
        container = block;
        p++;
        break;
      }
      case K_SAVE: {
        p++;
        if (!block) { needContainer(t); break; }
        if (container !== block) err(range(t), 'Save frames cannot be nested; close the previous frame with save_');
        const frame = newBlock('save', t);
        block.frames.push(frame);
        container = frame;
        extend(frame.range);
        break;
      }
      case K_SAVE_END: {
        p++;
        if (!block || !container || container === block) { err(range(t), 'save_ without an open save frame'); break; }
        container.range = spanRange(container.range, range(t));
        container = block;
        extend(range(t));
        break;
      }
      case K_STOP: {
        p++;
        err(range(t), 'stop_ (STAR nested loops) is not part of CIF; ignored', 'cif.syntax', 'warning');
        break;
      }
      case K_TAG: {
        p++;
        const tag: CifTag = { name: texts[t], key: tagKey(texts[t]), range: range(t) };
        if (!isValueStart(p)) {
          err(tag.range, `Data name ${texts[t]} has no value`);
          break;
        }
        const value = parseValue();
        const c = needContainer(t);
        if (!c) break;
        const pair: CifPair = { tag, value };
        c.pairs.push(pair);
        register(c, tag, { pair });
        extend(value.range);
        break;
      }
      case K_LOOP: {
        p++;
        const kw = range(t);
        const tags: CifTag[] = [];
        while (p < count && kinds[p] === K_TAG) {
          const tt = p++;
          tags.push({ name: texts[tt], key: tagKey(texts[tt]), range: range(tt) });
        }
        const values: CifValue[] = [];
        while (isValueStart(p)) values.push(parseValue());
        const c = needContainer(t);
        if (tags.length === 0) {
          err(kw, 'loop_ must be followed by at least one data name');
          break;
        }
        const last = values.length > 0 ? values[values.length - 1].range : tags[tags.length - 1].range;
        const loop: CifLoop = { range: spanRange(kw, last), keywordRange: kw, tags, values, rowCount: 0 };
        if (values.length === 0) {
          err(spanRange(kw, last), 'loop_ has data names but no values');
        }
        const rem = values.length % tags.length;
        if (rem !== 0) {
          const partial = values.slice(values.length - rem);
          err(spanRange(partial[0].range, partial[partial.length - 1].range),
            `Loop has ${values.length} values for ${tags.length} data names: the last row has ${rem} of ${tags.length} values (missing value, or a quote/space problem in a row); the incomplete row is ignored`,
            'cif.loopCount');
          values.length -= rem;
        }
        loop.rowCount = values.length / tags.length;
        if (!c) break;
        c.loops.push(loop);
        tags.forEach((tag, column) => register(c, tag, { loop, column }));
        extend(loop.range);
        break;
      }
      default: {
        // A value with no data name in front of it (or a stray bracket).
        const v = isValueStart(t) ? parseValue() : (p++, null);
        if (!needContainer(t) || full()) break;
        diagnostics.push({
          range: v ? v.range : range(t), severity: 'error', code: 'cif.syntax',
          message: v ? `Value '${abbreviate(v.text)}' has no data name before it` : `Unexpected '${texts[t]}'`,
        });
        break;
      }
    }
  }
  if (container && block && container !== block) err(container.headerRange, `Save frame save_${container.name} is not closed with save_`);
  return { cif2: lex.cif2, blocks, diagnostics, omittedDiagnostics: omitted, textFields: lex.textFields };

  function parseValue(): CifValue {
    const t = p++;
    const k = kinds[t];
    if (k === K_LIST_OPEN || k === K_TABLE_OPEN) return parseCompound(t);
    return new ScalarValue(toks, t);
  }

  function parseCompound(open: number): CifValue {
    const isList = kinds[open] === K_LIST_OPEN;
    const closeKind = isList ? K_LIST_CLOSE : K_TABLE_CLOSE;
    const items: CifValue[] = [];
    const entries: { key: string; keyRange: TextRange; value: CifValue }[] = [];
    let end = range(open);
    for (;;) {
      const t = p;
      const k = t < count ? kinds[t] : -1;
      if (k === -1 || k === K_TAG || k === K_DATA || k === K_LOOP || k === K_SAVE || k === K_SAVE_END || k === K_GLOBAL) {
        err(range(open), `Unclosed CIF 2.0 ${isList ? 'list [' : 'table {'}`);
        break;
      }
      if (k === closeKind) { p++; end = range(t); break; }
      if (k === K_LIST_CLOSE || k === K_TABLE_CLOSE) {
        p++;
        err(range(t), `Mismatched '${texts[t]}' inside a CIF 2.0 ${isList ? 'list' : 'table'}`);
        continue;
      }
      if (isList) {
        if (k === K_TABLE_KEY) { p++; err(range(t), 'Table key (key:value) inside a list'); continue; }
        const v = parseValue();
        items.push(v);
        end = v.range;
      } else {
        if (k !== K_TABLE_KEY) {
          const v = parseValue();
          err(v.range, 'CIF 2.0 table entries must be quoted keys followed by \':\' and a value');
          end = v.range;
          continue;
        }
        p++;
        if (!isValueStart(p)) { err(range(t), `Table key '${texts[t]}' has no value`); continue; }
        const v = parseValue();
        entries.push({ key: texts[t], keyRange: range(t), value: v });
        end = v.range;
      }
    }
    const r = spanRange(range(open), end);
    return isList
      ? { kind: 'list', text: '[' + items.map((x) => x.text).join(' ') + ']', quoting: 'bare', range: r, items }
      : { kind: 'table', text: '{' + entries.map((e) => `'${e.key}':${e.value.text}`).join(' ') + '}', quoting: 'bare', range: r, entries };
  }
}

function abbreviate(s: string): string {
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

/** All values of a tag as a column (a pair gives one row); undefined when absent. */
export function column(block: CifBlock, key: string): CifValue[] | undefined {
  const ref = block.index.get(key);
  if (!ref) return undefined;
  if (ref.pair) return [ref.pair.value];
  const w = ref.loop.tags.length;
  const out: CifValue[] = new Array<CifValue>(ref.loop.rowCount);
  for (let r = 0; r < ref.loop.rowCount; r++) out[r] = ref.loop.values[r * w + ref.column];
  return out;
}

/** Single value of a tag (first row when looped). */
export function scalar(block: CifBlock, key: string): CifValue | undefined {
  const ref = block.index.get(key);
  if (!ref) return undefined;
  if (ref.pair) return ref.pair.value;
  return ref.loop.rowCount > 0 ? ref.loop.values[ref.column] : undefined;
}
