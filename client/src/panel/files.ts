// Reading a measured spectrum from disk for the panel: size and type checks with messages a
// scientist can act on, gzip undone (Athena projects), and an Athena project or SPEC file narrowed
// to the one group or scan the panel shows, so the webview reads it with the loader it uses for
// every file.
import { type AthenaProject, parseAthenaProject } from '../../../server/src/spectrum/athena';
import { spectrumTextFromBytes } from '../../../server/src/spectrum/bytes';
import { isAthenaFile, multiPartFile, type MultiPartFile } from '../../../server/src/spectrum/load';

export const MAX_EXPERIMENTAL_BYTES = 20 * 1024 * 1024;

export type DecodeResult = { ok: true; text: string } | { ok: false; message: string };

export function decodeExperimental(fileName: string, bytes: Uint8Array): DecodeResult {
  if (bytes.length > MAX_EXPERIMENTAL_BYTES) {
    return { ok: false, message: `${fileName} is ${(bytes.length / 1048576).toFixed(1)} MB; spectra over 20 MB are not loaded.` };
  }
  try {
    return { ok: true, text: spectrumTextFromBytes(bytes, fileName) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** The project behind a measured file's text, or undefined when it is not an Athena project. */
export function athenaProjectOf(fileName: string, text: string): AthenaProject | undefined {
  return isAthenaFile(text, fileName) ? parseAthenaProject(text, fileName) : undefined;
}

/** The spectra of a file that holds several (Athena project, SPEC file), to pick one from. */
export function multiPartOf(fileName: string, text: string): MultiPartFile | undefined {
  return multiPartFile(text, fileName);
}

export { overlayableGroups } from '../../../server/src/spectrum/athena';

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
