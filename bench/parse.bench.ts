// Parse + symmetry expansion of generated documents (CIF 10k atoms P1 and by symmetry, extended
// XYZ 100k atoms, a 50 MB CIF) through parseDocument, the language server's entry point.
import { parseDocument } from '../server/src/parse';
import { extendedXyz, largeCif, p1Cif, symmetricCif } from './generate';
import { emit, median, round, runsFor, timeSync, type BenchRow } from './lib';

function atomCount(text: string, format: 'cif' | 'xyz'): number {
  const doc = parseDocument(text, format);
  return doc.blocks.reduce((n, b) => n + (b.structure?.sites.length ?? 0), 0);
}

function row(name: string, text: string, format: 'cif' | 'xyz', runs: number, target?: number): BenchRow {
  const atoms = atomCount(text, format);
  // atomCount above already ran it once: the slow 50 MB case needs no further warm-up.
  const ms = median(timeSync(() => parseDocument(text, format), runs, runs >= 5 ? 2 : 0));
  return {
    group: 'parse', name: `${name} (${atoms.toLocaleString('en')} atoms, ${(text.length / 1e6).toFixed(1)} MB)`,
    value: round(ms), unit: 'ms', runs,
    extra: `${round(atoms / ms / 1000, 1)} M atoms/s`,
    ...(target !== undefined ? { target: `≤ ${target} ms`, pass: ms <= target } : {}),
  };
}

const rows: BenchRow[] = [
  row('CIF P1 parse+expand', p1Cif(10000).text, 'cif', runsFor(25), 50),
  row('CIF 209 sites × 48 ops parse+expand', symmetricCif(209).text, 'cif', runsFor(25)),
  row('extended XYZ parse', extendedXyz(100000), 'xyz', runsFor(9)),
  row('CIF 50 MB parse+expand', largeCif(50e6), 'cif', runsFor(3)),
];
emit(rows);
