// "Predict K-edge XANES (Fe1, ×4)" on each symmetry-inequivalent absorbing site, and one
// "Predict all sites" per block that has any.
import type { CodeLens } from 'vscode-languageserver';
import type { AbsorbingSiteInfo, PredictAllCommandArgs, PredictSiteCommandArgs } from '../lsp_ext';
import type { StructureBlock } from '../structure/types';
import { absorbingSites } from '../structure/sites';

export const PREDICT_SITE_COMMAND = 'xanes.predictSite';
export const PREDICT_ALL_COMMAND = 'xanes.predictAll';

/** Inequivalent absorbing sites of every block, in document order. */
export function documentSites(blocks: StructureBlock[], elements: readonly string[]): AbsorbingSiteInfo[] {
  const out: AbsorbingSiteInfo[] = [];
  blocks.forEach((block, b) => {
    if (!block.structure) return;
    for (const s of absorbingSites(block.structure, [...elements])) {
      out.push({
        block: b,
        blockName: block.name,
        siteIndex: s.siteIndex,
        orbit: s.orbit,
        label: s.label,
        element: s.element,
        multiplicity: s.multiplicity,
        range: s.range,
      });
    }
  });
  return out;
}

export function siteLensTitle(site: Pick<AbsorbingSiteInfo, 'label' | 'multiplicity'>): string {
  return `Predict K-edge XANES (${site.label}, ×${site.multiplicity})`;
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
      lenses.push({
        range: lineStart(site.range.start.line),
        command: { title: siteLensTitle(site), command: PREDICT_SITE_COMMAND, arguments: siteArgs },
      });
    }
  });
  return lenses;
}

function lineStart(line: number): CodeLens['range'] {
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}
