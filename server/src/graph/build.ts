// Absorber-centred graphs (paper 000, "Graph construction"): the absorber plus its N nearest
// atoms within r_cut over all periodic images, padded with masked virtual atoms at r_cut.
import { atomicNumber, elementSymbol } from '../structure/elements';
import type { Structure, TextRange, Vec3 } from '../structure/types';
import { sameWacsfOptions, wacsfForSite, wacsfFromDistances, wacsfLength } from '../baseline/wacsf';
import { ANGULAR_FEATURE_SIZE, ANGULAR_Z_REF, angularGridSize, FINE_ANGULAR_GRID, writeAngularFeatures } from './angular';
import { CONTEXT_FEATURE_SIZE, writeContextFeatures } from './context';
import { electronFeatures, NODE_FEATURE_SIZE } from './features';
import { findEnvironment } from './neighbours';
import { gaussianRbf, linearGaussianRbf } from './rbf';
import { DEFAULT_GRAPH_OPTIONS, type AbsorberGraph, type GraphOptions, type Neighbour } from './types';

const NO_RANGE: TextRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function edgeFeatureSize(options: GraphOptions): number {
  return 1 + options.rbfCount + (options.linearRbfCount ?? 0) + (options.angular ? ANGULAR_FEATURE_SIZE : 0)
    + (options.angularZ ? ANGULAR_FEATURE_SIZE : 0) + (options.angularFine ? angularGridSize(FINE_ANGULAR_GRID) : 0)
    + (options.context ? CONTEXT_FEATURE_SIZE : 0);
}

/** Length of the absorber descriptor (0 when the options ask for none). */
export function descriptorSize(options: GraphOptions): number {
  return options.descriptor ? wacsfLength(options.descriptor) : 0;
}

/** Whether two option sets featurise graphs identically. */
export function sameGraphOptions(a: GraphOptions, b: GraphOptions): boolean {
  return a.maxNeighbours === b.maxNeighbours && a.cutoff === b.cutoff && a.rbfCount === b.rbfCount && !!a.angular === !!b.angular
    && !!a.angularZ === !!b.angularZ && !!a.angularFine === !!b.angularFine
    && !!a.context === !!b.context && (a.linearRbfCount ?? 0) === (b.linearRbfCount ?? 0)
    && sameWacsfOptions(a.descriptor, b.descriptor);
}

/**
 * Edge features of one absorber's neighbour slots at out[offset…] (out zero there): the first
 * `count` (real) slots get distance and RBFs, the rest a virtual atom at the cutoff (whose RBFs
 * vanish); then, when the options ask for them, the angular block and the neighbour-context
 * block from the real neighbours' absorber→neighbour vectors and atomic numbers (no vectors =
 * no geometry, zeros). Graph building and the training
 * batches (training/gnnInputs.ts) both write through here, so their features cannot drift apart.
 */
export function writeEdgeFeatures(
  options: GraphOptions, distances: ArrayLike<number>, count: number, vectors: ArrayLike<number> | undefined,
  zs: ArrayLike<number>, out: Float32Array, offset: number,
): void {
  const E = edgeFeatureSize(options);
  const rbf = new Float32Array(options.rbfCount);
  for (let k = 0; k < options.maxNeighbours; k++) {
    const at = offset + k * E;
    if (k >= count) {
      out[at] = options.cutoff;
      continue;
    }
    out[at] = distances[k];
    gaussianRbf(distances[k], options.rbfCount, options.cutoff, rbf);
    out.set(rbf, at + 1);
    if (options.linearRbfCount) linearGaussianRbf(distances[k], options.linearRbfCount, options.cutoff, out, at + 1 + options.rbfCount);
  }
  if (!vectors || count === 0) return;
  let at = offset + 1 + options.rbfCount + (options.linearRbfCount ?? 0);
  if (options.angular) {
    writeAngularFeatures(vectors, count, options.cutoff, out, at, E);
    at += ANGULAR_FEATURE_SIZE;
  }
  if (options.angularZ) {
    const weights = Array.from({ length: count }, (_, k) => zs[k] / ANGULAR_Z_REF);
    writeAngularFeatures(vectors, count, options.cutoff, out, at, E, weights);
    at += ANGULAR_FEATURE_SIZE;
  }
  if (options.angularFine) {
    writeAngularFeatures(vectors, count, options.cutoff, out, at, E, undefined, FINE_ANGULAR_GRID);
    at += angularGridSize(FINE_ANGULAR_GRID);
  }
  if (options.context) writeContextFeatures(vectors, zs, count, out, at, E);
}

function virtualNeighbour(options: GraphOptions): Neighbour {
  return {
    siteIndex: -1, image: [0, 0, 0], element: 'X', Z: 0, distance: options.cutoff,
    cart: [0, 0, 0], range: NO_RANGE, virtual: true,
  };
}

/**
 * Fill features and mask from an absorber and an already sorted neighbour list (truncated to
 * options.maxNeighbours here). Every graph the model sees goes through this one function, so a
 * graph rebuilt from fewer neighbours (model/sensitivity.ts, occlusion) is featurised exactly as
 * a structure that has fewer atoms would be.
 */
export function assembleGraph(
  absorberIndex: number, element: string, Z: number, range: TextRange,
  real: Neighbour[], options: GraphOptions, descriptor?: () => Float32Array,
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
    if (nb.virtual) return;
    nodeFeatures.set(electronFeatures(nb.Z), (i + 1) * NODE_FEATURE_SIZE);
    mask[i + 1] = 1;
  });
  const kept = neighbours.filter((nb) => !nb.virtual);
  const geometry = kept.every((nb) => nb.vector) ? kept.flatMap((nb) => nb.vector as Vec3) : undefined;
  writeEdgeFeatures(options, kept.map((nb) => nb.distance), kept.length, geometry, kept.map((nb) => nb.Z), edgeFeatures, 0);
  const graph: AbsorberGraph = { absorberIndex, element, Z, range, neighbours, nodeFeatures, edgeFeatures, mask, options };
  if (options.descriptor && descriptor) graph.descriptor = descriptor();
  return graph;
}

/** Graph of site `absorberIndex` of a crystal or molecule. */
export function buildAbsorberGraph(
  structure: Structure, absorberIndex: number, options: GraphOptions = DEFAULT_GRAPH_OPTIONS,
): AbsorberGraph {
  const hits = findEnvironment(structure, absorberIndex, options.cutoff);
  const origin = structure.sites[absorberIndex].cart;
  const real: Neighbour[] = [];
  for (const h of hits) {
    if (h.distance >= options.cutoff) break;
    if (real.length === options.maxNeighbours) break;
    const s = structure.sites[h.siteIndex];
    if (s.Z < 1) throw new Error(`site ${h.siteIndex} (${s.label}) has an unknown element '${s.element}'`);
    real.push({
      siteIndex: h.siteIndex, image: h.image, element: s.element, Z: s.Z, distance: h.distance,
      cart: h.cart, range: s.range, virtual: false,
      vector: [h.cart[0] - origin[0], h.cart[1] - origin[1], h.cart[2] - origin[2]],
    });
  }
  const a = structure.sites[absorberIndex];
  if (a.Z < 1) throw new Error(`absorber site ${absorberIndex} has an unknown element '${a.element}'`);
  const d = options.descriptor;
  return assembleGraph(absorberIndex, a.element, a.Z, a.range, real, options, d ? () => wacsfForSite(structure, absorberIndex, d) : undefined);
}

export interface ListedNeighbour {
  element: string;
  distance: number;
  /** Source site index when the record has one; -1 otherwise. */
  siteIndex?: number;
  /** Absorber → neighbour (Å) when known; angular features need it for every neighbour. */
  vector?: Vec3;
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
        ...(nb.vector ? { vector: nb.vector } : {}),
      };
    })
    .filter((nb) => nb.distance < options.cutoff)
    .sort((p, q) => p.distance - q.distance);
  const d = options.descriptor;
  // As in training (data/tensorize.ts): graph-only records give G1/G2 from distances, G4 = 0.
  return assembleGraph(0, a.element, a.Z, NO_RANGE, real, options, d ? () => wacsfFromDistances(real, d) : undefined);
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
  /** [size, descriptorSize] when the graphs carry absorber descriptors. */
  descriptors?: Float32Array;
  /** [size, nodeCount − 1, 3] absorber → neighbour vectors (Å; zeros for padding and graphs without coordinates). */
  positions?: Float32Array;
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
  const D = descriptorSize(o);
  const descriptors = D ? new Float32Array(graphs.length * D) : undefined;
  const positions = new Float32Array(graphs.length * o.maxNeighbours * 3);
  graphs.forEach((g, b) => {
    const go = g.options;
    if (!sameGraphOptions(go, o)) {
      throw new Error('batchGraphs: graphs built with different options cannot share a batch');
    }
    nodes.set(g.nodeFeatures, b * nodeCount * NODE_FEATURE_SIZE);
    edges.set(g.edgeFeatures, b * o.maxNeighbours * ef);
    mask.set(g.mask, b * nodeCount);
    if (descriptors) {
      if (!g.descriptor || g.descriptor.length !== D) throw new Error(`batchGraphs: graph ${b} has no absorber descriptor of length ${D}`);
      descriptors.set(g.descriptor, b * D);
    }
    // As for the edge features (assembleGraph): geometry for all real neighbours or for none.
    const real = g.neighbours.filter((nb) => !nb.virtual);
    if (real.every((nb) => nb.vector)) real.forEach((nb, k) => positions.set(nb.vector as Vec3, (b * o.maxNeighbours + k) * 3));
  });
  return { size: graphs.length, nodeCount, nodeFeatureSize: NODE_FEATURE_SIZE, edgeFeatureSize: ef, nodes, edges, mask, positions, ...(descriptors ? { descriptors } : {}) };
}
