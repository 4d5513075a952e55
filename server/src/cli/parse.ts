// `xanes-lens parse FILE [--json]`: the expanded structure of every block, and the helpers the
// other file-reading subcommands (sites) share.
import { readFile } from 'node:fs/promises';
import { formatFromPath, parseDocument } from '../parse';
import type { ParsedDocument, Structure, StructureBlock, StructureDiagnostic, StructureFormat, Vec3 } from '../structure/types';
import type { CliCommand, CliIo } from './io';
import { numberOption, parseArgs, UsageError } from './args';

export type FileFormat = StructureFormat;

export interface LoadedFile {
  path: string;
  format: FileFormat;
  doc: ParsedDocument;
}

export function parseFormat(value: string | undefined): FileFormat | undefined {
  if (value === undefined) return undefined;
  if (value === 'cif' || value === 'xyz' || value === 'poscar') return value;
  // VASP's own name for the format, and the extension Materials Project and VESTA write.
  if (value === 'vasp') return 'poscar';
  throw new UsageError(`--format must be cif, xyz or poscar, got "${value}"`);
}

export async function loadStructureFile(path: string, format?: FileFormat, symmetryTolerance?: number): Promise<LoadedFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const fmt = format ?? formatFromPath(path) ?? 'cif';
  return { path, format: fmt, doc: parseDocument(text, fmt, { symmetryTolerance }) };
}

/** Diagnostics in the JSON output use 1-based lines and columns, like compilers and editors print. */
export function diagnosticJson(d: StructureDiagnostic) {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
  };
}

export function diagnosticLine(path: string, d: StructureDiagnostic): string {
  return `${path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}`;
}

/** 0: clean or only warnings/info; 1: at least one error diagnostic. */
export function exitCodeFor(doc: ParsedDocument): number {
  return doc.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

export const PARSE_USAGE = `usage: xanes-lens parse FILE [--json] [--format cif|xyz|poscar] [--tolerance Å]
  Parses a CIF, (extended) XYZ or VASP POSCAR/CONTCAR file, expands symmetry and prints every atom
  of every block.
  --json        machine-readable output (lines and columns are 1-based)
  --format      override the format guessed from the file name (.cif .mcif, .xyz .extxyz,
                .vasp .poscar POSCAR CONTCAR; anything else is read as CIF)
  --tolerance   distance under which symmetry images merge (default 0.01 Å)
  Exit code: 0 parsed (warnings allowed), 1 the file has error diagnostics, 2 usage/read error.`;

const round = (x: number, digits = 6) => Number(x.toFixed(digits));
const roundVec = (v: Vec3 | null) => (v ? (v.map((x) => round(x)) as Vec3) : null);

function atomsJson(s: Structure) {
  return s.sites.map((site, index) => ({
    index,
    element: site.element,
    Z: site.Z,
    label: site.label,
    occupancy: site.occupancy,
    frac: roundVec(site.frac),
    cart: roundVec(site.cart),
    orbit: site.orbit,
    sourceSite: site.sourceSite,
    line: site.range.start.line + 1,
  }));
}

export function blockJson(block: StructureBlock) {
  const s = block.structure;
  const l = s?.lattice ?? null;
  return {
    name: block.name,
    line: block.headerRange.start.line + 1,
    spaceGroup: s?.spaceGroup ?? null,
    symops: s?.symops.length ?? 0,
    pbc: s?.pbc ?? null,
    lattice: l && {
      a: round(l.a), b: round(l.b), c: round(l.c),
      alpha: round(l.alpha), beta: round(l.beta), gamma: round(l.gamma),
      volume: round(l.volume), matrix: l.matrix.map((r) => roundVec(r)),
    },
    atomCount: s?.sites.length ?? 0,
    orbitCount: s?.orbits.length ?? 0,
    atoms: s ? atomsJson(s) : [],
  };
}

export function parseJson(file: LoadedFile) {
  return {
    file: file.path,
    format: file.format,
    lineBase: 1,
    blocks: file.doc.blocks.map(blockJson),
    diagnostics: file.doc.diagnostics.map(diagnosticJson),
  };
}

const f = (x: number, w: number, d: number) => x.toFixed(d).padStart(w);

function blockTable(block: StructureBlock): string[] {
  const s = block.structure;
  const out = [`block "${block.name}" (line ${block.headerRange.start.line + 1})`];
  if (!s) return [...out, '  no usable structure (see diagnostics)'];
  if (s.lattice) {
    const l = s.lattice;
    out.push(`  cell a=${l.a.toFixed(4)} b=${l.b.toFixed(4)} c=${l.c.toFixed(4)} Å  α=${l.alpha.toFixed(3)} β=${l.beta.toFixed(3)} γ=${l.gamma.toFixed(3)}°  V=${l.volume.toFixed(3)} Å³`);
  } else {
    out.push('  molecule (no cell)');
  }
  out.push(`  ${s.spaceGroup ? `space group ${s.spaceGroup}, ` : ''}${s.symops.length} symmetry operator(s); ${s.sites.length} atoms in ${s.orbits.length} orbit(s)`);
  out.push('      #  el   label     orbit  line      frac x    frac y    frac z      cart x    cart y    cart z');
  s.sites.forEach((a, i) => {
    const fr = a.frac ? a.frac.map((x) => f(x, 9, 5)).join(' ') : '        -         -         -';
    out.push(`  ${String(i).padStart(5)}  ${a.element.padEnd(3)}  ${a.label.padEnd(8)}  ${String(a.orbit).padStart(5)}  ${String(a.range.start.line + 1).padStart(4)}  ${fr}  ${a.cart.map((x) => f(x, 9, 4)).join(' ')}`);
  });
  return out;
}

export function printDiagnostics(file: LoadedFile, io: CliIo): void {
  for (const d of file.doc.diagnostics) io.stderr(diagnosticLine(file.path, d) + '\n');
}

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { flags: ['json', 'help'], options: ['format', 'tolerance'] });
  if (args.flags.has('help')) {
    io.stdout(PARSE_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError('parse needs exactly one FILE');
  const file = await loadStructureFile(args.positionals[0], parseFormat(args.options.get('format')), numberOption(args, 'tolerance'));
  if (args.flags.has('json')) {
    io.stdout(JSON.stringify(parseJson(file), null, 2) + '\n');
  } else {
    const lines = [`${file.path} (${file.format}): ${file.doc.blocks.length} block(s)`];
    for (const b of file.doc.blocks) lines.push(...blockTable(b));
    io.stdout(lines.join('\n') + '\n');
    printDiagnostics(file, io);
  }
  return exitCodeFor(file.doc);
};
