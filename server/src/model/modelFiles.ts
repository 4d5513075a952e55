// Model directories on disk: metadata.json plus one float32 little-endian weights file per
// ensemble member. Reading verifies everything it can so a damaged or mismatched model fails
// with a message that names the file and the problem, never with garbage predictions.
import fs from 'node:fs';
import path from 'node:path';
import type { NamedWeight } from './network';
import { validateMetadata, type ModelMetadata, type WeightEntry } from './metadata';

export const METADATA_FILE = 'metadata.json';

export function memberFileName(index: number): string {
  return index === 0 ? 'weights.bin' : `weights-${index}.bin`;
}

function elementCount(shape: number[]): number {
  return shape.reduce((p, s) => p * s, 1);
}

export function manifestFor(weights: NamedWeight[]): WeightEntry[] {
  let offset = 0;
  return weights.map((w) => {
    const entry = { name: w.name, shape: [...w.shape], offset };
    offset += 4 * elementCount(w.shape);
    return entry;
  });
}

function manifestBytes(manifest: WeightEntry[]): number {
  return manifest.reduce((n, e) => n + 4 * elementCount(e.shape), 0);
}

export function encodeWeights(weights: NamedWeight[]): Buffer {
  const buf = Buffer.alloc(manifestBytes(manifestFor(weights)));
  let offset = 0;
  for (const w of weights) {
    if (w.data.length !== elementCount(w.shape)) throw new Error(`weight '${w.name}' has ${w.data.length} values for shape [${w.shape}]`);
    for (let i = 0; i < w.data.length; i++, offset += 4) buf.writeFloatLE(w.data[i], offset);
  }
  return buf;
}

export function decodeWeights(buf: Buffer, manifest: WeightEntry[], file: string): NamedWeight[] {
  const expected = manifestBytes(manifest);
  if (buf.length !== expected) {
    throw new Error(`${file}: ${buf.length} bytes, the manifest describes ${expected} (truncated or from another model)`);
  }
  let offset = 0;
  return manifest.map((e) => {
    if (e.offset !== offset) throw new Error(`${file}: manifest entry '${e.name}' at offset ${e.offset}, expected ${offset}`);
    const n = elementCount(e.shape);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++, offset += 4) data[i] = buf.readFloatLE(offset);
    const bad = data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new Error(`${file}: weight '${e.name}' holds a non-finite value at index ${bad} (corrupted file)`);
    return { name: e.name, shape: [...e.shape], data };
  });
}

export type ModelMetadataDraft = Omit<ModelMetadata, 'weights'>;

/** Write metadata.json and one weights file per member (members must share names and shapes). */
export function saveModel(dir: string, draft: ModelMetadataDraft, members: NamedWeight[][]): ModelMetadata {
  if (members.length === 0) throw new Error('saveModel: no ensemble members');
  const manifest = manifestFor(members[0]);
  members.forEach((m, i) => {
    const same = m.length === manifest.length && m.every((w, k) => w.name === manifest[k].name && w.shape.join() === manifest[k].shape.join());
    if (!same) throw new Error(`saveModel: member ${i} has different parameters from member 0`);
  });
  const metadata: ModelMetadata = {
    ...draft,
    weights: { dtype: 'float32', manifest, members: members.map((_, i) => memberFileName(i)) },
  };
  validateMetadata(metadata, dir);
  fs.mkdirSync(dir, { recursive: true });
  members.forEach((m, i) => fs.writeFileSync(path.join(dir, memberFileName(i)), encodeWeights(m)));
  fs.writeFileSync(path.join(dir, METADATA_FILE), JSON.stringify(metadata, null, 1) + '\n');
  return metadata;
}

export function readMetadata(dir: string): ModelMetadata {
  const file = path.join(dir, METADATA_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`no model at ${dir}: cannot read ${METADATA_FILE} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let metadata: ModelMetadata;
  try {
    metadata = JSON.parse(text) as ModelMetadata;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  validateMetadata(metadata, file);
  return metadata;
}

export interface LoadedModelFiles {
  dir: string;
  metadata: ModelMetadata;
  /** Weights of each ensemble member, in manifest order. */
  members: NamedWeight[][];
}

export function loadModelFiles(dir: string): LoadedModelFiles {
  const metadata = readMetadata(dir);
  const members = metadata.weights.members.map((name) => {
    if (path.basename(name) !== name) throw new Error(`${dir}: member file '${name}' must be a plain file name`);
    const file = path.join(dir, name);
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      throw new Error(`${file}: cannot read weights (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    return decodeWeights(buf, metadata.weights.manifest, file);
  });
  return { dir, metadata, members };
}
