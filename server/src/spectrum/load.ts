// One entry point for a measured spectrum file, used by the CLI and the webview: XDI when the
// first line says so, a column table otherwise.
import { type ColumnChoice, type ColumnTable, guessColumns, parseColumns, spectrumFromTable } from './columns';
import type { Spectrum } from './types';
import { isXdi, parseXdi, xdiToTable } from './xdi';

export interface LoadedSpectrum {
  format: 'xdi' | 'columns';
  table: ColumnTable;
  choice: ColumnChoice;
  spectrum: Spectrum;
  /** XDI fields as `Namespace.tag` → value (empty for column files). */
  metadata: Record<string, string>;
  notes: string[];
}

export const EXPERIMENTAL_EXTENSIONS = ['xdi', 'dat', 'xmu', 'txt', 'csv', 'nor', 'chik'];

export function loadSpectrumText(text: string, fileName: string, choice?: ColumnChoice): LoadedSpectrum {
  if (/\.prj$/i.test(fileName)) {
    throw new Error('Athena project files (.prj) are not supported: export the group from Athena as .xdi or .xmu');
  }
  const xdi = isXdi(text);
  const metadata: Record<string, string> = {};
  let table: ColumnTable;
  if (xdi) {
    const doc = parseXdi(text);
    table = xdiToTable(doc);
    for (const f of doc.fields) metadata[`${f.namespace}.${f.tag}`] = f.value;
  } else {
    table = parseColumns(text);
  }
  const used = choice ?? guessColumns(table);
  const s = spectrumFromTable(table, used);
  return {
    format: xdi ? 'xdi' : 'columns',
    table,
    choice: used,
    spectrum: { energies: s.energies, mu: s.mu },
    metadata,
    notes: s.notes,
  };
}
