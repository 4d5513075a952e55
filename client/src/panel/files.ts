// Reading a measured spectrum from disk for the panel: size and type checks with messages a
// scientist can act on.
import { EXPERIMENTAL_EXTENSIONS } from '../../../server/src/spectrum/load';

export const MAX_EXPERIMENTAL_BYTES = 20 * 1024 * 1024;

export type DecodeResult = { ok: true; text: string } | { ok: false; message: string };

export function decodeExperimental(fileName: string, bytes: Uint8Array): DecodeResult {
  if (/\.prj$/i.test(fileName)) {
    return { ok: false, message: `${fileName}: Athena project files are not supported; export the group from Athena as .xdi or .xmu.` };
  }
  if (bytes.length === 0) return { ok: false, message: `${fileName} is empty.` };
  if (bytes.length > MAX_EXPERIMENTAL_BYTES) {
    return { ok: false, message: `${fileName} is ${(bytes.length / 1048576).toFixed(1)} MB; spectra over 20 MB are not loaded.` };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return { ok: false, message: `${fileName} is gzip-compressed: decompress it first.` };
  const head = bytes.subarray(0, Math.min(bytes.length, 4096));
  if (head.includes(0)) return { ok: false, message: `${fileName} is a binary file, not a text spectrum (${EXPERIMENTAL_EXTENSIONS.map((e) => '.' + e).join(' ')}).` };
  return { ok: true, text: new TextDecoder('utf-8').decode(bytes) };
}

export const SAVE_FILTERS: Record<'csv' | 'xdi' | 'png', Record<string, string[]>> = {
  csv: { 'CSV': ['csv'] },
  xdi: { 'XDI spectrum': ['xdi'] },
  png: { 'PNG image': ['png'] },
};

/** Bytes to write for an export message (PNG arrives as a data URL). */
export function exportBytes(format: 'csv' | 'xdi' | 'png', content: string): Uint8Array {
  if (format === 'png') return Uint8Array.from(Buffer.from(content.slice(content.indexOf(',') + 1), 'base64'));
  return new TextEncoder().encode(content);
}
