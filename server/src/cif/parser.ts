// CIF token stream -> syntax tree (blocks, save frames, pairs, loops, CIF2 lists/tables),
// every node carrying its exact document range. Recovers from every error with a diagnostic.
import type { StructureDiagnostic, TextRange } from '../structure/types';
import { lexCif, type Quoting, type Token } from './lexer';

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
  textFields: { startLine: number; endLine: number }[];
}

export function tagKey(name: string): string {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  return dot < 0 ? lower : lower.slice(0, dot) + '_' + lower.slice(dot + 1);
}

export function tokenRange(t: Token): TextRange {
  return { start: { line: t.sl, character: t.sc }, end: { line: t.el, character: t.ec } };
}

export function spanRange(a: TextRange, b: TextRange): TextRange {
  return { start: a.start, end: b.end };
}

/** Range of a loop row: from its first value to its last. */
export function rowRange(loop: CifLoop, row: number): TextRange {
  const w = loop.tags.length;
  return spanRange(loop.values[row * w].range, loop.values[row * w + w - 1].range);
}

export function parseCif(text: string): CifDocument {
  const lex = lexCif(text);
  const toks = lex.tokens;
  const diagnostics = lex.diagnostics;
  const blocks: CifBlock[] = [];
  let block: CifBlock | null = null;
  let container: CifBlock | null = null;
  let p = 0;
  let reportedOrphan = false;

  const err = (range: TextRange, message: string, code = 'cif.syntax', severity: StructureDiagnostic['severity'] = 'error'): void => {
    diagnostics.push({ range, severity, code, message });
  };
  const newBlock = (kind: CifBlock['kind'], t: Token): CifBlock => {
    const r = tokenRange(t);
    return { kind, name: t.text, headerRange: r, range: r, pairs: [], loops: [], frames: [], index: new Map() };
  };
  const extend = (r: TextRange): void => {
    if (container) container.range = spanRange(container.range, r);
    if (block && block !== container) block.range = spanRange(block.range, r);
  };
  const isValueStart = (t: Token | undefined): boolean =>
    t !== undefined && (t.kind === 'value' || t.kind === 'listOpen' || t.kind === 'tableOpen');
  const needContainer = (t: Token): CifBlock | null => {
    if (container) return container;
    if (!reportedOrphan) {
      err(tokenRange(t), 'Data item before the first data_ block header; it is ignored');
      reportedOrphan = true;
    }
    return null;
  };
  const register = (c: CifBlock, tag: CifTag, ref: TagRef): void => {
    if (c.index.has(tag.key)) {
      err(tag.range, `Duplicate data name ${tag.name} in this block; the first value is used`, 'cif.duplicateTag', 'warning');
      return;
    }
    c.index.set(tag.key, ref);
  };

  while (p < toks.length) {
    const t = toks[p];
    switch (t.kind) {
      case 'data':
      case 'global': {
        if (container && container !== block) err(container.headerRange, `Save frame save_${container.name} is not closed with save_`);
        block = newBlock(t.kind === 'data' ? 'data' : 'global', t);
        if (t.kind === 'data' && t.text === '') err(tokenRange(t), 'data_ needs a block name, e.g. data_NaCl');
        blocks.push(block);
        container = block;
        p++;
        break;
      }
      case 'save': {
        p++;
        if (!block) { needContainer(t); break; }
        if (container !== block) err(tokenRange(t), 'Save frames cannot be nested; close the previous frame with save_');
        const frame = newBlock('save', t);
        block.frames.push(frame);
        container = frame;
        extend(frame.range);
        break;
      }
      case 'saveEnd': {
        p++;
        if (!block || !container || container === block) { err(tokenRange(t), 'save_ without an open save frame'); break; }
        container.range = spanRange(container.range, tokenRange(t));
        container = block;
        extend(tokenRange(t));
        break;
      }
      case 'stop': {
        p++;
        err(tokenRange(t), 'stop_ (STAR nested loops) is not part of CIF; ignored', 'cif.syntax', 'warning');
        break;
      }
      case 'tag': {
        p++;
        const tag: CifTag = { name: t.text, key: tagKey(t.text), range: tokenRange(t) };
        if (!isValueStart(toks[p])) {
          err(tag.range, `Data name ${t.text} has no value`);
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
      case 'loop': {
        p++;
        const kw = tokenRange(t);
        const tags: CifTag[] = [];
        while (p < toks.length && toks[p].kind === 'tag') {
          const tt = toks[p++];
          tags.push({ name: tt.text, key: tagKey(tt.text), range: tokenRange(tt) });
        }
        const values: CifValue[] = [];
        while (isValueStart(toks[p])) values.push(parseValue());
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
        const r = v ? v.range : tokenRange(t);
        if (needContainer(t)) err(r, v ? `Value '${abbreviate(v.text)}' has no data name before it` : `Unexpected '${t.text}'`);
        break;
      }
    }
  }
  if (container && block && container !== block) err(container.headerRange, `Save frame save_${container.name} is not closed with save_`);
  return { cif2: lex.cif2, blocks, diagnostics, textFields: lex.textFields };

  function parseValue(): CifValue {
    const t = toks[p++];
    if (t.kind === 'listOpen' || t.kind === 'tableOpen') return parseCompound(t);
    return { kind: 'scalar', text: t.text, quoting: t.quoting, range: tokenRange(t) };
  }

  function parseCompound(open: Token): CifValue {
    const isList = open.kind === 'listOpen';
    const closeKind = isList ? 'listClose' : 'tableClose';
    const items: CifValue[] = [];
    const entries: { key: string; keyRange: TextRange; value: CifValue }[] = [];
    let end = tokenRange(open);
    for (;;) {
      const t = toks[p];
      if (!t || t.kind === 'tag' || t.kind === 'data' || t.kind === 'loop' || t.kind === 'save' || t.kind === 'saveEnd' || t.kind === 'global') {
        err(tokenRange(open), `Unclosed CIF 2.0 ${isList ? 'list [' : 'table {'}`);
        break;
      }
      if (t.kind === closeKind) { p++; end = tokenRange(t); break; }
      if (t.kind === 'listClose' || t.kind === 'tableClose') {
        p++;
        err(tokenRange(t), `Mismatched '${t.text}' inside a CIF 2.0 ${isList ? 'list' : 'table'}`);
        continue;
      }
      if (isList) {
        if (t.kind === 'tableKey') { p++; err(tokenRange(t), 'Table key (key:value) inside a list'); continue; }
        const v = parseValue();
        items.push(v);
        end = v.range;
      } else {
        if (t.kind !== 'tableKey') {
          const v = parseValue();
          err(v.range, 'CIF 2.0 table entries must be quoted keys followed by \':\' and a value');
          end = v.range;
          continue;
        }
        p++;
        if (!isValueStart(toks[p])) { err(tokenRange(t), `Table key '${t.text}' has no value`); continue; }
        const v = parseValue();
        entries.push({ key: t.text, keyRange: tokenRange(t), value: v });
        end = v.range;
      }
    }
    const range = spanRange(tokenRange(open), end);
    return isList
      ? { kind: 'list', text: '[' + items.map((x) => x.text).join(' ') + ']', quoting: 'bare', range, items }
      : { kind: 'table', text: '{' + entries.map((e) => `'${e.key}':${e.value.text}`).join(' ') + '}', quoting: 'bare', range, entries };
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
