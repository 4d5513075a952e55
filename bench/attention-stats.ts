// How informative a model's attention is on the validation split of its training config. For
// each graph-attention head and, in models that have one, each neighbour-transformer head (its
// last layer's weights of the absorber's query): the mean largest weight, the mean entropy
// relative to uniform (1 = uniform over the real neighbours, as v1's saturated heads were) and how
// often the most-attended neighbour is a nearest-shell atom (within 0.3 Å of the nearest
// distance; heads within 5 % of uniform count as no). Transformer weights are renormalised over
// the neighbours for these; the share the absorber keeps on itself is its own column.
// With --sensitivity K the first K validation graphs are also occluded one neighbour at a time
// (model/sensitivity.ts) and each readout is compared with S_j, what the spectrum actually
// depends on: the mean Spearman correlation over the real neighbours, and how often the readout's
// top atom is among the three largest S_j.
//   node bench/training-build.mjs bench/attention-stats.ts && node runs/bin/attention-stats.js models/NAME models/NAME.train.json [--sensitivity 150]
import { sampleGraph } from '../server/src/data/tensorize';
import type { AbsorberGraph } from '../server/src/graph/types';
import { loadPredictor, type Prediction, type Predictor } from '../server/src/model/predictor';
import { occludedGraphs, occlusionSensitivity } from '../server/src/model/sensitivity';
import { pearson } from '../server/src/spectrum/similarity';
import { loadTrainConfig } from '../server/src/training/config';
import { prepareFromConfig, splitSet } from '../server/src/training/setup';

interface Readout {
  name: string;
  /** Weights over the graph's real neighbours (null: the model has no such readout). */
  weights: (p: Prediction, real: number) => number[] | null;
  /** Share kept on the absorber itself (transformer heads only). */
  self?: (p: Prediction) => number;
}

function readouts(predictor: Predictor): Readout[] {
  const { network } = predictor.metadata;
  const gat: Readout[] = Array.from({ length: network.heads }, (_, h) => ({ name: `GAT h${h + 1}`, weights: (p, real) => p.attention[h].slice(0, real) }));
  const T = network.transformer?.heads ?? 0;
  const tr: Readout[] = Array.from({ length: T }, (_, h) => ({
    name: `transformer t${h + 1}`,
    weights: (p, real) => (p.transformer ? p.transformer.neighbours[h].slice(0, real) : null),
    self: (p) => p.transformer?.self[h] ?? 0,
  }));
  const mean = (name: string, of: Readout[]): Readout => ({
    name,
    weights: (p, real) => {
      const rows = of.map((r) => r.weights(p, real));
      if (rows.some((r) => r === null)) return null;
      return Array.from({ length: real }, (_, j) => rows.reduce((s, r) => s + (r as number[])[j], 0) / rows.length);
    },
    ...(of[0]?.self ? { self: (p: Prediction) => of.reduce((s, r) => s + (r.self as (q: Prediction) => number)(p), 0) / of.length } : {}),
  });
  return [...gat, mean('GAT mean', gat), ...tr, ...(T > 0 ? [mean('transformer mean', tr)] : [])];
}

/** Ranks 1…n with ties averaged. */
function ranks(v: readonly number[]): number[] {
  const order = v.map((x, i) => ({ x, i })).sort((a, b) => a.x - b.x);
  const r = new Array<number>(v.length);
  for (let a = 0; a < order.length;) {
    let b = a;
    while (b + 1 < order.length && Math.abs(order[b + 1].x - order[a].x) <= 1e-9 * Math.max(1, Math.abs(order[a].x))) b++;
    for (let k = a; k <= b; k++) r[order[k].i] = (a + b) / 2 + 1;
    a = b + 1;
  }
  return r;
}

/** Pearson's r of the ranks; 0 when either side is constant (a uniform readout ranks nothing). */
function spearman(a: readonly number[], b: readonly number[]): number {
  const r = pearson(ranks(a), ranks(b));
  return Number.isFinite(r) ? r : 0;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = args.indexOf('--sensitivity');
  const occlude = flag >= 0 ? Number(args.splice(flag, 2)[1]) : 0;
  const [modelDir, configFile] = args;
  if (!modelDir || !configFile || !(occlude >= 0)) throw new Error('usage: attention-stats MODEL_DIR CONFIG [--sensitivity K]');
  const cfg = loadTrainConfig(configFile);
  const { set } = await prepareFromConfig(cfg, false);
  const val = splitSet(set, cfg.split, cfg.split.seed).val;
  const predictor = await loadPredictor(modelDir, { backend: 'wasm' });
  const list = readouts(predictor);
  const acc = list.map(() => ({ max: 0, entropy: 0, firstShell: 0, self: 0, n: 0, rho: 0, top3: 0, m: 0 }));
  const domainOf = (s: number): string => set.domains[set.domainIndex[s]].id;
  for (let i = 0; i < val.length; i += 64) {
    const chunk = val.slice(i, i + 64);
    const graphs = chunk.map((s) => sampleGraph(set, s));
    const preds = predictor.predict(graphs, chunk.map(domainOf));
    preds.forEach((p, b) => {
      const real = graphs[b].neighbours.filter((nb) => !nb.virtual);
      if (real.length < 2) return;
      const nearest = real[0].distance;
      list.forEach((r, k) => {
        const raw = r.weights(p, real.length);
        if (!raw) return;
        const total = raw.reduce((s, x) => s + x, 0);
        const ws = total > 0 ? raw.map((x) => x / total) : raw;
        const top = ws.indexOf(Math.max(...ws));
        const a = acc[k];
        a.max += Math.max(...ws);
        a.entropy += -ws.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0) / Math.log(real.length);
        // A (near-)uniform head has no most-attended neighbour: indexOf would just return the nearest.
        a.firstShell += Math.max(...ws) > 1.05 / real.length && real[top].distance - nearest < 0.3 ? 1 : 0;
        a.self += r.self ? r.self(p) : 0;
        a.n++;
      });
    });
  }
  const sensitivityGraphs = Math.min(occlude, val.length);
  for (let i = 0; i < sensitivityGraphs; i++) {
    const s = val[i];
    const graph: AbsorberGraph = sampleGraph(set, s);
    const real = graph.neighbours.filter((nb) => !nb.virtual).length;
    if (real < 3) continue;
    const occluded = occludedGraphs(graph);
    const [full, ...without] = predictor.predict([graph, ...occluded], [domainOf(s)]);
    const S = occlusionSensitivity(full.mu, without.map((w) => w.mu)).slice(0, real);
    const topS = new Set(S.map((x, j) => ({ x, j })).sort((a, b) => b.x - a.x).slice(0, 3).map((e) => e.j));
    list.forEach((r, k) => {
      const ws = r.weights(full, real);
      if (!ws) return;
      acc[k].rho += spearman(ws, S);
      acc[k].top3 += topS.has(ws.indexOf(Math.max(...ws))) ? 1 : 0;
      acc[k].m++;
    });
  }
  predictor.dispose();
  const withSelf = list.some((r) => r.self);
  const withS = acc.some((a) => a.m > 0);
  const cols = ['readout', 'mean largest weight', 'entropy / uniform', 'most-attended neighbour in the nearest shell',
    ...(withSelf ? ['kept on the absorber'] : []), ...(withS ? ['Spearman ρ with S_j', 'top atom among the 3 largest S_j'] : [])];
  console.log(`| ${cols.join(' | ')} |`);
  console.log(`|${cols.map(() => '---').join('|')}|`);
  list.forEach((r, k) => {
    const a = acc[k];
    if (a.n === 0) return;
    const cells = [r.name, (a.max / a.n).toFixed(3), (a.entropy / a.n).toFixed(3), `${(100 * a.firstShell / a.n).toFixed(1)} %`,
      ...(withSelf ? [r.self ? (a.self / a.n).toFixed(3) : '–'] : []),
      ...(withS ? [a.m ? (a.rho / a.m).toFixed(3) : '–', a.m ? `${(100 * a.top3 / a.m).toFixed(1)} %` : '–'] : [])];
    console.log(`| ${cells.join(' | ')} |`);
  });
  const k = predictor.metadata.graph.maxNeighbours;
  const m = acc.find((a) => a.m > 0)?.m ?? 0;
  console.log(`(${acc[0].n} validation graphs${m ? `, the first ${m} of them also occluded` : ''}; a uniform readout over ${k} neighbours has largest weight ${(1 / k).toFixed(3)} and entropy 1.000)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
