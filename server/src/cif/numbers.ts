// CIF numbers: 1.2345(6), -3e-2, .5, 12(3); and the special '?' (unknown) and '.' (inapplicable).
import type { Measured } from '../structure/types';
import type { CifValue } from './parser';

/**
 * Parse a CIF numeric string; the s.u. in parentheses is scaled to the last digit of the
 * mantissa and by the exponent (1.2345(6) -> 0.0006, 1.2e3(2) -> 200). undefined if not numeric.
 */
export function parseMeasured(s: string): Measured | undefined {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 45;
  if (c === 43 || c === 45) i++; // + -
  let digits = 0;
  let decimals = 0;
  // The digits as an integer while it stays exact (< 2^53): the common case then needs no
  // substring and no Number(string), which dominated parsing 10^4-atom loops.
  let mantissa = 0;
  while (i < n && isDigit(c = s.charCodeAt(i))) { mantissa = mantissa * 10 + (c - 48); i++; digits++; }
  if (s.charCodeAt(i) === 46) { // .
    i++;
    while (i < n && isDigit(c = s.charCodeAt(i))) { mantissa = mantissa * 10 + (c - 48); i++; digits++; decimals++; }
  }
  if (digits === 0) return undefined;
  let exponent = 0;
  c = s.charCodeAt(i);
  if (c === 101 || c === 69) { // e E
    const expStart = i + 1;
    let j = expStart;
    if (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45) j++;
    const dStart = j;
    while (j < n && isDigit(s.charCodeAt(j))) j++;
    if (j === dStart) return undefined;
    exponent = Number(s.slice(expStart, j));
    i = j;
  }
  const numberEnd = i;
  let su: number | undefined;
  if (s.charCodeAt(i) === 40) { // (
    const suStart = ++i;
    let suDigits = 0;
    while (i < n && isDigit(c = s.charCodeAt(i))) { suDigits = suDigits * 10 + (c - 48); i++; }
    if (i === suStart || s.charCodeAt(i) !== 41) return undefined;
    const scale = exponent - decimals;
    // 10^k is exact for |k| <= 22, so dividing gives the correctly rounded value Number() would.
    su = i - suStart <= 15 && scale <= 0 && scale >= -22 ? suDigits / POW10[-scale] : Number(s.slice(suStart, i)) * Math.pow(10, scale);
    i++;
  }
  if (i !== n) return undefined;
  const net = exponent - decimals;
  // Clinger's fast path: an exact integer mantissa times/divided by an exact power of ten is
  // correctly rounded, identical to Number() on the same text.
  let value: number;
  if (mantissa <= MAX_EXACT && net >= -22 && net <= 22) {
    value = net < 0 ? mantissa / POW10[-net] : mantissa * POW10[net];
    if (negative) value = -value;
  } else {
    value = Number(s.slice(0, numberEnd));
  }
  if (!Number.isFinite(value)) return undefined;
  return su === undefined ? { value } : { value, su };
}

const MAX_EXACT = 2 ** 53;
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** '?' or '.' written bare: the CIF null values. */
export function isNull(v: CifValue): boolean {
  return v.kind === 'scalar' && v.quoting === 'bare' && (v.text === '?' || v.text === '.');
}

/** Numeric value of a CIF value. CIF 1.1 quotes only delimit (the dictionary decides the type), so '5.64' counts. */
export function numericValue(v: CifValue): Measured | undefined {
  if (v.kind !== 'scalar' || v.quoting === 'text' || v.quoting === 'triple') return undefined;
  return parseMeasured(v.text);
}

/** 'n/m' as in '1/2', '-2/3': not CIF, but hand-written files give special positions so. */
export function parseFraction(s: string): number | undefined {
  const m = /^([+-]?)(\d+)\/(\d+)$/.exec(s.trim());
  if (!m || Number(m[3]) === 0) return undefined;
  const v = Number(m[2]) / Number(m[3]);
  return m[1] === '-' ? -v : v;
}

/** Typographic minus and dashes (U+2212, U+2010–U+2013) that text copied from a paper puts before numbers. */
const DASH = /[\u2010-\u2013\u2212]/;
const DASHES = new RegExp(DASH.source, 'g');

/**
 * A number as people write it where CIF wants a CIF number: a fraction ('1/2') or a typographic
 * minus ('−0.25'). The value and what was wrong, for a warning; undefined when neither helps.
 */
export function lenientNumber(s: string): { value: number; problem: string } | undefined {
  const fraction = parseFraction(s);
  if (fraction !== undefined) return { value: fraction, problem: 'is written as a fraction, which CIF does not allow' };
  if (!DASH.test(s)) return undefined;
  const plain = s.replace(DASHES, '-');
  const value = parseMeasured(plain)?.value ?? parseFraction(plain);
  return value === undefined ? undefined : { value, problem: 'has a typographic minus or dash instead of \'-\'' };
}

/**
 * How far a fractional coordinate may be from what its author meant, judged from how it is
 * written: 0.333 stands for anything in [0.3325, 0.3335]. Values with fewer than two decimals
 * or on a 1/8 grid (0, 0.5, 0.125, 0.7500) are taken as exact: nobody rounds a special
 * position to those by accident.
 */
export function roundingError(text: string, value: number): number {
  const eighths = value * 8;
  if (Math.abs(eighths - Math.round(eighths)) < 1e-9) return 0;
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  let i = dot + 1;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  const decimals = i - dot - 1;
  if (decimals < 2) return 0;
  // With an exponent the decimals do not give the precision; such values are taken as exact.
  // (A character scan: this runs for three coordinates of every atom row.)
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 101 || c === 69) return 0;
  }
  return decimals < HALF_UNIT.length ? HALF_UNIT[decimals] : 0.5 * Math.pow(10, -decimals);
}

/** 0.5·10^-d for the usual numbers of decimals. */
const HALF_UNIT = Array.from({ length: 16 }, (_, d) => 0.5 / POW10[d]);
