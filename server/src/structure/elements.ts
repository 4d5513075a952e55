// Periodic table symbols, Z = 1 … 118 (IUPAC 2016 names for 113–118).
const SYMBOLS = [
  'H', 'He',
  'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne',
  'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr',
  'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe',
  'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu',
  'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn',
  'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es', 'Fm', 'Md', 'No', 'Lr',
  'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og',
] as const;

export type ElementSymbol = (typeof SYMBOLS)[number];

const BY_SYMBOL = new Map<string, number>(SYMBOLS.map((s, i) => [s.toLowerCase(), i + 1]));

export const MAX_Z = SYMBOLS.length;

/** Atomic number of a symbol, case-insensitive ('FE', 'fe', 'Fe'); 0 when unknown. */
export function atomicNumber(symbol: string): number {
  return BY_SYMBOL.get(symbol.trim().toLowerCase()) ?? 0;
}

/** Canonical symbol of an atomic number; undefined outside 1…118. */
export function elementSymbol(Z: number): ElementSymbol | undefined {
  return Number.isInteger(Z) && Z >= 1 && Z <= MAX_Z ? SYMBOLS[Z - 1] : undefined;
}

export function isElement(symbol: string): boolean {
  return atomicNumber(symbol) > 0;
}

/** The K-edge absorbers the paper's "family bucket" model covers: Sc–Zn and Y–Cd. */
export const TRANSITION_METALS_3D_4D: readonly ElementSymbol[] = [
  'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn',
  'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd',
];
