// One entry point for a measured spectrum file, used by the CLI, the extension host and the
// webview: an Athena project (by name or header), XDI when the first line says so, a column
// table otherwise. Text in; bytes.ts decompresses and decodes files for node callers.
import { type AthenaGroup, isAthenaText, parseAthenaProject, selectAthenaGroup } from './athena';
import { type ColumnChoice, type ColumnTable, guessColumns, parseColumns, spectrumFromTable } from './columns';
import type { Spectrum } from './types';
import { isXdi, parseXdi, xdiToTable } from './xdi';

/** The Athena group a spectrum came from. */
export interface AthenaSource {
  label: string;
  /** 1-based record number in the project. */
  index: number;
  id: string;
  datatype: string;
  e0?: number;
  eshift: number;
  /** Groups in the project. */
  groups: number;
}

export interface LoadedSpectrum {
  format: 'xdi' | 'columns' | 'athena';
  table: ColumnTable;
  choice: ColumnChoice;
  spectrum: Spectrum;
  /** XDI fields as `Namespace.tag` → value; `Athena.*` for a project group; empty for column files. */
  metadata: Record<string, string>;
  notes: string[];
  athena?: AthenaSource;
}

export interface LoadOptions {
  /** Athena projects: the group's label or 1-based record number (needed when several hold μ(E)). */
  group?: string | number;
}

export const EXPERIMENTAL_EXTENSIONS = ['xdi', 'dat', 'xmu', 'txt', 'csv', 'nor', 'chik', 'prj'];

export function isAthenaFile(text: string, fileName: string): boolean {
  return /\.prj$/i.test(fileName) || isAthenaText(text);
}

/** What a file holds before a spectrum is made of it: its table and how to read it by default. */
interface MeasuredSource {
  format: LoadedSpectrum['format'];
  table: ColumnTable;
  metadata: Record<string, string>;
  notes: string[];
  athena?: AthenaSource;
  /** Athena's y is μ already; other files have their columns guessed. */
  choice?: ColumnChoice;
  /** Prefix for errors about the chosen columns (the group, for a project). */
  where?: string;
}

function readSource(text: string, fileName: string, options: LoadOptions): MeasuredSource {
  if (isAthenaFile(text, fileName)) return athenaSource(text, fileName, options.group);
  if (!isXdi(text)) return { format: 'columns', table: parseColumns(text), metadata: {}, notes: [] };
  const doc = parseXdi(text);
  const metadata: Record<string, string> = {};
  for (const f of doc.fields) metadata[`${f.namespace}.${f.tag}`] = f.value;
  return { format: 'xdi', table: xdiToTable(doc), metadata, notes: [] };
}

/** The columns a file offers, for choosing them by name or number (CLI `--columns`). */
export function measuredTable(text: string, fileName: string, options: LoadOptions = {}): ColumnTable {
  return readSource(text, fileName, options).table;
}

export function loadSpectrumText(text: string, fileName: string, choice?: ColumnChoice, options: LoadOptions = {}): LoadedSpectrum {
  const src = readSource(text, fileName, options);
  const used = choice ?? src.choice ?? guessColumns(src.table);
  let s: ReturnType<typeof spectrumFromTable>;
  try {
    s = spectrumFromTable(src.table, used);
  } catch (e) {
    if (!src.where) throw e;
    throw new Error(`${src.where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    format: src.format,
    table: src.table,
    choice: used,
    spectrum: { energies: s.energies, mu: s.mu },
    metadata: src.metadata,
    notes: [...src.notes, ...s.notes],
    ...(src.athena ? { athena: src.athena } : {}),
  };
}

/** A group's arrays as a column table, so column choices and cleaning work as for any file. */
function athenaTable(g: AthenaGroup): ColumnTable {
  const names = ['energy', g.datatype.startsWith('nor') ? 'norm' : 'mu'];
  const columns = [g.x, g.y];
  for (const name of ['i0', 'signal'] as const) {
    const a = g[name];
    if (!a) continue;
    names.push(name);
    columns.push(a);
  }
  return { names, columns, comments: [], delimiter: 'whitespace', skippedRows: 0 };
}

function athenaSource(text: string, fileName: string, want: string | number | undefined): MeasuredSource {
  const project = parseAthenaProject(text, fileName);
  const g = selectAthenaGroup(project, fileName, want);
  const metadata: Record<string, string> = { 'Athena.label': g.label, 'Athena.group': g.id, 'Athena.record': String(g.index), 'Athena.datatype': g.datatype };
  if (project.version) metadata['Athena.version'] = project.version;
  if (g.e0 !== undefined) metadata['Athena.e0'] = String(g.e0);
  if (g.eshift !== 0) metadata['Athena.eshift'] = String(g.eshift);
  return {
    format: 'athena',
    table: athenaTable(g),
    metadata,
    notes: [...g.notes],
    athena: {
      label: g.label, index: g.index, id: g.id, datatype: g.datatype, eshift: g.eshift, groups: project.groups.length,
      ...(g.e0 !== undefined ? { e0: g.e0 } : {}),
    },
    choice: { energy: 0, mode: 'mu', mu: 1 },
    where: `${fileName}, group ${g.index} "${g.label}"`,
  };
}
