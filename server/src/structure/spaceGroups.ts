// Symmetry operators of a space group named by its Hermann–Mauguin symbol, Hall symbol or
// International Tables number, for CIFs that name the group but list no operators. The 530
// settings (every origin choice, cell choice and unique axis) come from spglib's table as shipped
// by the crystcif-parse package (MIT); only its data file is used, bundled at build time.
/*!
 * Space-group table bundled from crystcif-parse 0.2.9 (data/symmetry.json, spglib's settings):
 * MIT License
 *
 * Copyright (c) 2018 stur86
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this software and associated documentation files (the "Software"), to deal
 * in the Software without restriction, including without limitation the rights
 * to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 * copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in all
 * copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 * SOFTWARE.
 */
import { formatSymop, type SymOp } from './symop';
import type { Lattice, Mat3, Vec3 } from './types';

interface TableEntry {
  number: number;
  choice: string;
  international: string;
  international_short: string;
  international_full: string;
  hall_symbol: string;
  rotations: number[][][];
  translations: number[][];
}

export interface SpaceGroupSetting {
  /** spglib's Hall number, 1–530. */
  hallNumber: number;
  /** International Tables number, 1–230. */
  number: number;
  /** Hermann–Mauguin symbol of this setting, e.g. 'F d -3 m', 'P 1 2_1/n 1'. */
  symbol: string;
  /** '' (the only setting), '1'/'2' (origin choice), 'H'/'R' (axes), monoclinic 'b1', 'c2', …. */
  choice: string;
  hall: string;
  ops: SymOp[];
}

export interface SpaceGroupQuery {
  /** Hermann–Mauguin symbol as written in the CIF ('P 42/m n m', 'P4_2/mnm', 'Fd-3m:2', 'R -3 m H'). */
  symbol?: string;
  hall?: string;
  number?: number;
  /** Decides hexagonal or rhombohedral axes for R groups when the symbol does not. */
  lattice?: Lattice;
}

export type SpaceGroupLookup =
  | { setting: SpaceGroupSetting; /** Set when a choice the CIF did not state was made. */ assumed?: string; error?: undefined }
  | { setting?: undefined; assumed?: undefined; error: string };

let entries: readonly TableEntry[] | undefined;

/**
 * The table in Hall-number order, read on first use: evaluating its 2 MB took 35–40 ms, paid by
 * every start of the language server and CLI for a lookup few files need. (A require inside a
 * function stays lazy in the esbuild bundle; a top-level import would not.)
 */
function table(): readonly TableEntry[] {
  entries ??= Object.entries(require('crystcif-parse/data/symmetry.json') as Record<string, TableEntry>)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, e]) => e);
  return entries;
}

/** 'P 4_2/m n m' → 'p42/mnm': spaces and subscript marks carry no meaning in a symbol. */
function normaliseSymbol(s: string): string {
  return s.replace(/[\s_]/g, '').toLowerCase();
}

function normaliseHall(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Symbols with the e glide (International Tables since 2002) under their older names, which
 * files still use: Cmca for Cmce and so on (standard settings only).
 */
const RENAMED: Readonly<Record<string, string>> = {
  cmce: 'Cmca', cmme: 'Cmma', ccce: 'Ccca', aem2: 'Abm2', aea2: 'Aba2',
};

let bySymbol: Map<string, number[]> | undefined;

/** Normalised symbol → indices into the table, in Hall-number order; built on first use. */
function symbolIndex(): Map<string, number[]> {
  if (bySymbol) return bySymbol;
  const index = new Map<string, number[]>();
  table().forEach((e, i) => {
    const written = [e.international_short, e.international_full, ...e.international.split('=')];
    // Monoclinic settings are usually written short, without the 1s: 'P 1 2_1/n 1' as 'P 21/n'.
    // b-unique settings come first in the table, so a short symbol both axes share means b.
    const parts = e.international_full.trim().split(/\s+/);
    if (parts.length === 4 && parts.slice(1).filter((t) => t === '1').length === 2) {
      written.push(parts[0] + (parts.slice(1).find((t) => t !== '1') ?? ''));
    }
    const old = RENAMED[normaliseSymbol(e.international_short)];
    if (old && /^[12]?$/.test(e.choice)) written.push(old);
    const names = new Set(written.map((n) => normaliseSymbol(n)));
    for (const n of names) {
      if (!n) continue;
      const list = index.get(n) ?? [];
      list.push(i);
      index.set(n, list);
    }
  });
  bySymbol = index;
  return index;
}

/**
 * The table's translations are the doubles nearest k/2, k/3, k/4 and k/6, the same numbers
 * parsing '2/3' gives, so these operators equal the ones parsed from their text.
 */
function opsOf(e: TableEntry): SymOp[] {
  return e.rotations.map((r, k) => {
    const rot = r.map((row) => [row[0], row[1], row[2]]) as Mat3;
    const trans = [e.translations[k][0], e.translations[k][1], e.translations[k][2]] as Vec3;
    return { rot, trans, text: formatSymop(rot, trans) };
  });
}

function settingOf(i: number): SpaceGroupSetting {
  const e = table()[i];
  return {
    // The setting's own symbol ('P 1 2_1/n 1'), not the group's standard one ('P 2_1/c'): messages
    // should name what the file wrote.
    hallNumber: i + 1, number: e.number, symbol: e.international.split('=').pop()?.trim() ?? e.international_short, choice: e.choice, hall: e.hall_symbol, ops: opsOf(e),
  };
}

/** Setting by spglib's Hall number (1–530); undefined outside that range. */
export function settingByHallNumber(n: number): SpaceGroupSetting | undefined {
  return Number.isInteger(n) && n >= 1 && n <= table().length ? settingOf(n - 1) : undefined;
}

/** Origin choice 1 of a group given in origin choice 2 (Fd-3m, P4/nmm, …); undefined for others. */
export function originChoice1(g: SpaceGroupSetting): SpaceGroupSetting | undefined {
  if (g.choice !== '2') return undefined;
  const i = table().findIndex((e) => e.number === g.number && e.choice === '1');
  return i >= 0 ? settingOf(i) : undefined;
}

/** Hexagonal axes when a = b and γ = 120°; rhombohedral when a = b = c and α = β = γ. */
function rhombohedralAxes(lattice: Lattice | undefined): 'H' | 'R' | undefined {
  if (!lattice) return undefined;
  const { a, b, c, alpha, beta, gamma } = lattice;
  const same = (x: number, y: number): boolean => Math.abs(x - y) < 1e-3 * Math.max(x, y);
  if (same(a, b) && Math.abs(gamma - 120) < 0.1 && Math.abs(alpha - 90) < 0.1 && Math.abs(beta - 90) < 0.1) return 'H';
  if (same(a, b) && same(a, c) && Math.abs(alpha - beta) < 0.1 && Math.abs(alpha - gamma) < 0.1) return 'R';
  return undefined;
}

/**
 * Among settings of one name or number: the stated choice; else for R groups the axes the cell
 * has; else origin choice 2 (the origin at the inversion centre, which ICSD, COD and most
 * refinement programs use) with a note, since nothing in the file says which origin is meant.
 */
function choose(candidates: number[], stated: string | undefined, lattice: Lattice | undefined): SpaceGroupLookup {
  if (stated) {
    const hit = candidates.find((i) => table()[i].choice.toLowerCase() === stated.toLowerCase());
    if (hit === undefined) {
      const choices = candidates.map((i) => table()[i].choice).filter((c) => c);
      return { error: `setting '${stated}' does not exist for this group${choices.length ? ` (it has ${choices.join(', ')})` : ''}` };
    }
    return { setting: settingOf(hit) };
  }
  if (candidates.length === 1) return { setting: settingOf(candidates[0]) };
  const choices = candidates.map((i) => table()[i].choice);
  if (choices.includes('H') && choices.includes('R')) {
    const axes = rhombohedralAxes(lattice);
    if (axes) return { setting: settingOf(candidates[choices.indexOf(axes)]) };
    return { setting: settingOf(candidates[choices.indexOf('H')]), assumed: 'hexagonal axes assumed (the cell is neither clearly hexagonal nor rhombohedral)' };
  }
  if (choices.includes('1') && choices.includes('2')) {
    return { setting: settingOf(candidates[choices.indexOf('2')]), assumed: 'origin choice 2 assumed (the symbol does not say; write e.g. \':1\' after it for origin choice 1)' };
  }
  // Monoclinic and orthorhombic symbols name their axes; a number alone means the standard setting.
  return { setting: settingOf(candidates[0]) };
}

/** Splits ':2', ':H', ' S', ' Z' (origin choice 2) and ' H'/' R' off a symbol. */
function statedChoice(symbol: string): { name: string; choice?: string } {
  const colon = /^(.*?)\s*:\s*([0-9a-z-]+)\s*$/i.exec(symbol);
  if (colon) return { name: colon[1], choice: /^[sz]$/i.test(colon[2]) ? '2' : colon[2] };
  const suffix = /^(.*\S)\s+([HRSZ])\s*$/i.exec(symbol);
  if (suffix) return { name: suffix[1], choice: /^[sz]$/i.test(suffix[2]) ? '2' : suffix[2].toUpperCase() };
  return { name: symbol };
}

/**
 * Older spellings files still carry: screw axes in parentheses (SHELXL-97's 'P2(1)/n',
 * 'P4(2)/mnm'), cubic symbols from before the bar was written ('Fm3m', 'Ia3d'), and a setting
 * letter glued on ('R-3mH', 'Fd-3mS').
 */
function spellings(name: string): string[] {
  const n = normaliseSymbol(name).replace(/\((\d)\)/g, '$1');
  const out = [n];
  // The 3 of a cubic m-3, m-3m, d-3m, a-3d… group: after a lattice letter and a glide or mirror.
  if (/^[pifabcr][mndab]3/.test(n)) out.push(n.slice(0, 2) + '-' + n.slice(2));
  return out;
}

function findSymbol(symbol: string): { candidates: number[]; choice?: string } | undefined {
  const { name, choice } = statedChoice(symbol);
  for (const n of spellings(name)) {
    const candidates = symbolIndex().get(n);
    if (candidates) return choice === undefined ? { candidates } : { candidates, choice };
  }
  const glued = /^(.*[^\s:])([HRSZ])$/i.exec(symbol);
  if (choice === undefined && glued) {
    const letter = glued[2].toUpperCase();
    for (const n of spellings(glued[1])) {
      const candidates = symbolIndex().get(n);
      if (candidates) return { candidates, choice: letter === 'S' || letter === 'Z' ? '2' : letter };
    }
  }
  return undefined;
}

export function lookupSpaceGroup(q: SpaceGroupQuery): SpaceGroupLookup {
  if (q.hall !== undefined && q.hall.trim()) {
    const want = normaliseHall(q.hall);
    const i = table().findIndex((e) => normaliseHall(e.hall_symbol) === want);
    if (i >= 0) return { setting: settingOf(i) };
    if (q.symbol === undefined && q.number === undefined) return { error: `unknown Hall symbol '${q.hall.trim()}'` };
  }
  if (q.symbol !== undefined && q.symbol.trim()) {
    const found = findSymbol(q.symbol.trim());
    if (found) return choose(found.candidates, found.choice, q.lattice);
    if (q.number === undefined) return { error: `unknown space-group symbol '${q.symbol.trim()}'` };
  }
  if (q.number !== undefined) {
    if (!Number.isInteger(q.number) || q.number < 1 || q.number > 230) return { error: `space-group number ${q.number} is not between 1 and 230` };
    const candidates = table().flatMap((e, i) => (e.number === q.number ? [i] : []));
    return choose(candidates, undefined, q.lattice);
  }
  return { error: 'no space-group symbol or number given' };
}
