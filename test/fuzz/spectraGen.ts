// Measured spectrum files for the loader fuzzer: the fixtures in test/fixtures/spectra and
// synthetic files written the way beamlines, Athena, Larch, SPEC and spreadsheets write them
// (XDI with random columns and units, column tables with random separators, headers and decimal
// commas, SPEC files with random scans, Athena projects as Data::Dumper Perl or Demeter JSON,
// SPring-8 9809 angle scans). Every choice comes from the Rng, so a case replays from its seed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HC_EV_ANGSTROM } from '../../server/src/spectrum/columns';
import type { Rng } from './rng';

export type MeasuredKind = 'fixture' | 'xdi' | 'columns' | '9809' | 'spec' | 'athena' | 'athena-json';

export interface MeasuredDoc {
  kind: MeasuredKind;
  text: string;
  fileName: string;
}

// ---- Fixtures ---------------------------------------------------------------------------------

let fixtureCache: MeasuredDoc[] | undefined;

/** Every fixture as text (gzip projects decompressed: the encoder may compress them again). */
export function spectrumFixtures(): MeasuredDoc[] {
  if (fixtureCache) return fixtureCache;
  const dir = path.resolve('test/fixtures/spectra');
  fixtureCache = readdirSync(dir).sort().map((name) => {
    const bytes = readFileSync(path.join(dir, name));
    const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    return { kind: 'fixture', text: data.toString('utf8'), fileName: name };
  });
  if (fixtureCache.length === 0) throw new Error(`no fixtures in ${dir}`);
  return fixtureCache;
}

// ---- A synthetic K-edge scan -------------------------------------------------------------------

export interface Scan {
  e0: number;
  energies: number[];
  mu: number[];
  i0: number[];
  it: number[];
  fl: number[];
  ref: number[];
}

/** An arctan edge with a white line, measured in transmission and fluorescence at once. */
export function syntheticScan(r: Rng): Scan {
  const e0 = r.pick([4966, 5989, 7112, 7709, 8333, 8979, 9659, 17998, 20000, 25514]);
  // A few scans too short for a spectrum, so the refusals are exercised too.
  const n = r.chance(0.04) ? r.int(0, 6) : r.int(15, r.chance(0.1) ? 1200 : 250);
  const step = r.pick([0.1, 0.25, 0.5, 1, 2, 3, 5]);
  const start = e0 - r.int(5, 220);
  const width = 0.5 + 3 * r.float();
  const jump = r.chance(0.1) ? r.float() * 0.02 : 0.1 + 2 * r.float();
  const dilute = r.chance(0.3);
  const noise = r.chance(0.5) ? 0 : r.float() * 0.01;
  const s: Scan = { e0, energies: [], mu: [], i0: [], it: [], fl: [], ref: [] };
  for (let i = 0; i < n; i++) {
    const e = start + i * step + (r.chance(0.05) ? (r.float() - 0.5) * step : 0);
    const x = e - e0;
    const edge = 0.5 + Math.atan(x / width) / Math.PI;
    const m = 0.1 + 1e-4 * (e - start) + jump * (edge + 0.3 * Math.exp(-(((x - 5) / 3) ** 2))) + noise * (r.float() - 0.5);
    const i0 = 1e5 * (1 - 1e-4 * i) * (1 + 0.002 * (r.float() - 0.5));
    s.energies.push(e);
    s.mu.push(m);
    s.i0.push(i0);
    s.it.push(i0 * Math.exp(-(dilute ? 0.5 + 0.001 * m : m)));
    s.fl.push(i0 * (dilute ? m : 0.01) * 0.02);
    s.ref.push(i0 * Math.exp(-m - 0.8));
  }
  if (r.chance(0.1)) for (const a of [s.energies, s.mu, s.i0, s.it, s.fl, s.ref]) a.reverse();
  if (r.chance(0.05) && n > 2) {
    // A repeated point at a monochromator turn-around.
    const k = r.int(1, n - 1);
    for (const a of [s.energies, s.mu, s.i0, s.it, s.fl, s.ref]) a.splice(k, 0, a[k - 1]);
  }
  return s;
}

interface Column {
  name: string;
  units?: string;
  values: number[];
}

/** How the energy is written: eV, keV, relative to E0, or the Bragg angle of a Si(111) crystal. */
function energyColumn(r: Rng, s: Scan, header: string[]): Column {
  const how = r.pick(['ev', 'ev', 'ev', 'kev', 'relative', 'angle'] as const);
  if (how === 'kev') {
    return { name: r.pick(['Energy', 'energy', 'E', 'energy_keV', 'Energy (keV)']), units: 'keV', values: s.energies.map((e) => e / 1000) };
  }
  if (how === 'relative') {
    if (r.chance(0.6)) header.push(`${r.pick(['E0', 'edge_energy', 'E0 '])}${r.pick(['=', ':', ' = '])}${s.e0}`);
    return { name: r.pick(['E-E0', 'dE', 'energy', 'e_rel']), units: 'eV', values: s.energies.map((e) => e - s.e0) };
  }
  if (how === 'angle') {
    const d = r.pick([3.13551, 1.92017, 1.6375, 0]);
    if (r.chance(0.8)) header.push(r.pick([`d_spacing = ${d}`, `Mono : Si(111) D= ${d} A`, `d-spacing: ${d}`]));
    return { name: r.pick(['angle', 'theta', 'Bragg', 'mono_theta', 'angle_o']), units: r.pick(['deg', 'degrees', 'mdeg', 'rad']), values: s.energies.map((e) => (Math.asin(HC_EV_ANGSTROM / (2 * 3.13551 * e)) * 180) / Math.PI) };
  }
  return {
    name: r.pick(['Energy', 'energy', 'E', 'ENERGY', 'Energy(eV)', 'energy_eV', 'E/eV', 'ZapEnergy', 'dcm_energy', 'Achieved Energy', 'Requested Energy', 'energie', 'Énergie']),
    units: 'eV',
    values: s.energies,
  };
}

/** 2–8 columns after the energy, named from the synonym sets the loader knows (and some it does not). */
function signalColumns(r: Rng, s: Scan): Column[] {
  const pool: (() => Column)[] = [
    () => ({ name: r.pick(['mu', 'xmu', 'mu(E)', 'norm', 'absorption', 'flat', 'µ']), values: s.mu }),
    () => ({ name: r.pick(['mutrans', 'ln(I0/It)', 'mu_t']), values: s.mu }),
    () => ({ name: r.pick(['mufluor', 'If/I0', 'mu_f']), values: s.fl.map((v, i) => v / s.i0[i]) }),
    () => ({ name: r.pick(['I0', 'i0', 'IZero', 'Monitor', 'I0 (counts)', 'i0 [cts]']), values: s.i0 }),
    () => ({ name: r.pick(['It', 'I1', 'itrans', 'trans']), values: s.it }),
    () => ({ name: r.pick(['If', 'ifluor', 'PIPS', 'SDD', 'fluo', 'FF']), values: s.fl }),
    () => ({ name: r.pick(['Iref', 'I2', 'irefer', 'mu_ref']), values: s.ref }),
    () => ({ name: r.pick(['time', 'Seconds', 'ring current', 'index', 'Temperature']), values: s.energies.map((_, i) => i * 0.5) }),
    () => ({ name: r.pick(['sample', 'comment', 'Bemerkung']), values: s.energies.map(() => NaN) }),
    () => ({ name: r.pick(['k', 'chi', 'r', 'chir_mag', 'wavenumber']), values: s.mu }),
    () => ({ name: r.pick(['foo', 'col', 'x', 'data']), values: s.mu.map((m) => m * 3) }),
  ];
  const out: Column[] = [];
  const n = r.int(1, 6);
  for (let i = 0; i < n; i++) out.push(r.pick(pool)());
  if (r.chance(0.2)) {
    // A multi-element fluorescence detector: FF1…FFk (the loader sums them).
    const prefix = r.pick(['FF', 'ff', 'SDD', 'DTC', 'Ge', 'ROI']);
    const k = r.int(2, 13);
    const suffix = r.pick(['', '', 'c', 'dtc']);
    for (let j = 1; j <= k; j++) out.push({ name: `${prefix}${j}${suffix}`, values: s.fl.map((v) => v / k) });
  }
  return out;
}

function format(r: Rng, v: number, digits: number, comma: boolean): string {
  if (Number.isNaN(v)) return r.pick(['', 'NaN', 'nan', 'text']);
  const t = r.chance(0.05) ? v.toExponential(digits) : v.toFixed(digits);
  return comma ? t.replace('.', ',') : t;
}

/** A `Name (units)` style title for a header cell. */
function title(r: Rng, c: Column): string {
  if (!c.units || r.chance(0.5)) return c.name;
  return r.pick([`${c.name} (${c.units})`, `${c.name} [${c.units}]`, `${c.name}_${c.units}`, `${c.name}/${c.units}`]);
}

// ---- Column tables -----------------------------------------------------------------------------

export function generateColumns(r: Rng): MeasuredDoc {
  const s = syntheticScan(r);
  const header: string[] = [];
  const cols = [energyColumn(r, s, header), ...signalColumns(r, s)];
  if (r.chance(0.2)) cols.splice(1, 0, cols.splice(0, 1)[0]);
  const sep = r.pick([' ', '  ', '   ', '\t', ',', ';', ', ', ' ; ', '\t\t']);
  const comma = sep.trim() !== ',' && r.chance(0.25);
  const mark = r.pick(['#', '#', ';', '!', '%', '*', '# ']);
  const lines: string[] = [];
  if (r.chance(0.7)) lines.push(`${mark} ${r.pick(['Beamline 20-BM', 'Fe foil transmission', 'scan 12', 'XANES Lens fuzz', 'Ringstrom 99.6 mA'])}`);
  for (const h of header) lines.push(r.chance(0.8) ? `${mark} ${h}` : h);
  const names = cols.map((c) => title(r, c));
  const quote = r.chance(0.15) ? '"' : '';
  const headerStyle = r.pick(['comment', 'comment', 'bare', 'bare', 'none', 'ssrl', 'dashes']);
  const joined = names.map((n) => `${quote}${n}${quote}`).join(sep);
  if (headerStyle === 'comment') lines.push(`${mark} ${joined}`);
  else if (headerStyle === 'bare') {
    lines.push(joined);
    if (r.chance(0.2)) lines.push(cols.map((c) => c.units ?? 'counts').join(sep));
  } else if (headerStyle === 'ssrl') lines.push('Data:', ...names);
  else if (headerStyle === 'dashes') lines.push(`${mark}------------------------`, `${mark} ${joined}`);
  const digits = r.int(0, 6);
  const rows = s.energies.length;
  const trailing = r.chance(0.1) ? sep.repeat(r.int(1, 3)) : '';
  for (let i = 0; i < rows; i++) {
    const cells = cols.map((c) => format(r, c.values[i], c === cols[0] ? Math.max(digits, 2) : digits, comma));
    if (r.chance(0.02)) cells[r.int(0, cells.length - 1)] = r.pick(['', 'NaN', 'inf', '-', 'n/a', 'Strahlverlust']);
    const q = quote && r.chance(0.5) ? '"' : '';
    lines.push(cells.map((x) => `${q}${x}${q}`).join(sep) + trailing);
  }
  const eol = r.pick(['\n', '\n', '\n', '\r\n', '\r']);
  const bom = r.chance(0.05) ? '\uFEFF' : '';
  const ext = sep.trim() === ',' || sep.trim() === ';' ? 'csv' : r.pick(['dat', 'xmu', 'txt', 'nor']);
  return { kind: 'columns', text: bom + lines.join(eol) + (r.chance(0.8) ? eol : ''), fileName: `gen.${ext}` };
}

/** SPring-8 / KEK-PF 9809: a free-text header, an Offset line, then angle, angle, time, I0, I1… */
export function generate9809(r: Rng): MeasuredDoc {
  const s = syntheticScan(r);
  const d = r.pick([3.13551, 1.92017, 3.1355]);
  const theta = s.energies.map((e) => (Math.asin(HC_EV_ANGSTROM / (2 * d * e)) * 180) / Math.PI);
  const lines = [
    `  9809     ${r.pick(['SPring-8', 'KEK-PF'])}     BL14B2`,
    'Fe_foil       2023.05.24 10:12 - 2023.05.24 10:20',
    ` Mono :  Si(111)      D= ${r.chance(0.9) ? d : 'x'} A      Initial angle= 16.25000 deg`,
    `  Block =  1`,
  ];
  if (r.chance(0.95)) lines.push('  Offset =     0.000    0.000    12.000    8.000');
  const extra = r.int(0, 4);
  for (let i = 0; i < s.energies.length; i++) {
    const row = [theta[i].toFixed(5), (theta[i] - 4e-5).toFixed(5), '1.00', s.i0[i].toFixed(0), s.it[i].toFixed(0)];
    for (let k = 0; k < extra; k++) row.push(s.fl[i].toFixed(0));
    lines.push(`    ${row.join('   ')}`);
  }
  return { kind: '9809', text: lines.join('\n') + '\n', fileName: 'gen.dat' };
}

// ---- XDI ----------------------------------------------------------------------------------------

export function generateXdi(r: Rng): MeasuredDoc {
  const s = syntheticScan(r);
  const header: string[] = [];
  const cols = [energyColumn(r, s, header), ...signalColumns(r, s).filter((c) => !c.values.every(Number.isNaN))];
  const lines = [`# XDI/1.0 ${r.pick(['XDAC/1.4', 'GSE/1.0', 'Larch/0.9.70', ''])}`];
  cols.forEach((c, i) => {
    if (r.chance(0.95)) {
      const units = c.units ? (c.units === 'deg' ? r.pick(['degrees', 'deg']) : c.units) : '';
      lines.push(`# Column.${i + 1}: ${c.name.replace(/\s+/g, '_')}${units ? ` ${units}` : ''}${r.chance(0.1) ? ' || 13IDE:En:Energy' : ''}`);
    }
  });
  lines.push('# Element.symbol: Fe', '# Element.edge: K');
  if (r.chance(0.7)) lines.push(`# Mono.d_spacing: ${r.pick(['3.13551', '1.92017', '0', '-1', 'x', '3.13551 Ang'])}`);
  if (r.chance(0.4)) lines.push(`# Scan.edge_energy: ${r.pick([`${s.e0}`, `${s.e0 / 1000} keV`, `${s.e0} eV`, '2.5 1/A'])}`);
  if (r.chance(0.5)) lines.push(`# Sample.name: ${r.pick(['Fe foil', 'café', 'x: y: z'])}`);
  if (r.chance(0.8)) lines.push('# ///', `# ${r.pick(['synthetic', 'comment line', ''])}`);
  lines.push('#----');
  if (r.chance(0.8)) lines.push(`# ${cols.map((c) => c.name.replace(/\s+/g, '_')).join(' ')}`);
  const digits = r.int(1, 6);
  for (let i = 0; i < s.energies.length; i++) lines.push(cols.map((c) => format(r, c.values[i], digits, false) || '0').join(r.pick(['  ', ' ', '\t'])));
  return { kind: 'xdi', text: lines.join(r.chance(0.9) ? '\n' : '\r\n') + '\n', fileName: 'gen.xdi' };
}

// ---- SPEC ---------------------------------------------------------------------------------------

export function generateSpec(r: Rng): MeasuredDoc {
  const lines = ['#F /data/visitor/fuzz/bm23/gen.spec', `#E ${1684922400 + r.int(0, 1e6)}`, '#D Wed May 24 12:00:00 2023', '#C fuzz  User = opd23'];
  if (r.chance(0.7)) lines.push('#O0 samx  samy  samz  energy', '#O1 mono theta  dummy');
  const scans = r.int(0, 5);
  let number = r.int(1, 3);
  for (let k = 0; k < scans; k++) {
    const energyScan = r.chance(0.7);
    const s = syntheticScan(r);
    lines.push('', `#S ${number} ${energyScan ? r.pick(['ascan  energy 7.05 7.25 100 1', 'zapenergy SCAN 7.05 7.25 100', 'exafs_scan fe', 'xanes 7.1 7.2']) : r.pick(['ascan  samx -1 1 10 0.5', 'timescan 1', 'dscan samy -1 1 20 1'])}`);
    if (r.chance(0.8)) lines.push('#D Wed May 24 12:01:00 2023');
    if (r.chance(0.5)) lines.push('#T 0.5  (Seconds)', '#P0 0 1.5 -0.2 7.1');
    const cols: Column[] = energyScan
      ? [{ name: r.pick(['Energy', 'energy', 'ZapEnergy', 'Energy (keV)']), values: s.energies.map((e) => e / 1000) }, { name: 'Seconds', values: s.energies.map(() => 0.5) }, { name: r.pick(['I0', 'Monitor']), values: s.i0 }, { name: r.pick(['It', 'I1']), values: s.it }]
      : [{ name: 'samx', values: s.energies.map((_, i) => i / 10) }, { name: 'Seconds', values: s.energies.map(() => 0.5) }, { name: 'Detector', values: s.mu }];
    if (r.chance(0.4)) cols.push({ name: r.pick(['fluo det', 'If', 'SDD sum']), values: s.fl });
    if (r.chance(0.9)) lines.push(`#N ${r.chance(0.9) ? cols.length : r.int(0, 9)}`);
    if (r.chance(0.9)) lines.push(`#L ${cols.map((c) => c.name).join(r.chance(0.9) ? '  ' : ' ')}`);
    const digits = r.int(2, 6);
    const aborted = r.chance(0.1) ? r.int(0, s.energies.length) : -1;
    for (let i = 0; i < s.energies.length; i++) {
      if (i === aborted) {
        lines.push(cols.slice(0, r.int(1, cols.length)).map((c) => format(r, c.values[i], digits, false)).join(' '), '#C Wed May 24 12:02:00 2023.  Scan aborted after 12 points.');
        break;
      }
      lines.push(cols.map((c) => format(r, c.values[i], digits, false) || 'nan').join(' '));
      if (r.chance(0.02)) lines.push(`@A ${Array.from({ length: 40 }, (_, j) => j % 7).join(' ')}\\`, `${Array.from({ length: 40 }, (_, j) => j % 5).join(' ')}`);
    }
    number = r.chance(0.2) ? number : number + r.int(1, 3);
  }
  return { kind: 'spec', text: lines.join('\n') + '\n', fileName: r.pick(['gen.spec', 'gen.dat', 'gen']) };
}

// ---- Athena projects ----------------------------------------------------------------------------

/** A Perl string literal as Data::Dumper writes it. */
function perlString(r: Rng, s: string): string {
  if (r.chance(0.1)) return `"${s.replace(/[\\"$@]/g, '\\$&').replace(/[^\x20-\x7e]/g, (c) => `\\x{${c.codePointAt(0)?.toString(16) ?? '0'}}`)}"`;
  return `'${s.replace(/[\\']/g, '\\$&')}'`;
}

function perlNumber(r: Rng, v: number): string {
  const t = Number.isFinite(v) ? String(Number(v.toPrecision(r.int(4, 12)))) : String(v);
  return r.chance(0.3) ? `'${t}'` : t;
}

/** `@name = (a,b,…);` compact, or one element a line with Data::Dumper's indent. */
function perlList(r: Rng, name: string, items: string[]): string {
  return r.chance(0.7) ? `@${name} = (${items.join(',')});` : `@${name} = (\n          ${items.join(',\n          ')}\n        );`;
}

export function generateAthena(r: Rng): MeasuredDoc {
  const demeter = r.chance(0.7);
  const lines = [demeter ? '# Athena project file -- Demeter version 0.9.26' : '# Athena project file -- Athena version 0.8.056', '# This file created at 2024-05-02T10:11:12', '# fuzz', ''];
  const groups = r.int(0, 4);
  const labels = ['Fe foil', 'Fe2O3', 'FeO', 'café', 'sample 1', '7', "it's", 'a\\b', ''];
  for (let g = 0; g < groups; g++) {
    const s = syntheticScan(r);
    const kind = r.pick(['xmu', 'xmu', 'xmu', 'norm', 'xanes', 'chi', 'detector', 'xmudat', 'background']);
    const label = r.pick(labels);
    lines.push(`$old_group = ${perlString(r, `g${g}${r.pick(['', 'x', 'abc'])}`)};`);
    const args: string[] = [perlString(r, 'label'), perlString(r, label)];
    if (r.chance(0.5) || kind === 'xmu') {
      const flag = { xmu: 'is_xmu', norm: 'is_nor', xanes: 'is_xanes', chi: 'is_chi', detector: 'not_data', xmudat: 'is_xmudat', background: 'is_bkg' }[kind] ?? 'is_xmu';
      args.push(perlString(r, flag), r.pick(['1', "'1'", '1.0']), perlString(r, 'is_chi'), r.pick(['0', "'0'", "''", "'0.000'"]));
    } else args.push(perlString(r, 'datatype'), perlString(r, kind));
    if (r.chance(0.7)) args.push(perlString(r, 'bkg_e0'), perlNumber(r, s.e0 + r.float()));
    if (r.chance(0.4)) args.push(perlString(r, 'bkg_eshift'), perlNumber(r, r.pick([0, 0.75, -2.5, 1e-3])));
    if (r.chance(0.5)) args.push(perlString(r, 'titles'), `[${perlString(r, 'synthetic edge')},${perlString(r, 'E0 = 7112')}]`);
    if (r.chance(0.3)) args.push(perlString(r, 'reference'), 'undef');
    if (r.chance(0.2)) args.push(perlString(r, 'plot'), `{${perlString(r, 'a')} => 1, ${perlString(r, 'b')} => [1,2,[3]]}`);
    lines.push(perlList(r, 'args', args));
    const x = kind === 'chi' ? s.energies.map((_, i) => i * 0.05) : s.energies;
    lines.push(perlList(r, 'x', x.map((v) => perlNumber(r, v))));
    lines.push(perlList(r, 'y', s.mu.map((v) => perlNumber(r, v))));
    if (r.chance(0.3)) lines.push(perlList(r, 'i0', s.i0.map((v) => perlNumber(r, v))));
    if (r.chance(0.3)) lines.push(perlList(r, 'signal', s.it.slice(0, r.chance(0.8) ? undefined : -1).map((v) => perlNumber(r, v))));
    if (r.chance(0.2)) lines.push(perlList(r, 'stddev', s.mu.map(() => '0')));
    if (r.chance(0.95)) lines.push('[record]');
    lines.push('');
  }
  if (r.chance(0.5)) lines.push(`@journal = (${perlString(r, 'journal line')});`, `%plot_features = (${perlString(r, 'kmax')} => 15, 'emin' => -200);`, '@indicator = (1,2);', "$lcf_data = 'x';");
  if (r.chance(0.8)) lines.push('', '1;');
  return { kind: 'athena', text: lines.join('\n') + '\n', fileName: r.pick(['gen.prj', 'gen.prj', 'gen.dat']) };
}

/** Demeter's JSON projects: `_____order` and one object per group. */
export function generateAthenaJson(r: Rng): MeasuredDoc {
  const doc: Record<string, unknown> = { _____header1: '# Athena project file -- Demeter version 0.9.26', _____header2: '# fuzz' };
  const order: string[] = [];
  const groups = r.int(0, 3);
  for (let g = 0; g < groups; g++) {
    const s = syntheticScan(r);
    const id = `g${g}`;
    order.push(id);
    const args: Record<string, unknown> = { label: r.pick(['Fe foil', 'x', '']), bkg_e0: s.e0, is_xmu: r.chance(0.8) ? 1 : 0, is_chi: r.chance(0.1) };
    if (r.chance(0.3)) args.bkg_eshift = r.pick([0.5, '1.5', 'x']);
    doc[id] = { args, x: s.energies, y: s.mu, ...(r.chance(0.3) ? { i0: s.i0 } : {}) };
  }
  if (r.chance(0.1)) order.push('missing');
  // Deep nesting goes in as text: JSON.stringify itself recurses.
  const deep = r.chance(0.08) ? r.pick(['order', 'args', 'x', 'header']) : undefined;
  const DEEP = '@@deep@@';
  if (deep === 'order') order.unshift(DEEP);
  else if (deep === 'header') doc._____header3 = DEEP;
  else if (deep && order.length > 0) {
    const g = doc[order[0]];
    if (typeof g === 'object' && g !== null) Object.assign(g, deep === 'x' ? { signal: DEEP } : { args: { label: DEEP } });
  }
  doc._____order = order;
  const n = r.pick([10, 100, 10000, 100000]);
  const nested = r.chance(0.7) ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  return { kind: 'athena-json', text: JSON.stringify(doc, null, r.chance(0.5) ? 1 : undefined).replace(`"${DEEP}"`, nested), fileName: 'gen.prj' };
}

/** One measured file: a fixture a quarter of the time, otherwise a synthetic one. */
export function generateMeasured(r: Rng): MeasuredDoc {
  const x = r.float();
  if (x < 0.25) return r.pick(spectrumFixtures());
  if (x < 0.45) return generateColumns(r);
  if (x < 0.6) return generateXdi(r);
  if (x < 0.73) return generateSpec(r);
  if (x < 0.88) return generateAthena(r);
  if (x < 0.93) return generateAthenaJson(r);
  return generate9809(r);
}
