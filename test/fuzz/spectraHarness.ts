// One measured-file fuzz case = (run seed, index) → a fixture or generated file, usually mutated,
// encoded as bytes (UTF-8, gzip, UTF-16, Windows-1252, damaged), named with a measured-file
// extension, plus a few column choices and part selections; checked by checkMeasured. Failures
// carry everything needed to replay them alone.
import { performance } from 'node:perf_hooks';
import type { ColumnChoice, MuMode } from '../../server/src/spectrum/columns';
import { EXPERIMENTAL_EXTENSIONS } from '../../server/src/spectrum/load';
import { caseSeed, Rng } from './rng';
import { generateMeasured, type MeasuredKind } from './spectraGen';
import { checkMeasured, type LoadVariant, type MeasuredCheck } from './spectraInvariants';
import { encodeMeasured, mutateMeasured } from './spectraMutate';

/** What identifies a case and replays it: shared by the case and its failure report. */
interface CaseIdentity {
  index: number;
  kind: MeasuredKind;
  /** The fixture's or generator's name, then the one the case is loaded under. */
  source: string;
  fileName: string;
  encoding: string;
  mutations: string[];
}

export interface SpectrumCase extends CaseIdentity {
  text: string;
  bytes: Uint8Array;
  variants: LoadVariant[];
}

const SELECTS: (string | number)[] = [1, 2, 3, 0, -1, 1.5, 1e21, '1', '2', '3', '2.2', '12.1', '1.1', '0', ' 1 ', '', 'Fe foil', 'fe foil ', 'g0', 'x', 'NaN', '1e3'];

function index(r: Rng): number {
  return r.chance(0.9) ? r.int(0, 7) : r.pick([-1, 1e9, 0.5, Number.NaN, 2 ** 32]);
}

function randomChoice(r: Rng): ColumnChoice {
  const mode = r.pick<MuMode>(['mu', 'mu', 'transmission', 'fluorescence']);
  if (mode === 'mu') return { energy: index(r), mode, ...(r.chance(0.95) ? { mu: index(r) } : {}) };
  return { energy: index(r), mode, ...(r.chance(0.95) ? { i0: index(r) } : {}), ...(r.chance(0.95) ? { signal: index(r) } : {}) };
}

function variants(r: Rng): LoadVariant[] {
  const out: LoadVariant[] = [];
  const n = r.int(0, 2);
  for (let i = 0; i < n; i++) {
    const v: LoadVariant = {};
    if (r.chance(0.6)) v.choice = randomChoice(r);
    if (r.chance(0.6)) v.select = r.pick(SELECTS);
    out.push(v);
  }
  return out;
}

const EXTENSION = /\.[^.]*$/;

/**
 * Case i of a run. `big` caps the runs, rows and repeats the mutations write (10^5 in the long
 * campaign): a case replays only with the same cap.
 */
export function makeSpectrumCase(runSeed: number, i: number, big = 100000): SpectrumCase {
  const r = new Rng(caseSeed(runSeed ^ 0x5bec7a, i));
  const doc = generateMeasured(r);
  // A fifth stay unmutated, so well-formed files are checked too.
  const m = r.chance(0.2) ? { text: doc.text, applied: [] } : mutateMeasured(doc.text, r, big);
  const enc = encodeMeasured(m.text, r);
  // Mostly the file's own name; sometimes another measured extension (a .prj forces the Athena reader).
  const fileName = r.chance(0.85) ? doc.fileName : doc.fileName.replace(EXTENSION, '') + '.' + r.pick(EXPERIMENTAL_EXTENSIONS);
  return { index: i, kind: doc.kind, source: doc.fileName, fileName, encoding: enc.encoding, mutations: m.applied, text: m.text, bytes: enc.bytes, variants: variants(r) };
}

export interface SpectrumFailure extends CaseIdentity {
  problems: string[];
  bytes: Uint8Array;
}

export interface SpectraSummary {
  cases: number;
  failures: SpectrumFailure[];
  loaded: number;
  normalised: number;
  parts: number;
  /** Cases whose first run was over budget but a rerun was not (a busy machine, not the code). */
  retried: number;
  bytes: number;
  largest: number;
  slowest: { index: number; op: string; ms: number; size: number };
  totalMs: number;
}

/** Runs over budget on a shared machine happen; a slow call is a failure only if it stays slow. */
function checkWithRetries(c: SpectrumCase, attempts: number): { check: MeasuredCheck; retried: boolean } {
  let check = checkMeasured(c.bytes, c.fileName, c.variants);
  for (let k = 1; k < attempts && check.slow.length > 0; k++) {
    const again = checkMeasured(c.bytes, c.fileName, c.variants);
    if (again.slow.length === 0) return { check: again, retried: true };
    check = again;
  }
  return { check, retried: false };
}

/** Cases [from, from + count) of a run. */
export function runSpectraFuzz(runSeed: number, count: number, from = 0, big = 100000, onProgress?: (done: number, s: SpectraSummary) => void): SpectraSummary {
  const s: SpectraSummary = { cases: 0, failures: [], loaded: 0, normalised: 0, parts: 0, retried: 0, bytes: 0, largest: 0, slowest: { index: -1, op: '', ms: 0, size: 0 }, totalMs: 0 };
  const t0 = performance.now();
  for (let i = from; i < from + count; i++) {
    let c: SpectrumCase;
    try {
      c = makeSpectrumCase(runSeed, i, big);
    } catch (e) {
      // A generator bug costs its case, not the rest of a long run.
      s.cases++;
      s.failures.push({ index: i, kind: 'fixture', source: '?', fileName: '?', encoding: '?', mutations: [], problems: [`the generator threw: ${e instanceof Error ? e.stack : String(e)}`], bytes: new Uint8Array(0) });
      continue;
    }
    const { check, retried } = checkWithRetries(c, 3);
    s.cases++;
    s.loaded += check.loaded;
    s.normalised += check.normalised;
    s.parts += check.parts;
    s.bytes += c.bytes.length;
    s.largest = Math.max(s.largest, c.bytes.length);
    if (retried) s.retried++;
    if (check.worst.ms > s.slowest.ms) s.slowest = { index: i, ...check.worst };
    const problems = [...check.problems, ...check.slow.map((x) => `slow: ${x}`)];
    if (problems.length > 0) {
      // Only the first failures keep their bytes: a broken loader can fail thousands of 2 MB cases.
      const bytes = s.failures.length < 50 ? c.bytes : new Uint8Array(0);
      s.failures.push({ index: i, kind: c.kind, source: c.source, fileName: c.fileName, encoding: c.encoding, mutations: c.mutations, problems, bytes });
    }
    if (onProgress && (i - from + 1) % 1000 === 0) {
      s.totalMs = performance.now() - t0;
      onProgress(i - from + 1, s);
    }
  }
  s.totalMs = performance.now() - t0;
  return s;
}
