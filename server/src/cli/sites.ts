// `xanes-lens sites FILE [--json]`: the inequivalent absorbing sites (symmetry orbits, or in a file
// without operators atoms grouped by environment), exactly the ones that get a "Predict K-edge
// XANES" code lens in the editor.
import { EQUIVALENCE_DEFAULTS } from '../graph/equivalence';
import { documentSites, labelList } from '../lsp/codeLens';
import { DEFAULT_SETTINGS } from '../lsp/settings';
import { listOption, numberOption, parseArgs, UsageError } from './args';
import type { CliCommand } from './io';
import { diagnosticJson, exitCodeFor, loadStructureFile, parseFormat, printDiagnostics } from './parse';

export const SITES_USAGE = `usage: xanes-lens sites FILE [--json] [--elements Fe,Ni,...] [--format cif|xyz|poscar] [--tolerance Å]
  Lists symmetry-inequivalent absorbing sites (default elements Sc–Zn, Y–Cd) with multiplicity.
  In a file without symmetry operators (P1 CIF, XYZ, POSCAR) atoms whose environments within
  ${EQUIVALENCE_DEFAULTS.radius} Å agree (within ${EQUIVALENCE_DEFAULTS.tolerance} Å) are one site "by environment",
  listed with its atoms (JSON: equivalence, members). Lines are 1-based.
  Exit code: 0 ok, 1 the file has error diagnostics, 2 usage/read error.`;

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { flags: ['json', 'help'], options: ['elements', 'format', 'tolerance'] });
  if (args.flags.has('help')) {
    io.stdout(SITES_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError('sites needs exactly one FILE');
  const elements = listOption(args, 'elements') ?? DEFAULT_SETTINGS.absorbingElements;
  const file = await loadStructureFile(args.positionals[0], parseFormat(args.options.get('format')), numberOption(args, 'tolerance'));
  const sites = documentSites(file.doc.blocks, elements);
  if (args.flags.has('json')) {
    const json = {
      file: file.path,
      format: file.format,
      lineBase: 1,
      elements,
      sites: sites.map((s) => ({
        block: s.block,
        blockName: s.blockName,
        siteIndex: s.siteIndex,
        orbit: s.orbit,
        label: s.label,
        element: s.element,
        multiplicity: s.multiplicity,
        line: s.range.start.line + 1,
        equivalence: s.equivalence ?? 'symmetry',
        ...(s.members ? { members: s.members.map((m) => ({ siteIndex: m.siteIndex, label: m.label, line: m.range.start.line + 1 })) } : {}),
        ...(s.note ? { note: s.note } : {}),
      })),
      diagnostics: file.doc.diagnostics.map(diagnosticJson),
    };
    io.stdout(JSON.stringify(json, null, 2) + '\n');
  } else {
    const lines = [`${file.path}: ${sites.length} inequivalent absorbing site(s)`];
    if (sites.length > 0) lines.push('  block               label     el   mult  site  line');
    for (const s of sites) {
      const how = s.members ? `  by environment: ${labelList(s.members.map((m) => m.label))}` : s.note ? `  not grouped: ${s.note}` : '';
      lines.push(`  ${s.blockName.slice(0, 18).padEnd(18)}  ${s.label.padEnd(8)}  ${s.element.padEnd(3)}  ${String(s.multiplicity).padStart(4)}  ${String(s.siteIndex).padStart(4)}  ${String(s.range.start.line + 1).padStart(4)}${how}`);
    }
    io.stdout(lines.join('\n') + '\n');
    printDiagnostics(file, io);
  }
  return exitCodeFor(file.doc);
};
