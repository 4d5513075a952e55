// Mutations of measured spectrum files, on top of the generic ones in mutate.ts: the damage that
// reaches the loaders' regular expressions and loops (10^5-wide rows, runs of 10^5 spaces,
// separators or zeros, Perl lists nested 10^5 deep, backslash chains, tags of the other formats),
// then the bytes as a file holds them: UTF-8, gzip (sometimes truncated or damaged), UTF-16 with
// and without a byte-order mark, Windows-1252.
import { gzipSync } from 'node:zlib';
import { MUTATIONS as TEXT_MUTATIONS, type Mutation } from './mutate';
import type { Rng } from './rng';

const SPECIAL_NUMBERS = ['NaN', 'nan', '-nan', 'inf', '-inf', 'Infinity', '1e309', '-1e309', '1e308', '-1e308', '1e-400', '5e-324', '0', '-0', '', '--', 'n/a', '1,5', '1.5d3', '1D400', '0x10', '99999999999999999999999', '1e21'];
const RUN_CHARS = [' ', '\t', ' \t', '0', '1', '.', ',', ';', '(', ')', '[', '"', "'", '#', '\r', '\n', '-', 'e', 'd', '\\', '1 ', '1,', '1;', '(1,', '\u00a0', '\uFFFD'];
const SPEC_LINES = ['#S 1 ascan energy 7 7.2 10 1', '#S 99999999999999999999999 x', '#S 2', '#N 100000', '#N -1', '#N 0', '#L Energy  I0  It', '#L', '#L  ', '#C Scan aborted', '@A 1 2 3 \\', '@A', '#F x', '#E 1', '#D', '#@MCA 16C'];
const XDI_LINES = ['# XDI/1.0', '# Column.100000: energy eV', '# Column.1: angle degrees', '# Column.2: energy keV', '# Mono.d_spacing: 0', '# Mono.d_spacing: 1e-300', '# Mono.d_spacing: 1e300', '# Scan.edge_energy: 7.112 keV', '# Scan.edge_energy: 1e308', '#----', '# ///', '# Column.0: x', '# a.b: c', '# energy'];
const ATHENA_LINES = ['[record]', "$old_group = 'g';", '$old_group = ;', '@x = ();', '@y = (1,2);', "@args = ('label','x','datatype','chi');", "@args = ('bkg_eshift','1e308');", "@args = ('bkg_eshift','-1e308','bkg_e0','1e308');", '1;', "'", '"', '=>', '\\', '@x = (', "%h = ('a',1);", '@x = (1,2,3,4,5,6);', '@y = (1,1,1,2,2,2);', '# Athena project file -- Demeter version 0.9.26', '"\\x{110000}"', '"\\x{D800}"', '{"_____order": ['];
const HEADER_LINES = ['Energy I0 It', 'energy,mu', '# E0 = 7112', '# d_spacing = 3.1355', '# d_spacing = 0.6', 'Data:', 'Energy (eV)\tI0 [counts]', 'E (keV)  mu', 'k chi', 'r chir_mag', '  9809  SPring-8  BL', 'Offset = 0 0'];

function insert(text: string, pos: number, s: string): string {
  return text.slice(0, pos) + s + text.slice(pos);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Somewhere in the first lines (the header, where names and units are read) or anywhere. */
function position(text: string, r: Rng): number {
  if (r.chance(0.5)) return r.int(0, text.length);
  const starts = lineStarts(text);
  const k = r.int(0, Math.min(starts.length - 1, 8));
  const end = k + 1 < starts.length ? starts[k + 1] - 1 : text.length;
  return r.int(starts[k], Math.max(starts[k], end));
}

/** A line start: where tag lines and rows go. */
function lineStart(text: string, r: Rng): number {
  return r.pick(lineStarts(text));
}

/** The separator the file seems to use. */
function separatorOf(text: string): string {
  const sample = text.slice(0, 4000);
  if (sample.includes(';')) return ';';
  if (sample.includes('\t')) return '\t';
  if (/\d,\d+,\d/.test(sample)) return ',';
  return ' ';
}

/**
 * The measured-file mutations with runs, rows and repeats of at most `big` (10^5 in the long
 * campaign; the quick run in `npm test` uses less, which still shows quadratic behaviour).
 */
export function spectrumMutations(big: number): Record<string, Mutation> {
  const sizes = (r: Rng, choices: readonly number[]): number => r.pick(choices.map((n) => Math.min(n, big)));
  const bigSize = (r: Rng): number => sizes(r, [100, 1000, 10000, 100000]);
  // Wide rows and repeated lines add volume, not new paths: below the full 10^5, a quarter of
  // the cap is enough for them.
  const volumeCap = big >= 100000 ? big : Math.max(50, big / 4);
  const volume = (r: Rng, choices: readonly number[]): number => r.pick(choices.map((n) => Math.min(n, volumeCap)));
  return {
    deepNesting(text, r) {
      const n = bigSize(r);
      const open = r.pick(['(', '[', '{', '\\', '\\(', '[(']);
      const close = open === '\\' ? "'x'" : open.split('').reverse().map((c) => ({ '(': ')', '[': ']', '{': '}', '\\': '' }[c] ?? c)).join('');
      const body = r.chance(0.5) ? open.repeat(n) + close.repeat(n) : open.repeat(n);
      const at = r.chance(0.5) ? lineStart(text, r) : position(text, r);
      return insert(text, at, r.chance(0.5) ? `@x = ${body};\n` : body);
    },
    wideRow(text, r) {
      const n = volume(r, [50, 1000, 100000]);
      const sep = r.chance(0.7) ? separatorOf(text) : r.pick([' ', ',', ';', '\t']);
      const row = Array.from({ length: n }, (_, i) => (i === 0 ? String(7000 + r.int(0, 200)) : String(i % 97))).join(sep);
      const at = lineStart(text, r);
      // Replacing a line keeps the table's row count; inserting adds a row of a new width.
      if (r.chance(0.5)) return insert(text, at, `${row}\n`);
      const end = text.indexOf('\n', at);
      return text.slice(0, at) + row + (end < 0 ? '' : text.slice(end));
    },
    wideHeader(text, r) {
      const n = volume(r, [50, 1000, 100000]);
      const sep = r.chance(0.7) ? separatorOf(text) : r.pick([' ', ',', ';', '\t']);
      const words = Array.from({ length: n }, (_, i) => r.pick(['ff', 'I', 'col', 'sdd', 'Energy (eV)', 'x']) + String(i));
      return insert(text, lineStart(text, r), `${r.pick(['# ', '', '#L '])}${words.join(sep)}\n`);
    },
    longRun(text, r) {
      const ch = r.pick(RUN_CHARS);
      const n = Math.ceil(bigSize(r) / ch.length);
      return insert(text, position(text, r), ch.repeat(n));
    },
    repeatSeparators(text, r) {
      // Every separator of one line repeated (";;;;", ",,,,", tabs): empty cells or one wide field.
      const starts = lineStarts(text);
      const k = r.int(0, starts.length - 1);
      const end = k + 1 < starts.length ? starts[k + 1] : text.length;
      const original = text.slice(starts[k], end);
      // Bounded by the cap: a 10^5-wide row times 1,000 passed V8's longest string.
      const separators = original.replace(/[^;,\t ]/g, '').length;
      const times = Math.max(1, Math.min(volume(r, [2, 10, 1000]), Math.floor((40 * big) / Math.max(1, separators))));
      const line = original.replace(/[;,\t ]/g, (m) => m.repeat(times));
      return text.slice(0, starts[k]) + line + text.slice(end);
    },
    specialNumber(text, r) {
      const matches = [...text.matchAll(/-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?/g)];
      const v = r.pick(SPECIAL_NUMBERS);
      if (matches.length === 0) return insert(text, r.int(0, text.length), ` ${v} `);
      const times = r.chance(0.2) ? 50 : 1;
      let out = text;
      for (let t = 0; t < times; t++) {
        const m = r.pick(matches);
        const i = m.index ?? 0;
        // Same length, so the other match offsets stay valid.
        const rep = v.padEnd(m[0].length, ' ').slice(0, Math.max(m[0].length, v.length));
        if (rep.length === m[0].length) out = out.slice(0, i) + rep + out.slice(i + m[0].length);
        else if (t === 0) out = out.slice(0, i) + v + out.slice(i + m[0].length);
      }
      return out;
    },
    decimalComma(text, r) {
      if (r.chance(0.3)) return text.replace(/(\d)\.(\d)/g, '$1,$2');
      const starts = lineStarts(text);
      const k = r.int(0, starts.length - 1);
      const end = k + 1 < starts.length ? starts[k + 1] : text.length;
      return text.slice(0, starts[k]) + text.slice(starts[k], end).replace(/\./g, ',') + text.slice(end);
    },
    lineEnds(text, r) {
      const eol = r.pick(['\r\n', '\r', '\n\n', '\u2028', '\n\r']);
      return text.replace(/\r?\n/g, eol);
    },
    byteOrderMark(text, r) {
      return r.chance(0.5) ? `\uFEFF${text}` : insert(text, r.int(0, text.length), '\uFEFF');
    },
    specTag(text, r) {
      return insert(text, lineStart(text, r), `${r.pick(SPEC_LINES)}\n`);
    },
    xdiTag(text, r) {
      return insert(text, lineStart(text, r), `${r.pick(XDI_LINES)}\n`);
    },
    athenaTag(text, r) {
      return insert(text, lineStart(text, r), `${r.pick(ATHENA_LINES)}\n`);
    },
    headerLine(text, r) {
      return insert(text, lineStart(text, r), `${r.pick(HEADER_LINES)}\n`);
    },
    manyLines(text, r) {
      // Thousands of short lines of one kind: comments, blank lines, bad rows, scans, records.
      const line = r.pick(['#\n', '\n', '# c\n', 'x\n', '1\n', '1 2\n', '#S 1 x\n#L a  b\n1 2\n', '[record]\n', "$old_group = 'a';\n", '@x = (\n', '# Column.1: energy eV\n']);
      return insert(text, lineStart(text, r), line.repeat(volume(r, [100, 3000, 30000])));
    },
    pathologicalCell(text, r) {
      // Fields built to make a backtracking regular expression try every split of a long run:
      // header names with units, Fortran and decimal-comma numbers, Athena flags, sum columns.
      const n = sizes(r, [1000, 20000, 100000]);
      const cell = r.pick([
        () => `Energy (${' '.repeat(n)}x`, () => `E${' '.repeat(n)}(eV`, () => `sum(${'.'.repeat(n)}x`, () => `${'1'.repeat(n)}x`,
        () => `${'1'.repeat(n)}d`, () => `,${'1'.repeat(n)}x`, () => `'${'0'.repeat(n)}1'`, () => `@args = ('is_chi','${'0'.repeat(n)}1');`,
        () => `d${' '.repeat(n)}x`, () => `E0${' '.repeat(n)}`, () => `#S ${'1'.repeat(n)}\u2028`, () => `# XDI/${'a'.repeat(n)}\u2028`,
        () => `${'a'.repeat(n)}_ev2`, () => `"${'a,'.repeat(n / 2)}`, () => `${'e'.repeat(n)}`, () => `$${'a'.repeat(n)} `,
      ])();
      return insert(text, r.chance(0.5) ? position(text, r) : lineStart(text, r), r.chance(0.5) ? cell : `${cell}\n`);
    },
    swapLines(text, r) {
      const lines = text.split('\n');
      if (lines.length < 2) return text;
      const a = r.int(0, lines.length - 1);
      const b = r.int(0, lines.length - 1);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    },
  };
}

// The generic mutations that mean something for measured files (CIF keywords and loops do not);
// longLine writes 10^5 characters, so it joins only when that size is allowed.
const GENERIC = ['flip', 'truncate', 'hugeNumber', 'unbalancedQuote', 'straySemicolon', 'binaryJunk', 'invalidUtf8', 'deleteLine', 'duplicateLine', 'countLine'];
const allMutations = new Map<number, [string, Mutation][]>();

function mutationsUpTo(big: number): [string, Mutation][] {
  let all = allMutations.get(big);
  if (!all) {
    const generic = big >= 100000 ? [...GENERIC, 'longLine'] : GENERIC;
    all = [...generic.map((n): [string, Mutation] => [n, TEXT_MUTATIONS[n]]), ...Object.entries(spectrumMutations(big))];
    allMutations.set(big, all);
  }
  return all;
}

/** 1–3 random mutations of a measured file's text; returns the text and their names. */
export function mutateMeasured(text: string, r: Rng, big = 100000): { text: string; applied: string[] } {
  const all = mutationsUpTo(big);
  const applied: string[] = [];
  let out = text;
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) {
    const [name, m] = r.pick(all);
    // Repeating a long line can reach megabytes; beyond 40 times the cap the mutation is undone.
    const next = m(out, r);
    if (next.length > 40 * big) {
      applied.push(`${name} (undone: ${next.length} characters)`);
      continue;
    }
    out = next;
    applied.push(name);
  }
  return { text: out, applied };
}

function utf16(text: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const body = Buffer.from(text, 'utf16le');
  if (bigEndian) body.swap16();
  return bom ? Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), body]) : body;
}

/** Windows-1252 as far as Latin-1 reaches; other characters become '?'. */
function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c < 256 ? c : 63;
  }
  return out;
}

function damage(bytes: Uint8Array, r: Rng): Uint8Array {
  const out = Uint8Array.from(bytes);
  const n = r.int(1, 8);
  for (let i = 0; i < n && out.length > 0; i++) out[r.int(0, out.length - 1)] = r.int(0, 255);
  return out;
}

export interface EncodedFile {
  bytes: Uint8Array;
  encoding: string;
}

/** The text as bytes of a file: mostly UTF-8, else gzip, UTF-16 or Windows-1252, sometimes damaged. */
export function encodeMeasured(text: string, r: Rng): EncodedFile {
  const x = r.float();
  const gz = (b: Uint8Array): Uint8Array => gzipSync(b, { level: 1 });
  if (x < 0.62) return { bytes: Buffer.from(text, 'utf8'), encoding: 'utf-8' };
  if (x < 0.74) return { bytes: gz(Buffer.from(text, 'utf8')), encoding: 'gzip' };
  if (x < 0.77) {
    const g = gz(Buffer.from(text, 'utf8'));
    return r.chance(0.5) ? { bytes: g.subarray(0, r.int(0, g.length - 1)), encoding: 'gzip truncated' } : { bytes: damage(g, r), encoding: 'gzip damaged' };
  }
  if (x < 0.78) return { bytes: gz(gz(Buffer.from(text, 'utf8'))), encoding: 'gzip twice' };
  if (x < 0.82) return { bytes: utf16(text, false, true), encoding: 'utf-16le bom' };
  if (x < 0.84) return { bytes: utf16(text, true, true), encoding: 'utf-16be bom' };
  if (x < 0.87) return { bytes: utf16(text, r.chance(0.3), false), encoding: 'utf-16 no bom' };
  if (x < 0.89) return { bytes: gz(utf16(text, false, true)), encoding: 'gzip utf-16le' };
  if (x < 0.93) return { bytes: latin1(text), encoding: 'windows-1252' };
  if (x < 0.99) return { bytes: damage(Buffer.from(text, 'utf8'), r), encoding: 'utf-8 damaged' };
  return { bytes: new Uint8Array(r.int(0, 3)), encoding: 'empty/zero' };
}
