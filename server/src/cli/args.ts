// Minimal argv parsing shared by the CLI subcommands: positionals, boolean flags and
// `--name value` / `--name=value` options, with unknown options reported rather than ignored.

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

export interface ArgSpec {
  flags?: readonly string[];
  options?: readonly string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  const knownFlags = new Set(spec.flags ?? []);
  const knownOptions = new Set(spec.options ?? []);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (knownFlags.has(name) && eq < 0) {
      flags.add(name);
    } else if (knownOptions.has(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return { positionals, flags, options };
}

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = args.options.get(name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return x;
}

/** "Fe,Ni  Cu" → ['Fe','Ni','Cu']. */
export function listOption(args: ParsedArgs, name: string): string[] | undefined {
  const v = args.options.get(name);
  return v === undefined ? undefined : v.split(/[\s,]+/).filter((s) => s.length > 0);
}

/** What a SOURCE argument may be (data/load.ts detects which from the path). */
export const DATA_SOURCE_HELP = `  SOURCE: a .jsonl / .jsonl.gz record file, a pymatgen XAS .json, or a folder of FEFF runs
  (xmu.dat beside POSCAR or feff.inp), of XANESNET pairs (xyz/ + xanes/), or of .json / .jsonl files.
  Measured spectra: a folder of structure + spectrum files paired by name (CuO.cif + CuO.xdi;
  .cif .mcif .xyz .extxyz .vasp .poscar with .xdi .xmu .nor .dat .txt .csv .prj), or a manifest
  NAME.pairs.json listing {structure, spectrum, block?, element?, site?, group?, shift?, id?,
  material?, domain?, normalize?} with paths relative to it. Spectra are normalised to edge step 1;
  with a model (evaluate, finetune) they go to its domain for the absorber. A folder is read as the
  first that applies: xyz/ + xanes/, a *.pairs.json below it, FEFF runs, pairs, .json/.jsonl files.`;

/** Data sources: `--data FIRST` plus any further sources given as positionals. */
export function dataSources(args: ParsedArgs): string[] {
  const first = args.options.get('data');
  return [...(first !== undefined ? [first] : []), ...args.positionals];
}
