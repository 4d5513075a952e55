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
  if (c === 43 || c === 45) i++; // + -
  let digits = 0;
  let decimals = 0;
  while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; }
  if (s.charCodeAt(i) === 46) { // .
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; decimals++; }
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
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === suStart || s.charCodeAt(i) !== 41) return undefined;
    su = Number(s.slice(suStart, i)) * Math.pow(10, exponent - decimals);
    i++;
  }
  if (i !== n) return undefined;
  const value = Number(s.slice(0, numberEnd));
  if (!Number.isFinite(value)) return undefined;
  return su === undefined ? { value } : { value, su };
}

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
