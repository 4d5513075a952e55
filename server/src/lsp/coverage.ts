// Info diagnostics for absorbing sites whose element the loaded model cannot predict, so the
// missing lens result is explained before anyone clicks.
import type { AbsorbingSiteInfo, PredictionDomain } from '../lsp_ext';
import type { StructureDiagnostic } from '../structure/types';

export function coverageDiagnostics(sites: AbsorbingSiteInfo[], domains: PredictionDomain[] | null, modelName: string | null): StructureDiagnostic[] {
  if (!domains) return [];
  const covered = new Set(domains.map((d) => d.element.toLowerCase()));
  const known = [...new Set(domains.map((d) => d.element))].join(', ');
  return sites
    .filter((s) => !covered.has(s.element.toLowerCase()))
    .map((s) => ({
      range: s.range,
      severity: 'information' as const,
      code: 'model.coverage',
      message: `The XANES model${modelName ? ` "${modelName}"` : ''} does not cover the ${s.element} K-edge (it covers ${known || 'no elements'}).`,
    }));
}
