// Element of an atom from a CIF type symbol ('Fe2+', 'O2-') or site label ('Fe1', 'O2A', 'FE3'),
// or from an XYZ species ('Fe', 'FE', 'Fe1', and the atom types some programs write there).
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
 * Mendelevium onwards exist a few atoms at a time and are in no structure file: two letters
 * that spell one (NO, NH, HS, CN, SG) are a type or a label ('NH1' is an amide N, not nihonium).
 */
const MAX_REAL_Z = 100;

function realLookup(sym: string): ElementMatch | undefined {
  const m = lookup(sym);
  return m && m.Z <= MAX_REAL_Z ? m : undefined;
}

const isCaseless = (s: string): boolean => s === s.toUpperCase() || s === s.toLowerCase();

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
    // 'No1' names nobelium as plainly as it can; 'NO1' is more likely N than element 102.
    if (two && (two.Z <= MAX_REAL_Z || !isCaseless(s.slice(0, 2)) || !lookup(s[0]))) return two;
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
  | {
    kind: 'element'; element: string; Z: number;
    /** Said to the user when the element was inferred, not read. */ note?: string;
    /** The note is a warning (the inference may well be wrong), not information. */ doubtful?: boolean;
  }
  | { kind: 'dummy' | 'peak' | 'unknown' };

/** An element symbol with an optional charge or remark: 'Fe', 'Fe3+', 'O2-', 'O-2', 'Fe2.5+', 'H(SDS)'. */
const PLAIN_TYPE = /^([A-Za-z][a-z]?|[A-Z]{2})(?:\d+(?:\.\d+)?[+-]|[+-](?:\d+(?:\.\d+)?)?)?(?:\(.*\))?$/;
/** Codes for water oxygens some programs and databases use instead of 'O'. */
const WATER = /^(?:wat|hoh|h2o|oh2|ow)$/i;
/** Residual-density peaks (SHELX 'Q' atoms) written into the atom list. */
const PEAK = /^Q\d*[A-Za-z]?$/;
const DUMMY = /^(?:dum|dummy)\d*$/i;

function asElement(m: ElementMatch, note?: string, doubtful?: boolean): RowSpecies {
  if (!note) return { kind: 'element', element: m.element, Z: m.Z };
  return doubtful ? { kind: 'element', element: m.element, Z: m.Z, note, doubtful } : { kind: 'element', element: m.element, Z: m.Z, note };
}

const OXYGEN: ElementMatch = { element: 'O', Z: 8 };
const HYDROGEN: ElementMatch = { element: 'H', Z: 1 };
const SILICON: ElementMatch = { element: 'Si', Z: 14 };

/** Atoms that sit on the tetrahedral (T) sites of zeolites and zeotypes, most common first. */
const T_ATOMS = ['Si', 'Al', 'P', 'Ge', 'Ga', 'B', 'Be', 'Zn'] as const;

/**
 * 'T' as a label or type: in a zeolite, a tetrahedral site (Si or Al), far more often than
 * tritium. The declared elements decide; without them Si is taken, and said.
 */
function tetrahedralSite(what: string, declared?: ReadonlySet<string>): RowSpecies {
  const present = declared ? T_ATOMS.filter((e) => declared.has(e)) : [];
  if (present.length > 0) {
    const el = present[0];
    const others = present.slice(1);
    return asElement(lookup(el) as ElementMatch, others.length > 0
      ? `${what} read as ${el}, the usual atom of a tetrahedral (T) site; the block's formula has ${others.join(' and ')} too, which may share these sites (give each its own row with occupancies)`
      : `${what} read as ${el}: T is a tetrahedral site of the framework, not tritium`, others.length > 0);
  }
  if (declared?.has('H')) {
    return asElement(HYDROGEN, `${what} read as tritium (H): the block's formula has H and no Si or Al for a tetrahedral (T) site`);
  }
  const advice = what.startsWith('label') ? 'Add _atom_site_type_symbol to say which' : 'Write the element as the type symbol';
  return asElement(SILICON, `${what} read as Si: T names a tetrahedral site (Si or Al) in a zeolite far more often than tritium${declared ? ', and the block\'s formula names no H, Si or Al' : ''}. ${advice}`, true);
}

/** Labels that name a water molecule's oxygen: Wat1, HOH3 (never holmium), H2O. */
const WATER_LABEL = /^(?:wat|hoh)/i;
/** 'H2O', 'H2O1': a water oxygen, or a hydrogen on an oxygen as some labelling schemes name it. */
const H2O_LABEL = /^h2o(?:\d+[a-z]?)?$/i;

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
  if (WATER_LABEL.test(s)) return asElement(OXYGEN, `label '${s}' read as a water oxygen`);
  if (H2O_LABEL.test(s)) {
    if (declared && !declared.has('H')) return asElement(OXYGEN, `label '${s}' read as a water oxygen: the block's formula has no H`);
    if (declared && !declared.has('O')) return asElement(HYDROGEN, `label '${s}' read as H: the block's formula has no O for a water`);
    return asElement(OXYGEN, `label '${s}' read as a water oxygen; it could also be a hydrogen on an oxygen, as some programs label them. Add _atom_site_type_symbol to say which`, true);
  }
  const m = elementFromLabel(s);
  if (!m) return { kind: 'unknown' };
  // A label reading as hydrogen by its first letter T ('T1'; two letters such as Ti1 are no T).
  if (/^t/i.test(s) && m.Z === 1) return tetrahedralSite(`label '${s}'`, declared);
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
  if (direct && /^t$/i.test(plain?.[1] ?? '')) {
    const fromLabel = label !== undefined && !/^t/i.test(label.trim()) ? elementOfLabel(label, declared) : undefined;
    if (fromLabel?.kind === 'element') {
      return asElement(fromLabel, `type symbol '${t}' is tritium or a tetrahedral site; ${fromLabel.element} taken from the label '${label?.trim()}'`);
    }
    return tetrahedralSite(`type symbol '${t}'`, declared);
  }
  if (direct) return asElement(direct);
  if (WATER.test(t)) return asElement({ element: 'O', Z: 8 }, `type symbol '${t}' read as a water oxygen`);
  const fromLabel = label !== undefined ? elementOfLabel(label, declared) : undefined;
  if (fromLabel?.kind === 'element') {
    return asElement(fromLabel, `type symbol '${t}' is not an element symbol; ${fromLabel.element} taken from the label '${label?.trim()}'`);
  }
  const guess = elementFromLabel(t);
  return guess ? asElement(guess, `type symbol '${t}' is not an element symbol; read as ${guess.element}`) : { kind: 'unknown' };
}

/** Closer than this (Å) to another atom, an atom is bonded as only light elements bond. */
export const BONDED_WITHIN = 1.5;

/** What an XYZ species stands for. */
export type XyzSpecies =
  | { kind: 'element'; element: string; Z: number }
  /**
   * No element symbol, read as `element` for the reason given; `certain` when the code names
   * its element beyond doubt (a water code, a Sybyl type, a CHARMM ion name).
   */
  | { kind: 'guess'; element: string; Z: number; why: string; certain: boolean }
  /**
   * Two readings, told apart by the atom's surroundings: `bonded` when another atom is within
   * BONDED_WITHIN, else `apart`. 'CA' is calcium, or Amber's and CHARMM's aromatic carbon (1.40 Å
   * from the next ring atom, where Ca has nothing nearer than 2.2 Å); 'T' is tritium, or a
   * zeolite's tetrahedral site. `quietApart`: the `apart` reading needs no word unless the file
   * is written in atom types.
   */
  | {
    kind: 'ambiguous'; bonded: ElementMatch; apart: ElementMatch; bondedWhy: string; apartWhy: string; quietApart: boolean;
  }
  | { kind: 'unknown' };

/** Water codes of simulation programs and databases (GROMACS OW, PDB HOH, Amber WAT). */
const WATER_CODE = /^(?:wat|hoh|h2o|oh2|ow|sol)$/i;
/** CHARMM's residue and atom names for ions, which its tools write where the element belongs. */
const CHARMM_IONS: Readonly<Record<string, string>> = {
  SOD: 'Na', POT: 'K', CLA: 'Cl', CAL: 'Ca', CES: 'Cs', LIT: 'Li', RUB: 'Rb', BAR: 'Ba', CAD: 'Cd', ZN2: 'Zn', MG2: 'Mg',
};
/**
 * First letters force fields name atom types by, where the two letters are also an element: CA,
 * CU, NA, NB, HO, OS, PD. Halogens are left out: CL and BR are chlorine and bromine in every
 * force field.
 */
const TYPED_FIRST = new Set(['H', 'C', 'N', 'O', 'P']);
/** A symbol, a label number ('Fe1', 'CA12', 'O2A', "C1'") or a charge ('Fe3+', 'Cl-'). */
const SYMBOL_LIKE = /^([A-Za-z]{1,2})(\d+[A-Za-z]?'*|\d*(?:\.\d+)?[+-]|[+-]\d*(?:\.\d+)?)?$/;
/** What force fields write: letters first, then letters, digits, '*' or primes (CT, HC, CG2R61, C*, N3). */
const TYPE_LIKE = /^[A-Za-z][A-Za-z0-9*'+-]*$/;

function guess(m: ElementMatch, why: string, certain = false): XyzSpecies {
  return { kind: 'guess', element: m.element, Z: m.Z, why, certain };
}

/**
 * An XYZ species. Element symbols are read in any case ('Fe', 'FE', 'fe') and with a label number
 * or charge ('Fe1', 'C12', 'Fe3+'); an atomic number as that element. Anything else is a code a
 * program wrote for an atom type: read by the element it names or starts with, and always said,
 * since a silent first-letter reading turned 'Fx' into fluorine and Amber's 'CA' into calcium.
 */
export function xyzSpecies(token: string): XyzSpecies {
  const t = token.trim();
  if (/^\d+$/.test(t)) {
    const Z = Number(t);
    const sym = elementSymbol(Z);
    return sym ? { kind: 'element', element: sym, Z } : { kind: 'unknown' };
  }
  if (/^t\d*$/i.test(t)) {
    return {
      kind: 'ambiguous', bonded: HYDROGEN, apart: SILICON, quietApart: false,
      bondedWhy: `tritium: another atom is within ${BONDED_WITHIN} Å`,
      apartWhy: `a zeolite's tetrahedral (T) site, Si or Al: no atom within ${BONDED_WITHIN} Å, so no tritium`,
    };
  }
  if (WATER_CODE.test(t)) return guess(OXYGEN, 'a water oxygen', true);
  const ion = CHARMM_IONS[t.toUpperCase()];
  if (ion) return guess(lookup(ion) as ElementMatch, `CHARMM's name for the ion`, true);
  const sybyl = /^([A-Za-z]{1,2})\.[A-Za-z0-9]+$/.exec(t);
  const sybylElement = sybyl ? realLookup(sybyl[1]) : undefined;
  if (sybylElement) return guess(sybylElement, 'a Sybyl (Tripos) atom type', true);
  const m = SYMBOL_LIKE.exec(t);
  if (m) {
    const letters = m[1];
    if (letters.length === 1) {
      const one = lookup(letters);
      return one ? { kind: 'element', element: one.element, Z: one.Z } : { kind: 'unknown' };
    }
    const two = realLookup(letters);
    if (two) {
      const first = letters[0].toUpperCase();
      if (isCaseless(letters) && TYPED_FIRST.has(first)) {
        const light = lookup(first) as ElementMatch;
        return {
          kind: 'ambiguous', bonded: light, apart: two, quietApart: true,
          bondedWhy: `a force-field atom type for ${light.element}: another atom is within ${BONDED_WITHIN} Å, nearer than ${two.element} ever binds`,
          apartWhy: `no atom within ${BONDED_WITHIN} Å, where a force field's ${light.element} would be bonded`,
        };
      }
      return { kind: 'element', element: two.element, Z: two.Z };
    }
    // 'Fx', 'Cb' as written: a symbol misspelt, not a type. No guess is better than a wrong one.
    if (!m[2] && !isCaseless(letters) && letters[0] === letters[0].toUpperCase()) return { kind: 'unknown' };
  }
  if (!TYPE_LIKE.test(t)) return { kind: 'unknown' };
  const halogen = /^(cl|br)/i.exec(t);
  if (halogen) return guess(lookup(halogen[1]) as ElementMatch, 'an atom type named by its element');
  // D and T are no first letter of a type ('DA', 'TIP3').
  const first = /^[dt]/i.test(t) ? undefined : realLookup(t[0]);
  return first ? guess(first, 'a force-field atom type, named by its first letter') : { kind: 'unknown' };
}
