// The JSON Lines formats of ../shared/data: periodic crystals (lattice + frac), FDMNES molecules
// (cart, 226-point preconv spectra), graph-only records (20 nearest neighbours) and site-averaged
// spectra on relative energies. Each line is classified by its keys, so one file may mix them.
import { basename } from 'node:path';
import { structureFromArrays } from '../../structure/build';
import type { ImportIssue, ImportResult, NeighbourEntry, SpectrumRecord } from '../record';
import { normaliseMethod, recordProblem } from '../record';
import {
  canonicalElement, errorMessage, isObject, licenceFor, matrix, methodFromFileName, num, numbers, str, strings,
  type Json, type JsonObject,
} from './common';
import { readLines } from './lines';
import { looksLikePymatgenXas, pymatgenDocToRecord } from './pymatgen';

export interface JsonlContext {
  file: string;
  licence: string;
  method?: string;
}

function spectrum(o: JsonObject, eKey: string, muKey: string): { energies: number[]; mu: number[] } | string {
  const energies = numbers(o, eKey);
  if (typeof energies === 'string') return energies;
  const mu = numbers(o, muKey);
  if (typeof mu === 'string') return mu;
  return { energies, mu };
}

function neighbours(o: JsonObject): NeighbourEntry[] | string {
  const v = o.neighbors_20nn ?? o.neighbours;
  if (!Array.isArray(v)) return "'neighbors_20nn' is not an array";
  const out: NeighbourEntry[] = [];
  for (let i = 0; i < v.length; i++) {
    const n = v[i];
    if (!isObject(n)) return `neighbors_20nn[${i}] is not an object`;
    const el = canonicalElement(str(n, 'species') ?? str(n, 'element') ?? '');
    const d = num(n, 'distance');
    if (!el || d === undefined || d < 0) return `neighbors_20nn[${i}] needs species and a distance ≥ 0`;
    out.push({ element: el, distance: d });
  }
  return out;
}

/** Converts one parsed JSON line; a string is the reason it was rejected. */
export function jsonToRecord(o: JsonObject, ctx: JsonlContext, line: number): SpectrumRecord | string {
  if (looksLikePymatgenXas(o)) return pymatgenDocToRecord(o, ctx, `${basename(ctx.file)}:${line}`);
  const id = str(o, 'id') ?? `${basename(ctx.file)}:${line}`;
  const absorber = canonicalElement(str(o, 'absorber') ?? '');
  if (!absorber) return "'absorber' is missing or not an element";
  const idx = o.absorber_index;
  const absorberIndex = typeof idx === 'number' && Number.isInteger(idx) ? idx : null;
  const isMolecule = 'energies_preconv' in o;
  const relative = 'energies_rel_edge_eV' in o;
  const methodRaw = str(o, 'method') ?? (isMolecule || 'fdmnes_settings' in o ? 'FDMNES' : undefined) ?? ctx.method;
  const base = {
    id,
    materialId: str(o, 'material_id') ?? id,
    absorber,
    absorberIndex,
    edge: str(o, 'edge') ?? 'K',
    method: normaliseMethod(methodRaw),
    source: str(o, 'source') ?? basename(ctx.file),
    licence: str(o, 'licence') ?? ctx.licence,
    ...(str(o, 'split') ? { split: str(o, 'split') } : {}),
  };
  const spec = isMolecule ? spectrum(o, 'energies_preconv', 'mu_preconv')
    : relative ? spectrum(o, 'energies_rel_edge_eV', 'mu')
      : spectrum(o, 'energies', 'mu');
  if (typeof spec === 'string') return spec;

  if ('neighbors_20nn' in o) {
    const nl = neighbours(o);
    if (typeof nl === 'string') return nl;
    return { ...base, structure: null, neighbourList: nl, ...spec };
  }
  const species = strings(o, 'species');
  if (typeof species === 'string') return species;
  let structure;
  try {
    if ('lattice' in o && o.lattice !== null) {
      const lattice = matrix(o, 'lattice', 3);
      if (typeof lattice === 'string') return lattice;
      const frac = 'frac_coords' in o ? matrix(o, 'frac_coords', 3) : undefined;
      const cart = frac === undefined ? matrix(o, 'cart_coords', 3) : undefined;
      if (typeof frac === 'string') return frac;
      if (typeof cart === 'string') return cart;
      structure = structureFromArrays({ name: id, lattice, species, ...(frac ? { frac } : { cart }) });
    } else {
      const cart = matrix(o, 'cart_coords', 3);
      if (typeof cart === 'string') return cart;
      structure = structureFromArrays({ name: id, lattice: null, species, cart });
    }
  } catch (e) {
    return `structure: ${errorMessage(e)}`;
  }
  const siteAveraged = o.site_averaged === true || (relative && absorberIndex === null);
  return {
    ...base,
    structure,
    ...spec,
    ...(relative ? { relativeEnergies: true } : {}),
    ...(siteAveraged ? { siteAveraged: true } : {}),
  };
}

export interface JsonlOptions {
  /** Stop after this many records (quick looks, tests). */
  limit?: number;
  method?: string;
  licence?: string;
}

/** Streams a .jsonl or .jsonl.gz file; bad lines become issues, never exceptions. */
export async function importJsonl(file: string, opts: JsonlOptions = {}): Promise<ImportResult> {
  const ctx: JsonlContext = {
    file,
    licence: opts.licence ?? licenceFor(file),
    method: opts.method ?? methodFromFileName(file),
  };
  const records: SpectrumRecord[] = [];
  const issues: ImportIssue[] = [];
  let lineNo = 0;
  for await (const line of readLines(file)) {
    lineNo++;
    const text = line.trim();
    if (!text) continue;
    let parsed: Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch (e) {
      issues.push({ file, line: lineNo, reason: `invalid JSON: ${errorMessage(e)}` });
      continue;
    }
    if (!isObject(parsed)) {
      issues.push({ file, line: lineNo, reason: 'line is not a JSON object' });
      continue;
    }
    let r: SpectrumRecord | string;
    try {
      r = jsonToRecord(parsed, ctx, lineNo);
    } catch (e) {
      r = errorMessage(e);
    }
    const problem = typeof r === 'string' ? r : recordProblem(r);
    if (typeof r === 'string' || problem !== null) {
      issues.push({ file, line: lineNo, ...(str(parsed, 'id') ? { id: str(parsed, 'id') } : {}), reason: problem ?? 'rejected' });
      continue;
    }
    records.push(r);
    if (opts.limit !== undefined && records.length >= opts.limit) break;
  }
  return { records, issues };
}
