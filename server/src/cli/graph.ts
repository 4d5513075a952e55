// `xanes-lens graph FILE [--site N] [--block B] [--json]`: the absorber-centred graph the model
// sees for one site — its 20 neighbours with element, label, distance, periodic image and line.
import { buildAbsorberGraph } from '../graph/build';
import { DEFAULT_GRAPH_OPTIONS } from '../graph/types';
import { DEFAULT_SETTINGS } from '../lsp/settings';
import { absorbingSites } from '../structure/sites';
import type { StructureBlock } from '../structure/types';
import { numberOption, parseArgs, UsageError } from './args';
import type { CliCommand } from './io';
import { loadStructureFile, parseFormat, printDiagnostics } from './parse';

export const GRAPH_USAGE = `usage: xanes-lens graph FILE [--site N] [--block B] [--json] [--format cif|xyz|poscar] [--tolerance Å]
  Prints the absorber-centred graph of site N (0-based index into the expanded atoms, as listed
  by \`xanes-lens sites\`; default: the first absorbing site) of block B (0-based index or name;
  default: the first block with a structure): the ${DEFAULT_GRAPH_OPTIONS.maxNeighbours} nearest atoms within ${DEFAULT_GRAPH_OPTIONS.cutoff} Å over all
  periodic images, padded with virtual atoms. Lines are 1-based.
  Exit code: 0 ok, 1 no such site or block / no structure, 2 usage or read error.`;

/** Block by 0-based index or name; default the first that holds a structure. */
export function selectBlock(blocks: StructureBlock[], which: string | undefined): { block: StructureBlock; index: number } | string {
  if (which === undefined) {
    const index = blocks.findIndex((b) => b.structure);
    return index >= 0 ? { block: blocks[index], index } : 'no block of this file holds a usable structure';
  }
  const byName = blocks.findIndex((b) => b.name === which);
  const index = byName >= 0 ? byName : /^\d+$/.test(which) ? Number(which) : -1;
  if (index < 0 || index >= blocks.length) return `no block "${which}" (the file has ${blocks.length}: ${blocks.map((b) => b.name).join(', ')})`;
  return { block: blocks[index], index };
}

const r6 = (x: number): number => Number(x.toFixed(6));

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { flags: ['json', 'help'], options: ['site', 'block', 'format', 'tolerance'] });
  if (args.flags.has('help')) {
    io.stdout(GRAPH_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError('graph needs exactly one FILE');
  const site = numberOption(args, 'site');
  if (site !== undefined && !(Number.isInteger(site) && site >= 0)) throw new UsageError('--site must be a non-negative integer');
  const file = await loadStructureFile(args.positionals[0], parseFormat(args.options.get('format')), numberOption(args, 'tolerance'));
  printDiagnostics(file, io);
  const chosen = selectBlock(file.doc.blocks, args.options.get('block'));
  if (typeof chosen === 'string') {
    io.stderr(`${file.path}: ${chosen}\n`);
    return 1;
  }
  const s = chosen.block.structure;
  if (!s) {
    io.stderr(`${file.path}: block "${chosen.block.name}" holds no usable structure\n`);
    return 1;
  }
  const index = site ?? absorbingSites(s, DEFAULT_SETTINGS.absorbingElements)[0]?.siteIndex;
  if (index === undefined) {
    io.stderr(`${file.path}: no absorbing site in block "${chosen.block.name}"; choose one with --site N\n`);
    return 1;
  }
  if (index >= s.sites.length) {
    io.stderr(`${file.path}: site ${index} does not exist (block "${chosen.block.name}" has ${s.sites.length} atoms)\n`);
    return 1;
  }
  const g = buildAbsorberGraph(s, index);
  const absorber = s.sites[index];
  const neighbours = g.neighbours.map((n, rank) => ({
    rank: rank + 1,
    element: n.virtual ? null : n.element,
    label: n.virtual ? null : s.sites[n.siteIndex].label,
    distance: r6(n.distance),
    image: n.image,
    siteIndex: n.virtual ? null : n.siteIndex,
    sourceSite: n.virtual ? null : s.sites[n.siteIndex].sourceSite,
    line: n.virtual ? null : n.range.start.line + 1,
    virtual: n.virtual,
  }));
  if (args.flags.has('json')) {
    io.stdout(JSON.stringify({
      file: file.path, lineBase: 1, block: chosen.index, blockName: chosen.block.name,
      absorber: { siteIndex: index, element: absorber.element, label: absorber.label, line: absorber.range.start.line + 1 },
      options: g.options, neighbours,
    }, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `${file.path} block "${chosen.block.name}": site ${index} ${absorber.label} (${absorber.element}, line ${absorber.range.start.line + 1})`,
    `  ${g.options.maxNeighbours} nearest within ${g.options.cutoff} Å`,
    '   #  el   label     distance/Å  image          site  line',
  ];
  for (const n of neighbours) {
    lines.push(n.virtual
      ? `  ${String(n.rank).padStart(2)}  (virtual atom at the cutoff, masked)`
      : `  ${String(n.rank).padStart(2)}  ${(n.element ?? '').padEnd(3)}  ${(n.label ?? '').padEnd(8)}  ${n.distance.toFixed(4).padStart(10)}  ${`[${n.image.join(',')}]`.padEnd(13)}  ${String(n.siteIndex).padStart(4)}  ${String(n.line).padStart(4)}`);
  }
  io.stdout(lines.join('\n') + '\n');
  return 0;
};
