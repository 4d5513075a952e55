// A reader for the Perl that Data::Dumper writes, as far as Athena project files use it:
// `$name = value;`, `@name = (list);`, `%name = (list);`, `#` comments and Athena's bare
// `[record]` marker. Only literals are understood (quoted strings, numbers, undef, nested
// lists); nothing is evaluated, so a hostile file can at worst be reported as unreadable.

/** A Perl literal. Hashes (`%h = (...)`, `{...}`) stay flat key, value, key, value lists. */
export type PerlValue = string | number | null | PerlValue[];

export type DumperItem =
  | { kind: 'assign'; sigil: '$' | '@' | '%'; name: string; value: PerlValue; line: number }
  | { kind: 'record'; line: number }
  /** A statement that could not be read; `name` when at least its left-hand side was. */
  | { kind: 'bad'; name?: string; message: string; line: number };

class DumperError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

// Deeper nesting than Athena ever writes is refused rather than risking the call stack.
const MAX_DEPTH = 64;
const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_]\w*/y;
const LHS = /([$@%])([A-Za-z_]\w*)\s*=/y;
const TRUE_STATEMENT = /\d+\s*;/y;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', b: '\b', a: '\x07', e: '\x1b' };

class Scanner {
  pos = 0;
  private lineCount = 1;
  private linePos = 0;

  constructor(readonly s: string) {}

  /** 1-based line of `pos`; positions are asked for in increasing order, so counting is linear. */
  lineOf(pos: number): number {
    if (pos < this.linePos) {
      this.lineCount = 1;
      this.linePos = 0;
    }
    for (let i = this.linePos; i < pos; i++) if (this.s.charCodeAt(i) === 10) this.lineCount++;
    this.linePos = pos;
    return this.lineCount;
  }

  /** Skips whitespace and `#` comments (a comment runs to the end of its line). */
  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xfeff) this.pos++;
      else if (c === 35) {
        const nl = s.indexOf('\n', this.pos);
        this.pos = nl < 0 ? s.length : nl + 1;
      } else break;
    }
  }

  sticky(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m) this.pos = re.lastIndex;
    return m;
  }

  fail(message: string, pos = this.pos): never {
    throw new DumperError(pos >= this.s.length ? `${message} at the end of the file` : message, pos);
  }
}

/** Perl single quotes: only `\'` and `\\` are escapes; any other backslash is itself. */
function singleQuoted(sc: Scanner): string {
  const s = sc.s;
  const open = sc.pos;
  let out = '';
  let from = open + 1;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 39) {
      sc.pos = i + 1;
      return out + s.slice(from, i);
    }
    if (c === 92 && (s.charCodeAt(i + 1) === 39 || s.charCodeAt(i + 1) === 92)) {
      out += s.slice(from, i) + s[i + 1];
      from = i + 2;
      i++;
    }
  }
  return sc.fail('string not closed before the end of the file', open);
}

/** Data::Dumper switches to double quotes for wide characters (`"caf\x{e9}"`). */
function doubleQuoted(sc: Scanner): string {
  const s = sc.s;
  const open = sc.pos;
  let out = '';
  let from = open + 1;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      sc.pos = i + 1;
      return out + s.slice(from, i);
    }
    if (c !== '\\') continue;
    out += s.slice(from, i);
    const [text, length] = doubleEscape(s, i + 1);
    out += text;
    i += length;
    from = i + 1;
  }
  return sc.fail('string not closed before the end of the file', open);
}

/** One escape after a backslash at `at`: its text and how many characters it used. */
function doubleEscape(s: string, at: number): [string, number] {
  const c = s[at] ?? '';
  if (Object.hasOwn(SIMPLE_ESCAPES, c)) return [SIMPLE_ESCAPES[c], 1];
  if (c === 'x') {
    const braced = /^\{([0-9a-fA-F]{1,8})\}/.exec(s.slice(at + 1, at + 12));
    if (braced) return [codePoint(parseInt(braced[1], 16)), 1 + braced[0].length];
    const hex = /^[0-9a-fA-F]{1,2}/.exec(s.slice(at + 1, at + 3));
    return hex ? [String.fromCharCode(parseInt(hex[0], 16)), 1 + hex[0].length] : ['\0', 1];
  }
  const octal = /^[0-7]{1,3}/.exec(s.slice(at, at + 3));
  if (octal) return [String.fromCharCode(parseInt(octal[0], 8)), octal[0].length];
  return [c, 1];
}

function codePoint(n: number): string {
  return n <= 0x10ffff ? String.fromCodePoint(n) : '\uFFFD';
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function list(sc: Scanner, depth: number): PerlValue[] {
  const open = sc.pos;
  const closer = CLOSER[sc.s[sc.pos]];
  if (depth > MAX_DEPTH) sc.fail('lists nested too deeply');
  sc.pos++;
  const out: PerlValue[] = [];
  for (;;) {
    sc.skipSpace();
    if (sc.pos >= sc.s.length) sc.fail(`list opened with "${sc.s[open]}" is not closed`, open);
    if (sc.s[sc.pos] === closer) {
      sc.pos++;
      return out;
    }
    out.push(value(sc, depth));
    sc.skipSpace();
    if (sc.s[sc.pos] === ',') sc.pos++;
    else if (sc.s.startsWith('=>', sc.pos)) sc.pos += 2;
    else if (sc.s[sc.pos] !== closer) {
      sc.fail(sc.pos >= sc.s.length ? `list opened with "${sc.s[open]}" is not closed` : `expected "," or "${closer}", found "${sc.s[sc.pos]}"`);
    }
  }
}

function value(sc: Scanner, depth: number): PerlValue {
  sc.skipSpace();
  // A reference to a literal (`\'text'`) reads as the literal. A loop, not a recursion: the
  // nesting limit does not count backslashes, and 10^5 of them overflowed the call stack.
  while (sc.s[sc.pos] === '\\') {
    sc.pos++;
    sc.skipSpace();
  }
  const c = sc.s[sc.pos];
  if (c === "'") return singleQuoted(sc);
  if (c === '"') return doubleQuoted(sc);
  if (c === '(' || c === '[' || c === '{') return list(sc, depth + 1);
  const n = sc.sticky(NUMBER);
  if (n) return Number(n[0]);
  const w = sc.sticky(WORD);
  if (w) return w[0] === 'undef' ? null : w[0];
  return sc.fail(c === undefined ? 'value missing' : `unexpected "${c}"`);
}

/** Moves past a statement that could not be read: to the next line that starts a statement. */
function resync(sc: Scanner, start: number, from: number): void {
  const next = /\n(?=[$@%[])/g;
  // From just before the error, so a statement starting right where the last one broke is kept.
  next.lastIndex = Math.min(Math.max(from - 1, start + 1), sc.s.length);
  const m = next.exec(sc.s);
  sc.pos = m ? m.index + 1 : sc.s.length;
}

export function readDumper(text: string): DumperItem[] {
  const sc = new Scanner(text);
  const items: DumperItem[] = [];
  for (;;) {
    sc.skipSpace();
    if (sc.pos >= text.length) return items;
    const start = sc.pos;
    const line = sc.lineOf(start);
    if (text.startsWith('[record]', start)) {
      sc.pos += '[record]'.length;
      items.push({ kind: 'record', line });
      continue;
    }
    // Perl files end with a true value (`1;`).
    if (sc.sticky(TRUE_STATEMENT)) continue;
    const lhs = sc.sticky(LHS);
    if (!lhs) {
      items.push({ kind: 'bad', message: `unexpected text "${text.slice(start, start + 20).split('\n')[0]}"`, line });
      resync(sc, start, start);
      continue;
    }
    const sigil = lhs[1] as '$' | '@' | '%';
    const name = lhs[2];
    try {
      const v = value(sc, 0);
      sc.skipSpace();
      if (text[sc.pos] !== ';') sc.fail(`expected ";" after ${sigil}${name}`);
      sc.pos++;
      if (sigil !== '$' && !Array.isArray(v)) sc.fail(`${sigil}${name} is not a list`, start);
      items.push({ kind: 'assign', sigil, name, value: v, line });
    } catch (e) {
      if (!(e instanceof DumperError)) throw e;
      items.push({ kind: 'bad', name, message: `${e.message} (line ${sc.lineOf(Math.max(e.pos, start))})`, line });
      resync(sc, start, e.pos);
    }
  }
}
