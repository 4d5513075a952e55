// One entry point for every data source: detects the kind from the path and calls its importer.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ImportResult } from './record';
import { findFeffFolders, importFeffFolder, importFeffTree, NO_FEFF_RUNS } from './importers/feff';
import { importJsonl } from './importers/jsonl';
import { importPymatgenJson } from './importers/pymatgen';
import { importXanesnetFolder } from './importers/xanesnet';
import { errorMessage, isFolder, walkFolders } from './importers/common';

/** 'collection': a folder of .json / .jsonl files (how a Materials Project XAS download arrives). */
export type SourceKind = 'jsonl' | 'pymatgen' | 'feff' | 'xanesnet' | 'collection';

export interface DataSourceSpec {
  path: string;
  /** 'auto' (default) detects from the path. */
  kind?: SourceKind | 'auto';
  /** Absorber element / index for FEFF folders that cannot tell. */
  absorber?: string;
  absorberIndex?: number;
  method?: string;
  licence?: string;
  /** Read at most this many records (JSONL only). */
  limit?: number;
}

function fileKind(name: string): 'jsonl' | 'pymatgen' | 'feff' | undefined {
  const n = name.toLowerCase();
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
 * Folders: the XANESNET layout (xyz/ + xanes/); else FEFF runs wherever an xmu.dat sits (run
 * folders also hold JSON bookkeeping, so FEFF wins when both are present); else the data files
 * inside.
 */
export function detectKind(path: string): SourceKind | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'xyz')) && existsSync(join(path, 'xanes'))) return 'xanesnet';
    if (findFeffFolders(path).length === 0 && findDataFiles(path).length > 0) return 'collection';
    return 'feff';
  }
  return fileKind(basename(path));
}

/**
 * Each data file of a folder in turn. A record id met twice (the same set as .jsonl and
 * .jsonl.gz, say) is kept once and reported, so a copy never weighs twice in training or lands on
 * both sides of a split. `limit` caps the records of the whole folder.
 */
async function loadCollection(spec: DataSourceSpec): Promise<ImportResult> {
  const out: ImportResult = { records: [], issues: [] };
  const seen = new Map<string, string>();
  for (const file of findDataFiles(spec.path)) {
    const left = spec.limit !== undefined ? spec.limit - out.records.length : undefined;
    if (left !== undefined && left <= 0) break;
    const r = await loadDataset({ ...spec, path: file, kind: 'auto', ...(left !== undefined ? { limit: left } : {}) });
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

export async function loadDataset(source: DataSourceSpec | string): Promise<ImportResult> {
  const spec: DataSourceSpec = typeof source === 'string' ? { path: source } : source;
  const kind = spec.kind && spec.kind !== 'auto' ? spec.kind : detectKind(spec.path);
  if (!existsSync(spec.path)) return { records: [], issues: [{ file: spec.path, reason: 'no such file or folder' }] };
  if (!kind) return { records: [], issues: [{ file: spec.path, reason: 'cannot tell the data format from the path (give kind)' }] };
  const common = { ...(spec.method ? { method: spec.method } : {}), ...(spec.licence ? { licence: spec.licence } : {}) };
  // A folder named as JSONL or pymatgen data: the files inside it.
  if (kind === 'collection' || ((kind === 'jsonl' || kind === 'pymatgen') && statSync(spec.path).isDirectory())) return loadCollection(spec);
  switch (kind) {
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
          return { records: [], issues: [{ file: spec.path, reason: 'no FEFF run (xmu.dat), XANESNET layout (xyz/ + xanes/) or .json/.jsonl file found' }] };
        }
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
export async function loadDatasets(sources: ReadonlyArray<DataSourceSpec | string>): Promise<ImportResult> {
  const out: ImportResult = { records: [], issues: [] };
  for (const s of sources) {
    const r = await loadDataset(s);
    for (const rec of r.records) out.records.push(rec);
    out.issues.push(...r.issues);
  }
  return out;
}
