// Line-by-line reading of plain or gzip text files, so an 8 MB .gz never sits in memory whole.
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';

export function isGzip(path: string): boolean {
  return /\.gz$/i.test(path);
}

export async function* readLines(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  const input = isGzip(path) ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    raw.destroy();
  }
}

/** Whole-file text for small formats (one JSON document, xmu.dat, POSCAR). */
export function readText(path: string): string {
  const buf = readFileSync(path);
  return (isGzip(path) ? gunzipSync(buf) : buf).toString('utf8');
}
