// Bounds on what one document may cost, shared by the parsers.

/**
 * Diagnostics kept per document. A damaged file can hold millions of stray values (a 30 MB
 * line of junk): building a diagnostic for each cost more than the parse itself, and an editor
 * cannot show them anyway. Beyond the limit problems are only counted.
 */
export const MAX_DIAGNOSTICS = 1000;
