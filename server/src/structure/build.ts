// Build a P1 Structure from plain arrays (datasets, CLI input, tests): no symmetry, no
// document ranges, each atom its own source row and orbit.
import { atomicNumber, elementSymbol } from './elements';
import { cartToFrac, fracToCart, latticeFromMatrix } from './lattice';
import { wrap01 } from './linalg';
import type { Lattice, Site, SourceSite, Structure, TextRange, Vec3 } from './types';

export interface StructureArrays {
  name: string;
  /** Three row vectors (Å); null/absent for a molecule. */
  lattice?: number[][] | null;
  /** Element symbols ('Fe', 'FE') or atomic numbers as strings ('26'). */
  species: string[];
  frac?: number[][];
  cart?: number[][];
}

export const ZERO_RANGE: TextRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** Resolve a symbol or an atomic number written as a string; undefined when neither. */
export function resolveSpecies(s: string): { element: string; Z: number } | undefined {
  const t = s.trim();
  if (/^\d+$/.test(t)) {
    const sym = elementSymbol(Number(t));
    return sym ? { element: sym, Z: Number(t) } : undefined;
  }
  const Z = atomicNumber(t);
  return Z > 0 ? { element: elementSymbol(Z) as string, Z } : undefined;
}

function toVec3(row: number[] | undefined, what: string, i: number): Vec3 {
  if (!row || row.length !== 3 || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${what}[${i}] must be three finite numbers, got ${JSON.stringify(row)}`);
  }
  return [row[0], row[1], row[2]];
}

export function structureFromArrays(input: StructureArrays): Structure {
  const { species } = input;
  if (!Array.isArray(species)) throw new Error('species must be an array of element symbols or atomic numbers');
  const coords = input.frac ?? input.cart;
  if (!coords) throw new Error('either frac or cart coordinates are required');
  if (input.frac && input.cart) throw new Error('give frac or cart coordinates, not both');
  if (coords.length !== species.length) {
    throw new Error(`${species.length} species but ${coords.length} coordinate rows`);
  }
  let lattice: Lattice | null = null;
  if (input.lattice) lattice = latticeFromMatrix(input.lattice);
  if (input.frac && !lattice) throw new Error('fractional coordinates need a lattice');
  const isFrac = input.frac !== undefined;

  const sites: Site[] = [];
  const sourceSites: SourceSite[] = [];
  const orbits: number[][] = [];
  for (let i = 0; i < species.length; i++) {
    const sp = resolveSpecies(String(species[i]));
    if (!sp) throw new Error(`species[${i}] '${species[i]}' is not an element symbol or atomic number`);
    const v = toVec3(coords[i], isFrac ? 'frac' : 'cart', i);
    let frac: Vec3 | null = null;
    let cart: Vec3;
    if (lattice) {
      const f = isFrac ? v : cartToFrac(lattice, v);
      frac = [wrap01(f[0]), wrap01(f[1]), wrap01(f[2])];
      cart = fracToCart(lattice, frac);
    } else {
      cart = v;
    }
    const label = `${sp.element}${i + 1}`;
    sourceSites.push({
      index: i, label, element: sp.element, Z: sp.Z, occupancy: 1,
      ...(frac ? { frac } : {}), cart, range: ZERO_RANGE,
    });
    sites.push({
      element: sp.element, Z: sp.Z, frac, cart, occupancy: 1, label,
      sourceSite: i, orbit: i, range: ZERO_RANGE,
    });
    orbits.push([i]);
  }
  const periodic = lattice !== null;
  return {
    name: input.name,
    lattice,
    pbc: [periodic, periodic, periodic],
    sites,
    sourceSites,
    orbits,
    symops: ['x,y,z'],
  };
}
