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
