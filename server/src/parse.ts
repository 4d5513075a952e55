// Entry point: document text -> structures + diagnostics, for CIF and XYZ.
import { parseCif } from './cif/parser';
import { blockToStructure } from './cif/structure';
import type { ParsedDocument, ParseOptions, StructureBlock } from './structure/types';
import { parseXyz } from './xyz/parser';

export type StructureFormat = 'cif' | 'xyz';

export function formatFromPath(path: string): StructureFormat | null {
  const m = /\.([A-Za-z]+)$/.exec(path);
  const ext = m?.[1].toLowerCase();
  if (ext === 'cif' || ext === 'mcif') return 'cif';
  if (ext === 'xyz' || ext === 'extxyz') return 'xyz';
  return null;
}

/** Parse a whole document. Never throws: every problem is in `diagnostics`. */
export function parseDocument(text: string, format: StructureFormat, opts?: ParseOptions): ParsedDocument {
  try {
    return format === 'cif' ? parseCifDocument(text, opts) : { format, ...parseXyz(text, opts) };
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

function parseCifDocument(text: string, opts?: ParseOptions): ParsedDocument {
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
  return { format: 'cif', blocks, diagnostics };
}
