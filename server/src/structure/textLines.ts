// Line handling shared by the line-oriented structure formats (XYZ, POSCAR): their diagnostics
// and site ranges are whole lines or fields within one line.
import type { TextRange } from './types';

export function lineRange(line: number, start: number, end: number): TextRange {
  return { start: { line, character: start }, end: { line, character: end } };
}

/**
 * Split into lines on CRLF, LF or CR, keeping no terminators. A byte-order mark becomes a space
 * so that columns (and ranges) stay where an editor shows them.
 */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[0].charCodeAt(0) === 0xfeff) lines[0] = ' ' + lines[0].slice(1);
  return lines;
}
