// The Cu K-edge set, read once per bench process (never copied into the project).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadDataset } from '../server/src/data/load';
import type { SpectrumRecord } from '../server/src/data/record';

// Bundled to out/bench/, three levels below the folder that holds main/ and shared/.
export const CU_SET = path.resolve(__dirname, '../../../shared/data/cu-k-feff-omnixas.jsonl.gz');

export function cuSetPath(): string | undefined {
  for (const p of [process.env.XANES_CU_SET, CU_SET]) {
    if (p && existsSync(p)) return p;
  }
  return undefined;
}

export async function cuRecords(limit?: number): Promise<SpectrumRecord[]> {
  const p = cuSetPath();
  if (!p) throw new Error('Cu set not found (set XANES_CU_SET)');
  return (await loadDataset({ path: p, ...(limit ? { limit } : {}) })).records;
}
