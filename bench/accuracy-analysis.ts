// Where does a model's error come from, and how noisy are the labels? On the validation split of
// its training config (split by material, the config's seed) for the two large domains: the error
// summary and how concentrated it is, the error per 5 eV window, how much of it a rigid energy
// shift of the prediction removes (edge position vs. shape), and, independently of the model over
// every sample of the domain, how far apart the spectra of near-identical absorber environments are.
//   node bench/training-build.mjs bench/accuracy-analysis.ts && node runs/bin/accuracy-analysis.js models/mem-xanes-v5 models/mem-xanes-v5.train.json
import { loadTf } from '../server/src/model/backend';
import { loadModelFiles } from '../server/src/model/modelFiles';
import { loadTrainConfig } from '../server/src/training/config';
import { predictWithModel } from '../server/src/training/evaluateModel';
import { quartiles } from '../server/src/training/metrics';
import { averageGroups, metricsOf, type SamplePrediction } from '../server/src/training/predict';
import { prepareFromConfig, splitSet } from '../server/src/training/setup';
import type { TensorizedSet } from '../server/src/data/tensorize';
import { bestRigidShift, findTwins, pairMae, windowProfile, worstShare } from './accuracy';

const DOMAINS = ['Cu-K-FEFF', 'Fe-K-FDMNES'];
const TOLERANCES = [0.005, 0.02, 0.05];
const MAX_SHIFT_EV = 4;
const SHIFT_STEP_EV = 0.1;
const WINDOW_EV = 5;

const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const f2 = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const log = (line: string): void => { process.stderr.write(`${line}\n`); };

interface PerSpectrum {
  errorSum: number;
  points: number;
  mae: number;
}

function perSpectrum(p: SamplePrediction): PerSpectrum {
  let errorSum = 0;
  let points = 0;
  for (let i = 0; i < p.target.length; i++) {
    if (!(p.mask[i] > 0)) continue;
    errorSum += Math.abs(p.pred[i] - p.target[i]);
    points++;
  }
  return { errorSum, points, mae: points ? errorSum / points : NaN };
}

function modelErrorTable(set: TensorizedSet, byDomain: Map<string, SamplePrediction[]>, combined: readonly SamplePrediction[]): void {
  // metricsOf is the trainer's and `evaluate`'s scoring, so the headline figures match docs/training.md.
  const metrics = metricsOf(set, combined);
  console.log('### 1. Model error (validation split)\n');
  console.log('| domain | spectra | MAE (pooled points) | mean per-spectrum MAE | median Δμ | per-spectrum MAE q1 / median / q3 | worst 10 % of spectra carry |');
  console.log('|---|---|---|---|---|---|---|');
  for (const id of DOMAINS) {
    const preds = byDomain.get(id) ?? [];
    const m = metrics[id];
    const per = preds.map(perSpectrum);
    const q = quartiles(per.map((s) => s.mae));
    const share = worstShare(per.map((s) => s.errorSum), per.map((s) => s.points));
    console.log(`| ${id} | ${preds.length} | ${f4(m?.mae ?? NaN)} | ${f4(mean(per.map((s) => s.mae)))} | ${f2(m?.deltaMu.median ?? NaN)} % | ${f4(q.q1)} / ${f4(q.median)} / ${f4(q.q3)} | ${(100 * share).toFixed(1)} % of the error |`);
  }
  console.log();
}

function windowTable(set: TensorizedSet, byDomain: Map<string, SamplePrediction[]>): void {
  console.log(`### 2. Error by energy (${WINDOW_EV} eV windows of the domain grid, validation split)\n`);
  for (const id of DOMAINS) {
    const d = set.domains.find((x) => x.id === id);
    if (!d) continue;
    const rows = windowProfile(d.energies, byDomain.get(id) ?? [], WINDOW_EV);
    const total = rows.reduce((s, r) => s + r.errorSum, 0);
    console.log(`${id}:\n`);
    console.log('| window (eV) | scored points | MAE | share of the error |');
    console.log('|---|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.from.toFixed(1)}–${r.to.toFixed(1)} | ${r.points} | ${f4(r.mae)} | ${(100 * r.errorSum / total).toFixed(1)} % |`);
    }
    console.log();
  }
}

function shiftTable(set: TensorizedSet, byDomain: Map<string, SamplePrediction[]>): void {
  console.log(`### 3. Rigid-shift share (best shift of the prediction within ±${MAX_SHIFT_EV} eV, ${SHIFT_STEP_EV} eV steps; shift < 0 = prediction was too high in energy)\n`);
  console.log('| domain | mean per-spectrum MAE | mean aligned MAE | removed by the shift | mean |best shift| (eV) | mean best shift (eV) | spectra with |shift| ≥ 1 eV | at the ±4 eV limit |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const id of DOMAINS) {
    const d = set.domains.find((x) => x.id === id);
    const preds = byDomain.get(id) ?? [];
    if (!d || preds.length === 0) continue;
    const fits = preds.map((p) => bestRigidShift(d.energies, p, MAX_SHIFT_EV, SHIFT_STEP_EV)).filter((f) => Number.isFinite(f.mae));
    const raw = mean(preds.map((p) => perSpectrum(p).mae));
    const aligned = mean(fits.map((f) => f.mae));
    const big = fits.filter((f) => Math.abs(f.shift) >= 1 - 1e-9).length;
    const atLimit = fits.filter((f) => Math.abs(f.shift) >= MAX_SHIFT_EV - 1e-9).length;
    console.log(`| ${id} | ${f4(raw)} | ${f4(aligned)} | ${(100 * (1 - aligned / raw)).toFixed(1)} % | ${f2(mean(fits.map((f) => Math.abs(f.shift))))} | ${f2(mean(fits.map((f) => f.shift)))} | ${(100 * big / fits.length).toFixed(1)} % | ${atLimit} of ${fits.length} |`);
  }
  console.log();
}

function twinTable(set: TensorizedSet): void {
  console.log(`### 4. Label consistency (all samples of the domain, no model): pairs with the same absorber, the same ordered ${set.maxNeighbours} neighbour elements and every neighbour distance within the tolerance; MAE between their two spectra on the points both score\n`);
  console.log('| domain | tolerance (Å) | same material: pairs | median MAE | mean MAE | different materials: pairs | median MAE | mean MAE |');
  console.log('|---|---|---|---|---|---|---|---|');
  const notes: string[] = [];
  for (const id of DOMAINS) {
    const di = set.domains.findIndex((x) => x.id === id);
    if (di < 0) continue;
    const indices: number[] = [];
    for (let i = 0; i < set.count; i++) if (set.domainIndex[i] === di) indices.push(i);
    const G = set.gridLength;
    const spectrumMae = (a: number, b: number): number => pairMae(
      set.targets.subarray(a * G, (a + 1) * G), set.targetMask.subarray(a * G, (a + 1) * G),
      set.targets.subarray(b * G, (b + 1) * G), set.targetMask.subarray(b * G, (b + 1) * G),
    );
    // One search at the widest tolerance; the narrower ones are its subsets by maxDiff.
    const all = findTwins(set, indices, Math.max(...TOLERANCES));
    // Sites of one site-averaged record share one spectrum: a pair of them says nothing about noise.
    const pairs = all.filter((p) => set.group[p.a] !== set.group[p.b]).map((p) => ({ ...p, mae: spectrumMae(p.a, p.b), same: set.materialIds[p.a] === set.materialIds[p.b] }));
    if (pairs.length < all.length) notes.push(`${id}: ${all.length - pairs.length} pairs of sites from one site-averaged record left out`);
    for (const tol of TOLERANCES) {
      const within = pairs.filter((p) => p.maxDiff <= tol && Number.isFinite(p.mae));
      const cells = [true, false].map((same) => {
        const maes = within.filter((p) => p.same === same).map((p) => p.mae);
        return `${maes.length} | ${f4(quartiles(maes).median)} | ${f4(mean(maes))}`;
      });
      console.log(`| ${id} (${indices.length} samples) | ${tol} | ${cells[0]} | ${cells[1]} |`);
    }
  }
  console.log();
  for (const n of notes) console.log(`(${n})`);
}

async function main(): Promise<void> {
  const [modelDir, configFile] = process.argv.slice(2);
  if (!modelDir || !configFile) throw new Error('usage: accuracy-analysis MODEL_DIR CONFIG');
  const cfg = loadTrainConfig(configFile);
  const t0 = Date.now();
  const { set } = await prepareFromConfig(cfg, false);
  log(`data prepared: ${set.count} samples (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  const val = splitSet(set, cfg.split, cfg.split.seed).val;
  const wanted = new Set(DOMAINS.map((id) => set.domains.findIndex((d) => d.id === id)));
  const indices = val.filter((i) => wanted.has(set.domainIndex[i]));
  const { tf } = await loadTf('wasm');
  const model = loadModelFiles(modelDir);
  const t1 = Date.now();
  const { combined } = predictWithModel(tf, model, set, indices);
  log(`predicted ${indices.length} validation samples with ${model.members.length} members (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
  // Scored as `evaluate` scores: a site-averaged record is one spectrum, its sites' mean prediction.
  const spectra = averageGroups(set, combined);
  const byDomain = new Map<string, SamplePrediction[]>(DOMAINS.map((id) => [id, spectra.filter((p) => p.domain === id)]));

  console.log(`## Accuracy analysis: ${model.metadata.name} on the validation split of ${configFile} (seed ${cfg.split.seed})\n`);
  modelErrorTable(set, byDomain, combined);
  windowTable(set, byDomain);
  shiftTable(set, byDomain);
  twinTable(set);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
