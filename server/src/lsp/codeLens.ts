// "Predict K-edge XANES (Fe1, ×4)" on each inequivalent absorbing site, and one "Predict all
// sites" per block that has any. In a file without symmetry operators a site stands for every atom
// with the same environment (structure/sites.ts); the lens's tooltip names them.
import type { CodeLens } from 'vscode-languageserver';
import type { AbsorbingSiteInfo, PredictAllCommandArgs, PredictSiteCommandArgs } from '../lsp_ext';
import { EQUIVALENCE_DEFAULTS } from '../graph/equivalence';
import type { StructureBlock } from '../structure/types';
import { absorbingSites } from '../structure/sites';

export const PREDICT_SITE_COMMAND = 'xanes.predictSite';
export const PREDICT_ALL_COMMAND = 'xanes.predictAll';

/** Inequivalent absorbing sites of every block, in document order. */
export function documentSites(blocks: StructureBlock[], elements: readonly string[]): AbsorbingSiteInfo[] {
  const out: AbsorbingSiteInfo[] = [];
  blocks.forEach((block, b) => {
    const structure = block.structure;
    if (!structure) return;
    for (const s of absorbingSites(structure, elements)) {
      out.push({
        block: b,
        blockName: block.name,
        siteIndex: s.siteIndex,
        orbit: s.orbit,
        label: s.label,
        element: s.element,
        multiplicity: s.multiplicity,
        range: s.range,
        equivalence: s.equivalence,
        ...(s.equivalence === 'environment' && s.members.length > 1
          ? { members: s.members.map((i) => ({ siteIndex: i, label: structure.sites[i].label, range: structure.sites[i].range })) }
          : {}),
        ...(s.note ? { note: s.note } : {}),
      });
    }
  });
  return out;
}

export function siteLensTitle(site: Pick<AbsorbingSiteInfo, 'label' | 'multiplicity'>): string {
  return `Predict K-edge XANES (${site.label}, ×${site.multiplicity})`;
}

/** Labels shown before "…" when a group is named in a tooltip or hover. */
const LISTED_LABELS = 12;

/** "Fe1, Fe2, …, Fe12" with at most LISTED_LABELS names (the last one always shown). */
export function labelList(labels: readonly string[]): string {
  if (labels.length <= LISTED_LABELS) return labels.join(', ');
  return `${labels.slice(0, LISTED_LABELS - 1).join(', ')}, … (${labels.length - LISTED_LABELS} more), ${labels[labels.length - 1]}`;
}

/** What the ×N of a lens means, when it is not a symmetry orbit. */
export function siteLensTooltip(site: Pick<AbsorbingSiteInfo, 'label' | 'element' | 'multiplicity' | 'equivalence' | 'members' | 'note'>): string | undefined {
  if (site.equivalence === 'environment' && site.members && site.members.length > 1) {
    return `${site.label} stands for ${site.multiplicity} ${site.element} atoms by environment (the file has no symmetry operators; `
      + `their surroundings within ${EQUIVALENCE_DEFAULTS.radius} Å agree within ${EQUIVALENCE_DEFAULTS.tolerance} Å, so the model gives them one spectrum): `
      + labelList(site.members.map((m) => m.label));
  }
  if (site.equivalence === 'none') return `${site.label} is predicted on its own: atoms were not compared by environment (${site.note ?? 'over the limits'}).`;
  return undefined;
}

export function blockLensTitle(count: number): string {
  return `Predict all sites (${count})`;
}

export function codeLenses(uri: string, blocks: StructureBlock[], sites: AbsorbingSiteInfo[]): CodeLens[] {
  const lenses: CodeLens[] = [];
  blocks.forEach((block, b) => {
    const inBlock = sites.filter((s) => s.block === b);
    if (inBlock.length === 0) return;
    const args: PredictAllCommandArgs = [uri, b];
    lenses.push({
      range: lineStart(block.headerRange.start.line),
      command: { title: blockLensTitle(inBlock.length), command: PREDICT_ALL_COMMAND, arguments: args },
    });
    for (const site of inBlock) {
      const siteArgs: PredictSiteCommandArgs = [uri, b, site.siteIndex];
      const tooltip = siteLensTooltip(site);
      lenses.push({
        range: lineStart(site.range.start.line),
        command: { title: siteLensTitle(site), command: PREDICT_SITE_COMMAND, arguments: siteArgs, ...(tooltip ? { tooltip } : {}) },
      });
    }
  });
  return lenses;
}

function lineStart(line: number): CodeLens['range'] {
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}
