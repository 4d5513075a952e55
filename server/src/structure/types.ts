// Core data types shared by every science module. Plain data (no classes) so that
// structures cross worker_threads and JSON (CLI, LSP) without conversion.

/** Zero-based line/character position, identical in shape to an LSP Position. */
export interface Position {
  line: number;
  character: number;
}

/** Document range, identical in shape to an LSP Range (end exclusive). */
export interface TextRange {
  start: Position;
  end: Position;
}

export type Vec3 = [number, number, number];
/** Three row vectors a, b, c in Å (pymatgen's Lattice.matrix convention). */
export type Mat3 = [Vec3, Vec3, Vec3];

export interface Lattice {
  matrix: Mat3;
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
  volume: number;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface StructureDiagnostic {
  range: TextRange;
  severity: Severity;
  /** Stable machine-readable code, e.g. 'cif.syntax', 'cell.missing', 'site.occupancy'. */
  code: string;
  message: string;
}

/** A number as written in a CIF, with its standard uncertainty when one was given: 1.2345(6). */
export interface Measured {
  value: number;
  su?: number;
}

/** One row of the source file that defines atoms (a CIF atom_site row, an XYZ atom line). */
export interface SourceSite {
  /** Index into Structure.sourceSites. */
  index: number;
  label: string;
  element: string;
  /** Atomic number; 0 when the element is unknown (a diagnostic says so). */
  Z: number;
  occupancy: number;
  /** Fractional coordinates as written (before symmetry), when the file gives them. */
  frac?: Vec3;
  /** Cartesian coordinates (Å) as written or derived from frac. */
  cart: Vec3;
  /** Range of the whole row/line in the document. */
  range: TextRange;
  /**
   * CIF _atom_site_disorder_assembly / _disorder_group (SHELXL's PART): rows of one assembly in
   * different groups are alternatives, never present together. Absent for ordered rows.
   */
  disorder?: { assembly: string; group: string };
}

/** An atom of the expanded structure (the full unit cell, or the molecule). */
export interface Site {
  element: string;
  Z: number;
  /** Fractional coordinates wrapped into [0,1); null for molecules. */
  frac: Vec3 | null;
  cart: Vec3;
  occupancy: number;
  /** Label of the source row (CIF _atom_site_label, XYZ `Fe12` style index label). */
  label: string;
  /** Index into Structure.sourceSites of the row it came from. */
  sourceSite: number;
  /** Index into Structure.orbits: the symmetry-equivalence class of this site. */
  orbit: number;
  /** Range of the source row (same as sourceSites[sourceSite].range). */
  range: TextRange;
}

export interface Structure {
  /** CIF data block name, or `frame N` for XYZ. */
  name: string;
  /** null for a non-periodic molecule. */
  lattice: Lattice | null;
  pbc: [boolean, boolean, boolean];
  sites: Site[];
  sourceSites: SourceSite[];
  /** orbits[k] = indices into `sites` of the atoms generated from one source row. */
  orbits: number[][];
  /** Symmetry operators applied (as xyz strings); ['x,y,z'] for P1 and molecules. */
  symops: string[];
  spaceGroup?: string;
}

/** One data block (CIF) or frame (XYZ) of a document. */
export interface StructureBlock {
  name: string;
  /** Range of the whole block in the document (for outline and folding). */
  range: TextRange;
  /** Range of the block header (`data_x` line, XYZ count line). */
  headerRange: TextRange;
  /** null when the block holds no usable structure (diagnostics say why). */
  structure: Structure | null;
}

/** The structure languages: CIF, (extended) XYZ and VASP POSCAR/CONTCAR. */
export type StructureFormat = 'cif' | 'xyz' | 'poscar';

export interface ParsedDocument {
  format: StructureFormat;
  blocks: StructureBlock[];
  diagnostics: StructureDiagnostic[];
}

export interface ParseOptions {
  /** Distance (Å) under which symmetry images are merged; default 0.01. */
  symmetryTolerance?: number;
  /** Largest number of expanded atoms per block before expansion is refused with a diagnostic. */
  maxAtoms?: number;
}
