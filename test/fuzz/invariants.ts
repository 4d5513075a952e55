// What must hold for ANY input text: parseDocument returns (no internal error), every
// diagnostic and range lies inside the document, structures are finite and self-consistent,
// and the rest of the pipeline (absorbing sites → absorber graph, outline, folding) accepts them.
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { documentOutline, foldingRanges, type OutlineSymbol } from '../../server/src/outline';
import { parseDocument, type StructureFormat } from '../../server/src/parse';
import { TRANSITION_METALS_3D_4D } from '../../server/src/structure/elements';
import { absorbingSites } from '../../server/src/structure/sites';
import type { ParsedDocument, ParseOptions, Structure, TextRange } from '../../server/src/structure/types';

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);

/** Length of every line as LSP counts them (CRLF, LF and CR end a line; UTF-16 units). */
export function lineLengths(text: string): number[] {
  const out: number[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      out.push(i - start);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  out.push(text.length - start);
  return out;
}

export function rangeProblem(r: TextRange | undefined, lines: number[]): string | null {
  if (!r || !r.start || !r.end) return 'missing range';
  const ok = (p: { line: number; character: number }): boolean =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length &&
    p.character >= 0 && p.character <= lines[p.line];
  if (!ok(r.start)) return `start ${JSON.stringify(r.start)} outside the document`;
  if (!ok(r.end)) return `end ${JSON.stringify(r.end)} outside the document`;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) {
    return `end before start ${JSON.stringify(r)}`;
  }
  return null;
}

const finite3 = (v: readonly number[] | null | undefined): boolean =>
  !!v && v.length === 3 && Number.isFinite(v[0]) && Number.isFinite(v[1]) && Number.isFinite(v[2]);

export function structureProblems(s: Structure, lines: number[], maxAtoms: number): string[] {
  const out: string[] = [];
  if (s.lattice) {
    const l = s.lattice;
    if (!(l.volume > 0) || !Number.isFinite(l.volume) || !l.matrix.every(finite3)) out.push(`lattice not finite/positive: ${JSON.stringify(l)}`);
  }
  if (s.sites.length > maxAtoms) out.push(`${s.sites.length} sites exceed maxAtoms ${maxAtoms}`);
  const seen = new Int32Array(s.sites.length).fill(-1);
  s.orbits.forEach((members, k) => members.forEach((i) => {
    if (i < 0 || i >= s.sites.length) out.push(`orbit ${k} holds site ${i} out of range`);
    else if (seen[i] >= 0) out.push(`site ${i} in orbits ${seen[i]} and ${k}`);
    else seen[i] = k;
  }));
  s.sites.forEach((site, i) => {
    if (out.length > 5) return;
    if (!finite3(site.cart)) out.push(`site ${i} cart not finite: ${JSON.stringify(site.cart)}`);
    if (s.lattice) {
      if (!finite3(site.frac)) out.push(`site ${i} frac not finite`);
      else if (site.frac && site.frac.some((x) => x < 0 || x >= 1) && s.pbc.every(Boolean)) out.push(`site ${i} frac not wrapped: ${site.frac}`);
    }
    if (!Number.isInteger(site.Z) || site.Z < 0 || site.Z > 118) out.push(`site ${i} Z ${site.Z}`);
    if (!Number.isFinite(site.occupancy)) out.push(`site ${i} occupancy ${site.occupancy}`);
    if (seen[i] !== site.orbit) out.push(`site ${i} says orbit ${site.orbit}, is in ${seen[i]}`);
    if (!(site.sourceSite >= 0 && site.sourceSite < s.sourceSites.length)) out.push(`site ${i} sourceSite ${site.sourceSite} out of range`);
    const rp = rangeProblem(site.range, lines);
    if (rp) out.push(`site ${i} range: ${rp}`);
  });
  return out;
}

export interface CaseResult {
  problems: string[];
  /** Graphs built (a pipeline that silently skips everything would otherwise look healthy). */
  graphs: number;
  atoms: number;
}

function outlineProblems(symbols: OutlineSymbol[], lines: number[], out: string[]): void {
  for (const s of symbols) {
    const a = rangeProblem(s.range, lines) ?? rangeProblem(s.selectionRange, lines);
    if (a) out.push(`outline '${s.name}': ${a}`);
    outlineProblems(s.children, lines, out);
  }
}

/** Everything a language server would do with a document, checked. Never throws. */
export function checkDocument(text: string, format: StructureFormat, opts: ParseOptions = {}): CaseResult {
  const problems: string[] = [];
  const lines = lineLengths(text);
  let doc: ParsedDocument;
  try {
    doc = parseDocument(text, format, opts);
  } catch (e) {
    return { problems: [`parseDocument threw: ${(e as Error).stack}`], graphs: 0, atoms: 0 };
  }
  for (const d of doc.diagnostics) {
    if (d.code === 'internal') problems.push(`internal error diagnostic: ${d.message}`);
    if (!SEVERITIES.has(d.severity)) problems.push(`bad severity ${d.severity}`);
    if (!d.message || typeof d.message !== 'string') problems.push(`empty message (${d.code})`);
    if (!d.code) problems.push('diagnostic without code');
    const rp = rangeProblem(d.range, lines);
    if (rp) problems.push(`diagnostic '${d.code}: ${d.message.slice(0, 80)}': ${rp}`);
  }
  let graphs = 0;
  let atoms = 0;
  for (const b of doc.blocks) {
    const rp = rangeProblem(b.range, lines) ?? rangeProblem(b.headerRange, lines);
    if (rp) problems.push(`block ${b.name}: ${rp}`);
    const s = b.structure;
    if (!s) continue;
    atoms += s.sites.length;
    problems.push(...structureProblems(s, lines, opts.maxAtoms ?? 200000));
    const unknown = s.sites.some((x) => x.Z < 1);
    const absorbers = absorbingSites(s, TRANSITION_METALS_3D_4D);
    for (const a of absorbers.slice(0, 2)) {
      try {
        const g = buildAbsorberGraph(s, a.siteIndex);
        graphs++;
        if (g.neighbours.length !== g.options.maxNeighbours) problems.push(`graph has ${g.neighbours.length} neighbours`);
        if (!g.nodeFeatures.every(Number.isFinite) || !g.edgeFeatures.every(Number.isFinite)) problems.push('graph features not finite');
        for (let k = 1; k < g.neighbours.length; k++) {
          // Ties within 1e-8 Å are ordered by site index (compareHits), so allow that much.
          if (g.neighbours[k].distance < g.neighbours[k - 1].distance - 1e-7) problems.push('neighbours not sorted');
        }
      } catch (e) {
        const m = (e as Error).message;
        // A documented refusal: a neighbour or the absorber has no element (a diagnostic says so).
        if (!(unknown && /unknown element/.test(m))) problems.push(`buildAbsorberGraph threw: ${(e as Error).stack}`);
      }
    }
  }
  try {
    outlineProblems(documentOutline(text, format), lines, problems);
    for (const f of foldingRanges(text, format)) {
      if (!(f.startLine >= 0 && f.endLine < lines.length && f.startLine <= f.endLine)) problems.push(`folding range ${JSON.stringify(f)} outside`);
    }
  } catch (e) {
    problems.push(`outline/folding threw: ${(e as Error).stack}`);
  }
  return { problems, graphs, atoms };
}
