// XDI 1.0 (XAS Data Interchange, xraypy/XAS-Data-Interchange spec): a `# XDI/1.0` first line,
// `# Namespace.tag: value` fields, `# ///` then free comments, a `#----` line, an optional
// `# label label …` line, then whitespace-separated numeric rows. Fields keep their order so that a
// file read and written again is the same file.
import { type ColumnTable, splitLines } from './columns';

export interface XdiField {
  namespace: string;
  tag: string;
  value: string;
}

export interface XdiColumn {
  /** 1-based, as in `Column.N`. */
  index: number;
  name: string;
  units?: string;
}

export interface XdiDocument {
  version: string;
  /** The rest of the first line after `XDI/1.0` (application/version words). */
  applications: string;
  /** Every `Namespace.tag: value` line except Column.N, in file order. */
  fields: XdiField[];
  columns: XdiColumn[];
  comments: string[];
  /** Labels from the line after `#----`, when present. */
  labels?: string[];
  /** Data rows. */
  rows: number[][];
}

// [\s\S]*, not .*$: only CR and LF end lines, so a value may hold U+2028, where . stops; such a
// field was refused as malformed.
const FIELD = /^#\s*([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_-]+)\s*:\s?([\s\S]*)/;

export function isXdi(text: string): boolean {
  return /^\uFEFF?#\s*XDI\/\d/i.test(text);
}

export function parseXdi(text: string): XdiDocument {
  const lines = splitLines(text);
  // [\s\S]* as in FIELD: with .*$, a U+2028 in the first line made \S+ retry every split (quadratic).
  const first = /^#\s*XDI\/(\S+)\s*([\s\S]*)/i.exec(lines[0] ?? '');
  if (!first) throw new Error('not an XDI file: the first line must start with "# XDI/1.0"');
  const doc: XdiDocument = { version: first[1], applications: first[2].trim(), fields: [], columns: [], comments: [], rows: [] };
  let mode: 'fields' | 'comments' | 'labels' | 'data' = 'fields';
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (mode !== 'data' && trimmed.startsWith('#')) {
      if (/^#\s*-{2,}\s*$/.test(trimmed)) {
        mode = 'labels';
        continue;
      }
      if (mode === 'fields' && /^#\s*\/{3,}/.test(trimmed)) {
        mode = 'comments';
        continue;
      }
      if (mode === 'labels') {
        doc.labels = trimmed.replace(/^#\s*/, '').split(/\s+/).filter((s) => s.length > 0);
        mode = 'data';
        continue;
      }
      if (mode === 'comments') {
        doc.comments.push(line.replace(/^#\s?/, ''));
        continue;
      }
      const m = FIELD.exec(trimmed);
      if (!m) throw new Error(`line ${n + 1}: expected "# Namespace.tag: value", got "${trimmed.slice(0, 60)}"`);
      const [, namespace, tag, value] = m;
      if (namespace.toLowerCase() === 'column' && /^\d+$/.test(tag)) {
        const [name, ...units] = value.trim().split(/\s+/);
        const column: XdiColumn = { index: Number(tag), name };
        if (units.length > 0) column.units = units.join(' ');
        doc.columns.push(column);
      } else {
        doc.fields.push({ namespace, tag, value: value.trim() });
      }
      continue;
    }
    mode = 'data';
    if (trimmed.startsWith('#')) continue;
    const row = trimmed.split(/\s+/).map(Number);
    if (row.some((v) => Number.isNaN(v))) throw new Error(`line ${n + 1}: non-numeric data "${trimmed.slice(0, 60)}"`);
    doc.rows.push(row);
  }
  if (doc.rows.length === 0) throw new Error('XDI file has no data rows');
  doc.columns.sort((a, b) => a.index - b.index);
  return doc;
}

export function writeXdi(doc: XdiDocument): string {
  const out: string[] = [`# XDI/${doc.version}${doc.applications ? ' ' + doc.applications : ''}`];
  for (const c of doc.columns) out.push(`# Column.${c.index}: ${c.name}${c.units ? ' ' + c.units : ''}`);
  for (const f of doc.fields) out.push(`# ${f.namespace}.${f.tag}: ${f.value}`);
  out.push('# ///');
  for (const c of doc.comments) out.push(`# ${c}`);
  out.push('#----');
  if (doc.labels) out.push(`# ${doc.labels.join(' ')}`);
  // String(x) is the shortest text that reads back as the same double: an exact round trip.
  for (const r of doc.rows) out.push(r.map((v) => String(v)).join('  '));
  return out.join('\n') + '\n';
}

/** Value of `Namespace.tag` (case-insensitive, as the spec says names are), if present. */
export function xdiField(doc: XdiDocument, name: string): string | undefined {
  const [ns, tag] = name.toLowerCase().split('.');
  return doc.fields.find((f) => f.namespace.toLowerCase() === ns && f.tag.toLowerCase() === tag)?.value;
}

/** The XDI data as a column table (names from Column.N, else the label line). */
export function xdiToTable(doc: XdiDocument): ColumnTable {
  // The most common row length, not the longest: one damaged row of 10^5 values would widen every
  // row to 10^5 cells (a 300 KB file became a 180 MB table). Shorter rows are padded, so a line
  // cut off at the end keeps its energy; longer rows are left out. (A loop, not
  // Math.max(...rows): spreading 200,000 rows overflows the call stack.)
  const counts = new Map<number, number>();
  for (const r of doc.rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
  let width = 0;
  for (const [w, c] of counts) {
    const best = counts.get(width) ?? 0;
    if (c > best || (c === best && w > width)) width = w;
  }
  const rows = doc.rows.filter((r) => r.length <= width);
  const skippedRows = doc.rows.length - rows.length;
  const names: string[] = [];
  const units: (string | undefined)[] = [];
  for (let i = 0; i < width; i++) {
    const col = doc.columns.find((c) => c.index === i + 1);
    names.push(col?.name ?? doc.labels?.[i] ?? `col${i + 1}`);
    // GSECARS writes the PV after "||" ("energy eV || 13IDE:En:Energy"); it is no unit.
    units.push(col?.units?.replace(/\|\|.*$/, '').trim() || undefined);
  }
  const columns = names.map((_, i) => rows.map((r) => (i < r.length ? r[i] : NaN)));
  const table: ColumnTable = { names, units, columns, comments: doc.comments, delimiter: 'whitespace', skippedRows };
  if (skippedRows > 0) table.notes = [`${skippedRows} data row(s) with more than ${width} values left out`];
  const d = Number.parseFloat(xdiField(doc, 'Mono.d_spacing') ?? '');
  if (d > 0) table.dSpacing = d;
  const edge = /^\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(\S*)/.exec(xdiField(doc, 'Scan.edge_energy') ?? '');
  if (edge && !/^(1\/a|a\^?-1|inverse)/i.test(edge[2])) {
    const e0 = Number(edge[1]) * (/^kev$/i.test(edge[2]) ? 1000 : 1);
    if (e0 > 100) table.edgeEnergy = e0;
  }
  return table;
}
