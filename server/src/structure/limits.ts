// Bounds on what one document may cost, shared by the parsers.

/**
 * Diagnostics kept per document. A damaged file can hold millions of stray values (a 30 MB
 * line of junk): building a diagnostic for each cost more than the parse itself, and an editor
 * cannot show them anyway. Beyond the limit problems are only counted.
 */
export const MAX_DIAGNOSTICS = 1000;

/**
 * Largest coordinate (Å, or cell fractions) taken from a file. Nothing real is 100 km wide, and
 * numbers like 1e308 lose every digit in frac ↔ Cartesian conversion: periodic-image loops
 * over such values (x + 1 === x) would never end.
 */
export const MAX_COORDINATE = 1e6;
