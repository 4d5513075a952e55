// StructureDiagnostic (parser output, plain data) → LSP Diagnostic.
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { Severity, StructureDiagnostic, TextRange } from '../structure/types';

export const DIAGNOSTIC_SOURCE = 'xanes-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: StructureDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Error,
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
  };
}

export function startOfDocument(): TextRange {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

/** A diagnostic for a failure of our own code, so the user sees it instead of a silent server. */
export function internalErrorDiagnostic(what: string, err: unknown): StructureDiagnostic {
  const message = err instanceof Error ? err.message : String(err);
  return { range: startOfDocument(), severity: 'error', code: 'internal', message: `XANES Lens could not ${what}: ${message}` };
}
