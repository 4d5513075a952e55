// The absorber-centred graph (paper 000, "Graph construction"): the absorbing atom plus its
// N nearest neighbours within r_cut, padded with masked virtual atoms at r_cut.
import type { WacsfOptions } from '../baseline/wacsf';
import type { TextRange, Vec3 } from '../structure/types';

export interface GraphOptions {
  /** Number of neighbours (paper: 20). */
  maxNeighbours: number;
  /** Cutoff radius in Å (paper: 8). */
  cutoff: number;
  /** Number of Gaussian radial basis functions (paper: 64). */
  rbfCount: number;
  /** Extra Gaussians evenly spaced in r (graph/rbf.ts linearGaussianRbf) after the RBFs; absent = 0 (paper 000). */
  linearRbfCount?: number;
  /** Angular edge features (graph/angular.ts) after the RBFs; absent = false (paper 000). */
  angular?: boolean;
  /**
   * A second angular block (graph/angular.ts) in which each other neighbour k counts by its
   * atomic number (Z_k / ANGULAR_Z_REF), after the plain one; absent = false.
   */
  angularZ?: boolean;
  /** A third angular block on a finer grid (graph/angular.ts FINE_ANGULAR_GRID), after the others; absent = false. */
  angularFine?: boolean;
  /** Neighbour-context edge features (graph/context.ts) after the angular ones; absent = false. */
  context?: boolean;
  /**
   * Absorber descriptor: XANESNET's wACSF (baseline/wacsf.ts) over every atom within its cutoff,
   * the environment beyond the 20 nearest neighbours, with angles. Absent = none (paper 000).
   */
  descriptor?: WacsfOptions;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { maxNeighbours: 20, cutoff: 8, rbfCount: 64 };

export interface Neighbour {
  /** Index into Structure.sites of the atom this neighbour is (an image of). */
  siteIndex: number;
  /** Periodic image offset (integer lattice translation); [0,0,0] for molecules. */
  image: Vec3;
  element: string;
  Z: number;
  /** Distance to the absorber in Å. */
  distance: number;
  /** Cartesian position of this image (Å). */
  cart: Vec3;
  /** Range of the source row in the document (for decorations and hovers). */
  range: TextRange;
  /** Padding atom placed at the cutoff; masked out by the model. */
  virtual: boolean;
  /** Absorber → this atom (Å); absent for graph-only records without coordinates. */
  vector?: Vec3;
}

export interface AbsorberGraph {
  /** Index into Structure.sites of the absorbing atom. */
  absorberIndex: number;
  element: string;
  Z: number;
  range: TextRange;
  /** Exactly options.maxNeighbours entries, sorted by distance; virtual ones last. */
  neighbours: Neighbour[];
  /** Node features, row-major [(1 + maxNeighbours) × nodeFeatureSize]; row 0 is the absorber. */
  nodeFeatures: Float32Array;
  /** Edge features, row-major [maxNeighbours × edgeFeatureSize(options)]: distance, RBFs, then angular and neighbour-context features if enabled; edge i joins the absorber and neighbour i. */
  edgeFeatures: Float32Array;
  /** 1 for a real atom, 0 for padding, length 1 + maxNeighbours (the absorber is always 1). */
  mask: Float32Array;
  /** The absorber descriptor when options.descriptor is set. */
  descriptor?: Float32Array;
  options: GraphOptions;
}
