// Athena (Demeter, Ifeffit-era Athena 0.8) project files as measured spectra. A project is Perl
// written by Data::Dumper: `#` header lines, then per group `$old_group = 'id';`,
// `@args = (key, value, ...);`, `@x = (...);`, `@y = (...);`, optional `@i0`, `@signal`,
// `@stddev`, and a `[record]` line; a journal, plot features and LCF state may follow. Demeter
// can also write the same content as JSON. Pure: the caller decompresses (projects are usually
// gzip-compressed) and hands over text.
import { type PerlValue, readDumper } from './dumper';

export interface AthenaGroup {
  /** 1-based position in the file: Athena's record number. */
  index: number;
  /** Athena's internal group name (`$old_group`). */
  id: string;
  label: string;
  /** xmu, xanes, norm, xmudat (μ(E)); chi, chi(R), chi(q), detector, background, difference, pixel. */
  datatype: string;
  /** Holds μ(E) against energy, so it can be overlaid. */
  isMu: boolean;
  /** Energies with Athena's `bkg_eshift` applied (μ(E) groups); k, R or q as stored otherwise. */
  x: number[];
  /** x exactly as stored in the file. */
  storedX: number[];
  y: number[];
  i0?: number[];
  signal?: number[];
  /** Athena's E0 (`bkg_e0`), in the shifted frame, when the project has one. */
  e0?: number;
  /** Athena's energy shift (`bkg_eshift`, eV); 0 when absent. */
  eshift: number;
  args: ReadonlyMap<string, PerlValue>;
  notes: string[];
  /** Why the group cannot be used at all (unreadable arrays, x and y of different lengths). */
  problem?: string;
  /** First line of the group in the file (Perl projects). */
  line?: number;
}

export interface AthenaProject {
  format: 'perl' | 'json';
  /** "Demeter 0.9.26", "Athena 0.8.056", when the header says. */
  version?: string;
  header: string[];
  groups: AthenaGroup[];
  /** Statements outside the groups that could not be read (they are not needed). */
  notes: string[];
}

const HEADER = /^\uFEFF?\s*#\s*Athena (?:project|record) file\b/;
const VERSION = /Athena (?:project|record) file\s*--\s*(Demeter|Athena) version\s+(\S+)/;
const MU_TYPES = new Set(['xmu', 'xanes', 'norm', 'nor', 'xmudat', 'mu']);
const OPTIONAL_ARRAYS = ['i0', 'signal'] as const;
const DATA_ARRAYS = new Set(['x', 'y', 'i0', 'signal', 'stddev']);

/** True for text that starts like an Athena project (Perl or Demeter's JSON flavour). */
export function isAthenaText(text: string): boolean {
  if (HEADER.test(text.slice(0, 300))) return true;
  const head = text.slice(0, 4000);
  return /^\uFEFF?\s*\{/.test(head) && head.includes('"_____');
}

/** Starts like gzip data that was decoded as text instead of decompressed. */
export function looksGzipped(text: string): boolean {
  return text.charCodeAt(0) === 0x1f && (text.charCodeAt(1) === 0x8b || text.charCodeAt(1) === 0xfffd);
}

interface RawRecord {
  id: string;
  args: Map<string, PerlValue>;
  arrays: Map<string, PerlValue>;
  notes: string[];
  problem?: string;
  line?: number;
}

export function parseAthenaProject(text: string, fileName: string): AthenaProject {
  if (looksGzipped(text)) throw new Error(`${fileName} is gzip-compressed and was not decompressed before reading`);
  const json = /^\uFEFF?\s*\{/.test(text.slice(0, 100));
  const { records, header, notes } = json ? jsonRecords(text, fileName) : perlRecords(text);
  if (records.length === 0) {
    if (!isAthenaText(text)) throw new Error(`${fileName} is not an Athena project file (no "# Athena project file" header and no groups)`);
    throw new Error(`${fileName}: the Athena project holds no data groups ("$old_group = …; … [record]")`);
  }
  const v = header.map((h) => VERSION.exec(h)).find((m) => m !== null);
  return {
    format: json ? 'json' : 'perl',
    ...(v ? { version: `${v[1]} ${v[2]}` } : {}),
    header,
    groups: records.map((r, i) => toGroup(r, i + 1)),
    notes,
  };
}

function perlRecords(text: string): { records: RawRecord[]; header: string[]; notes: string[] } {
  const header: string[] = [];
  for (const line of text.replace(/^\uFEFF/, '').split('\n', 200)) {
    if (/^\s*#/.test(line)) header.push(line.replace(/^\s*#\s?/, '').trimEnd());
    else if (line.trim() !== '') break;
  }
  const records: RawRecord[] = [];
  const notes: string[] = [];
  let current: RawRecord | undefined;
  for (const it of readDumper(text)) {
    if ((it.kind === 'assign' && it.sigil === '$' && it.name === 'old_group') || (it.kind === 'bad' && it.name === 'old_group')) {
      if (current) {
        current.notes.push(`no [record] line before the next group (line ${it.line})`);
        records.push(current);
      }
      current = { id: it.kind === 'assign' ? scalarText(it.value) : '?', args: new Map(), arrays: new Map(), notes: [], line: it.line };
      if (it.kind === 'bad') current.problem = `its $old_group line cannot be read: ${it.message}`;
      continue;
    }
    if (it.kind === 'record') {
      if (current) records.push(current);
      else notes.push(`line ${it.line}: [record] outside any group; ignored`);
      current = undefined;
      continue;
    }
    // The journal, plot features, indicators and LCF state follow the groups; they are not needed.
    if (!current) {
      if (it.kind === 'bad') notes.push(`line ${it.line}: ${it.message}; ignored`);
      continue;
    }
    if (it.kind === 'bad') {
      if (it.name === 'args' || (it.name !== undefined && DATA_ARRAYS.has(it.name) && it.name !== 'stddev')) {
        current.problem ??= `@${it.name} cannot be read: ${it.message}`;
      } else current.notes.push(`line ${it.line}: ${it.message}; ignored`);
      continue;
    }
    if (it.sigil !== '@') continue;
    if (it.name === 'args') current.args = pairs(it.value);
    else if (DATA_ARRAYS.has(it.name)) current.arrays.set(it.name, it.value);
  }
  if (current) {
    current.notes.push("the file ends before this group's [record] line (truncated?)");
    records.push(current);
  }
  return { records, header, notes };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isJsonObject = (v: unknown): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function perlFromJson(v: Json): PerlValue {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(perlFromJson);
  return Object.entries(v).flatMap(([k, x]) => [k, perlFromJson(x)]);
}

// As for the Perl reader: Demeter nests a few levels. JSON.parse takes 10^5 levels, but the
// conversion below and String() of nested arrays recurse and overflowed the call stack.
const MAX_JSON_DEPTH = 64;

/** Deepest nesting of arrays and objects in parsed JSON, counted without recursion. */
function jsonDepth(root: unknown): number {
  let max = 0;
  const stack: { v: unknown; depth: number }[] = [{ v: root, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { v, depth } = top;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) max = depth;
    if (max > MAX_JSON_DEPTH) break;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  return max;
}

/** Demeter's JSON projects: `_____order` lists the groups, each `{args: {...}, x: [...], y: [...]}`. */
function jsonRecords(text: string, fileName: string): { records: RawRecord[]; header: string[]; notes: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${fileName}: unreadable JSON Athena project (${e instanceof Error ? e.message : String(e)})`);
  }
  if (jsonDepth(doc) > MAX_JSON_DEPTH) {
    throw new Error(`${fileName}: unreadable JSON Athena project (nested more than ${MAX_JSON_DEPTH} levels deep)`);
  }
  if (!isJsonObject(doc) || !Array.isArray(doc._____order)) {
    throw new Error(`${fileName} is not an Athena project file (JSON without an "_____order" list of groups)`);
  }
  const header = Object.keys(doc).filter((k) => k.startsWith('_____head')).sort().map((k) => String(doc[k]));
  const records = doc._____order.map((name): RawRecord => {
    const id = String(name);
    const g = Object.hasOwn(doc, id) ? doc[id] : undefined;
    if (!isJsonObject(g)) return { id, args: new Map(), arrays: new Map(), notes: [], problem: 'listed in _____order but missing from the file' };
    const arrays = new Map<string, PerlValue>();
    for (const k of DATA_ARRAYS) if (Object.hasOwn(g, k)) arrays.set(k, perlFromJson(g[k]));
    const args = isJsonObject(g.args) ? new Map(Object.entries(g.args).map(([k, v]) => [k, perlFromJson(v)])) : new Map<string, PerlValue>();
    return { id, args, arrays, notes: [] };
  });
  return { records, header, notes: [] };
}

function scalarText(v: PerlValue | undefined): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** `@args` is a flat key, value list. */
function pairs(v: PerlValue): Map<string, PerlValue> {
  const out = new Map<string, PerlValue>();
  if (!Array.isArray(v)) return out;
  for (let i = 0; i + 1 < v.length; i += 2) {
    const key = scalarText(v[i]);
    if (key !== '') out.set(key, v[i + 1]);
  }
  return out;
}

function asNumber(v: PerlValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return NaN;
  return Number(v.trim());
}

/** Numbers of a data array (NaN for anything else, dropped later with a note); undefined if absent. */
function numbers(v: PerlValue | undefined): number[] | undefined {
  return Array.isArray(v) ? v.map(asNumber) : undefined;
}

function flag(args: ReadonlyMap<string, PerlValue>, key: string): boolean {
  const v = args.get(key);
  if (typeof v === 'number') return v !== 0;
  // `0*(?:\.0*)?`, not `0*\.?0*`: the latter splits a run of zeros every possible way, and a
  // flag of 20,000 zeros and a 1 took a second to read.
  return typeof v === 'string' && !/^\s*(0*(?:\.0*)?|none|false)\s*$/i.test(v);
}

/** Demeter writes the kind of a group as is_* flags; other writers give `datatype`. */
function datatypeOf(args: ReadonlyMap<string, PerlValue>): string {
  const explicit = args.get('datatype');
  if (typeof explicit === 'string' && explicit.trim() !== '') return explicit.trim().toLowerCase();
  const flags: [string, string][] = [
    ['is_chi', 'chi'], ['is_rsp', 'chi(R)'], ['is_qsp', 'chi(q)'], ['not_data', 'detector'], ['is_bkg', 'background'],
    ['is_diff', 'difference'], ['is_pixel', 'pixel'], ['is_xmudat', 'xmudat'], ['is_xanes', 'xanes'], ['is_nor', 'norm'],
  ];
  return flags.find(([k]) => flag(args, k))?.[1] ?? 'xmu';
}

const KIND: Record<string, string> = {
  chi: 'χ(k) data', 'chi(r)': 'χ(R) data', 'chi(q)': 'χ(q) data', detector: 'a detector signal', background: 'a background function',
  difference: 'a difference spectrum', pixel: 'dispersive pixel data',
};

/** Why a group is not offered as a measured spectrum. */
export function notMuReason(g: AthenaGroup): string {
  return `${KIND[g.datatype.toLowerCase()] ?? `"${g.datatype}" data`}, not μ(E)`;
}

function toGroup(r: RawRecord, index: number): AthenaGroup {
  const args = r.args;
  const label = scalarText(args.get('label')).trim() || r.id || `group ${index}`;
  const datatype = datatypeOf(args);
  const isMu = MU_TYPES.has(datatype);
  const notes = [...r.notes];
  const storedX = numbers(r.arrays.get('x')) ?? [];
  const y = numbers(r.arrays.get('y')) ?? [];
  let problem = r.problem;
  if (!problem && !r.arrays.has('x')) problem = 'it has no @x array';
  else if (!problem && !r.arrays.has('y')) problem = 'it has no @y array';
  else if (!problem && storedX.length !== y.length) problem = `@x has ${storedX.length} values but @y has ${y.length}`;
  else if (!problem && storedX.length === 0) problem = 'its @x and @y are empty';
  const e0 = asNumber(args.get('bkg_e0'));
  const shift = asNumber(args.get('bkg_eshift'));
  const eshift = Number.isFinite(shift) ? shift : 0;
  const shifted = isMu && eshift !== 0;
  if (shifted) notes.push(`Athena's energy shift (bkg_eshift) of ${eshift > 0 ? '+' : ''}${eshift} eV applied to the energies`);
  if (isMu && datatype.startsWith('nor')) notes.push('Athena stored this group already normalised');
  if (datatype === 'xmudat') notes.push("μ(E) imported from FEFF's xmu.dat (a calculation)");
  const group: AthenaGroup = {
    index, id: r.id, label, datatype, isMu,
    x: shifted ? storedX.map((v) => v + eshift) : storedX,
    storedX, y, eshift, args, notes,
    ...(Number.isFinite(e0) && e0 > 0 ? { e0 } : {}),
    ...(problem ? { problem } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
  };
  for (const name of OPTIONAL_ARRAYS) {
    const a = numbers(r.arrays.get(name));
    if (!a) continue;
    if (a.length === storedX.length) group[name] = a;
    else notes.push(`@${name} has ${a.length} values for ${storedX.length} energies; not used`);
  }
  return group;
}

/** One line per group for lists and messages: `2  "Fe2O3"  xmu, 251 points, E0 7122.00 eV`. */
export function describeAthenaGroup(g: AthenaGroup): string {
  const what = g.problem ? `unreadable: ${g.problem}` : !g.isMu ? notMuReason(g) : `${g.datatype}, ${g.x.length} points${g.e0 !== undefined ? `, E0 ${g.e0.toFixed(2)} eV` : ''}`;
  return `${String(g.index).padStart(3)}  "${g.label}"  ${what}`;
}

/** The groups a picker offers: μ(E) and readable. */
export function overlayableGroups(project: AthenaProject): AthenaGroup[] {
  return project.groups.filter((g) => g.isMu && !g.problem);
}

/** Thrown when the caller has to name one of several groups; the message lists them. */
export class AthenaGroupChoiceError extends Error {}

function groupError(fileName: string, g: AthenaGroup): Error {
  const which = `group ${g.index} "${g.label}"`;
  if (g.problem) return new Error(`${fileName}: ${which} cannot be read: ${g.problem}`);
  return new Error(`${fileName}: ${which} is ${notMuReason(g)}; choose a μ(E) group`);
}

function listing(project: AthenaProject): string {
  return project.groups.map(describeAthenaGroup).join('\n');
}

/**
 * The group to use: `want` is a label (exact, then case-insensitive) or Athena's 1-based record
 * number. Without `want` the only μ(E) group is taken, and several are an error that lists them.
 */
export function selectAthenaGroup(project: AthenaProject, fileName: string, want?: string | number): AthenaGroup {
  const groups = project.groups;
  if (want === undefined) {
    const mu = groups.filter((g) => g.isMu);
    const usable = mu.filter((g) => !g.problem);
    if (usable.length === 1) return usable[0];
    if (mu.length === 1) throw groupError(fileName, mu[0]);
    if (mu.length === 0) throw new Error(`${fileName}: none of its ${groups.length} group(s) holds μ(E):\n${listing(project)}`);
    if (usable.length === 0) throw new Error(`${fileName}: none of its μ(E) groups can be read:\n${listing(project)}`);
    throw new AthenaGroupChoiceError(`${fileName} holds ${usable.length} μ(E) groups; choose one by label or record number:\n${listing(project)}`);
  }
  const text = String(want).trim();
  const exact = groups.filter((g) => g.label === String(want));
  const byIndex = /^\d+$/.test(text) ? groups.filter((g) => g.index === Number(text)) : [];
  const loose = groups.filter((g) => g.label.trim().toLowerCase() === text.toLowerCase());
  // A label that is itself a number wins over the record number only when given as text.
  const found = typeof want === 'number' ? byIndex : exact.length > 0 ? exact : byIndex.length > 0 ? byIndex : loose;
  if (found.length === 0) throw new AthenaGroupChoiceError(`${fileName}: no group labelled or numbered "${text}"; its groups:\n${listing(project)}`);
  if (found.length > 1) {
    throw new AthenaGroupChoiceError(`${fileName}: ${found.length} groups are labelled "${text}" (records ${found.map((g) => g.index).join(', ')}); choose one by record number:\n${listing(project)}`);
  }
  const g = found[0];
  if (g.problem || !g.isMu) throw groupError(fileName, g);
  return g;
}

function perlQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function perlList(values: readonly (string | number)[]): string {
  return `(${values.map((v) => perlQuote(String(v))).join(',')})`;
}

/**
 * One group as a small project of its own, read back by the same parser: the extension host
 * decompresses and picks the group, and hands this to the spectrum panel, which cannot gunzip
 * and need not hold the whole project in its saved state.
 */
export function athenaGroupText(g: AthenaGroup, source: string): string {
  const args: (string | number)[] = ['label', g.label, 'datatype', g.datatype, 'bkg_eshift', g.eshift];
  if (g.e0 !== undefined) args.push('bkg_e0', g.e0);
  const lines = [
    '# Athena project file -- one group extracted by XANES Lens',
    `# from ${source.replace(/[\r\n]+/g, ' ')}, record ${g.index}`,
    '',
    `$old_group = ${perlQuote(g.id)};`,
    `@args = ${perlList(args)};`,
    `@x = ${perlList(g.storedX)};`,
    `@y = ${perlList(g.y)};`,
  ];
  for (const name of OPTIONAL_ARRAYS) {
    const a = g[name];
    if (a) lines.push(`@${name} = ${perlList(a)};`);
  }
  lines.push('[record]', '');
  return lines.join('\n');
}
