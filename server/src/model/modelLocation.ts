// Where the model comes from when none is named: $XANES_LENS_MODEL, else the extension's
// shipped models/ folder (one level above dist/). A missing model is an explicit error.
import fs from 'node:fs';
import path from 'node:path';
import { METADATA_FILE } from './modelFiles';

function isModelDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, METADATA_FILE));
}

/** Model directories under a models/ folder, sorted by name. */
export function listModels(modelsRoot: string): string[] {
  if (!fs.existsSync(modelsRoot)) return [];
  return fs.readdirSync(modelsRoot).sort().map((n) => path.join(modelsRoot, n)).filter(isModelDir);
}

export function resolveModelDir(explicit?: string, modelsRoot = path.resolve(__dirname, '..', 'models')): string {
  const wanted = explicit || process.env.XANES_LENS_MODEL;
  if (wanted) {
    if (!isModelDir(wanted)) throw new Error(`no model at ${wanted} (no ${METADATA_FILE})`);
    return wanted;
  }
  const found = listModels(modelsRoot);
  if (found.length === 0) throw new Error(`no model installed in ${modelsRoot}; pass --model DIR or set XANES_LENS_MODEL`);
  // Names carry versions (mem-xanes-v1, -v2…): the last in order is the newest.
  return found[found.length - 1];
}
