// `xanes-lens predict FILE... [--site N] [--model DIR] [--backend B] [--out preds.jsonl]`:
// predicts K-edge XANES for structure files (CIF/XYZ: every inequivalent absorbing site, or
// site N) and JSONL data sets (records with coordinates or neighbour lists), one JSON line each.
import fs from 'node:fs';
import path from 'node:path';
import { buildAbsorberGraph, graphFromNeighbourList } from '../graph/build';
import type { AbsorberGraph, GraphOptions } from '../graph/types';
import { parseDomainId } from '../data/domains';
import { detectKind, loadDataset } from '../data/load';
import type { SpectrumRecord } from '../data/record';
import { DEFAULT_SETTINGS } from '../lsp/settings';
import { BACKEND_PREFERENCES, type BackendPreference } from '../model/backend';
import { resolveModelDir } from '../model/modelLocation';
import { defaultDomain, loadPredictor, uncoveredError, type Predictor } from '../model/predictor';
import { domainReliability, type DomainReliability, reliabilityLogLine, type SplitAccuracy } from '../model/reliability';
import { absorbingSites, equivalentSites, type SiteEquivalence } from '../structure/sites';
import { modelDomainSpecs } from '../training/evaluateModel';
import type { Structure } from '../structure/types';
import { listOption, numberOption, parseArgs, UsageError } from './args';
import type { CliCommand } from './io';
import { loadStructureFile, printDiagnostics } from './parse';

export const PREDICT_USAGE = `usage: xanes-lens predict FILE... [--site N] [--model DIR] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu]
                          [--method FEFF|FDMNES] [--elements Fe,Cu,...] [--out preds.jsonl]
  FILE is a CIF/XYZ/POSCAR structure (every inequivalent absorbing site, or only site N; in a file
  without symmetry operators atoms with the same environment are one site, predicted once) or a
  data set as the trainer reads it: JSONL (.jsonl/.jsonl.gz records with lattice+frac_coords,
  cart_coords or a neighbour list, and absorber_index), pymatgen XAS JSON, or a folder (FEFF
  runs, XANESNET xyz/ + xanes/, or .json/.jsonl files); each record's absorber is predicted. Writes one JSON line per site: {id, absorber, absorber_index,
  multiplicity?, equivalence?, same_environment?, domain, energies, mu, std?, attention, transformer_attention?,
  reliability, model, backend} to --out (default stdout). multiplicity (structure sites) is how many
  atoms the site stands for, the weight of an average over sites: its symmetry orbit, or in a file
  without operators the atoms whose environments agree (equivalence "environment", their labels in
  same_environment). transformer_attention {self, neighbours} is the neighbour transformer's
  last-layer weights of the absorber's query per head, for models that have one. reliability
  {level, level_text, summary, validation?, test?, training_spectra?, note?} is what the model's
  metadata.json records about the domain's accuracy: the ensemble's MAE, Δμ median (%) and
  spectrum count per split; level well-tested, few (under 30 validation + test spectra) or
  untested (no metrics recorded). Each domain's summary is also written to stderr.
  Sites the model does not cover are refused on stderr, never extrapolated.
  Exit code: 0 all predicted, 1 some sites refused or unreadable, 2 usage error or no model.`;

/** The JSON lines' snake_case form of a split's numbers. */
function splitJson(a: SplitAccuracy): Record<string, number> {
  return { mae: a.mae, ...(a.deltaMuMedian !== undefined ? { delta_mu_median: a.deltaMuMedian } : {}), spectra: a.spectra };
}

function reliabilityJson(r: DomainReliability): Record<string, unknown> {
  return {
    level: r.level, level_text: r.levelText, summary: r.summary,
    ...(r.validation ? { validation: splitJson(r.validation) } : {}),
    ...(r.test ? { test: splitJson(r.test) } : {}),
    ...(r.trainingSpectra !== undefined ? { training_spectra: r.trainingSpectra } : {}),
    ...(r.note ? { note: r.note } : {}),
  };
}

/** Data sets (anything the trainer imports) as opposed to one structure file. */
function isDataSource(file: string): boolean {
  const kind = detectKind(file);
  if (kind === undefined) return false;
  return kind !== 'feff' || fs.statSync(file).isDirectory();
}

interface SiteJob {
  id: string;
  absorber: string;
  absorberIndex: number | null;
  /** Structure sites: the atoms the predicted one stands for (its orbit or environment group). */
  site?: { multiplicity: number; equivalence: SiteEquivalence; members: string[] };
  method?: string;
  /** Crystal (FEFF domain by default) or molecule (FDMNES), as the language server chooses. */
  periodic: boolean;
  graph: () => AbsorberGraph;
}

function structureJobs(
  prefix: string, s: Structure, graphOptions: GraphOptions, method: string | undefined,
  elements: readonly string[], site: number | undefined, only?: string,
): SiteJob[] {
  if (site !== undefined && site >= s.sites.length) throw new Error(`${prefix}: site ${site} does not exist (${s.sites.length} atoms)`);
  // One job per inequivalent site: P1 atoms with one environment are one prediction, with their count.
  const picked = site !== undefined
    ? [{ siteIndex: site, ...equivalentSites(s, site, elements) }]
    : absorbingSites(s, only ? [only] : elements);
  return picked.map(({ siteIndex: i, equivalence, members }) => ({
    id: `${prefix}:${s.sites[i].label}`, absorber: s.sites[i].element, absorberIndex: i, method, periodic: s.lattice !== null,
    site: { multiplicity: members.length, equivalence, members: members.map((m) => s.sites[m].label) },
    graph: () => buildAbsorberGraph(s, i, graphOptions),
  }));
}

/** The method a record is predicted as: that of the domain it was assigned to, else its own. */
function recordMethod(r: SpectrumRecord): string {
  return (r.domain !== undefined ? parseDomainId(r.domain)?.method : undefined) ?? r.method;
}

export const run: CliCommand = async (argv, io) => {
  const args = parseArgs(argv, { flags: ['help'], options: ['site', 'model', 'backend', 'method', 'elements', 'out', 'format', 'tolerance'] });
  if (args.flags.has('help')) {
    io.stdout(PREDICT_USAGE + '\n');
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('predict needs at least one FILE');
  const backend = (args.options.get('backend') ?? 'auto') as BackendPreference;
  if (!BACKEND_PREFERENCES.includes(backend)) throw new UsageError(`--backend must be one of ${BACKEND_PREFERENCES.join(', ')}`);
  const site = numberOption(args, 'site');
  if (site !== undefined && !(Number.isInteger(site) && site >= 0)) throw new UsageError('--site must be a non-negative integer');
  const method = args.options.get('method');
  const elements = listOption(args, 'elements') ?? DEFAULT_SETTINGS.absorbingElements;

  let predictor: Predictor;
  try {
    predictor = await loadPredictor(resolveModelDir(args.options.get('model')), { backend });
  } catch (e) {
    io.stderr(`xanes-lens predict: ${(e as Error).message}\n`);
    return 2;
  }
  const graphOptions = predictor.metadata.graph;
  let failures = 0;
  const refuse = (what: string, why: string): void => {
    failures++;
    io.stderr(`${what}: ${why}\n`);
  };

  const jobs: SiteJob[] = [];
  for (const file of args.positionals) {
    if (isDataSource(file)) {
      // Measured pairs take the domain of the model's head for their element (not their own).
      const { records, issues } = await loadDataset(file, { targetDomains: modelDomainSpecs(predictor) });
      for (const issue of issues) refuse(`${issue.file}${issue.line ? `:${issue.line}` : ''}`, issue.reason);
      for (const r of records) {
        if (r.structure && r.absorberIndex !== null) {
          const s = r.structure;
          const i = r.absorberIndex;
          jobs.push({ id: r.id, absorber: r.absorber, absorberIndex: i, method: method ?? recordMethod(r), periodic: s.lattice !== null, graph: () => buildAbsorberGraph(s, i, graphOptions) });
        } else if (r.structure) {
          // Site-averaged record: predict every site of the absorbing element.
          jobs.push(...structureJobs(r.id, r.structure, graphOptions, method ?? recordMethod(r), elements, undefined, r.absorber));
        } else if (r.neighbourList) {
          const list = r.neighbourList;
          // Graph-only records are crystal sites (the Materials Project's FEFF set).
          jobs.push({ id: r.id, absorber: r.absorber, absorberIndex: r.absorberIndex, method: method ?? recordMethod(r), periodic: true, graph: () => graphFromNeighbourList(r.absorber, list, graphOptions) });
        } else {
          refuse(r.id, 'record has neither a structure nor a neighbour list');
        }
      }
      continue;
    }
    let loaded;
    try {
      loaded = await loadStructureFile(file, undefined, numberOption(args, 'tolerance'));
    } catch (e) {
      refuse(file, (e as Error).message);
      continue;
    }
    printDiagnostics(loaded, io);
    const base = path.basename(file);
    for (const block of loaded.doc.blocks) {
      if (!block.structure) continue;
      try {
        jobs.push(...structureJobs(`${base}:${block.name}`, block.structure, graphOptions, method, elements, site));
      } catch (e) {
        refuse(`${base}:${block.name}`, (e as Error).message);
      }
    }
  }

  const lines: string[] = [];
  const ready: { job: SiteJob; graph: AbsorberGraph; domain: string }[] = [];
  for (const job of jobs) {
    // A method (--method, or a record's own) names the domain; otherwise the same default as the
    // editor's lens: FEFF for crystals, FDMNES for molecules.
    const domain = job.method ? predictor.domainFor(job.absorber, job.method) : defaultDomain(predictor.metadata, job.absorber, job.periodic);
    if (!domain) {
      refuse(job.id, uncoveredError(predictor.metadata, `${job.absorber} K-edge${job.method ? ` ${job.method}` : ''} spectra`).message);
      continue;
    }
    try {
      ready.push({ job, graph: job.graph(), domain: domain.id });
    } catch (e) {
      refuse(job.id, (e as Error).message);
    }
  }
  const { name, backend: used } = predictor.info;
  // Edge-relative grids are printed as the model has them (E − E0), and say so.
  const relativeDomains = new Set(predictor.metadata.domains.filter((d) => d.relative).map((d) => d.id));
  // Per domain, in the order first predicted: the same for every site of the domain.
  const reliability = new Map<string, DomainReliability>();
  for (let i = 0; i < ready.length; i += 64) {
    const chunk = ready.slice(i, i + 64);
    const preds = predictor.predict(chunk.map((c) => c.graph), chunk.map((c) => c.domain));
    preds.forEach((p, k) => {
      const { job } = chunk[k];
      let r = reliability.get(p.domainId);
      if (!r) reliability.set(p.domainId, (r = domainReliability(predictor.metadata, p.domainId)));
      lines.push(JSON.stringify({
        id: job.id, absorber: job.absorber, absorber_index: job.absorberIndex,
        ...(job.site ? {
          multiplicity: job.site.multiplicity, equivalence: job.site.equivalence,
          ...(job.site.equivalence === 'environment' && job.site.members.length > 1 ? { same_environment: job.site.members } : {}),
        } : {}),
        domain: p.domainId,
        energies: p.energies, ...(relativeDomains.has(p.domainId) ? { energy_reference: 'E-E0' } : {}), mu: p.mu, ...(p.std ? { std: p.std } : {}), attention: p.attention,
        ...(p.transformer ? { transformer_attention: { self: p.transformer.self, neighbours: p.transformer.neighbours } } : {}),
        reliability: reliabilityJson(r),
        model: name, backend: used,
      }));
    });
  }
  predictor.dispose();
  const text = lines.length ? lines.join('\n') + '\n' : '';
  const out = args.options.get('out');
  if (out && out !== '-') fs.writeFileSync(out, text);
  else io.stdout(text);
  io.stderr(`predicted ${lines.length} site(s) with model '${name}' on ${used}${failures ? `; ${failures} refused or failed` : ''}\n`);
  for (const r of reliability.values()) io.stderr(`${reliabilityLogLine(r)}\n`);
  return failures ? 1 : 0;
};
