// Mutations that break well-formed documents the way real files (and editors mid-typing) do:
// byte flips, truncation, duplicated loops, huge/NaN/Inf numbers, unbalanced quotes, stray ';'
// fields, 10^5-character lines, binary junk and invalid UTF-8 decoded with replacement chars.
import type { Rng } from './rng';

const SPECIAL = ['\'', '"', ';', '#', '_', '\n', '\r', '\t', ' ', '[', ']', '{', '}', ':', '\0', '\uFFFD', '\uFEFF', '\uD800', '\uDC00', '(', ')', '?', '.', '-', 'e', '\u2028', '\u00a0'];
const NUMBERS = ['1e308', '1e309', '-1e400', '99999999999999999999999', '1e-320', 'NaN', 'nan', 'Inf', '-Infinity', 'inf', '0', '-0', '0.0(0)', '1(99999999999999999999)', '1e5(3)', '.', '+.e1', '5.(2)', '1.0e+', '0x1F', '4.2E-3(7)'];
const KEYWORDS = ['loop_', 'data_', 'data_x', 'save_', 'save_f', 'stop_', 'global_', '_atom_site_fract_x', '_cell_length_a', '#\\#CIF_2.0'];

export type Mutation = (text: string, r: Rng) => string;

function at(text: string, r: Rng): number {
  return r.int(0, text.length);
}

function insert(text: string, pos: number, s: string): string {
  return text.slice(0, pos) + s + text.slice(pos);
}

/** Random lines of the text: start and end offsets of line k. */
function lineSpan(text: string, r: Rng): [number, number] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const k = r.int(0, starts.length - 1);
  const end = k + 1 < starts.length ? starts[k + 1] : text.length;
  return [starts[k], end];
}

const numberRe = /-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?(?:\(\d+\))?/g;

export const MUTATIONS: Record<string, Mutation> = {
  flip(text, r) {
    if (text.length === 0) return text;
    const p = r.int(0, text.length - 1);
    const c = r.chance(0.5) ? r.pick(SPECIAL) : String.fromCharCode(r.int(0, 0xffff));
    return text.slice(0, p) + c + text.slice(p + 1);
  },
  truncate(text, r) {
    return text.slice(0, at(text, r));
  },
  duplicateLoop(text, r) {
    const starts: number[] = [];
    for (let i = text.indexOf('loop_'); i >= 0; i = text.indexOf('loop_', i + 1)) starts.push(i);
    if (starts.length === 0) {
      const [a, b] = lineSpan(text, r);
      return insert(text, b, text.slice(a, b));
    }
    const s = r.pick(starts);
    const next = text.indexOf('loop_', s + 5);
    const e = next < 0 ? text.length : next;
    return insert(text, e, text.slice(s, e) + '\n');
  },
  hugeNumber(text, r) {
    const matches = [...text.matchAll(numberRe)];
    if (matches.length === 0) return insert(text, at(text, r), ` ${r.pick(NUMBERS)} `);
    const m = r.pick(matches);
    const i = m.index ?? 0;
    return text.slice(0, i) + r.pick(NUMBERS) + text.slice(i + m[0].length);
  },
  unbalancedQuote(text, r) {
    return insert(text, at(text, r), r.pick(['\'', '"', '\'\'\'', '"""', ' \'', '" ']));
  },
  straySemicolon(text, r) {
    return insert(text, at(text, r), r.pick(['\n;', '\n;\n', ';', '\n; text\n', '\r;']));
  },
  longLine(text, r) {
    const kind = r.int(0, 3);
    const s = kind === 0 ? 'x'.repeat(1e5)
      : kind === 1 ? '1'.repeat(1e5)
        : kind === 2 ? `'${'a '.repeat(5e4)}'`
          : Array.from({ length: 2e4 }, (_, i) => `Fe ${i}`).join(' ');
    return insert(text, at(text, r), s);
  },
  binaryJunk(text, r) {
    let s = '';
    const n = r.int(1, 64);
    for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0, 255));
    return insert(text, at(text, r), s);
  },
  invalidUtf8(text, r) {
    // Bytes as a file would hold them, damaged, then decoded the way VS Code decodes (U+FFFD).
    const bytes = Buffer.from(text, 'utf8');
    const n = r.int(1, 8);
    for (let i = 0; i < n && bytes.length > 0; i++) bytes[r.int(0, bytes.length - 1)] = r.pick([0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xf0, 0xff, 0xfe]);
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  },
  keyword(text, r) {
    return insert(text, at(text, r), `${r.pick(['\n', ' ', ''])}${r.pick(KEYWORDS)}${r.pick(['\n', ' ', ''])}`);
  },
  deleteLine(text, r) {
    const [a, b] = lineSpan(text, r);
    return text.slice(0, a) + text.slice(b);
  },
  duplicateLine(text, r) {
    const [a, b] = lineSpan(text, r);
    // Many copies of a short line make a long loop; of a 10^5-character line, at most ~2 MB.
    const line = text.slice(a, b);
    const copies = r.chance(0.1) ? Math.max(1, Math.min(200, Math.floor(2e6 / Math.max(1, line.length)))) : 1;
    return insert(text, b, line.repeat(copies));
  },
  countLine(text, r) {
    return insert(text, at(text, r), `\n${r.pick(['0', '1', '999999999', '-1', '1e3', '3.5', '  7  '])}\n`);
  },
};

const NAMES = Object.keys(MUTATIONS);

/** 1–3 random mutations; returns the text and their names (for the failure report). */
export function mutate(text: string, r: Rng): { text: string; applied: string[] } {
  const applied: string[] = [];
  let out = text;
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const name = r.pick(NAMES);
    out = MUTATIONS[name](out, r);
    applied.push(name);
  }
  return { text: out, applied };
}
