// Bytes of a measured spectrum file to text, for the CLI and the extension host. Node only (zlib):
// the webview cannot decompress and is handed text by the host. Athena projects are usually
// gzip-compressed, so any gzip file is decompressed before the text checks.
import { gunzipSync } from 'node:zlib';
import type { ColumnChoice } from './columns';
import { EXPERIMENTAL_EXTENSIONS, type LoadedSpectrum, type LoadOptions, loadSpectrumText } from './load';

/** A small file that inflates beyond this is not a spectrum; refusing it keeps memory bounded. */
export const MAX_INFLATED_BYTES = 256 * 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function inflate(bytes: Uint8Array, fileName: string): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new Error(`${fileName} decompresses to more than ${MAX_INFLATED_BYTES / 1048576} MB; not loaded.`);
    }
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`${fileName} is gzip-compressed but cannot be decompressed (${why}): the file is truncated or damaged.`);
  }
}

/** UTF-16 by its byte-order mark, or by ASCII text with every other byte zero (no mark). */
function utf16(data: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  const n = Math.min(data.length, 4096) & ~1;
  if (n < 8) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (data[i] === 0) evenZero++;
    if (data[i + 1] === 0) oddZero++;
  }
  if (oddZero === n / 2 && evenZero === 0) return 'utf-16le';
  if (evenZero === n / 2 && oddZero === 0) return 'utf-16be';
  return undefined;
}

/**
 * Text of a measured file: decompressed when gzip, decoded as UTF-8, as UTF-16 (Excel's "Unicode
 * text" export) or, when it is not valid UTF-8, as Windows-1252 (older Windows acquisition
 * software writes µ and ° that way); refused when empty or binary.
 */
export function spectrumTextFromBytes(bytes: Uint8Array, fileName: string): string {
  if (bytes.length === 0) throw new Error(`${fileName} is empty.`);
  const data = isGzip(bytes) ? inflate(bytes, fileName) : bytes;
  if (data.length === 0) throw new Error(`${fileName} decompresses to nothing.`);
  const wide = utf16(data);
  if (wide) return new TextDecoder(wide).decode(data);
  if (data.subarray(0, Math.min(data.length, 4096)).includes(0)) {
    throw new Error(`${fileName} is a binary file, not a text spectrum (${EXPERIMENTAL_EXTENSIONS.map((e) => '.' + e).join(' ')}).`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}

/** loadSpectrumText on a file's bytes (the CLI's entry point). */
export function loadSpectrumBytes(bytes: Uint8Array, fileName: string, choice?: ColumnChoice, options?: LoadOptions): LoadedSpectrum {
  return loadSpectrumText(spectrumTextFromBytes(bytes, fileName), fileName, choice, options);
}
