// Small helpers shared by the importers: typed access to untyped JSON, licences of known files, folders.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { resolveSpecies } from '../../structure/build';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(o: JsonObject, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function num(o: JsonObject, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A numeric array, or a reason it is not one. */
export function numbers(o: JsonObject, key: string): number[] | string {
  const v = o[key];
  if (!Array.isArray(v)) return `'${key}' is missing or not an array`;
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) return `'${key}'[${i}] is not a finite number`;
    out.push(x);
  }
  return out;
}

/** An array of numeric rows of width `width`, or a reason. */
export function matrix(o: JsonObject, key: string, width: number): number[][] | string {
  const v = o[key];
  if (!Array.isArray(v)) return `'${key}' is missing or not an array`;
  const out: number[][] = [];
  for (let i = 0; i < v.length; i++) {
    const row = v[i];
    if (!Array.isArray(row) || row.length !== width || !row.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      return `'${key}'[${i}] is not ${width} finite numbers`;
    }
    out.push(row as number[]);
  }
  return out;
}

export function strings(o: JsonObject, key: string): string[] | string {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return `'${key}' is missing or not an array of strings`;
  return v as string[];
}

/** Canonical element symbol ('FE' → 'Fe', 'Fe2+' → 'Fe'), or undefined. */
export function canonicalElement(s: string): string | undefined {
  const m = /^\s*([A-Za-z]{1,2}|\d+)/.exec(s);
  if (!m) return undefined;
  return resolveSpecies(m[1])?.element ?? (m[1].length === 2 ? resolveSpecies(m[1][0])?.element : undefined);
}

/** Licences of the files in ../shared/data (from its README), by file name. */
const KNOWN_LICENCES: ReadonlyArray<[RegExp, string]> = [
  [/^cu-k-feff-omnixas/, 'BSD-3-Clause (OmniXAS); structures CC BY 4.0 (Materials Project)'],
  [/^fe-k-fdmnes-tmqm/, 'GPL-3.0 (XANESNET data)'],
  [/^fe-k-feff-mp-tiny/, 'CC BY 4.0 (Materials Project)'],
  [/^tc-k-feff-mp-graphs/, 'CC BY 4.0 (Materials Project)'],
  [/^ti-k-fdmnes-tio2/, 'Apache-2.0 (ChemGraph)'],
];

export function licenceFor(file: string, fallback = 'unknown'): string {
  const name = basename(file).toLowerCase();
  for (const [re, lic] of KNOWN_LICENCES) if (re.test(name)) return lic;
  return fallback;
}

/** Method guessed from a file name when records do not say ('…-fdmnes-…' → FDMNES). */
export function methodFromFileName(file: string): string | undefined {
  const name = basename(file).toLowerCase();
  if (name.includes('fdmnes')) return 'FDMNES';
  if (name.includes('feff')) return 'FEFF';
  return undefined;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A folder (symlinks followed); false for files and for entries that cannot be read (broken links). */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Calls visit(folder, its sorted entries) for root and every folder below it, parents first, at
 * most maxDepth levels down; hidden folders, unreadable ones and broken links are passed over.
 */
export function walkFolders(root: string, visit: (dir: string, entries: readonly string[]) => void, maxDepth = 6): void {
  const walk = (d: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    visit(d, entries);
    if (depth >= maxDepth) return;
    for (const e of entries) {
      const p = join(d, e);
      if (!e.startsWith('.') && isFolder(p)) walk(p, depth + 1);
    }
  };
  walk(root, 0);
}
