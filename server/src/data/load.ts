// One entry point for every data source: detects the kind from the path and calls its importer.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ImportResult } from './record';
import { importFeffFolder, importFeffTree } from './importers/feff';
import { importJsonl } from './importers/jsonl';
import { importPymatgenJson } from './importers/pymatgen';
import { importXanesnetFolder } from './importers/xanesnet';
import { errorMessage } from './importers/common';

export type SourceKind = 'jsonl' | 'pymatgen' | 'feff' | 'xanesnet';

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

export function detectKind(path: string): SourceKind | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isDirectory()) {
    if (existsSync(join(path, 'xyz')) && existsSync(join(path, 'xanes'))) return 'xanesnet';
    return 'feff';
  }
  const name = basename(path).toLowerCase();
  if (/\.(jsonl|ndjson)(\.gz)?$/.test(name)) return 'jsonl';
  if (/\.json(\.gz)?$/.test(name)) return 'pymatgen';
  if (name === 'xmu.dat' || name === 'feff.inp' || name === 'poscar') return 'feff';
  return undefined;
}

export async function loadDataset(source: DataSourceSpec | string): Promise<ImportResult> {
  const spec: DataSourceSpec = typeof source === 'string' ? { path: source } : source;
  const kind = spec.kind && spec.kind !== 'auto' ? spec.kind : detectKind(spec.path);
  if (!existsSync(spec.path)) return { records: [], issues: [{ file: spec.path, reason: 'no such file or folder' }] };
  if (!kind) return { records: [], issues: [{ file: spec.path, reason: 'cannot tell the data format from the path (give kind)' }] };
  const common = { ...(spec.method ? { method: spec.method } : {}), ...(spec.licence ? { licence: spec.licence } : {}) };
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
      if (statSync(spec.path).isDirectory()) return importFeffTree(spec.path, folderOpts);
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
