// FEFF run folders: a structure (POSCAR, or the ATOMS block of feff.inp) beside xmu.dat.
// xmu.dat columns: omega e k mu mu0 chi; omega is the absolute photon energy, mu the normalised μ.
import { existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parsePoscar as parsePoscarDocument } from '../../poscar/parser';
import { structureFromArrays } from '../../structure/build';
import type { Structure } from '../../structure/types';
import type { ImportIssue, ImportResult, SpectrumRecord } from '../record';
import { recordProblem } from '../record';
import { canonicalElement, errorMessage, walkFolders } from './common';
import { readText } from './lines';

/** Numeric rows of a whitespace table; '#' comments and text lines are skipped. */
export function numericRows(text: string, minColumns: number): number[][] {
  const rows: number[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith('!')) continue;
    const cols = t.split(/[\s,]+/).map(Number);
    if (cols.length < minColumns || !cols.slice(0, minColumns).every((x) => Number.isFinite(x))) continue;
    rows.push(cols);
  }
  return rows;
}

export function parseXmu(text: string): { energies: number[]; mu: number[] } {
  const rows = numericRows(text, 4);
  if (rows.length < 2) throw new Error(`xmu.dat has ${rows.length} data rows with ≥ 4 columns (omega e k mu …)`);
  return { energies: rows.map((r) => r[0]), mu: rows.map((r) => r[3]) };
}

export interface ParsedPoscar {
  lattice: number[][];
  species: string[];
  coords: number[][];
  cartesian: boolean;
}

/**
 * A POSCAR as the importers take it, read by the editor's parser (VASP 4 or 5; selective-dynamics
 * flags and CONTCAR velocities ignored): coordinates as written, fractional or Cartesian in Å.
 * Throws the first error the parser reports, since a record built past one would be wrong.
 */
export function parsePoscar(text: string): ParsedPoscar {
  const { blocks, diagnostics, layout } = parsePoscarDocument(text);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error) throw new Error(`POSCAR line ${error.range.start.line + 1}: ${error.message}`);
  const s = blocks[0]?.structure;
  if (!s?.lattice || !layout) throw new Error('POSCAR holds no structure');
  const cartesian = layout.cartesian;
  return {
    lattice: s.lattice.matrix.map((r) => [...r]),
    species: s.sourceSites.map((x) => x.element),
    coords: s.sourceSites.map((x) => (cartesian ? [...x.cart] : [...(x.frac ?? x.cart)])),
    cartesian,
  };
}

export interface ParsedFeffInp {
  species: string[];
  cart: number[][];
  /** Row of the ATOMS block with ipot 0. */
  absorberIndex: number;
  edge?: string;
}

/** POTENTIALS (ipot → Z) and ATOMS (x y z ipot …) blocks of feff.inp; the absorber is ipot 0. */
export function parseFeffInp(text: string): ParsedFeffInp {
  const potZ = new Map<number, number>();
  const species: string[] = [];
  const cart: number[][] = [];
  let absorberIndex = -1;
  let block = '';
  let edge: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[*!].*$/, '').trim();
    if (!line) continue;
    const tok = line.split(/\s+/);
    const head = tok[0].toUpperCase();
    if (/^[A-Z]/.test(head)) {
      if (head === 'EDGE' && tok[1]) edge = tok[1].toUpperCase();
      if (head === 'HOLE' && tok[1] === '1') edge = 'K';
      block = head === 'POTENTIALS' || head === 'ATOMS' ? head : head === 'END' ? '' : block === 'ATOMS' || block === 'POTENTIALS' ? '' : block;
      continue;
    }
    const nums = tok.map(Number);
    if (block === 'POTENTIALS' && Number.isInteger(nums[0]) && Number.isInteger(nums[1])) potZ.set(nums[0], nums[1]);
    if (block === 'ATOMS' && nums.length >= 4 && nums.slice(0, 4).every(Number.isFinite)) {
      const ipot = nums[3];
      const Z = potZ.get(ipot);
      const el = Z !== undefined ? canonicalElement(String(Z)) : canonicalElement(tok[4] ?? '');
      if (!el) throw new Error(`feff.inp ATOMS row ${cart.length + 1}: unknown potential ${ipot}`);
      if (ipot === 0 && absorberIndex < 0) absorberIndex = cart.length;
      species.push(el);
      cart.push(nums.slice(0, 3));
    }
  }
  if (cart.length === 0) throw new Error('feff.inp has no ATOMS block');
  if (absorberIndex < 0) throw new Error('feff.inp ATOMS block has no ipot 0 (absorber) row');
  return { species, cart, absorberIndex, ...(edge ? { edge } : {}) };
}

export interface FeffFolderOptions {
  /** Absorber element when the folder does not make it clear (POSCAR only). */
  absorber?: string;
  /** 0-based absorber index into the POSCAR sites. */
  absorberIndex?: number;
  materialId?: string;
  licence?: string;
  edge?: string;
}

const TRANSITION_METALS = new Set(['Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd']);

/** One run folder → one record. Prefers POSCAR (periodic) when an absorber index can be found. */
export function importFeffFolder(dir: string, opts: FeffFolderOptions = {}, rootForId = dir): SpectrumRecord {
  const xmuPath = join(dir, 'xmu.dat');
  if (!existsSync(xmuPath)) throw new Error('no xmu.dat');
  const spec = parseXmu(readText(xmuPath));
  const inp = existsSync(join(dir, 'feff.inp')) ? parseFeffInp(readText(join(dir, 'feff.inp'))) : undefined;
  const poscarPath = existsSync(join(dir, 'POSCAR')) ? join(dir, 'POSCAR') : undefined;
  const id = opts.materialId ?? (relative(rootForId, dir).replace(/[\\/]/g, '_') || basename(dir));
  let structure: Structure;
  let absorberIndex: number;
  if (poscarPath) {
    const p = parsePoscar(readText(poscarPath));
    structure = structureFromArrays({ name: id, lattice: p.lattice, species: p.species, ...(p.cartesian ? { cart: p.coords } : { frac: p.coords }) });
    const absorber = canonicalElement(opts.absorber ?? (inp ? inp.species[inp.absorberIndex] : '') ?? '');
    const tmInCell = [...new Set(p.species.filter((s) => TRANSITION_METALS.has(s)))];
    const element = absorber ?? (tmInCell.length === 1 ? tmInCell[0] : undefined);
    if (!element) throw new Error('cannot tell the absorber: give it (absorber option) or add feff.inp');
    if (opts.absorberIndex !== undefined) {
      absorberIndex = opts.absorberIndex;
    } else {
      const candidates = p.species.flatMap((s, i) => (s === element ? [i] : []));
      if (candidates.length !== 1) {
        throw new Error(`POSCAR has ${candidates.length} ${element} sites; give absorberIndex for this folder`);
      }
      absorberIndex = candidates[0];
    }
  } else if (inp) {
    structure = structureFromArrays({ name: id, lattice: null, species: inp.species, cart: inp.cart });
    absorberIndex = inp.absorberIndex;
  } else {
    throw new Error('no POSCAR or feff.inp beside xmu.dat');
  }
  const site = structure.sites[absorberIndex];
  if (!site) throw new Error(`absorber index ${absorberIndex} outside ${structure.sites.length} sites`);
  // Sites of one material share the top-level folder under the import root.
  const top = relative(rootForId, dir).split(/[\\/]/)[0];
  const parentId = opts.materialId ?? (top || basename(dir));
  return {
    id,
    materialId: parentId,
    absorber: site.element,
    absorberIndex,
    edge: opts.edge ?? inp?.edge ?? 'K',
    method: 'FEFF',
    structure,
    energies: spec.energies,
    mu: spec.mu,
    source: dir,
    licence: opts.licence ?? 'unknown',
  };
}

export const NO_FEFF_RUNS = 'no folder with xmu.dat found';

/** Every folder under root holding an xmu.dat (root included), sorted for stable ids. */
export function findFeffFolders(root: string, maxDepth = 6): string[] {
  const out: string[] = [];
  walkFolders(root, (d, entries) => {
    if (entries.includes('xmu.dat')) out.push(d);
  }, maxDepth);
  return out;
}

export function importFeffTree(root: string, opts: FeffFolderOptions = {}): ImportResult {
  const records: SpectrumRecord[] = [];
  const issues: ImportIssue[] = [];
  for (const dir of findFeffFolders(root)) {
    try {
      const r = importFeffFolder(dir, opts, root);
      const problem = recordProblem(r);
      if (problem) issues.push({ file: dir, id: r.id, reason: problem });
      else records.push(r);
    } catch (e) {
      issues.push({ file: dir, reason: errorMessage(e) });
    }
  }
  if (records.length === 0 && issues.length === 0) issues.push({ file: root, reason: NO_FEFF_RUNS });
  return { records, issues };
}
