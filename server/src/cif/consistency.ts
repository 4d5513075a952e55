// Cross-checks of a CIF block's stated numbers against the structure built from it.
import type { Lattice, Structure, StructureDiagnostic, TextRange } from '../structure/types';
import { atomicNumber } from '../structure/elements';
import { numericValue } from './numbers';
import { scalar, type CifBlock } from './parser';

type Reporter = (range: TextRange, severity: StructureDiagnostic['severity'], code: string, message: string) => void;

/** _cell_volume against the volume from the cell parameters: 3 s.u. when given, else 1 %. */
export function checkCellVolume(block: CifBlock, lattice: Lattice, report: Reporter): void {
  const v = scalar(block, '_cell_volume');
  const m = v ? numericValue(v) : undefined;
  if (!v || !m) return;
  const tol = m.su !== undefined ? Math.max(3 * m.su, 1e-3 * lattice.volume) : 1e-2 * lattice.volume;
  if (Math.abs(m.value - lattice.volume) > tol) {
    report(v.range, 'warning', 'cell.volume',
      `_cell_volume ${v.text} Å³ does not match the cell parameters (${lattice.volume.toFixed(3)} Å³)`);
  }
}

/** Element counts of a formula like 'Fe3 O4' or 'Mg0.5 Fe0.5 Si O3'; undefined when not of that simple form. */
export function parseFormulaSum(formula: string): Map<string, number> | undefined {
  const counts = new Map<string, number>();
  const parts = formula.trim().split(/\s+/);
  for (const part of parts) {
    // Allow 'TiO2' written without spaces as well.
    const re = /([A-Z][a-z]?)(\d+(?:\.\d*)?|\.\d+)?/gy;
    let consumed = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) {
      if (atomicNumber(m[1]) === 0) return undefined;
      counts.set(m[1], (counts.get(m[1]) ?? 0) + (m[2] ? Number(m[2]) : 1));
      consumed = re.lastIndex;
      if (consumed === part.length) break;
    }
    if (consumed !== part.length) return undefined;
  }
  return counts.size > 0 ? counts : undefined;
}

/** Z × _chemical_formula_sum against the occupancy-weighted content of the expanded cell. */
export function checkFormula(block: CifBlock, s: Structure, report: Reporter): void {
  const zValue = scalar(block, '_cell_formula_units_z');
  const fValue = scalar(block, '_chemical_formula_sum');
  const Z = zValue ? numericValue(zValue)?.value : undefined;
  if (!fValue || Z === undefined || !(Z > 0)) return;
  const formula = parseFormulaSum(fValue.text);
  if (!formula) return;
  const actual = new Map<string, number>();
  for (const site of s.sites) actual.set(site.element, (actual.get(site.element) ?? 0) + site.occupancy);
  const elements = new Set([...formula.keys(), ...actual.keys()]);
  const matches = (k: number): boolean => [...elements].every((el) => {
    const want = k * (formula.get(el) ?? 0);
    const have = actual.get(el) ?? 0;
    return Math.abs(want - have) <= 0.02 * Math.max(want, have) + 0.05;
  });
  // pymatgen writes the whole cell's content as _chemical_formula_sum alongside Z; accept that too.
  if (matches(Z) || matches(1)) return;
  const show = (m: Map<string, number>, k = 1): string =>
    [...elements].filter((e) => (m.get(e) ?? 0) > 0).map((e) => `${e}${fmt(k * (m.get(e) ?? 0))}`).join(' ');
  report(fValue.range, 'warning', 'cell.formulaZ',
    `Z = ${Z} × ${fValue.text.trim()} gives ${show(formula, Z)} per cell, but the expanded cell holds ${show(actual)}`);
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}
