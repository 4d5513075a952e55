// Seeded splits by material: every site of one material (every conformer of one molecule id)
// lands on the same side, so validation never sees a crystal it trained on.
import { mulberry32 } from '../random';

export type SplitName = 'train' | 'val' | 'test';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

export { mulberry32 };

/** Unique material ids in a fixed order, shuffled by the seed (input order never matters). */
export function shuffledMaterials(materialIds: Iterable<string>, seed: number): string[] {
  const ids = [...new Set(materialIds)].sort();
  const rand = mulberry32(seed);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}

/** Material id → side. Counts are round(fraction · materials); the test side takes the remainder. */
export function splitByMaterial(materialIds: Iterable<string>, fractions: SplitFractions, seed: number): Map<string, SplitName> {
  const total = fractions.train + fractions.val + fractions.test;
  if (!(total > 0) || fractions.train < 0 || fractions.val < 0 || fractions.test < 0) {
    throw new Error(`split fractions must be non-negative with a positive sum, got ${JSON.stringify(fractions)}`);
  }
  const ids = shuffledMaterials(materialIds, seed);
  const nTrain = Math.round((fractions.train / total) * ids.length);
  const nVal = Math.min(ids.length - nTrain, Math.round((fractions.val / total) * ids.length));
  const out = new Map<string, SplitName>();
  ids.forEach((id, i) => out.set(id, i < nTrain ? 'train' : i < nTrain + nVal ? 'val' : 'test'));
  return out;
}

/** Record indices per side, for any items that carry a materialId. */
export function splitIndices(items: ReadonlyArray<{ materialId: string }>, fractions: SplitFractions, seed: number): Record<SplitName, number[]> {
  const side = splitByMaterial(items.map((r) => r.materialId), fractions, seed);
  const out: Record<SplitName, number[]> = { train: [], val: [], test: [] };
  items.forEach((r, i) => out[side.get(r.materialId) as SplitName].push(i));
  return out;
}

export interface Fold {
  train: number[];
  val: number[];
}

/** k folds by material: fold f validates on every k-th material of the seeded order. */
export function kFoldByMaterial(items: ReadonlyArray<{ materialId: string }>, k: number, seed: number): Fold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`k-fold needs an integer k ≥ 2, got ${k}`);
  const ids = shuffledMaterials(items.map((r) => r.materialId), seed);
  if (ids.length < k) throw new Error(`${ids.length} materials cannot fill ${k} folds`);
  const foldOf = new Map<string, number>(ids.map((id, i) => [id, i % k]));
  const folds: Fold[] = Array.from({ length: k }, () => ({ train: [], val: [] }));
  items.forEach((r, i) => {
    const f = foldOf.get(r.materialId) as number;
    for (let g = 0; g < k; g++) (g === f ? folds[g].val : folds[g].train).push(i);
  });
  return folds;
}
