// How informative a model's attention is on the validation split of its training config: per
// head, the mean largest weight, the mean entropy relative to uniform (1 = uniform over the real
// neighbours, as v1's saturated heads were) and how often the most-attended neighbour is a
// nearest-shell atom (within 0.3 Å of the nearest distance; heads within 5 % of uniform count as no).
//   node bench/training-build.mjs bench/attention-stats.ts && node runs/bin/attention-stats.js models/NAME models/NAME.train.json
import { sampleGraph } from '../server/src/data/tensorize';
import { loadPredictor } from '../server/src/model/predictor';
import { loadTrainConfig } from '../server/src/training/config';
import { prepareFromConfig, splitSet } from '../server/src/training/setup';

async function main(): Promise<void> {
  const [modelDir, configFile] = process.argv.slice(2);
  if (!modelDir || !configFile) throw new Error('usage: attention-stats MODEL_DIR CONFIG');
  const cfg = loadTrainConfig(configFile);
  const { set } = await prepareFromConfig(cfg, false);
  const val = splitSet(set, cfg.split, cfg.split.seed).val;
  const predictor = await loadPredictor(modelDir, { backend: 'wasm' });
  const heads = predictor.metadata.network.heads;
  const acc = Array.from({ length: heads }, () => ({ max: 0, entropy: 0, firstShell: 0, n: 0 }));
  for (let i = 0; i < val.length; i += 64) {
    const chunk = val.slice(i, i + 64);
    const graphs = chunk.map((s) => sampleGraph(set, s));
    const preds = predictor.predict(graphs, chunk.map((s) => set.domains[set.domainIndex[s]].id));
    preds.forEach((p, b) => {
      const real = graphs[b].neighbours.filter((nb) => !nb.virtual);
      if (real.length < 2) return;
      const nearest = real[0].distance;
      p.attention.forEach((w, h) => {
        const ws = w.slice(0, real.length);
        const top = ws.indexOf(Math.max(...ws));
        const entropy = -ws.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0) / Math.log(real.length);
        acc[h].max += Math.max(...ws);
        acc[h].entropy += entropy;
        // A (near-)uniform head has no most-attended neighbour: indexOf would just return the nearest.
        const distinct = Math.max(...ws) > 1.05 / real.length;
        acc[h].firstShell += distinct && real[top].distance - nearest < 0.3 ? 1 : 0;
        acc[h].n++;
      });
    });
  }
  predictor.dispose();
  console.log(`| head | mean largest weight | entropy / uniform | most-attended neighbour in the nearest shell |`);
  console.log(`|---|---|---|---|`);
  acc.forEach((a, h) => console.log(`| ${h + 1} | ${(a.max / a.n).toFixed(3)} | ${(a.entropy / a.n).toFixed(3)} | ${(100 * a.firstShell / a.n).toFixed(1)} % |`));
  const k = predictor.metadata.graph.maxNeighbours;
  console.log(`(${acc[0].n} validation graphs; a uniform head over ${k} neighbours has largest weight ${(1 / k).toFixed(3)} and entropy 1.000)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
