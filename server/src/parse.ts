// Entry point: document text -> structures + diagnostics, for CIF, XYZ and VASP POSCAR.
import { parseCif } from './cif/parser';
import { blockToStructure } from './cif/structure';
import { parsePoscar } from './poscar/parser';
import type { ParsedDocument, ParseOptions, StructureBlock, StructureFormat } from './structure/types';
import { MAX_DIAGNOSTICS } from './structure/limits';
import { parseXyz } from './xyz/parser';

export type { StructureFormat };

/**
 * Format of a file by its name: the extension, else VASP's fixed names. POSCAR and CONTCAR have
 * no extension, and runs keep copies as CONTCAR.1, POSCAR2, POSCAR_relaxed or POSCAR-final; a name
 * with another extension (poscar_tools.py, POSCAR.json) is not one.
 */
export function formatFromPath(path: string): StructureFormat | null {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const m = /\.([A-Za-z]+)$/.exec(base);
  const ext = m?.[1].toLowerCase();
  if (ext === 'cif' || ext === 'mcif') return 'cif';
  if (ext === 'xyz' || ext === 'extxyz') return 'xyz';
  if (ext === 'vasp' || ext === 'poscar') return 'poscar';
  if (/^(?:POSCAR|CONTCAR)(?:\d*|\.\d+|[_-][^.]*)$/i.test(base)) return 'poscar';
  return null;
}

export { MAX_DIAGNOSTICS };

/** Parse a whole document. Never throws: every problem is in `diagnostics`. */
export function parseDocument(text: string, format: StructureFormat, opts?: ParseOptions): ParsedDocument {
  try {
    const doc = format === 'cif' ? parseCifDocument(text, opts) : format === 'poscar' ? parsePoscarDocument(text, opts) : { format, ...parseXyz(text, opts), omitted: 0 };
    return capDiagnostics(doc, doc.omitted);
  } catch (e) {
    // A bug must not take the language server down: report it where the user can see it.
    return {
      format,
      blocks: [],
      diagnostics: [{
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'error', code: 'internal', message: `Internal parser error: ${(e as Error).message}`,
      }],
    };
  }
}

function parsePoscarDocument(text: string, opts?: ParseOptions): ParsedDocument & { omitted: number } {
  const { blocks, diagnostics } = parsePoscar(text, opts);
  return { format: 'poscar', blocks, diagnostics, omitted: 0 };
}

function parseCifDocument(text: string, opts?: ParseOptions): ParsedDocument & { omitted: number } {
  const doc = parseCif(text);
  const diagnostics = [...doc.diagnostics];
  const blocks: StructureBlock[] = [];
  for (const b of doc.blocks) {
    if (b.kind !== 'data') continue;
    const r = blockToStructure(b, opts);
    diagnostics.push(...r.diagnostics);
    blocks.push({ name: b.name, range: b.range, headerRange: b.headerRange, structure: r.structure });
  }
  if (doc.blocks.length === 0 && /\S/.test(text.replace(/#.*$/gm, ''))) {
    diagnostics.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'warning', code: 'cif.noData', message: 'No data_ block found: a CIF starts its content with data_<name>',
    });
  }
  return { format: 'cif', blocks, diagnostics, omitted: doc.omittedDiagnostics };
}

/**
 * Keeps the first MAX_DIAGNOSTICS (errors first) and says how many more there were, counting
 * those the CIF parser only counted (`omitted`). Returns a plain ParsedDocument.
 */
function capDiagnostics(parsed: ParsedDocument & { omitted: number }, omitted: number): ParsedDocument {
  const doc: ParsedDocument = { format: parsed.format, blocks: parsed.blocks, diagnostics: parsed.diagnostics };
  const all = doc.diagnostics;
  if (all.length <= MAX_DIAGNOSTICS && omitted === 0) return doc;
  const rank = { error: 0, warning: 1, information: 2, hint: 3 } as const;
  const kept = all
    .map((d, i) => ({ d, i }))
    .sort((x, y) => rank[x.d.severity] - rank[y.d.severity] || x.i - y.i)
    .slice(0, MAX_DIAGNOSTICS)
    .sort((x, y) => x.i - y.i)
    .map((x) => x.d);
  kept.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'warning', code: 'diagnostics.truncated',
    message: `${all.length - kept.length + omitted} more problems are not shown (only the first ${MAX_DIAGNOSTICS} are listed)`,
  });
  return { ...doc, diagnostics: kept };
}
