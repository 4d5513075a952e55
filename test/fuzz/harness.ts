// One fuzz case = (run seed, index) → generated document (CIF or XYZ), usually mutated, checked
// by checkDocument. Failures carry everything needed to replay them alone.
import { performance } from 'node:perf_hooks';
import { generateCif } from './cifGen';
import { checkDocument } from './invariants';
import { mutate } from './mutate';
import { caseSeed, Rng } from './rng';
import { generateXyz } from './xyzGen';

export interface FuzzCase {
  index: number;
  format: 'cif' | 'xyz';
  text: string;
  mutations: string[];
}

export function makeCase(runSeed: number, index: number): FuzzCase {
  const r = new Rng(caseSeed(runSeed, index));
  const format = r.chance(0.65) ? 'cif' : 'xyz';
  const base = format === 'cif' ? generateCif(r) : generateXyz(r);
  // A fifth stay unmutated, so valid documents are checked too.
  if (r.chance(0.2)) return { index, format, text: base, mutations: [] };
  // Either format's mutations also reach the other parser (a .xyz holding CIF text).
  const m = mutate(base, r);
  return { index, format: r.chance(0.03) ? (format === 'cif' ? 'xyz' : 'cif') : format, text: m.text, mutations: m.applied };
}

export interface FuzzFailure {
  index: number;
  format: string;
  mutations: string[];
  problems: string[];
  ms: number;
  text: string;
}

export interface FuzzSummary {
  cases: number;
  failures: FuzzFailure[];
  graphs: number;
  atoms: number;
  slowest: { index: number; ms: number };
  totalMs: number;
}

/**
 * Cases [from, from + count) of a run; a case slower than `slowMs` plus 1 ms per KB of text
 * counts as a hang (a shared 2-core machine needs the slack; real hangs take minutes).
 */
export function runFuzz(runSeed: number, count: number, from = 0, slowMs = 3000): FuzzSummary {
  const failures: FuzzFailure[] = [];
  let graphs = 0;
  let atoms = 0;
  let slowest = { index: -1, ms: 0 };
  const t0 = performance.now();
  for (let i = from; i < from + count; i++) {
    const c = makeCase(runSeed, i);
    const t = performance.now();
    const r = checkDocument(c.text, c.format, { maxAtoms: 20000 });
    const ms = performance.now() - t;
    graphs += r.graphs;
    atoms += r.atoms;
    if (ms > slowest.ms) slowest = { index: i, ms };
    const budget = slowMs + c.text.length / 1000;
    const problems = ms > budget ? [...r.problems, `slow: ${ms.toFixed(0)} ms for ${c.text.length} characters`] : r.problems;
    if (problems.length > 0) failures.push({ index: i, format: c.format, mutations: c.mutations, problems, ms, text: c.text });
  }
  return { cases: count, failures, graphs, atoms, slowest, totalMs: performance.now() - t0 };
}
