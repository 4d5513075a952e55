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

/** Text of a measured file: decompressed when gzip, refused when empty or binary. */
export function spectrumTextFromBytes(bytes: Uint8Array, fileName: string): string {
  if (bytes.length === 0) throw new Error(`${fileName} is empty.`);
  const data = isGzip(bytes) ? inflate(bytes, fileName) : bytes;
  if (data.length === 0) throw new Error(`${fileName} decompresses to nothing.`);
  if (data.subarray(0, Math.min(data.length, 4096)).includes(0)) {
    throw new Error(`${fileName} is a binary file, not a text spectrum (${EXPERIMENTAL_EXTENSIONS.map((e) => '.' + e).join(' ')}).`);
  }
  return new TextDecoder('utf-8').decode(data);
}

/** loadSpectrumText on a file's bytes (the CLI's entry point). */
export function loadSpectrumBytes(bytes: Uint8Array, fileName: string, choice?: ColumnChoice, options?: LoadOptions): LoadedSpectrum {
  return loadSpectrumText(spectrumTextFromBytes(bytes, fileName), fileName, choice, options);
}
