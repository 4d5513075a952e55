// pymatgen XAS documents (Materials Project's XAS data): x, y, structure, absorbing_element,
// absorbing_index, edge, spectrum_type. One document, a list, or JSON Lines of documents.
import { basename } from 'node:path';
import { structureFromArrays } from '../../structure/build';
import type { ImportIssue, ImportResult, SpectrumRecord } from '../record';
import { normaliseMethod, recordProblem } from '../record';
import { canonicalElement, errorMessage, isObject, licenceFor, matrix, numbers, str, type Json, type JsonObject } from './common';
import { readText } from './lines';

export interface DocContext {
  file: string;
  licence: string;
  /** Method when the document does not say; MP XAS spectra are FEFF calculations. */
  method?: string;
}

export function looksLikePymatgenXas(o: JsonObject): boolean {
  return 'x' in o && 'y' in o && isObject(o.structure);
}

interface SiteRow {
  element: string;
  cart: number[];
  frac?: number[];
}

/** Majority species of a (possibly disordered) site. */
function siteElement(site: JsonObject): string | undefined {
  const sp = site.species;
  if (Array.isArray(sp)) {
    let best: { el: string; occu: number } | undefined;
    for (const s of sp) {
      if (!isObject(s)) continue;
      const el = str(s, 'element');
      const occu = typeof s.occu === 'number' ? s.occu : 1;
      if (el && (!best || occu > best.occu)) best = { el, occu };
    }
    return best ? canonicalElement(best.el) : undefined;
  }
  const label = str(site, 'label') ?? str(site, 'element');
  return label ? canonicalElement(label) : undefined;
}

export function pymatgenDocToRecord(doc: JsonObject, ctx: DocContext, fallbackId: string): SpectrumRecord | string {
  const x = numbers(doc, 'x');
  if (typeof x === 'string') return x;
  const y = numbers(doc, 'y');
  if (typeof y === 'string') return y;
  const st = doc.structure;
  if (!isObject(st)) return "'structure' is missing";
  const lat = isObject(st.lattice) ? matrix(st.lattice, 'matrix', 3) : undefined;
  if (typeof lat === 'string') return `structure.lattice: ${lat}`;
  if (!Array.isArray(st.sites)) return "'structure.sites' is missing";
  const rows: SiteRow[] = [];
  for (let i = 0; i < st.sites.length; i++) {
    const s: Json = st.sites[i];
    if (!isObject(s)) return `structure.sites[${i}] is not an object`;
    const el = siteElement(s);
    if (!el) return `structure.sites[${i}] has no recognisable element`;
    const xyz = matrix({ v: [s.xyz ?? null] }, 'v', 3);
    const abc = matrix({ v: [s.abc ?? null] }, 'v', 3);
    if (typeof xyz === 'string' && typeof abc === 'string') return `structure.sites[${i}] has neither abc nor xyz`;
    rows.push({ element: el, cart: typeof xyz === 'string' ? [] : xyz[0], ...(typeof abc === 'string' ? {} : { frac: abc[0] }) });
  }
  const absorber = canonicalElement(str(doc, 'absorbing_element') ?? '');
  if (!absorber) return "'absorbing_element' is missing or not an element";
  const rawIndex = doc.absorbing_index;
  const index = typeof rawIndex === 'number' && Number.isInteger(rawIndex) ? rawIndex : null;
  const edge = str(doc, 'edge') ?? 'K';
  const useFrac = lat !== undefined && rows.every((r) => r.frac);
  const materialId = str(doc, 'material_id') ?? str(doc, 'mp_id') ?? str(doc, 'task_id');
  const id = str(doc, 'spectrum_id') ?? str(doc, 'xas_id') ??
    (materialId !== undefined && index !== null ? `${materialId}-${index}-${absorber}-${str(doc, 'spectrum_type') ?? 'XANES'}-${edge}` : fallbackId);
  const structure = structureFromArrays({
    name: id,
    lattice: lat ?? null,
    species: rows.map((r) => r.element),
    ...(useFrac ? { frac: rows.map((r) => r.frac as number[]) } : { cart: rows.map((r) => r.cart) }),
  });
  return {
    id,
    materialId: materialId ?? id,
    absorber,
    absorberIndex: index,
    edge,
    method: normaliseMethod(str(doc, 'method') ?? ctx.method ?? 'FEFF'),
    structure,
    energies: x,
    mu: y,
    ...(index === null ? { siteAveraged: true } : {}),
    source: str(doc, 'source') ?? ctx.file,
    licence: str(doc, 'licence') ?? str(doc, 'license') ?? ctx.licence,
  };
}

/**
 * A .json file holding one pymatgen XAS document or a list of them (JSON Lines files of documents
 * go through importJsonl, which recognises them line by line).
 */
export function importPymatgenJson(file: string, opts: { licence?: string; method?: string } = {}): ImportResult {
  const issues: ImportIssue[] = [];
  const records: SpectrumRecord[] = [];
  let parsed: Json;
  try {
    parsed = JSON.parse(readText(file)) as Json;
  } catch (e) {
    return { records, issues: [{ file, reason: `invalid JSON: ${errorMessage(e)}` }] };
  }
  const docs: Json[] = Array.isArray(parsed) ? parsed : [parsed];
  const ctx: DocContext = { file: basename(file), licence: opts.licence ?? licenceFor(file), ...(opts.method ? { method: opts.method } : {}) };
  docs.forEach((d, i) => {
    const where = Array.isArray(parsed) ? `[${i}]` : '';
    if (!isObject(d)) {
      issues.push({ file, reason: `document${where} is not an object` });
      return;
    }
    let r: SpectrumRecord | string;
    try {
      r = pymatgenDocToRecord(d, ctx, `${basename(file)}${where}`);
    } catch (e) {
      r = errorMessage(e);
    }
    const problem = typeof r === 'string' ? r : recordProblem(r);
    if (typeof r === 'string' || problem !== null) {
      issues.push({ file, ...(str(d, 'spectrum_id') ? { id: str(d, 'spectrum_id') } : {}), reason: `document${where}: ${problem ?? 'rejected'}` });
      return;
    }
    records.push(r);
  });
  return { records, issues };
}
