// One entry point for a measured spectrum file, used by the CLI, the extension host and the
// webview: an Athena project (by name or header), XDI when the first line says so, a SPEC file
// (by content: #S scans), a column table otherwise. Athena projects and SPEC files hold several
// spectra; `LoadOptions.select` names one, and multiPartFile lists them for a picker. Text in;
// bytes.ts decompresses and decodes files for node callers.
import { AthenaGroupChoiceError, type AthenaGroup, type AthenaProject, athenaGroupText, isAthenaText, overlayableGroups, parseAthenaProject, selectAthenaGroup } from './athena';
import { type ColumnChoice, type ColumnTable, chooseColumns, parseColumns, spectrumFromTable, withChannelSums } from './columns';
import { isSpecText, offeredScans, parseSpec, selectSpecScan, type SpecFile, SpecScanChoiceError, specScanText } from './spec';
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

/** The SPEC scan a spectrum came from. */
export interface SpecSource {
  number: number;
  /** "12", or "12.2" when the file has several scans numbered 12. */
  key: string;
  command: string;
  points: number;
  aborted: boolean;
  /** Scans in the file. */
  scans: number;
}

export interface LoadedSpectrum {
  format: 'xdi' | 'columns' | 'athena' | 'spec';
  table: ColumnTable;
  choice: ColumnChoice;
  spectrum: Spectrum;
  /** XDI fields as `Namespace.tag` → value; `Athena.*` for a project group, `Spec.*` for a scan; empty for column files. */
  metadata: Record<string, string>;
  notes: string[];
  athena?: AthenaSource;
  spec?: SpecSource;
}

export interface LoadOptions {
  /**
   * The spectrum of a file that holds several: an Athena project's group (label or 1-based
   * record number) or a SPEC file's scan (number, or "12.2" for the second scan numbered 12).
   * Needed when more than one qualifies; ignored by single-spectrum files.
   */
  select?: string | number;
  /** Earlier name of `select`, from when only Athena projects had parts; `select` wins. */
  group?: string | number;
}

export const EXPERIMENTAL_EXTENSIONS = ['xdi', 'dat', 'xmu', 'txt', 'csv', 'nor', 'chik', 'prj', 'spec'];

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
  spec?: SpecSource;
  /** Athena's y is μ already; other files have their columns guessed. */
  choice?: ColumnChoice;
  /** Prefix for errors about the chosen columns (the group or scan, for multi-part files). */
  where?: string;
}

function selection(options: LoadOptions): string | number | undefined {
  return options.select ?? options.group;
}

function readSource(text: string, fileName: string, options: LoadOptions): MeasuredSource {
  if (isAthenaFile(text, fileName)) return athenaSource(text, fileName, selection(options));
  if (isXdi(text)) {
    const doc = parseXdi(text);
    const metadata: Record<string, string> = {};
    for (const f of doc.fields) metadata[`${f.namespace}.${f.tag}`] = f.value;
    return { format: 'xdi', table: withChannelSums(xdiToTable(doc)), metadata, notes: [] };
  }
  if (isSpecText(text)) return specSource(parseSpec(text), fileName, selection(options));
  const table = parseColumns(text);
  return { format: 'columns', table: withChannelSums(table), metadata: {}, notes: [] };
}

/** The columns a file offers, for choosing them by name or number (CLI `--columns`). */
export function measuredTable(text: string, fileName: string, options: LoadOptions = {}): ColumnTable {
  return readSource(text, fileName, options).table;
}

/** 'group' or 'scan' when `e` asks the caller to choose a part of a multi-part file. */
export function partChoiceNeeded(e: unknown): 'group' | 'scan' | undefined {
  if (e instanceof AthenaGroupChoiceError) return 'group';
  if (e instanceof SpecScanChoiceError) return 'scan';
  return undefined;
}

export function loadSpectrumText(text: string, fileName: string, choice?: ColumnChoice, options: LoadOptions = {}): LoadedSpectrum {
  const src = readSource(text, fileName, options);
  const guessed = choice === undefined && src.choice === undefined ? chooseColumns(src.table) : undefined;
  const used: ColumnChoice = choice ?? src.choice ?? guessed?.choice ?? { energy: 0, mode: 'mu', mu: 1 };
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
    notes: [...src.notes, ...(src.table.notes ?? []), ...(guessed?.notes ?? []), ...s.notes],
    ...(src.athena ? { athena: src.athena } : {}),
    ...(src.spec ? { spec: src.spec } : {}),
  };
}

// ---- Athena projects -------------------------------------------------------------------------

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

// ---- SPEC files --------------------------------------------------------------------------------

function specSource(file: SpecFile, fileName: string, want: string | number | undefined): MeasuredSource {
  const scan = selectSpecScan(file, fileName, want);
  const metadata: Record<string, string> = { 'Spec.scan': scan.key, 'Spec.command': scan.command };
  if (scan.date !== undefined) metadata['Spec.date'] = scan.date;
  if (file.file !== undefined) metadata['Spec.file'] = file.file;
  const notes = [...scan.notes];
  if (want === undefined && file.scans.length > 1) notes.unshift(`scan ${scan.key} (${scan.command}) of ${file.scans.length}: the only one that holds a spectrum`);
  return {
    format: 'spec',
    table: withChannelSums(scan.table),
    metadata,
    notes,
    spec: { number: scan.number, key: scan.key, command: scan.command, points: scan.points, aborted: scan.aborted, scans: file.scans.length },
    where: `${fileName}, scan ${scan.key}`,
  };
}

// ---- Files with several spectra: listing and extracting one ------------------------------------

/** One spectrum of a multi-part file, as a picker shows it. */
export interface MeasuredPart {
  /** What to pass as `LoadOptions.select` (or `MultiPartFile.extract`). */
  key: string | number;
  label: string;
  description: string;
  detail?: string;
}

export interface MultiPartFile {
  kind: 'athena' | 'spec';
  /** What a part is called: "Athena group", "scan". */
  noun: string;
  /** The parts that hold a spectrum to overlay, in file order. */
  offered: MeasuredPart[];
  /** Parts left out: not μ(E), unreadable, without data, or not over energy. */
  others: number;
  /**
   * The part `select` names (or the only one offered) as a file of its own, which loads without
   * a selection, and the name to show for it. Throws as loadSpectrumText does when `select` is
   * missing and several parts qualify, or names none.
   */
  extract(select?: string | number): { text: string; fileName: string };
}

function athenaParts(project: AthenaProject, fileName: string): MultiPartFile {
  const offered = overlayableGroups(project);
  return {
    kind: 'athena',
    noun: 'Athena group',
    offered: offered.map((g) => {
      const detail = [g.e0 !== undefined ? `E0 ${g.e0.toFixed(2)} eV` : '', g.eshift !== 0 ? `energy shift ${g.eshift > 0 ? '+' : ''}${g.eshift} eV applied` : ''].filter((t) => t !== '').join(' · ');
      return { key: g.index, label: g.label, description: `record ${g.index} · ${g.datatype} · ${g.x.length} points`, ...(detail ? { detail } : {}) };
    }),
    others: project.groups.length - offered.length,
    // The panel keeps the file's name: the curve is named after the group it reads from the text.
    extract: (select) => ({ text: athenaGroupText(selectAthenaGroup(project, fileName, select), fileName), fileName }),
  };
}

function specParts(file: SpecFile, fileName: string): MultiPartFile {
  const offered = offeredScans(file);
  return {
    kind: 'spec',
    noun: 'scan',
    offered: offered.map((s) => ({
      key: s.key,
      label: `#${s.key}  ${s.command}`,
      description: `${s.points} points${s.aborted ? ' · aborted' : ''}${s.date ? ` · ${s.date}` : ''}`,
      detail: s.table.names.join(', '),
    })),
    others: file.scans.length - offered.length,
    extract: (select) => {
      const scan = selectSpecScan(file, fileName, select);
      return { text: specScanText(file, scan, fileName), fileName: `${fileName}, scan ${scan.key}` };
    },
  };
}

/** The parts of an Athena project or SPEC file; undefined for files that hold one spectrum. */
export function multiPartFile(text: string, fileName: string): MultiPartFile | undefined {
  if (isAthenaFile(text, fileName)) return athenaParts(parseAthenaProject(text, fileName), fileName);
  if (!isXdi(text) && isSpecText(text)) return specParts(parseSpec(text), fileName);
  return undefined;
}
