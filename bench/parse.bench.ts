// Parse + symmetry expansion of generated documents (CIF 10k atoms P1 and by symmetry, extended
// XYZ 100k atoms, a 50 MB CIF) through parseDocument, the language server's entry point.
import { spawnSync } from 'node:child_process';
import { parseDocument } from '../server/src/parse';
import { extendedXyz, largeCif, p1Cif, symmetricCif } from './generate';
import { emit, median, ROW_MARKER, round, runsFor, timeSyncCpu, type BenchRow } from './lib';

function atomCount(text: string, format: 'cif' | 'xyz'): number {
  const doc = parseDocument(text, format);
  return doc.blocks.reduce((n, b) => n + (b.structure?.sites.length ?? 0), 0);
}

function row(name: string, text: string, format: 'cif' | 'xyz', runs: number, target?: number): BenchRow {
  const atoms = atomCount(text, format);
  // atomCount above already ran it once: the slow 50 MB case needs no further warm-up.
  const t = timeSyncCpu(() => parseDocument(text, format), runs, runs >= 5 ? 2 : 0);
  const ms = median(t.wall);
  return {
    group: 'parse', name: `${name} (${atoms.toLocaleString('en')} atoms, ${(text.length / 1e6).toFixed(1)} MB)`,
    value: round(ms), unit: 'ms', runs,
    extra: `CPU ${round(median(t.cpu), 1)} ms; ${round(atoms / ms / 1000, 2)} M atoms/s`,
    ...(target !== undefined ? { target: `≤ ${target} ms`, pass: ms <= target } : {}),
  };
}

/** The language server can be started with a larger young generation (client execArgv). */
export const SEMI_SPACE_FLAG = '--max-semi-space-size=64';

if (process.argv.includes('--child')) {
  // Re-run of the 10k-atom row under SEMI_SPACE_FLAG (see below).
  const r = row(`CIF P1 parse+expand, node ${SEMI_SPACE_FLAG}`, p1Cif(10000).text, 'cif', runsFor(25), 50);
  emit([r]);
} else {
  const rows: BenchRow[] = [
    row('CIF P1 parse+expand', p1Cif(10000).text, 'cif', runsFor(25), 50),
  ];
  // Parsing allocates ~25 objects per atom that all survive into the Structure; with node's
  // default 16 MB semi-space every scavenge copies them again. Same code, bigger young generation:
  const child = spawnSync(process.execPath, [SEMI_SPACE_FLAG, __filename, '--child'], { encoding: 'utf8' });
  const line = child.stdout.split('\n').find((l) => l.startsWith(ROW_MARKER));
  if (line) rows.push(...(JSON.parse(line.slice(ROW_MARKER.length)) as BenchRow[]));
  rows.push(
    row('CIF 209 sites × 48 ops parse+expand', symmetricCif(209).text, 'cif', runsFor(25)),
    row('extended XYZ parse', extendedXyz(100000), 'xyz', runsFor(9)),
    row('CIF 50 MB parse+expand', largeCif(50e6), 'cif', runsFor(3)),
  );
  emit(rows);
}
