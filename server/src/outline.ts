// Document outline and folding ranges for CIF and XYZ, as plain data (the LSP layer converts).
import { parseCif, rowRange, spanRange, type CifBlock, type CifLoop } from './cif/parser';
import type { TextRange } from './structure/types';
import { parseXyz } from './xyz/parser';

export type OutlineKind = 'block' | 'cell' | 'symmetry' | 'atoms' | 'atom' | 'frame';

export interface OutlineSymbol {
  name: string;
  detail: string;
  kind: OutlineKind;
  range: TextRange;
  selectionRange: TextRange;
  children: OutlineSymbol[];
}

export interface FoldingRange {
  startLine: number;
  endLine: number;
}

/** Atom rows listed per group; beyond this the outline would be slower to show than useful. */
const MAX_ATOM_SYMBOLS = 2000;

export function documentOutline(text: string, format: 'cif' | 'xyz'): OutlineSymbol[] {
  return format === 'cif' ? cifOutline(text) : xyzOutline(text);
}

export function foldingRanges(text: string, format: 'cif' | 'xyz'): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (r: TextRange): void => {
    if (r.end.line > r.start.line) out.push({ startLine: r.start.line, endLine: r.end.line });
  };
  if (format === 'xyz') {
    // maxAtoms 0: only frame boundaries are needed, so skip building the atoms.
    for (const b of parseXyz(text, { maxAtoms: 0 }).blocks) add(b.range);
    return out;
  }
  const doc = parseCif(text);
  const visit = (b: CifBlock): void => {
    add(b.range);
    b.loops.forEach((l) => add(l.range));
    b.frames.forEach(visit);
  };
  doc.blocks.forEach(visit);
  for (const t of doc.textFields) if (t.endLine > t.startLine) out.push({ startLine: t.startLine, endLine: t.endLine });
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

function sym(name: string, detail: string, kind: OutlineKind, range: TextRange, selectionRange = range, children: OutlineSymbol[] = []): OutlineSymbol {
  return { name, detail, kind, range, selectionRange, children };
}

function cifOutline(text: string): OutlineSymbol[] {
  return parseCif(text).blocks.map(blockSymbol);
}

function blockSymbol(b: CifBlock): OutlineSymbol {
  const children: OutlineSymbol[] = [];
  const value = (k: string): string | undefined => {
    const ref = b.index.get(k);
    if (!ref) return undefined;
    return ref.pair ? ref.pair.value.text : ref.loop.rowCount > 0 ? ref.loop.values[ref.column].text : undefined;
  };
  // Cell: the span of all _cell_ items written as pairs.
  const cellPairs = b.pairs.filter((p) => p.tag.key.startsWith('_cell_'));
  if (cellPairs.length > 0) {
    const first = cellPairs[0];
    const last = cellPairs[cellPairs.length - 1];
    const abc = ['a', 'b', 'c'].map((x) => value('_cell_length_' + x) ?? '?');
    const ang = ['alpha', 'beta', 'gamma'].map((x) => value('_cell_angle_' + x) ?? '?');
    children.push(sym('cell', `a=${abc[0]} b=${abc[1]} c=${abc[2]}  α=${ang[0]} β=${ang[1]} γ=${ang[2]}`, 'cell',
      spanRange(first.tag.range, last.value.range), first.tag.range));
  }
  const symRef = b.index.get('_space_group_symop_operation_xyz') ?? b.index.get('_symmetry_equiv_pos_as_xyz');
  const sg = value('_space_group_name_h-m_alt') ?? value('_symmetry_space_group_name_h-m');
  if (symRef) {
    const range = symRef.loop ? symRef.loop.range : spanRange(symRef.pair.tag.range, symRef.pair.value.range);
    const count = symRef.loop ? symRef.loop.rowCount : 1;
    children.push(sym('symmetry', `${sg ? sg + ', ' : ''}${count} operator${count === 1 ? '' : 's'}`, 'symmetry', range,
      symRef.loop ? symRef.loop.keywordRange : range));
  }
  const atomRef = b.index.get('_atom_site_fract_x') ?? b.index.get('_atom_site_cartn_x');
  if (atomRef?.loop) children.push(atomsSymbol(atomRef.loop));
  for (const f of b.frames) children.push(blockSymbol(f));
  const prefix = b.kind === 'global' ? 'global_' : b.kind === 'save' ? 'save_' : 'data_';
  const detail = [sg, atomRef?.loop ? `${atomRef.loop.rowCount} sites` : ''].filter(Boolean).join(', ');
  return sym(prefix + b.name, detail, 'block', b.range, b.headerRange, children);
}

function atomsSymbol(loop: CifLoop): OutlineSymbol {
  const colOf = (k: string): number => loop.tags.findIndex((t) => t.key === k);
  const label = colOf('_atom_site_label');
  const type = colOf('_atom_site_type_symbol');
  const fx = colOf('_atom_site_fract_x') >= 0 ? colOf('_atom_site_fract_x') : colOf('_atom_site_cartn_x');
  const w = loop.tags.length;
  const atoms: OutlineSymbol[] = [];
  for (let r = 0; r < Math.min(loop.rowCount, MAX_ATOM_SYMBOLS); r++) {
    const v = (c: number): string => (c >= 0 ? loop.values[r * w + c].text : '');
    const name = v(label) || v(type) || `site ${r + 1}`;
    const xyz = fx >= 0 && fx + 2 < w ? `${v(fx)} ${v(fx + 1)} ${v(fx + 2)}` : '';
    const sel = label >= 0 ? loop.values[r * w + label].range : rowRange(loop, r);
    atoms.push(sym(name, [type >= 0 ? v(type) : '', xyz].filter(Boolean).join('  '), 'atom', rowRange(loop, r), sel));
  }
  const more = loop.rowCount > MAX_ATOM_SYMBOLS ? ` (first ${MAX_ATOM_SYMBOLS} listed)` : '';
  return sym('atom sites', `${loop.rowCount} sites${more}`, 'atoms', loop.range, loop.keywordRange, atoms);
}

function xyzOutline(text: string): OutlineSymbol[] {
  return parseXyz(text).blocks.map((b) => {
    const s = b.structure;
    const atoms: OutlineSymbol[] = (s?.sites ?? []).slice(0, MAX_ATOM_SYMBOLS).map((a) =>
      sym(a.label, `${a.element}  ${a.cart.map((x) => x.toFixed(4)).join(' ')}`, 'atom', a.range));
    const n = s?.sites.length ?? 0;
    const detail = `${n} atoms${s?.lattice ? ', periodic' : ''}`;
    return sym(b.name, detail, 'frame', b.range, b.headerRange, atoms);
  });
}
