// SpectrumRecord[] → dense training arrays: neighbour lists (absorber Z, neighbour Z and distance),
// domain index, targets and masks on each domain's grid, and optionally the wACSF baseline vector.
// The expensive part (periodic neighbour search) is done once and cached; node/edge features are
// rebuilt from (Z, distance) by graphFromNeighbourList, which is cheap and keeps the cache small.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { graphFromNeighbourList, buildAbsorberGraph, type ListedNeighbour } from '../graph/build';
import { DEFAULT_GRAPH_OPTIONS, type AbsorberGraph, type GraphOptions } from '../graph/types';
import { elementSymbol } from '../structure/elements';
import type { Vec3 } from '../structure/types';
import { sameWacsfOptions, wacsfForSite, wacsfFromDistances, wacsfLength, type WacsfOptions } from '../baseline/wacsf';
import { DomainRegistry, domainFromId, type DomainSpec } from './domains';
import type { ImportIssue, SpectrumRecord } from './record';
import { DEFAULT_MIN_COVERAGE, resampleOntoGrid } from './resample';
import { loadDatasets, type DataSourceSpec, type LoadContext } from './load';
import { errorMessage, isFolder, walkFolders } from './importers/common';
import { measuredInputs } from './importers/measured';

export interface TensorizeOptions {
  graph?: GraphOptions;
  /** Records covering less of their domain window are skipped (default 0.8). */
  minCoverage?: number;
  /** Configured domains (grids) that win over defaults. */
  domains?: DomainSpec[];
  /** Keep only these domain ids (empty/absent = all). */
  onlyDomains?: string[];
  /** Also compute the wACSF baseline descriptor (false = skip). */
  wacsf?: WacsfOptions | false;
}

export interface DomainSummary {
  records: number;
  samples: number;
  skipped: number;
  coverageMean: number;
  coverageMin: number;
  /** Records not fully covering the window (kept, with masked points). */
  partial: number;
}

export interface SkippedRecord {
  id: string;
  domain?: string;
  reason: string;
}

export interface TensorizedSet {
  count: number;
  maxNeighbours: number;
  /** Longest domain grid; shorter domains are padded with mask 0. */
  gridLength: number;
  wacsfLength: number;
  domains: DomainSpec[];
  ids: string[];
  materialIds: string[];
  /** Record index each sample came from (site-averaged records give one sample per site). */
  group: Int32Array;
  absorberZ: Uint8Array;
  /** [count × maxNeighbours], 0 = padding. */
  neighbourZ: Uint8Array;
  /** [count × maxNeighbours] Å. */
  neighbourDistance: Float32Array;
  /** [count × maxNeighbours × 3] absorber → neighbour (Å); zeros where the record has no coordinates. */
  neighbourVector: Float32Array;
  domainIndex: Uint16Array;
  /** [count × gridLength] */
  targets: Float32Array;
  targetMask: Uint8Array;
  /** [count × wacsfLength] when computed. */
  wacsf?: Float32Array;
  graphOptions: GraphOptions;
}

export interface TensorizeReport {
  perDomain: Record<string, DomainSummary>;
  skipped: SkippedRecord[];
}

interface Sample {
  recordIndex: number;
  absorberZ: number;
  nbZ: number[];
  nbD: number[];
  nbV: (readonly number[] | undefined)[];
  domain: number;
  values: Float32Array;
  mask: Uint8Array;
  wacsf?: Float32Array;
}

function neighboursOf(r: SpectrumRecord, site: number | null, g: GraphOptions): { Z: number[]; d: number[]; v: (readonly number[] | undefined)[] } {
  let graph: AbsorberGraph;
  if (r.structure && site !== null) graph = buildAbsorberGraph(r.structure, site, g);
  else if (r.neighbourList) graph = graphFromNeighbourList(r.absorber, r.neighbourList, g);
  else throw new Error('no structure site and no neighbour list');
  const Z: number[] = [];
  const d: number[] = [];
  const v: (readonly number[] | undefined)[] = [];
  for (const nb of graph.neighbours) {
    if (nb.virtual) continue;
    Z.push(nb.Z);
    d.push(nb.distance);
    v.push(nb.vector);
  }
  return { Z, d, v };
}

/** Absorber sites a record stands for: its index, or every absorber site when site-averaged. */
function absorberSites(r: SpectrumRecord): (number | null)[] {
  if (!r.structure) return [null];
  if (r.absorberIndex !== null) return [r.absorberIndex];
  const sites = r.structure.sites.flatMap((s, i) => (s.element === r.absorber ? [i] : []));
  if (sites.length === 0) throw new Error(`no ${r.absorber} site in the structure`);
  return sites;
}

export function tensorize(records: SpectrumRecord[], opts: TensorizeOptions = {}): { set: TensorizedSet; report: TensorizeReport } {
  const g = opts.graph ?? DEFAULT_GRAPH_OPTIONS;
  const minCoverage = opts.minCoverage ?? DEFAULT_MIN_COVERAGE;
  const registry = new DomainRegistry(opts.domains ?? []);
  const only = opts.onlyDomains && opts.onlyDomains.length ? new Set(opts.onlyDomains) : undefined;
  const asked = opts.wacsf === false || opts.wacsf === undefined ? undefined : opts.wacsf;
  // One wACSF per sample serves the baseline and the network's absorber descriptor alike.
  if (asked && g.descriptor && !sameWacsfOptions(asked, g.descriptor)) {
    throw new Error('tensorize: the baseline wACSF and the absorber descriptor must use the same options');
  }
  const wOpts = asked ?? g.descriptor;
  const samples: Sample[] = [];
  const skipped: SkippedRecord[] = [];
  const stats = new Map<string, { records: number; samples: number; skipped: number; covSum: number; covMin: number; partial: number }>();
  const stat = (id: string) => {
    let s = stats.get(id);
    if (!s) stats.set(id, (s = { records: 0, samples: 0, skipped: 0, covSum: 0, covMin: 1, partial: 0 }));
    return s;
  };
  records.forEach((r, ri) => {
    const domain = registry.resolve(r);
    if (!domain) {
      skipped.push({ id: r.id, reason: `no domain grid for ${r.absorber} ${r.edge}-edge ${r.method}${r.domain !== undefined ? ` (domain ${r.domain})` : ''}` });
      return;
    }
    if (only && !only.has(domain.id)) return;
    const st = stat(domain.id);
    const res = resampleOntoGrid(r.energies, r.mu, domain.energies);
    if (res.coverage < minCoverage) {
      st.skipped++;
      skipped.push({ id: r.id, domain: domain.id, reason: `covers ${(100 * res.coverage).toFixed(1)} % of the ${domain.id} window (< ${(100 * minCoverage).toFixed(0)} %)` });
      return;
    }
    try {
      const sites = absorberSites(r);
      const built: Sample[] = sites.map((site) => {
        const nb = neighboursOf(r, site, g);
        let w: Float32Array | undefined;
        if (wOpts) {
          if (r.structure && site !== null) w = wacsfForSite(r.structure, site, wOpts);
          // Graph-only records: G1/G2 from distances; G4 needs angles and stays 0.
          else w = wacsfFromDistances(nb.Z.map((Z, k) => ({ Z, distance: nb.d[k] })), wOpts);
        }
        return {
          recordIndex: ri, absorberZ: atomicZ(r.absorber), nbZ: nb.Z, nbD: nb.d, nbV: nb.v,
          domain: registry.indexOf(domain.id), values: res.values, mask: res.mask, ...(w ? { wacsf: w } : {}),
        };
      });
      samples.push(...built);
      st.records++;
      st.samples += built.length;
      st.covSum += res.coverage;
      st.covMin = Math.min(st.covMin, res.coverage);
      if (res.coverage < 1) st.partial++;
    } catch (e) {
      st.skipped++;
      skipped.push({ id: r.id, domain: domain.id, reason: errorMessage(e) });
    }
  });
  const domains = registry.list();
  const gridLength = Math.max(0, ...domains.map((d) => d.energies.length));
  const N = g.maxNeighbours;
  const W = wOpts ? wacsfLength(wOpts) : 0;
  const n = samples.length;
  const set: TensorizedSet = {
    count: n, maxNeighbours: N, gridLength, wacsfLength: W, domains,
    ids: samples.map((s) => records[s.recordIndex].id),
    materialIds: samples.map((s) => records[s.recordIndex].materialId),
    group: Int32Array.from(samples.map((s) => s.recordIndex)),
    absorberZ: Uint8Array.from(samples.map((s) => s.absorberZ)),
    neighbourZ: new Uint8Array(n * N),
    neighbourDistance: new Float32Array(n * N),
    neighbourVector: new Float32Array(n * N * 3),
    domainIndex: Uint16Array.from(samples.map((s) => s.domain)),
    targets: new Float32Array(n * gridLength),
    targetMask: new Uint8Array(n * gridLength),
    ...(W ? { wacsf: new Float32Array(n * W) } : {}),
    graphOptions: g,
  };
  samples.forEach((s, i) => {
    for (let k = 0; k < Math.min(N, s.nbZ.length); k++) {
      set.neighbourZ[i * N + k] = s.nbZ[k];
      set.neighbourDistance[i * N + k] = s.nbD[k];
      const v = s.nbV[k];
      if (v) set.neighbourVector.set(v, (i * N + k) * 3);
    }
    set.targets.set(s.values, i * gridLength);
    set.targetMask.set(s.mask, i * gridLength);
    if (set.wacsf && s.wacsf) set.wacsf.set(s.wacsf, i * W);
  });
  const perDomain: Record<string, DomainSummary> = {};
  for (const [id, s] of stats) {
    perDomain[id] = {
      records: s.records, samples: s.samples, skipped: s.skipped,
      coverageMean: s.records ? s.covSum / s.records : 0, coverageMin: s.records ? s.covMin : 0, partial: s.partial,
    };
  }
  return { set, report: { perDomain, skipped } };
}

function atomicZ(symbol: string): number {
  for (let z = 1; z <= 118; z++) if (elementSymbol(z) === symbol) return z;
  return 0;
}

/** The full graph (node/edge features, mask) of sample i, rebuilt from the cached neighbour list. */
export function sampleGraph(set: TensorizedSet, i: number): AbsorberGraph {
  const N = set.maxNeighbours;
  const list: ListedNeighbour[] = [];
  for (let k = 0; k < N; k++) {
    const z = set.neighbourZ[i * N + k];
    if (z === 0) break;
    const o = (i * N + k) * 3;
    const v = set.neighbourVector;
    const vector: Vec3 = [v[o], v[o + 1], v[o + 2]];
    list.push({
      element: elementSymbol(z) as string, distance: set.neighbourDistance[i * N + k],
      ...(vector.some((c) => c !== 0) ? { vector } : {}),
    });
  }
  const g = graphFromNeighbourList(elementSymbol(set.absorberZ[i]) as string, list, set.graphOptions);
  // The cached descriptor is the one computed from the full structure.
  if (set.graphOptions.descriptor && set.wacsf) g.descriptor = set.wacsf.slice(i * set.wacsfLength, (i + 1) * set.wacsfLength);
  return g;
}

/** Target values and mask of sample i on its own domain grid (unpadded). */
export function sampleTarget(set: TensorizedSet, i: number): { values: Float32Array; mask: Uint8Array; domain: DomainSpec } {
  const domain = set.domains[set.domainIndex[i]];
  const L = domain.energies.length;
  const off = i * set.gridLength;
  return { values: set.targets.subarray(off, off + L), mask: set.targetMask.subarray(off, off + L), domain };
}

// ---- binary cache --------------------------------------------------------------------------

const MAGIC = 'XLDS1\n';
/** Bump when tensorize or the graph/wACSF code changes what it writes. */
export const CACHE_VERSION = 2;

type ArrayName = 'group' | 'absorberZ' | 'neighbourZ' | 'neighbourDistance' | 'neighbourVector' | 'domainIndex' | 'targets' | 'targetMask' | 'wacsf';
const ARRAY_TYPES = {
  group: Int32Array, absorberZ: Uint8Array, neighbourZ: Uint8Array, neighbourDistance: Float32Array, neighbourVector: Float32Array,
  domainIndex: Uint16Array, targets: Float32Array, targetMask: Uint8Array, wacsf: Float32Array,
} as const;

interface CacheHeader {
  version: number;
  meta: Omit<TensorizedSet, ArrayName>;
  report: TensorizeReport;
  arrays: { name: ArrayName; offset: number; bytes: number }[];
}

export function saveCache(file: string, set: TensorizedSet, report: TensorizeReport): void {
  const { group, absorberZ, neighbourZ, neighbourDistance, neighbourVector, domainIndex, targets, targetMask, wacsf, ...meta } = set;
  const arrays: [ArrayName, ArrayBufferView | undefined][] = [
    ['group', group], ['absorberZ', absorberZ], ['neighbourZ', neighbourZ], ['neighbourDistance', neighbourDistance], ['neighbourVector', neighbourVector],
    ['domainIndex', domainIndex], ['targets', targets], ['targetMask', targetMask], ['wacsf', wacsf],
  ];
  const entries: CacheHeader['arrays'] = [];
  let offset = 0;
  for (const [name, a] of arrays) {
    if (!a) continue;
    entries.push({ name, offset, bytes: a.byteLength });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header = Buffer.from(JSON.stringify({ version: CACHE_VERSION, meta, report, arrays: entries } satisfies CacheHeader), 'utf8');
  const pre = Buffer.alloc(MAGIC.length + 4);
  pre.write(MAGIC, 0, 'latin1');
  const headerPadded = Math.ceil((pre.length + header.length) / 8) * 8 - pre.length;
  pre.writeUInt32LE(headerPadded, MAGIC.length);
  const body = Buffer.alloc(offset);
  for (const [name, a] of arrays) {
    const e = entries.find((x) => x.name === name);
    if (a && e) Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(body, e.offset);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.concat([pre, header, Buffer.alloc(headerPadded - header.length, 0x20), body]));
}

export function loadCache(file: string): { set: TensorizedSet; report: TensorizeReport } | undefined {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const hlen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const header = JSON.parse(buf.toString('utf8', start, start + hlen)) as CacheHeader;
  if (header.version !== CACHE_VERSION) return undefined;
  const base = start + hlen;
  const out: Record<string, ArrayBufferView> = {};
  for (const e of header.arrays) {
    const Ctor = ARRAY_TYPES[e.name];
    // Copy into a fresh aligned buffer: Node's Buffer pool gives no alignment guarantee.
    const copy = new Uint8Array(e.bytes);
    copy.set(buf.subarray(base + e.offset, base + e.offset + e.bytes));
    out[e.name] = new Ctor(copy.buffer, 0, e.bytes / Ctor.BYTES_PER_ELEMENT);
  }
  return { set: { ...header.meta, ...(out as Pick<TensorizedSet, ArrayName>) }, report: header.report };
}

/**
 * Size and mtime of a source, and for a folder of every file below it (as deep as the importers
 * read): a folder's own mtime changes only when an entry is added or removed, not when an
 * xmu.dat inside is rewritten.
 */
function hashSource(h: ReturnType<typeof createHash>, abs: string): void {
  const stamp = (p: string): void => {
    const st = existsSync(p) ? statSync(p) : undefined;
    h.update(`${p}|${st?.size ?? -1}|${st?.mtimeMs ?? -1}|`);
  };
  if (!isFolder(abs)) stamp(abs);
  else {
    walkFolders(abs, (d, entries) => {
      h.update(`${d}/|`);
      for (const e of entries) if (!e.startsWith('.') && !isFolder(join(d, e))) stamp(join(d, e));
    });
  }
  // A pairs manifest may name structures and spectra outside its folder.
  for (const p of measuredInputs(abs)) stamp(resolve(p));
}

/**
 * Where measured spectra go when a run is restricted to a list of domains (a model's outputs in
 * evaluate and fine-tune, a config's data.domains): that list, with configured grids where given.
 * Without a list they keep a domain of their own.
 */
export function targetDomainsOf(opts: TensorizeOptions): DomainSpec[] | undefined {
  if (!opts.onlyDomains || opts.onlyDomains.length === 0) return undefined;
  return opts.onlyDomains.flatMap((id) => {
    const d = opts.domains?.find((x) => x.id === id) ?? domainFromId(id);
    return d ? [d] : [];
  });
}

/** Cache key: source files (path, size, mtime; every file of a folder) + options + cache version. */
export function cacheKey(sourcePaths: string[], opts: TensorizeOptions, extra = ''): string {
  const h = createHash('sha256');
  h.update(`v${CACHE_VERSION}|${extra}|`);
  for (const p of sourcePaths) hashSource(h, resolve(p));
  h.update(JSON.stringify({ ...opts, wacsf: opts.wacsf ?? false }));
  return h.digest('hex').slice(0, 24);
}

export function cachePath(cacheDir: string, key: string): string {
  return join(cacheDir, `${key}.bin`);
}

export interface PreparedDataset {
  set: TensorizedSet;
  report: TensorizeReport;
  issues: ImportIssue[];
  fromCache: boolean;
  cacheFile?: string;
  timings: { loadMs: number; tensorizeMs: number };
}

/**
 * Load sources, tensorize, and cache the result; a later call with the same files and options
 * reads the cache instead. Import issues are stored in the cache too so summaries stay complete.
 */
export async function prepareDataset(
  sources: DataSourceSpec[], opts: TensorizeOptions & { cacheDir?: string; records?: SpectrumRecord[] } = {},
): Promise<PreparedDataset> {
  const { cacheDir, records: given, ...tOpts } = opts;
  const key = cacheKey(sources.map((s) => s.path), tOpts, JSON.stringify(sources));
  const file = cacheDir ? cachePath(cacheDir, key) : undefined;
  const t0 = Date.now();
  if (file && existsSync(file)) {
    const hit = loadCache(file);
    if (hit) {
      const { issues = [], ...report } = hit.report as TensorizeReport & { issues?: ImportIssue[] };
      return { set: hit.set, report, issues, fromCache: true, cacheFile: file, timings: { loadMs: Date.now() - t0, tensorizeMs: 0 } };
    }
  }
  const targets = targetDomainsOf(tOpts);
  const ctx: LoadContext = { ...(targets ? { targetDomains: targets } : {}), ...(tOpts.minCoverage !== undefined ? { minCoverage: tOpts.minCoverage } : {}) };
  const loaded = given ? { records: given, issues: [] } : await loadDatasets(sources, ctx);
  const t1 = Date.now();
  const { set, report } = tensorize(loaded.records, tOpts);
  const t2 = Date.now();
  if (file) saveCache(file, set, { ...report, issues: loaded.issues } as TensorizeReport);
  return { set, report, issues: loaded.issues, fromCache: false, ...(file ? { cacheFile: file } : {}), timings: { loadMs: t1 - t0, tensorizeMs: t2 - t1 } };
}
