// Measured spectra paired with the structures they were measured on: the data a scientist has
// for fine-tuning or scoring a model against experiment. Pairs come from a folder (CuO.cif beside
// CuO.xdi, matched by file stem) or from a `*.pairs.json` manifest that lists them with what a
// file name cannot say (block, absorber, site, Athena group, energy shift, target domain).
//
// Each spectrum is read by the spectrum panel's loader and normalised to edge step 1 as the panel
// and `xanes-lens normalize` do, because the models learn edge-step normalised μ. Records keep
// method 'experiment' and name the output domain they train or score (`domain`): with a model's
// domains given (evaluate, fine-tune) that is the model's domain for the absorber, so a measured
// set reaches the head fine-tuning tunes. One bad pair is one ImportIssue, never a throw.
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { formatFromPath, parseDocument } from '../../parse';
import { loadSpectrumBytes } from '../../spectrum/bytes';
import { kEdgeEnergy } from '../../spectrum/edges';
import { EXPERIMENTAL_EXTENSIONS, partChoiceNeeded } from '../../spectrum/load';
import { normalizeSpectrum, type NormalizeOptions } from '../../spectrum/normalize';
import { structureFromArrays } from '../../structure/build';
import type { Structure, StructureBlock, StructureFormat } from '../../structure/types';
import { defaultDomainFor, domainFromId, PAPER_START_EV, type DomainSpec } from '../domains';
import { recordProblem, type ImportIssue, type ImportResult, type SpectrumRecord } from '../record';
import { DEFAULT_MIN_COVERAGE, resampleOntoGrid } from '../resample';
import { canonicalElement, errorMessage, isFolder, isObject, type Json, type JsonObject, walkFolders } from './common';
import { parsePoscar } from './feff';
import { readText } from './lines';

/** Method of every measured record: never mixed with a simulation code's own domain by default. */
export const MEASURED_METHOD = 'experiment';

const MANIFEST = /\.pairs\.json$/i;

export function isManifestName(name: string): boolean {
  return MANIFEST.test(name);
}

/** Name without a trailing .gz (measured files and structures may arrive compressed). */
function plainName(name: string): string {
  return name.replace(/\.gz$/i, '');
}

/**
 * Structure format of a file name: the editor's (formatFromPath), and beyond it any name that
 * starts with POSCAR/CONTCAR (`POSCAR.relaxed`): a manifest names its files, so nothing else
 * can be swallowed the way a file-association pattern would.
 */
export function structureKind(name: string): StructureFormat | undefined {
  const n = plainName(basename(name));
  if (/^(POSCAR|CONTCAR)\b/i.test(n)) return 'poscar';
  return formatFromPath(n) ?? undefined;
}

export function isSpectrumName(name: string): boolean {
  const ext = extname(plainName(basename(name))).slice(1).toLowerCase();
  return EXPERIMENTAL_EXTENSIONS.includes(ext);
}

/** The stem two partner files share: 'CuO.xdi.gz' → 'CuO'. */
function stemOf(name: string): string {
  const n = plainName(name);
  return n.slice(0, n.length - extname(n).length);
}

/** One structure + spectrum pair with everything a manifest may say about it. */
export interface MeasuredPair {
  structure: string;
  spectrum: string;
  /** Record id (default: the spectrum's stem, and its Athena group). */
  id: string;
  /** Split key (default: the structure's stem, so spectra of one structure stay on one side). */
  material: string;
  block?: string;
  element?: string;
  /** CIF/XYZ label ('Cu1') or 0-based index into the expanded sites; absent = site-averaged. */
  site?: string | number;
  /** Athena project group: label or 1-based record number. */
  group?: string | number;
  /** SPEC scan: its number, or "12.2" for the second scan numbered 12. */
  scan?: string | number;
  /** eV added to the measured energies before use. */
  shift?: number;
  /** Output domain id, e.g. 'Fe-K-FEFF'. */
  domain?: string;
  normalize?: NormalizeOptions;
  licence?: string;
  /** The file that made the pair (its manifest, or the spectrum itself), for issues about the pair as a whole. */
  origin: string;
}

export interface PairList {
  pairs: MeasuredPair[];
  issues: ImportIssue[];
}

// ---- finding pairs -------------------------------------------------------------------------

/**
 * Structure and spectrum files matched by stem, folder by folder. A stem with two structures or
 * two spectra is ambiguous and reported; so is a file without a partner.
 */
export function findStemPairs(root: string, maxDepth = 6): PairList {
  const out: PairList = { pairs: [], issues: [] };
  walkFolders(root, (dir, entries) => {
    const byStem = new Map<string, { structures: string[]; spectra: string[] }>();
    for (const e of entries) {
      if (e.startsWith('.') || isManifestName(e)) continue;
      const isStructure = structureKind(e) !== undefined && !/^(POSCAR|CONTCAR)$/i.test(plainName(e));
      const isSpectrum = isSpectrumName(e);
      if (!isStructure && !isSpectrum) continue;
      if (isFolder(join(dir, e))) continue;
      const stem = stemOf(e);
      const slot = byStem.get(stem) ?? { structures: [], spectra: [] };
      (isStructure ? slot.structures : slot.spectra).push(e);
      byStem.set(stem, slot);
    }
    for (const [stem, { structures, spectra }] of byStem) {
      const id = relative(root, join(dir, stem)).replace(/[\\/]/g, '_');
      if (structures.length === 1 && spectra.length === 1) {
        const spectrum = join(dir, spectra[0]);
        out.pairs.push({ structure: join(dir, structures[0]), spectrum, id, material: id, origin: spectrum });
        continue;
      }
      const files = [...structures, ...spectra];
      const file = join(dir, files[0]);
      if (structures.length === 0) out.issues.push({ file, id, reason: `no structure file named ${stem}.* (.cif .xyz .vasp …) beside this spectrum` });
      else if (spectra.length === 0) out.issues.push({ file, id, reason: `no measured spectrum named ${stem}.* (${EXPERIMENTAL_EXTENSIONS.map((x) => '.' + x).join(' ')}) beside this structure` });
      else out.issues.push({ file, id, reason: `${files.join(', ')} share the stem '${stem}': keep one structure and one spectrum, or list the pair in a *.pairs.json manifest` });
    }
  }, maxDepth);
  return out;
}

/** Every *.pairs.json below root, sorted for stable ids. */
export function findManifests(root: string, maxDepth = 6): string[] {
  const out: string[] = [];
  walkFolders(root, (dir, entries) => {
    for (const e of entries) if (!e.startsWith('.') && isManifestName(e) && !isFolder(join(dir, e))) out.push(join(dir, e));
  }, maxDepth);
  return out.sort();
}

const ENTRY_KEYS = ['structure', 'spectrum', 'block', 'element', 'site', 'group', 'scan', 'shift', 'id', 'material', 'domain', 'normalize', 'licence'] as const;
const DEFAULT_KEYS = ['pairs', 'shift', 'domain', 'element', 'licence'] as const;

function finiteNumber(v: Json | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function rangeOf(v: Json | undefined): [number, number] | undefined {
  return Array.isArray(v) && v.length === 2 && finiteNumber(v[0]) && finiteNumber(v[1]) && v[0] < v[1] ? [v[0], v[1]] : undefined;
}

/** The normalize block of an entry: the options of `xanes-lens normalize` (--e0 --pre --norm --nnorm). */
function normalizeOptions(v: Json | undefined): NormalizeOptions | string {
  if (!isObject(v)) return "'normalize' must be an object {e0?, pre?, norm?, nnorm?}";
  const out: NormalizeOptions = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'e0' && finiteNumber(x)) out.e0 = x;
    else if (k === 'nnorm' && finiteNumber(x) && [0, 1, 2].includes(x)) out.nnorm = x;
    else if (k === 'pre' || k === 'norm') {
      const r = rangeOf(x);
      if (!r) return `'normalize.${k}' must be two increasing numbers (eV from E0)`;
      out[k] = r;
    } else return `'normalize.${k}' is not an e0, pre, norm or nnorm (0–2) value`;
  }
  return out;
}

/** One manifest entry → a pair (paths resolved against the manifest's folder), or a reason. */
function manifestEntry(o: JsonObject, defaults: JsonObject, dir: string, origin: string): MeasuredPair | string {
  const unknown = Object.keys(o).filter((k) => !(ENTRY_KEYS as readonly string[]).includes(k));
  if (unknown.length) return `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${ENTRY_KEYS.join(', ')})`;
  const text = (k: string): string | undefined | null => {
    const v = o[k] ?? defaults[k];
    if (v === undefined) return undefined;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  const structure = text('structure');
  const spectrum = text('spectrum');
  if (!structure || !spectrum) return "'structure' and 'spectrum' (paths relative to the manifest) are required";
  for (const k of ['block', 'element', 'id', 'material', 'domain', 'licence']) {
    if (text(k) === null) return `'${k}' must be a non-empty string`;
  }
  const site = o.site;
  if (site !== undefined && !(typeof site === 'string' && site.trim() !== '') && !(Number.isInteger(site) && (site as number) >= 0)) {
    return "'site' must be a site label ('Cu1') or a 0-based site index";
  }
  const group = o.group;
  if (group !== undefined && !(typeof group === 'string' && group.trim() !== '') && !(Number.isInteger(group) && (group as number) >= 1)) {
    return "'group' must be an Athena group label or its 1-based record number";
  }
  const scan = o.scan;
  if (scan !== undefined && !(typeof scan === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(scan)) && !(Number.isInteger(scan) && (scan as number) >= 0)) {
    return "'scan' must be a SPEC scan number (12, or \"12.2\" for the second scan numbered 12)";
  }
  if (scan !== undefined && group !== undefined) return "'group' (Athena) and 'scan' (SPEC) exclude each other";
  const shift = o.shift ?? defaults.shift;
  if (shift !== undefined && !finiteNumber(shift)) return "'shift' must be a number of eV";
  const normalize = o.normalize === undefined ? undefined : normalizeOptions(o.normalize);
  if (typeof normalize === 'string') return normalize;
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  const specPath = at(spectrum);
  const structPath = at(structure);
  const part = group ?? scan;
  const groupTag = part !== undefined ? `-${String(part).trim().replace(/\s+/g, '_')}` : '';
  const opt = (k: string): string | undefined => text(k) ?? undefined;
  return {
    structure: structPath,
    spectrum: specPath,
    id: opt('id') ?? `${stemOf(basename(specPath))}${groupTag}`,
    material: opt('material') ?? stemOf(basename(structPath)),
    origin,
    ...(opt('block') ? { block: opt('block') } : {}),
    ...(opt('element') ? { element: opt('element') } : {}),
    ...(site !== undefined ? { site: typeof site === 'string' ? site.trim() : (site as number) } : {}),
    ...(group !== undefined ? { group: typeof group === 'string' ? group.trim() : (group as number) } : {}),
    ...(scan !== undefined ? { scan: typeof scan === 'string' ? scan.trim() : (scan as number) } : {}),
    ...(shift !== undefined ? { shift: shift as number } : {}),
    ...(opt('domain') ? { domain: opt('domain') } : {}),
    ...(normalize ? { normalize } : {}),
    ...(opt('licence') ? { licence: opt('licence') } : {}),
  };
}

/**
 * A manifest: `[entry, …]`, or `{ pairs: [entry, …], shift?, domain?, element?, licence? }` whose
 * other keys are defaults for every entry (one beamtime's calibration offset, say).
 */
export function parseManifest(text: string, file: string): PairList {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    return { pairs: [], issues: [{ file, reason: `invalid JSON: ${errorMessage(e)}` }] };
  }
  let entries: Json[];
  let defaults: JsonObject = {};
  if (Array.isArray(doc)) entries = doc;
  else if (isObject(doc) && Array.isArray(doc.pairs)) {
    const unknown = Object.keys(doc).filter((k) => !(DEFAULT_KEYS as readonly string[]).includes(k));
    if (unknown.length) return { pairs: [], issues: [{ file, reason: `unknown top-level key(s) ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${DEFAULT_KEYS.join(', ')})` }] };
    entries = doc.pairs;
    const { pairs: _p, ...rest } = doc;
    defaults = rest;
  } else {
    return { pairs: [], issues: [{ file, reason: "a pairs manifest is a JSON array of pairs or an object with a 'pairs' array" }] };
  }
  const out: PairList = { pairs: [], issues: [] };
  entries.forEach((e, i) => {
    const r = isObject(e) ? manifestEntry(e, defaults, dirname(file), file) : 'an entry must be an object {structure, spectrum, …}';
    if (typeof r === 'string') out.issues.push({ file, reason: `pairs[${i}]: ${r}` });
    else out.pairs.push(r);
  });
  if (entries.length === 0) out.issues.push({ file, reason: 'the manifest lists no pairs' });
  return out;
}

export function readManifest(file: string): PairList {
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    return { pairs: [], issues: [{ file, reason: `cannot read: ${errorMessage(e)}` }] };
  }
  return parseManifest(text, file);
}

/** Pairs of a source: a manifest file; a folder's manifests when it has any, else its stem pairs. */
export function findPairs(path: string): PairList {
  if (!isFolder(path)) return readManifest(path);
  const manifests = findManifests(path);
  if (manifests.length === 0) return findStemPairs(path);
  const out: PairList = { pairs: [], issues: [] };
  for (const m of manifests) {
    const r = readManifest(m);
    out.pairs.push(...r.pairs);
    out.issues.push(...r.issues);
  }
  return out;
}

/** Every file a measured source reads (manifests point outside their folder), for cache keys. */
export function measuredInputs(path: string): string[] {
  const manifests = isFolder(path) ? findManifests(path) : isManifestName(path) ? [path] : [];
  return manifests.flatMap((m) => [m, ...readManifest(m).pairs.flatMap((p) => [p.structure, p.spectrum])]);
}

// ---- one pair → one record -------------------------------------------------------------------

/** A problem with one pair, and the file it is about. */
class PairProblem extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
  }
}

interface ReadStructure {
  structure: Structure;
  block: string;
}

function readStructure(file: string, wantBlock: string | undefined): ReadStructure {
  const kind = structureKind(file);
  if (!kind) throw new PairProblem(file, 'not a structure file (.cif .mcif .xyz .extxyz .vasp .poscar, POSCAR, CONTCAR)');
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    throw new PairProblem(file, `cannot read the structure: ${errorMessage(e)}`);
  }
  const stem = stemOf(basename(file));
  if (kind === 'poscar') {
    if (wantBlock !== undefined) throw new PairProblem(file, `'block' names a CIF block or XYZ frame; a POSCAR has one structure`);
    try {
      const p = parsePoscar(text);
      return { structure: structureFromArrays({ name: stem, lattice: p.lattice, species: p.species, ...(p.cartesian ? { cart: p.coords } : { frac: p.coords }) }), block: stem };
    } catch (e) {
      throw new PairProblem(file, errorMessage(e));
    }
  }
  const doc = parseDocument(text, kind);
  const withAtoms = doc.blocks.filter((b) => b.structure && b.structure.sites.length > 0);
  let block: StructureBlock | undefined;
  if (wantBlock !== undefined) {
    block = doc.blocks.find((b) => b.name === wantBlock) ?? doc.blocks.find((b) => b.name.toLowerCase() === wantBlock.toLowerCase());
    if (!block) throw new PairProblem(file, `no block '${wantBlock}' (blocks: ${doc.blocks.map((b) => b.name).join(', ') || 'none'})`);
  } else if (withAtoms.length === 1) {
    block = withAtoms[0];
  } else if (withAtoms.length === 0) {
    const first = doc.diagnostics.find((d) => d.severity === 'error');
    throw new PairProblem(file, `no structure with atoms${first ? `: line ${first.range.start.line + 1}: ${first.message}` : ''}`);
  } else {
    throw new PairProblem(file, `${withAtoms.length} blocks hold atoms (${withAtoms.map((b) => b.name).join(', ')}): name one with 'block' in a *.pairs.json manifest`);
  }
  const { start, end } = block.range;
  const error = doc.diagnostics.find((d) => d.severity === 'error' && d.range.start.line >= start.line && d.range.start.line <= end.line);
  if (!block.structure || block.structure.sites.length === 0 || error) {
    throw new PairProblem(file, `block '${block.name}' cannot be used${error ? `: line ${error.range.start.line + 1}: ${error.message}` : ': it holds no atoms'}`);
  }
  return { structure: block.structure, block: block.name };
}

interface ReadSpectrum {
  energies: number[];
  mu: number[];
  e0: number;
  edgeStep: number;
  /** Element.symbol / Element.edge of an XDI header. */
  element?: string;
  edge?: string;
}

function metadataValue(metadata: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(metadata).find((k) => k.toLowerCase() === name.toLowerCase());
  return key !== undefined ? metadata[key].trim() || undefined : undefined;
}

function readSpectrum(pair: MeasuredPair): ReadSpectrum {
  const file = pair.spectrum;
  const name = basename(file);
  if (/\.chik$/i.test(plainName(name))) throw new PairProblem(file, 'holds χ(k), not μ(E): export μ(E) or normalised μ(E) (.xmu, .nor, .xdi)');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new PairProblem(file, `cannot read the spectrum: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
  }
  let loaded;
  try {
    const select = pair.group ?? pair.scan;
    loaded = loadSpectrumBytes(bytes, name, undefined, select !== undefined ? { select } : {});
  } catch (e) {
    const part = partChoiceNeeded(e);
    const hint = part ? `\nname the ${part} with '${part}' in a *.pairs.json manifest` : '';
    throw new PairProblem(file, `${errorMessage(e)}${hint}`);
  }
  if (pair.group !== undefined && !loaded.athena) throw new PairProblem(file, `'group' picks a group of an Athena project; ${name} is read as ${loaded.format}`);
  if (pair.scan !== undefined && loaded.format !== 'spec') throw new PairProblem(file, `'scan' picks a scan of a SPEC file; ${name} is read as ${loaded.format}`);
  let r;
  try {
    r = normalizeSpectrum(loaded.spectrum.energies, loaded.spectrum.mu, pair.normalize ?? {});
  } catch (e) {
    throw new PairProblem(file, `cannot normalise to edge step 1: ${errorMessage(e)}`);
  }
  const element = metadataValue(loaded.metadata, 'Element.symbol');
  const edge = metadataValue(loaded.metadata, 'Element.edge');
  return { energies: r.energies, mu: r.norm, e0: r.e0, edgeStep: r.edgeStep, ...(element ? { element } : {}), ...(edge ? { edge } : {}) };
}

/** Elements the target domains (or, without them, the default K-edge grids) cover. */
function coveredElements(targets: readonly DomainSpec[] | undefined): Set<string> {
  if (targets) return new Set(targets.filter((d) => d.edge === 'K').map((d) => d.element));
  return new Set(Object.keys(PAPER_START_EV));
}

/**
 * The absorbing element: named (manifest, then the source's `absorber`), else the XDI header's,
 * else the only element of the structure that the domains cover. A reason when none fits.
 */
export function chooseElement(
  structureElements: readonly string[], named: string | undefined, fromFile: string | undefined, targets: readonly DomainSpec[] | undefined,
): string | { reason: string; aboutSpectrum?: boolean } {
  const file = fromFile !== undefined ? canonicalElement(fromFile) : undefined;
  if (fromFile !== undefined && !file) return { reason: `Element.symbol '${fromFile}' is not an element`, aboutSpectrum: true };
  if (named !== undefined) {
    const el = canonicalElement(named);
    if (!el) return { reason: `'${named}' is not an element` };
    if (file && file !== el) return { reason: `the spectrum's header says Element.symbol ${file}, the pair says ${el}`, aboutSpectrum: true };
    return el;
  }
  if (file) return file;
  const covered = coveredElements(targets);
  const present = [...new Set(structureElements)];
  const candidates = present.filter((e) => covered.has(e));
  if (candidates.length === 1) return candidates[0];
  const scope = targets ? "the model's domains" : 'the K-edge grids';
  if (candidates.length === 0) return { reason: `none of the structure's elements (${present.join(', ')}) is covered by ${scope}; name the absorber with 'element'` };
  return { reason: `cannot tell the absorbing element: ${candidates.join(', ')} are all covered by ${scope}; name one with 'element' in a *.pairs.json manifest (or Element.symbol in the XDI header)` };
}

/**
 * The output domain a measured spectrum trains or scores: the one named; else, among the target
 * domains (a model's), the element's K-edge domain — with several, the one predictions on this
 * structure use (FEFF for crystals, FDMNES for molecules, as the predictor chooses) or a listed
 * domain of measured spectra; without targets, the element's own measured domain.
 */
export function chooseDomain(
  element: string, periodic: boolean, named: string | undefined, targets: readonly DomainSpec[] | undefined, method: string,
): DomainSpec | string {
  if (named !== undefined) {
    const d = targets ? targets.find((t) => t.id === named) : domainFromId(named);
    if (!d) return targets ? `the model has no domain ${named} (it has ${targets.map((t) => t.id).join(', ')})` : `no grid for a domain named ${named}`;
    if (d.element !== element || d.edge !== 'K') return `domain ${named} is not the ${element} K edge`;
    return d;
  }
  if (!targets) {
    const d = defaultDomainFor({ absorber: element, edge: 'K', method });
    return d ?? `no K-edge grid for ${element}`;
  }
  const mine = targets.filter((t) => t.element === element && t.edge === 'K');
  if (mine.length === 1) return mine[0];
  if (mine.length === 0) return `no ${element} K-edge domain among ${targets.map((t) => t.id).join(', ') || 'none'}`;
  const own = mine.filter((t) => t.method === method);
  if (own.length === 1) return own[0];
  const usual = mine.filter((t) => t.method === (periodic ? 'FEFF' : 'FDMNES'));
  if (usual.length === 1) return usual[0];
  return `${mine.length} ${element} K-edge domains (${mine.map((t) => t.id).join(', ')}): name one with 'domain' in a *.pairs.json manifest`;
}

/** Absorber index of a `site` (label or 0-based index), or a reason. */
export function resolveSite(structure: Structure, site: string | number, element: string): number | string {
  let index: number;
  if (typeof site === 'number') {
    if (site >= structure.sites.length) return `site ${site} does not exist (${structure.sites.length} atoms in the expanded structure)`;
    index = site;
  } else {
    const exact = structure.sites.findIndex((s) => s.label === site);
    index = exact >= 0 ? exact : structure.sites.findIndex((s) => s.label.toLowerCase() === site.toLowerCase());
    if (index < 0) return `no site labelled '${site}'`;
  }
  const s = structure.sites[index];
  if (s.element !== element) return `site ${typeof site === 'number' ? site : `'${site}'`} is ${s.element}, not the absorber ${element}`;
  return index;
}

export interface MeasuredOptions {
  /** Domains to map onto (a model's, when evaluating or fine-tuning). */
  targetDomains?: readonly DomainSpec[];
  /** Share of the domain window a spectrum must cover (default 0.8, as tensorize). */
  minCoverage?: number;
  /** Absorber for every pair that names none (a config source's `absorber`). */
  absorber?: string;
  method?: string;
  licence?: string;
}

const fmt = (x: number): string => x.toFixed(1);

export function importPair(pair: MeasuredPair, opts: MeasuredOptions = {}): SpectrumRecord {
  const method = opts.method ?? MEASURED_METHOD;
  const { structure, block } = readStructure(pair.structure, pair.block);
  const spectrum = readSpectrum(pair);
  if (spectrum.edge !== undefined && spectrum.edge.toUpperCase() !== 'K') {
    throw new PairProblem(pair.spectrum, `Element.edge is ${spectrum.edge}: only K-edge spectra are modelled`);
  }
  const element = chooseElement(structure.sites.map((s) => s.element), pair.element ?? opts.absorber, spectrum.element, opts.targetDomains);
  if (typeof element !== 'string') throw new PairProblem(element.aboutSpectrum ? pair.spectrum : pair.structure, element.reason);
  const absorberSites = structure.sites.filter((s) => s.element === element).length;
  if (absorberSites === 0) throw new PairProblem(pair.structure, `no ${element} atom in block '${block}'`);
  let absorberIndex: number | null = null;
  if (pair.site !== undefined) {
    const i = resolveSite(structure, pair.site, element);
    if (typeof i === 'string') throw new PairProblem(pair.structure, i);
    absorberIndex = i;
  }
  const domain = chooseDomain(element, structure.lattice !== null, pair.domain, opts.targetDomains, method);
  if (typeof domain === 'string') throw new PairProblem(pair.origin, domain);
  const shift = pair.shift ?? 0;
  let energies = spectrum.energies.map((e) => e + shift);
  if (domain.relative) {
    // Edge-relative heads are placed at the tabulated edge for display; the inverse here keeps a
    // measured curve and a prediction on one axis.
    const edge = kEdgeEnergy(element);
    if (edge === undefined) throw new PairProblem(pair.origin, `domain ${domain.id} is edge-relative and ${element} has no tabulated K edge`);
    energies = energies.map((e) => e - edge);
  }
  const minCoverage = opts.minCoverage ?? DEFAULT_MIN_COVERAGE;
  const { coverage } = resampleOntoGrid(energies, spectrum.mu, domain.energies);
  if (coverage < minCoverage) {
    const grid = domain.energies;
    const unit = domain.relative ? ' eV from the edge' : ' eV';
    throw new PairProblem(pair.spectrum,
      `covers ${(100 * coverage).toFixed(1)} % of the ${domain.id} window ${fmt(grid[0])}–${fmt(grid[grid.length - 1])}${unit} (< ${(100 * minCoverage).toFixed(0)} %): ` +
      `the spectrum spans ${fmt(energies[0])}–${fmt(energies[energies.length - 1])}${unit}${shift ? ` after the ${shift > 0 ? '+' : ''}${shift} eV shift` : ''}`);
  }
  const record: SpectrumRecord = {
    id: pair.id,
    materialId: pair.material,
    absorber: element,
    absorberIndex,
    edge: 'K',
    method,
    structure,
    energies,
    mu: spectrum.mu,
    ...(domain.relative ? { relativeEnergies: true } : {}),
    ...(absorberIndex === null ? { siteAveraged: true } : {}),
    // Only when it differs from what (absorber, edge, method) would give, so plain records stay plain.
    ...(defaultDomainFor({ absorber: element, edge: 'K', method, relativeEnergies: domain.relative })?.id !== domain.id ? { domain: domain.id } : {}),
    source: `${pair.spectrum}${(pair.group ?? pair.scan) !== undefined ? `#${pair.group ?? pair.scan}` : ''}`,
    licence: pair.licence ?? opts.licence ?? 'unknown',
  };
  const problem = recordProblem(record);
  if (problem) throw new PairProblem(pair.spectrum, problem);
  return record;
}

/**
 * A folder of pairs or a manifest → records. Every problem is an issue naming its file; ids met
 * twice are kept once.
 */
export function importMeasured(path: string, opts: MeasuredOptions = {}): ImportResult {
  const found = findPairs(path);
  const out: ImportResult = { records: [], issues: [...found.issues] };
  const seen = new Set<string>();
  for (const pair of found.pairs) {
    if (seen.has(pair.id)) {
      out.issues.push({ file: pair.spectrum, id: pair.id, reason: `duplicate record id '${pair.id}': skipped (give each pair its own 'id')` });
      continue;
    }
    try {
      out.records.push(importPair(pair, opts));
      seen.add(pair.id);
    } catch (e) {
      out.issues.push({ file: e instanceof PairProblem ? e.file : pair.spectrum, id: pair.id, reason: errorMessage(e) });
    }
  }
  if (found.pairs.length === 0 && out.issues.length === 0) {
    out.issues.push({ file: path, reason: 'no structure + measured spectrum pair (CuO.cif + CuO.xdi) or *.pairs.json manifest found' });
  }
  return out;
}
