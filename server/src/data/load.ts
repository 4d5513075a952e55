// One entry point for every data source: detects the kind from the path and calls its importer.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DomainSpec } from './domains';
import type { ImportResult } from './record';
import { findManifests, findStemPairs, importMeasured } from './importers/measured';
import { findFeffFolders, importFeffFolder, importFeffTree, NO_FEFF_RUNS } from './importers/feff';
import { importJsonl } from './importers/jsonl';
import { importPymatgenJson } from './importers/pymatgen';
import { importXanesnetFolder } from './importers/xanesnet';
import { errorMessage, isFolder, walkFolders } from './importers/common';

/**
 * 'collection': a folder of .json / .jsonl files (how a Materials Project XAS download arrives).
 * 'measured': measured spectra beside their structures (a folder of CuO.cif + CuO.xdi pairs, or a
 * *.pairs.json manifest).
 */
export type SourceKind = 'jsonl' | 'pymatgen' | 'feff' | 'xanesnet' | 'collection' | 'measured';

/** What the caller knows that the files do not say: where measured spectra should go. */
export interface LoadContext {
  /**
   * Domains the data are for (a model's outputs when evaluating or fine-tuning): measured spectra
   * are mapped onto their element's domain here instead of a domain of their own.
   */
  targetDomains?: readonly DomainSpec[];
  /** Share of its domain window a measured spectrum must cover (default 0.8). */
  minCoverage?: number;
}

export interface DataSourceSpec {
  path: string;
  /** 'auto' (default) detects from the path. */
  kind?: SourceKind | 'auto';
  /** Absorber element / index for FEFF folders that cannot tell; the absorber of measured pairs that name none. */
  absorber?: string;
  absorberIndex?: number;
  method?: string;
  licence?: string;
  /** Read at most this many records (JSONL only). */
  limit?: number;
}

function fileKind(name: string): 'jsonl' | 'pymatgen' | 'feff' | 'measured' | undefined {
  const n = name.toLowerCase();
  if (/\.pairs\.json$/.test(n)) return 'measured';
  if (/\.(jsonl|ndjson)(\.gz)?$/.test(n)) return 'jsonl';
  if (/\.json(\.gz)?$/.test(n)) return 'pymatgen';
  if (n === 'xmu.dat' || n === 'feff.inp' || n === 'poscar') return 'feff';
  return undefined;
}

/** Every .json / .jsonl (optionally gzipped) file under root, sorted by path for stable ids. */
export function findDataFiles(root: string, maxDepth = 6): string[] {
  const out: string[] = [];
  walkFolders(root, (d, entries) => {
    for (const e of entries) {
      const kind = fileKind(e);
      if ((kind === 'jsonl' || kind === 'pymatgen') && !e.startsWith('.') && !isFolder(join(d, e))) out.push(join(d, e));
    }
  }, maxDepth);
  return out.sort();
}

/**
 * Folders, first match wins: the XANESNET layout (xyz/ + xanes/); a *.pairs.json manifest
 * anywhere below (a manifest is an explicit choice); FEFF runs wherever an xmu.dat sits (run
 * folders also hold JSON bookkeeping and POSCARs, so FEFF wins over what else is there); measured
 * pairs matched by stem (CuO.cif + CuO.xdi: a measurement folder may hold notes as .json); else
 * the data files inside.
 */
export function detectKind(path: string): SourceKind | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'xyz')) && existsSync(join(path, 'xanes'))) return 'xanesnet';
    if (findManifests(path).length > 0) return 'measured';
    if (findFeffFolders(path).length > 0) return 'feff';
    if (findStemPairs(path).pairs.length > 0) return 'measured';
    if (findDataFiles(path).length > 0) return 'collection';
    return 'feff';
  }
  return fileKind(basename(path));
}

/**
 * Each data file of a folder in turn. A record id met twice (the same set as .jsonl and
 * .jsonl.gz, say) is kept once and reported, so a copy never weighs twice in training or lands on
 * both sides of a split. `limit` caps the records of the whole folder.
 */
async function loadCollection(spec: DataSourceSpec, ctx: LoadContext): Promise<ImportResult> {
  const out: ImportResult = { records: [], issues: [] };
  const seen = new Map<string, string>();
  for (const file of findDataFiles(spec.path)) {
    const left = spec.limit !== undefined ? spec.limit - out.records.length : undefined;
    if (left !== undefined && left <= 0) break;
    const r = await loadDataset({ ...spec, path: file, kind: 'auto', ...(left !== undefined ? { limit: left } : {}) }, ctx);
    for (const rec of r.records) {
      if (spec.limit !== undefined && out.records.length >= spec.limit) break;
      const first = seen.get(rec.id);
      if (first !== undefined) {
        out.issues.push({ file, id: rec.id, reason: `duplicate record id (first read from ${first}): skipped` });
        continue;
      }
      seen.set(rec.id, file);
      out.records.push(rec);
    }
    out.issues.push(...r.issues);
  }
  if (out.records.length === 0 && out.issues.length === 0) {
    out.issues.push({ file: spec.path, reason: 'no .json or .jsonl files found' });
  }
  return out;
}

/** A note that auto-detection passed over part of a folder, so nothing is left out silently. */
function passedOver(path: string, what: string, count: number, read: string): ImportResult['issues'] {
  return count > 0 ? [{ file: path, reason: `${count} ${what} here not read: the folder is read as ${read}; give them as a source of their own` }] : [];
}

export async function loadDataset(source: DataSourceSpec | string, ctx: LoadContext = {}): Promise<ImportResult> {
  const spec: DataSourceSpec = typeof source === 'string' ? { path: source } : source;
  const kind = spec.kind && spec.kind !== 'auto' ? spec.kind : detectKind(spec.path);
  if (!existsSync(spec.path)) return { records: [], issues: [{ file: spec.path, reason: 'no such file or folder' }] };
  if (!kind) return { records: [], issues: [{ file: spec.path, reason: 'cannot tell the data format from the path (give kind)' }] };
  const common = { ...(spec.method ? { method: spec.method } : {}), ...(spec.licence ? { licence: spec.licence } : {}) };
  // A folder named as JSONL or pymatgen data: the files inside it.
  if (kind === 'collection' || ((kind === 'jsonl' || kind === 'pymatgen') && statSync(spec.path).isDirectory())) return loadCollection(spec, ctx);
  const auto = !spec.kind || spec.kind === 'auto';
  switch (kind) {
    case 'measured': {
      const r = importMeasured(spec.path, {
        ...ctx, ...common,
        ...(spec.absorber ? { absorber: spec.absorber } : {}),
      });
      if (auto && statSync(spec.path).isDirectory()) {
        r.issues.push(...passedOver(spec.path, '.json/.jsonl data file(s)', findDataFiles(spec.path).length, 'measured structure + spectrum pairs'));
      }
      return r;
    }
    case 'jsonl':
      return importJsonl(spec.path, { ...common, ...(spec.limit !== undefined ? { limit: spec.limit } : {}) });
    case 'pymatgen': {
      const r = importPymatgenJson(spec.path, common);
      // A .json file may really be JSON Lines of documents.
      if (r.records.length === 0 && r.issues.length === 1 && r.issues[0].reason.startsWith('invalid JSON')) {
        return importJsonl(spec.path, common);
      }
      return r;
    }
    case 'xanesnet':
      return importXanesnetFolder(spec.path, common);
    case 'feff': {
      const folderOpts = {
        ...(spec.absorber ? { absorber: spec.absorber } : {}),
        ...(spec.absorberIndex !== undefined ? { absorberIndex: spec.absorberIndex } : {}),
        ...(spec.licence ? { licence: spec.licence } : {}),
      };
      if (statSync(spec.path).isDirectory()) {
        const tree = importFeffTree(spec.path, folderOpts);
        // Named by auto-detection, an empty folder may have been meant as any of the layouts.
        if (spec.kind !== 'feff' && tree.records.length === 0 && tree.issues.length === 1 && tree.issues[0].reason === NO_FEFF_RUNS) {
          return { records: [], issues: [{ file: spec.path, reason: 'no FEFF run (xmu.dat), XANESNET layout (xyz/ + xanes/), structure + measured spectrum pair (CuO.cif + CuO.xdi), *.pairs.json manifest or .json/.jsonl file found' }] };
        }
        if (auto) tree.issues.push(...passedOver(spec.path, 'structure + measured spectrum pair(s)', findStemPairs(spec.path).pairs.length, 'FEFF runs (xmu.dat)'));
        return tree;
      }
      const dir = dirname(spec.path);
      try {
        return { records: [importFeffFolder(dir, folderOpts)], issues: [] };
      } catch (e) {
        return { records: [], issues: [{ file: dir, reason: errorMessage(e) }] };
      }
    }
  }
}

/** Loads several sources in order and concatenates records and issues. */
export async function loadDatasets(sources: ReadonlyArray<DataSourceSpec | string>, ctx: LoadContext = {}): Promise<ImportResult> {
  const out: ImportResult = { records: [], issues: [] };
  for (const s of sources) {
    const r = await loadDataset(s, ctx);
    for (const rec of r.records) out.records.push(rec);
    out.issues.push(...r.issues);
  }
  return out;
}
