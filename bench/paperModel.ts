// A paper-size model (PAPER_CONFIG, 1.85 M parameters) with random weights, written to a temp
// directory: right for timing, meaningless spectra.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { graphFromNeighbourList } from '../server/src/graph/build';
import { FEATURE_VERSION } from '../server/src/graph/features';
import { DEFAULT_GRAPH_OPTIONS, type AbsorberGraph } from '../server/src/graph/types';
import type { TfModule } from '../server/src/model/backend';
import { PAPER_CONFIG } from '../server/src/model/config';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION } from '../server/src/model/metadata';
import { saveModel } from '../server/src/model/modelFiles';
import { XanesNetwork } from '../server/src/model/network';
import { seededRandom } from '../server/src/model/params';

export function writePaperModel(tf: TfModule, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xanes-bench-model-'))): string {
  const net = new XanesNetwork(tf, PAPER_CONFIG, { seed: 7 });
  const weights = net.getWeights();
  net.dispose();
  saveModel(dir, {
    format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, name: 'bench-random-paper-size', version: '0.0.0',
    featureVersion: FEATURE_VERSION, graph: DEFAULT_GRAPH_OPTIONS, network: PAPER_CONFIG,
    domains: [{ id: 'Cu-K-FEFF', element: 'Cu', edge: 'K', method: 'FEFF', energies: Array.from({ length: 111 }, (_, i) => 8979 + 0.5 * i), head: 0 }],
    created: new Date().toISOString(),
  }, [weights]);
  return dir;
}

const NEIGHBOURS = ['O', 'O', 'O', 'O', 'Cu', 'Cu', 'S', 'N', 'Fe', 'Zn'];

/** Cu-centred graphs with 20 real neighbours at 1.8–7.5 Å (the paper's padding rarely applies). */
export function cuGraphs(count: number, seed = 11): AbsorberGraph[] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () => graphFromNeighbourList(
    'Cu',
    Array.from({ length: 24 }, () => ({ element: NEIGHBOURS[Math.floor(r() * NEIGHBOURS.length)], distance: 1.8 + 5.7 * r() })),
  ));
}
