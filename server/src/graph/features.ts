// The 118-dimensional node encoding of paper 000: the ground-state electron configuration as
// 59 orbitals × 2 bits. Two bits per orbital (00 empty, 10 one electron, 11 paired) make the
// number of unpaired electrons visible to the network, which a plain occupation count hides.
import { atomicNumber, MAX_Z } from '../structure/elements';

export const FEATURE_VERSION = 'econf118-rbf64-v1';
export const NODE_FEATURE_SIZE = 118;

/** Subshells in Madelung filling order; the encoding lays orbitals out in this order. */
export const SUBSHELLS = [
  '1s', '2s', '2p', '3s', '3p', '4s', '3d', '4p', '5s', '4d', '5p', '6s', '4f', '5d', '6p', '7s', '5f', '6d', '7p',
] as const;
export type Subshell = (typeof SUBSHELLS)[number];

const ORBITALS_PER_L: Record<string, number> = { s: 1, p: 3, d: 5, f: 7 };

export function orbitalCount(subshell: Subshell): number {
  return ORBITALS_PER_L[subshell[1]];
}

/**
 * Ground states that differ from Madelung filling (NIST atomic spectra database), as the
 * subshells that change relative to Madelung. Elements beyond Lr follow Madelung (the
 * relativistic predictions for Ds/Rg agree with it at this level).
 */
const EXCEPTIONS: Record<number, Partial<Record<Subshell, number>>> = {
  24: { '4s': 1, '3d': 5 }, // Cr
  29: { '4s': 1, '3d': 10 }, // Cu
  41: { '5s': 1, '4d': 4 }, // Nb
  42: { '5s': 1, '4d': 5 }, // Mo
  44: { '5s': 1, '4d': 7 }, // Ru
  45: { '5s': 1, '4d': 8 }, // Rh
  46: { '5s': 0, '4d': 10 }, // Pd
  47: { '5s': 1, '4d': 10 }, // Ag
  57: { '4f': 0, '5d': 1 }, // La
  58: { '4f': 1, '5d': 1 }, // Ce
  64: { '4f': 7, '5d': 1 }, // Gd
  78: { '6s': 1, '5d': 9 }, // Pt
  79: { '6s': 1, '5d': 10 }, // Au
  89: { '5f': 0, '6d': 1 }, // Ac
  90: { '5f': 0, '6d': 2 }, // Th
  91: { '5f': 2, '6d': 1 }, // Pa
  92: { '5f': 3, '6d': 1 }, // U
  93: { '5f': 4, '6d': 1 }, // Np
  96: { '5f': 7, '6d': 1 }, // Cm
  103: { '6d': 0, '7p': 1 }, // Lr: 7s2 7p1
};

/** Electrons per subshell (in SUBSHELLS order) of the neutral ground-state atom Z. */
export function electronConfiguration(Z: number): number[] {
  if (!Number.isInteger(Z) || Z < 1 || Z > MAX_Z) throw new Error(`No electron configuration for Z=${Z}`);
  const occ = SUBSHELLS.map(() => 0);
  let left = Z;
  for (let i = 0; i < SUBSHELLS.length && left > 0; i++) {
    occ[i] = Math.min(left, 2 * orbitalCount(SUBSHELLS[i]));
    left -= occ[i];
  }
  const ex = EXCEPTIONS[Z];
  if (ex) for (const [s, n] of Object.entries(ex)) occ[SUBSHELLS.indexOf(s as Subshell)] = n as number;
  return occ;
}

/** Electrons per orbital (0/1/2) within one subshell by Hund's rule: singly first, then paired. */
export function hundOccupation(electrons: number, orbitals: number): number[] {
  return Array.from({ length: orbitals }, (_, i) => (electrons > i ? 1 : 0) + (electrons - orbitals > i ? 1 : 0));
}

const cache = new Map<number, Float32Array>();

/** The 118-bit encoding of atomic number Z (59 orbitals × [occupied, paired]). */
export function electronFeatures(Z: number): Float32Array {
  const hit = cache.get(Z);
  if (hit) return hit;
  const out = new Float32Array(NODE_FEATURE_SIZE);
  const occ = electronConfiguration(Z);
  let o = 0;
  SUBSHELLS.forEach((s, i) => {
    for (const n of hundOccupation(occ[i], orbitalCount(s))) {
      out[2 * o] = n >= 1 ? 1 : 0;
      out[2 * o + 1] = n === 2 ? 1 : 0;
      o++;
    }
  });
  cache.set(Z, out);
  return out;
}

/** Encoding of an element symbol; throws for an unknown symbol. */
export function elementFeatures(symbol: string): Float32Array {
  const Z = atomicNumber(symbol);
  if (Z === 0) throw new Error(`Unknown element '${symbol}'`);
  return electronFeatures(Z);
}
