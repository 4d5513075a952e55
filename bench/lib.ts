// Shared helpers of the benchmarks: timing, medians, and the one JSON line a bench file prints
// for the runner (bench/run.mjs) to collect. Speed lives here, never in timed unit tests.
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  /** Benchmark group, e.g. 'parse', 'inference'. */
  group: string;
  /** What was measured, e.g. 'CIF 10,000 atoms P1 parse+expand'. */
  name: string;
  /** Median (or the single measured value); null when the row could not be measured. */
  value: number | null;
  unit: string;
  /** Number of timed runs the median is taken over. */
  runs: number;
  /** Secondary figure in the same row (e.g. sites/s next to ms/site). */
  extra?: string;
  /** Target as text, e.g. '≤ 50 ms'; `pass` compares the median to it. */
  target?: string;
  pass?: boolean;
  note?: string;
}

export const ROW_MARKER = 'BENCH_ROWS ';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall-clock ms of `runs` calls after `warmup` untimed ones. */
export function timeSync(fn: () => unknown, runs: number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * Wall-clock and CPU ms (this process, all threads) of each run. On a machine shared with other
 * jobs the wall time inflates with the load; the CPU time much less, so both are reported.
 */
export function timeSyncCpu(fn: () => unknown, runs: number, warmup = 1): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

export async function timeAsync(fn: () => Promise<unknown>, runs: number, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Integer from the environment (BENCH_RUNS etc.), or the default. */
export function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

/** The scale factor of every run count: BENCH_QUICK=1 makes a smoke run of the whole suite. */
export function runsFor(normal: number): number {
  return process.env.BENCH_QUICK === '1' ? Math.max(1, Math.ceil(normal / 5)) : envInt('BENCH_RUNS', normal);
}

export function emit(rows: BenchRow[]): void {
  process.stdout.write(ROW_MARKER + JSON.stringify(rows) + '\n');
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
