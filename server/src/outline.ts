// Document outline and folding ranges for CIF, XYZ and POSCAR, as plain data (the LSP layer converts).
import { parseCif, rowRange, spanRange, type CifBlock, type CifLoop } from './cif/parser';
import { parsePoscar } from './poscar/parser';
import type { StructureFormat, TextRange } from './structure/types';
import { parseXyz } from './xyz/parser';

export type OutlineKind = 'block' | 'cell' | 'symmetry' | 'species' | 'atoms' | 'atom' | 'frame';

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

export function documentOutline(text: string, format: StructureFormat): OutlineSymbol[] {
  return format === 'cif' ? cifOutline(text) : format === 'poscar' ? poscarOutline(text) : xyzOutline(text);
}

export function foldingRanges(text: string, format: StructureFormat): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (r: TextRange): void => {
    if (r.end.line > r.start.line) out.push({ startLine: r.start.line, endLine: r.end.line });
  };
  if (format === 'xyz') {
    // maxAtoms 0: only frame boundaries are needed, so skip building the atoms.
    for (const b of parseXyz(text, { maxAtoms: 0 }).blocks) add(b.range);
    return out;
  }
  if (format === 'poscar') {
    const { blocks, layout } = parsePoscar(text);
    for (const b of blocks) add(b.range);
    if (layout?.coordinates) out.push({ startLine: layout.coordinates.first, endLine: layout.coordinates.last });
    return out.filter((r) => r.endLine > r.startLine);
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

/** One block: the cell (scale and lattice lines), the species (names and counts) and the atom lines. */
function poscarOutline(text: string): OutlineSymbol[] {
  const lines = text.split(/\r\n|\n|\r/);
  const whole = (ln: number): TextRange => ({ start: { line: ln, character: 0 }, end: { line: ln, character: lines[ln]?.length ?? 0 } });
  const between = (a: number, b: number): TextRange => ({ start: whole(a).start, end: whole(b).end });
  const { blocks, layout } = parsePoscar(text);
  const block = blocks[0];
  if (!block || !layout) return [];
  const s = block.structure;
  const children: OutlineSymbol[] = [];
  if (layout.scaleLine !== null && layout.latticeLines.length > 0) {
    const l = layout.lattice;
    const detail = l
      ? `a=${l.a.toFixed(4)} b=${l.b.toFixed(4)} c=${l.c.toFixed(4)}  α=${l.alpha.toFixed(2)} β=${l.beta.toFixed(2)} γ=${l.gamma.toFixed(2)}  V=${l.volume.toFixed(3)} Å³`
      : 'no usable cell (see diagnostics)';
    const last = layout.latticeLines[layout.latticeLines.length - 1];
    children.push(sym('cell', detail, 'cell', between(layout.scaleLine, last), whole(layout.latticeLines[0])));
  }
  if (layout.countsLine !== null) {
    const from = layout.speciesLine ?? layout.countsLine;
    const range = between(from, layout.countsLine);
    const groups = layout.species.map((sp) => {
      const name = sp.element || '?';
      const written = sp.name && sp.name !== sp.element ? ` (${sp.name})` : '';
      return sym(name, `${sp.count} atom${sp.count === 1 ? '' : 's'}${written}`, 'atom', sp.range ?? whole(layout.countsLine as number));
    });
    const formula = layout.species.map((sp) => `${sp.element || '?'}${sp.count}`).join(' ');
    const from4 = layout.names === 'species line' ? '' : layout.names === 'missing' ? ', names missing (VASP 4)' : `, names from the ${layout.names} (VASP 4)`;
    children.push(sym('species', `${formula}${from4}`, 'species', range, whole(from), groups));
  }
  if (layout.coordinates) {
    const atoms = (s?.sites ?? []).slice(0, MAX_ATOM_SYMBOLS).map((a) => {
      const src = s?.sourceSites[a.sourceSite];
      const xyz = layout.cartesian ? src?.cart ?? a.cart : src?.frac ?? a.frac ?? a.cart;
      return sym(a.label, `${a.element}  ${xyz.map((x) => x.toFixed(5)).join(' ')}`, 'atom', a.range);
    });
    const n = layout.coordinates.last - layout.coordinates.first + 1;
    const flags = layout.selectiveDynamics ? ', selective dynamics' : '';
    const more = n > MAX_ATOM_SYMBOLS ? ` (first ${MAX_ATOM_SYMBOLS} listed)` : '';
    const first = layout.selectiveLine ?? layout.modeLine ?? layout.coordinates.first;
    children.push(sym('atom sites', `${n} sites, ${layout.cartesian ? 'Cartesian' : 'Direct'}${flags}${more}`, 'atoms',
      between(first, layout.coordinates.last), whole(layout.modeLine ?? layout.coordinates.first), atoms));
  }
  const n = s?.sites.length ?? 0;
  return [sym(block.name, `${n} atoms, P1`, 'block', block.range, block.headerRange, children)];
}
