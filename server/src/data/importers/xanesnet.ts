// XANESNET-style folders: xyz/NAME.xyz + xanes/NAME.txt with matching stems. The absorber is the
// first atom of each XYZ (XANESNET's convention); spectra are FDMNES two-column text with headers.
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { structureFromArrays } from '../../structure/build';
import type { ImportIssue, ImportResult, SpectrumRecord } from '../record';
import { normaliseMethod, recordProblem } from '../record';
import { canonicalElement, errorMessage } from './common';
import { numericRows } from './feff';
import { readText } from './lines';

/** First frame of a plain XYZ file. */
export function parseXyz(text: string): { species: string[]; cart: number[][]; comment: string } {
  const lines = text.split(/\r?\n/);
  const n = Number(lines[0]?.trim());
  if (!Number.isInteger(n) || n <= 0) throw new Error('XYZ line 1 must be the atom count');
  const species: string[] = [];
  const cart: number[][] = [];
  for (let i = 0; i < n; i++) {
    const tok = (lines[2 + i] ?? '').trim().split(/\s+/);
    const el = canonicalElement(tok[0] ?? '');
    const v = tok.slice(1, 4).map(Number);
    if (!el || v.length !== 3 || !v.every(Number.isFinite)) throw new Error(`XYZ line ${3 + i} is not 'element x y z'`);
    species.push(el);
    cart.push(v);
  }
  return { species, cart, comment: (lines[1] ?? '').trim() };
}

/** Energy/μ columns of an FDMNES-style text file; header and text lines are skipped. */
export function parseSpectrumText(text: string): { energies: number[]; mu: number[] } {
  const rows = numericRows(text, 2);
  if (rows.length < 2) throw new Error(`spectrum file has ${rows.length} numeric rows (need energy and μ columns)`);
  return { energies: rows.map((r) => r[0]), mu: rows.map((r) => r[1]) };
}

export function importXanesnetFolder(root: string, opts: { method?: string; licence?: string; edge?: string } = {}): ImportResult {
  const records: SpectrumRecord[] = [];
  const issues: ImportIssue[] = [];
  const xyzDir = join(root, 'xyz');
  const xanesDir = join(root, 'xanes');
  if (!existsSync(xyzDir) || !existsSync(xanesDir)) {
    return { records, issues: [{ file: root, reason: 'a XANESNET folder needs xyz/ and xanes/ subfolders' }] };
  }
  const stems = (dir: string, ext: string): Map<string, string> =>
    new Map(readdirSync(dir).filter((f) => extname(f).toLowerCase() === ext).sort().map((f) => [basename(f, extname(f)), join(dir, f)]));
  const xyz = stems(xyzDir, '.xyz');
  const txt = stems(xanesDir, '.txt');
  for (const [stem, xyzPath] of xyz) {
    const txtPath = txt.get(stem);
    if (!txtPath) {
      issues.push({ file: xyzPath, id: stem, reason: `no xanes/${stem}.txt` });
      continue;
    }
    try {
      const mol = parseXyz(readText(xyzPath));
      const spec = parseSpectrumText(readText(txtPath));
      const r: SpectrumRecord = {
        id: stem,
        materialId: stem,
        absorber: mol.species[0],
        absorberIndex: 0,
        edge: opts.edge ?? 'K',
        method: normaliseMethod(opts.method ?? 'FDMNES'),
        structure: structureFromArrays({ name: stem, lattice: null, species: mol.species, cart: mol.cart }),
        energies: spec.energies,
        mu: spec.mu,
        source: root,
        licence: opts.licence ?? 'unknown',
      };
      const problem = recordProblem(r);
      if (problem) issues.push({ file: xyzPath, id: stem, reason: problem });
      else records.push(r);
    } catch (e) {
      issues.push({ file: xyzPath, id: stem, reason: errorMessage(e) });
    }
  }
  for (const stem of txt.keys()) if (!xyz.has(stem)) issues.push({ file: txt.get(stem) as string, id: stem, reason: `no xyz/${stem}.xyz` });
  return { records, issues };
}
