// CSV export of spectra. Spectra on different grids share one energy column (the sorted union of
// their grids); a cell is empty where a spectrum has no data, never extrapolated.
import { interpolate } from './interp';

export interface CsvSeries {
  name: string;
  energies: readonly number[];
  values: readonly number[];
}

/** RFC 4180 quoting: only when the field needs it. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function unionGrid(series: readonly CsvSeries[]): number[] {
  const all = series.flatMap((s) => s.energies).slice().sort((a, b) => a - b);
  const grid: number[] = [];
  for (const e of all) if (grid.length === 0 || e - grid[grid.length - 1] > 1e-6) grid.push(e);
  return grid;
}

/**
 * `energy_eV,<name>,<name>…` with one row per energy. Comment lines (provenance) go first,
 * prefixed with `#`, which spreadsheet programs show as text and numpy/pandas skip.
 */
export function spectraToCsv(series: readonly CsvSeries[], comments: readonly string[] = []): string {
  const grid = unionGrid(series);
  const lines = comments.map((c) => `# ${c}`);
  lines.push(['energy_eV', ...series.map((s) => csvField(s.name))].join(','));
  for (const e of grid) {
    const cells = series.map((s) => {
      const exact = s.energies.findIndex((x) => Math.abs(x - e) <= 1e-6);
      const v = exact >= 0 ? s.values[exact] : interpolate(s.energies, s.values, e);
      return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : '';
    });
    lines.push([String(Number(e.toPrecision(10))), ...cells].join(','));
  }
  return lines.join('\n') + '\n';
}
