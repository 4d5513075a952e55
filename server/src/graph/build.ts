// Absorber-centred graphs (paper 000, "Graph construction"): the absorber plus its N nearest
// atoms within r_cut over all periodic images, padded with masked virtual atoms at r_cut.
import { atomicNumber, elementSymbol } from '../structure/elements';
import type { Structure, TextRange, Vec3 } from '../structure/types';
import { electronFeatures, NODE_FEATURE_SIZE } from './features';
import { findNeighbours } from './neighbours';
import { gaussianRbf } from './rbf';
import { DEFAULT_GRAPH_OPTIONS, type AbsorberGraph, type GraphOptions, type Neighbour } from './types';

const NO_RANGE: TextRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function edgeFeatureSize(options: GraphOptions): number {
  return 1 + options.rbfCount;
}

function virtualNeighbour(options: GraphOptions): Neighbour {
  return {
    siteIndex: -1, image: [0, 0, 0], element: 'X', Z: 0, distance: options.cutoff,
    cart: [0, 0, 0], range: NO_RANGE, virtual: true,
  };
}

/** Fill features and mask from an absorber and an already sorted, truncated neighbour list. */
function assemble(
  absorberIndex: number, element: string, Z: number, range: TextRange,
  real: Neighbour[], options: GraphOptions,
): AbsorberGraph {
  const n = options.maxNeighbours;
  const ef = edgeFeatureSize(options);
  const neighbours = real.slice(0, n);
  while (neighbours.length < n) neighbours.push(virtualNeighbour(options));
  const nodeFeatures = new Float32Array((n + 1) * NODE_FEATURE_SIZE);
  const edgeFeatures = new Float32Array(n * ef);
  const mask = new Float32Array(n + 1);
  nodeFeatures.set(electronFeatures(Z), 0);
  mask[0] = 1;
  neighbours.forEach((nb, i) => {
    // Virtual atoms keep zero node features; the mask removes them from every sum anyway.
    if (!nb.virtual) {
      nodeFeatures.set(electronFeatures(nb.Z), (i + 1) * NODE_FEATURE_SIZE);
      mask[i + 1] = 1;
    }
    edgeFeatures[i * ef] = nb.distance;
    const rbf = gaussianRbf(nb.distance, options.rbfCount, options.cutoff);
    edgeFeatures.set(rbf, i * ef + 1);
  });
  return { absorberIndex, element, Z, range, neighbours, nodeFeatures, edgeFeatures, mask, options };
}

/** Graph of site `absorberIndex` of a crystal or molecule. */
export function buildAbsorberGraph(
  structure: Structure, absorberIndex: number, options: GraphOptions = DEFAULT_GRAPH_OPTIONS,
): AbsorberGraph {
  const hits = findNeighbours(structure, absorberIndex, options.cutoff);
  const real: Neighbour[] = [];
  for (const h of hits) {
    if (h.distance >= options.cutoff) break;
    if (real.length === options.maxNeighbours) break;
    const s = structure.sites[h.siteIndex];
    if (s.Z < 1) throw new Error(`site ${h.siteIndex} (${s.label}) has an unknown element '${s.element}'`);
    real.push({
      siteIndex: h.siteIndex, image: h.image, element: s.element, Z: s.Z, distance: h.distance,
      cart: h.cart, range: s.range, virtual: false,
    });
  }
  const a = structure.sites[absorberIndex];
  if (a.Z < 1) throw new Error(`absorber site ${absorberIndex} has an unknown element '${a.element}'`);
  return assemble(absorberIndex, a.element, a.Z, a.range, real, options);
}

export interface ListedNeighbour {
  element: string;
  distance: number;
  /** Source site index when the record has one; -1 otherwise. */
  siteIndex?: number;
}

function resolveElement(symbol: string): { element: string; Z: number } {
  const Z = atomicNumber(symbol);
  if (Z === 0) throw new Error(`Unknown element '${symbol}'`);
  return { element: elementSymbol(Z) as string, Z };
}

/** Graph from a precomputed neighbour list (graph-only records): no coordinates, zero ranges. */
export function graphFromNeighbourList(
  absorberElement: string, neighbours: ListedNeighbour[], options: GraphOptions = DEFAULT_GRAPH_OPTIONS,
): AbsorberGraph {
  const a = resolveElement(absorberElement);
  const zero: Vec3 = [0, 0, 0];
  const real = neighbours
    .map((nb) => {
      if (!(Number.isFinite(nb.distance) && nb.distance >= 0)) throw new Error(`bad neighbour distance ${nb.distance}`);
      const e = resolveElement(nb.element);
      return {
        siteIndex: nb.siteIndex ?? -1, image: zero, element: e.element, Z: e.Z, distance: nb.distance,
        cart: zero, range: NO_RANGE, virtual: false,
      };
    })
    .filter((nb) => nb.distance < options.cutoff)
    .sort((p, q) => p.distance - q.distance);
  return assemble(0, a.element, a.Z, NO_RANGE, real, options);
}

export interface GraphBatch {
  size: number;
  nodeCount: number;
  nodeFeatureSize: number;
  edgeFeatureSize: number;
  /** [size, nodeCount, nodeFeatureSize] */
  nodes: Float32Array;
  /** [size, nodeCount − 1, edgeFeatureSize] */
  edges: Float32Array;
  /** [size, nodeCount] */
  mask: Float32Array;
}

/** Stack graphs into dense arrays so one kernel call serves the whole batch. */
export function batchGraphs(graphs: AbsorberGraph[]): GraphBatch {
  if (graphs.length === 0) throw new Error('batchGraphs: no graphs');
  const o = graphs[0].options;
  const nodeCount = o.maxNeighbours + 1;
  const ef = edgeFeatureSize(o);
  const nodes = new Float32Array(graphs.length * nodeCount * NODE_FEATURE_SIZE);
  const edges = new Float32Array(graphs.length * o.maxNeighbours * ef);
  const mask = new Float32Array(graphs.length * nodeCount);
  graphs.forEach((g, b) => {
    const go = g.options;
    if (go.maxNeighbours !== o.maxNeighbours || go.cutoff !== o.cutoff || go.rbfCount !== o.rbfCount) {
      throw new Error('batchGraphs: graphs built with different options cannot share a batch');
    }
    nodes.set(g.nodeFeatures, b * nodeCount * NODE_FEATURE_SIZE);
    edges.set(g.edgeFeatures, b * o.maxNeighbours * ef);
    mask.set(g.mask, b * nodeCount);
  });
  return { size: graphs.length, nodeCount, nodeFeatureSize: NODE_FEATURE_SIZE, edgeFeatureSize: ef, nodes, edges, mask };
}
