// Element of an atom from a CIF type symbol ('Fe2+', 'O2-') or site label ('Fe1', 'O2A', 'FE3').
import { atomicNumber, elementSymbol } from './elements';

export interface ElementMatch {
  element: string;
  Z: number;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function lookup(sym: string): ElementMatch | undefined {
  const lower = sym.toLowerCase();
  // Deuterium and tritium are hydrogen for structure purposes.
  const Z = lower === 'd' || lower === 't' ? 1 : atomicNumber(lower);
  return Z > 0 ? { element: elementSymbol(Z) as string, Z } : undefined;
}

/**
 * Element of a type symbol or label. Two leading letters win whenever they name an element, in
 * any case (Co1 -> Co, FE3 -> Fe, CL1 -> Cl: old programs upper-cased labels); otherwise the first
 * letter alone (Cb1 -> C, OW1 -> O, O2A -> O). Type symbols disambiguate when a file has them.
 */
export function elementFromLabel(label: string): ElementMatch | undefined {
  const s = label.trim();
  if (s.length === 0 || !isLetter(s.charCodeAt(0))) return undefined;
  if (s.length >= 2 && isLetter(s.charCodeAt(1))) {
    const two = lookup(s.slice(0, 2));
    if (two) return two;
  }
  return lookup(s[0]);
}

/** Species written as a symbol (any case, with charge) or as an atomic number ('26'). */
export function elementFromSpecies(s: string): ElementMatch | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) {
    const Z = Number(t);
    const sym = elementSymbol(Z);
    return sym ? { element: sym, Z } : undefined;
  }
  return elementFromLabel(t);
}

/** What an atom-site row stands for: an element, or a marker that is no atom at all. */
export type RowSpecies =
  | { kind: 'element'; element: string; Z: number; /** Said to the user when the element was inferred, not read. */ note?: string }
  | { kind: 'dummy' | 'peak' | 'unknown' };

/** An element symbol with an optional charge or remark: 'Fe', 'Fe3+', 'O2-', 'O-2', 'Fe2.5+', 'H(SDS)'. */
const PLAIN_TYPE = /^([A-Za-z][a-z]?|[A-Z]{2})(?:\d+(?:\.\d+)?[+-]|[+-](?:\d+(?:\.\d+)?)?)?(?:\(.*\))?$/;
/** Codes for water oxygens some programs and databases use instead of 'O'. */
const WATER = /^(?:wat|hoh|h2o|oh2|ow)$/i;
/** Residual-density peaks (SHELX 'Q' atoms) written into the atom list. */
const PEAK = /^Q\d*[A-Za-z]?$/;
const DUMMY = /^(?:dum|dummy)\d*$/i;

function asElement(m: ElementMatch, note?: string): RowSpecies {
  return note ? { kind: 'element', element: m.element, Z: m.Z, note } : { kind: 'element', element: m.element, Z: m.Z };
}

/**
 * Element of a label like 'Cu1A', "O12'", 'Ow', 'CA1'. Where both two and one letters name an
 * element and case does not tell (CA1, CO1, NI1: old programs upper-cased labels) and the block
 * declares its elements (formula, atom types), the declared one wins; otherwise two letters, as
 * elementFromLabel.
 */
export function elementOfLabel(label: string, declared?: ReadonlySet<string>): RowSpecies {
  const s = label.trim();
  if (PEAK.test(s)) return { kind: 'peak' };
  if (DUMMY.test(s)) return { kind: 'dummy' };
  if (/^wat/i.test(s)) {
    return asElement({ element: 'O', Z: 8 }, `label '${s}' read as a water oxygen`);
  }
  const m = elementFromLabel(s);
  if (!m) return { kind: 'unknown' };
  if (!declared || declared.size === 0 || declared.has(m.element)) return asElement(m);
  // 'W1' for a water oxygen in a compound without tungsten (mineral databases write it so).
  if (m.element === 'W' && declared.has('O') && /^W\d/.test(s)) {
    return asElement({ element: 'O', Z: 8 }, `label '${s}' read as a water oxygen: the block's formula has no W`);
  }
  // Only where case says nothing ('CA1', not 'Ca1': that is calcium whatever a formula omits).
  // D and T would read as hydrogen: 'DY1' is no deuterium.
  const caseless = /^(?:[A-Z]{2}|[a-z]{2})/.test(s);
  const one = m.element.length === 2 && caseless && !/^[dt]/i.test(s) ? lookup(s[0]) : undefined;
  if (one && declared.has(one.element)) {
    return asElement(one, `label '${s}' read as ${one.element}, not ${m.element}: the block's formula has no ${m.element}`);
  }
  return asElement(m);
}

/**
 * The species of an atom-site row from its type symbol and label. A type symbol that is an
 * element with a charge is taken as it is; other codes ('Wat', 'OH', 'FeNi') defer to the label
 * when that names an element, and say so.
 */
export function rowSpecies(type: string | undefined, label: string | undefined, declared?: ReadonlySet<string>): RowSpecies {
  if (type === undefined) return label === undefined ? { kind: 'unknown' } : elementOfLabel(label, declared);
  const t = type.trim();
  if (DUMMY.test(t)) return { kind: 'dummy' };
  if (PEAK.test(t)) return { kind: 'peak' };
  const plain = PLAIN_TYPE.exec(t);
  const direct = plain ? lookup(plain[1]) : undefined;
  if (direct) return asElement(direct);
  if (WATER.test(t)) return asElement({ element: 'O', Z: 8 }, `type symbol '${t}' read as a water oxygen`);
  const fromLabel = label !== undefined ? elementOfLabel(label, declared) : undefined;
  if (fromLabel?.kind === 'element') {
    return asElement(fromLabel, `type symbol '${t}' is not an element symbol; ${fromLabel.element} taken from the label '${label?.trim()}'`);
  }
  const guess = elementFromLabel(t);
  return guess ? asElement(guess, `type symbol '${t}' is not an element symbol; read as ${guess.element}`) : { kind: 'unknown' };
}
