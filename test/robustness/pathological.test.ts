// Pathological structure files: symmetry lists that would explode the atom count, huge files,
// zero-volume cells, overlapping atoms. Each must end in a clear diagnostic (or a usable
// structure), never an exception or an unbounded amount of work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cubicOps, largeCif, symmetricCif } from '../../bench/generate';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { parseDocument } from '../../server/src/parse';
import { absorbingSites } from '../../server/src/structure/sites';

test('48 operators × 300 sites = 14,400 atoms is capped by maxAtoms with a diagnostic on the block header', () => {
  const { text } = symmetricCif(300);
  const capped = parseDocument(text, 'cif', { maxAtoms: 10000 });
  assert.equal(capped.blocks[0].structure, null);
  const d = capped.diagnostics.find((x) => x.code === 'structure.tooLarge');
  assert.ok(d);
  assert.equal(d.severity, 'error');
  assert.match(d.message, /300 sites × 48 operators exceeds the limit of 10000 atoms/);
  assert.deepEqual(d.range, capped.blocks[0].headerRange);
  // The same file under a higher limit expands completely (general positions: no merging).
  assert.equal(parseDocument(text, 'cif', { maxAtoms: 20000 }).blocks[0].structure?.sites.length, 14400);
});

test('the default limit (200,000) refuses 5,000 sites × 48 operators', () => {
  const { text } = symmetricCif(5000);
  const doc = parseDocument(text, 'cif');
  assert.equal(doc.blocks[0].structure, null);
  assert.deepEqual(doc.diagnostics.map((x) => x.code), ['structure.tooLarge']);
});

test('a 12 MB atom loop over the limit is refused before any site is built', () => {
  const text = largeCif(12e6);
  const doc = parseDocument(text, 'cif', { maxAtoms: 100000 });
  assert.equal(doc.blocks.length, 1);
  assert.equal(doc.blocks[0].structure, null);
  assert.deepEqual(doc.diagnostics.map((x) => x.code), ['structure.tooLarge']);
  assert.match(doc.diagnostics[0].message, /^193548 atom sites exceed the limit of 100000/);
});

test('XYZ frames over maxAtoms are refused per frame', () => {
  const atoms = Array.from({ length: 50 }, (_, i) => `H ${i} 0 0`).join('\n');
  const doc = parseDocument(`50\n\n${atoms}\n2\n\nH 0 0 0\nH 0 0 1\n`, 'xyz', { maxAtoms: 10 });
  assert.deepEqual(doc.blocks.map((b) => b.structure?.sites.length ?? null), [null, 2]);
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['structure.tooLarge']);
});

test('zero-volume cells: coplanar CIF angles and dependent XYZ lattice vectors', () => {
  const cif = parseDocument('data_flat\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n_cell_angle_alpha 120\n_cell_angle_beta 120\n_cell_angle_gamma 120\n' +
    'loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCu1 0 0 0\n', 'cif');
  assert.equal(cif.blocks[0].structure, null);
  assert.deepEqual(cif.diagnostics.map((d) => d.code), ['cell.invalid']);
  assert.match(cif.diagnostics[0].message, /do not form a cell/);
  const xyz = parseDocument('2\nLattice="4 0 0 0 4 0 4 4 0" pbc="T T T"\nCu 0 0 0\nO 1.9 0 0\n', 'xyz');
  assert.deepEqual(xyz.diagnostics.map((d) => d.code), ['cell.invalid']);
  assert.match(xyz.diagnostics[0].message, /zero volume/);
  // The atoms are still usable, as a molecule.
  const s = xyz.blocks[0].structure;
  assert.equal(s?.lattice, null);
  assert.equal(s?.sites.length, 2);
});

test('overlapping atoms: warnings, a usable structure, and a graph with the duplicate at 0 Å', () => {
  const text = 'data_dup\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n' +
    'loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n' +
    'Cu1 Cu 0 0 0\nCu2 Cu 0 0 0\nO1 O 0.05 0 0\nO2 O 0.5 0.5 0.5\n';
  const doc = parseDocument(text, 'cif');
  const s = doc.blocks[0].structure;
  assert.ok(s);
  assert.equal(s.sites.length, 4);
  const codes = doc.diagnostics.map((d) => d.code).sort();
  // Cu1/Cu2 coincide (occupancy sum 2); O1 is 0.25 Å from both.
  assert.deepEqual(codes, ['atoms.tooClose', 'atoms.tooClose', 'site.occupancySum']);
  const sites = absorbingSites(s, ['Cu']);
  assert.equal(sites.length, 2);
  const g = buildAbsorberGraph(s, sites[0].siteIndex);
  assert.equal(g.neighbours[0].distance, 0);
  assert.equal(g.neighbours[0].element, 'Cu');
  assert.ok(Math.abs(g.neighbours[1].distance - 0.25) < 1e-9);
  assert.ok(g.edgeFeatures.every(Number.isFinite));
});

test('one general position under the 48 operators of m-3m: 48 distinct atoms; on a special position they merge', () => {
  const ops = cubicOps().map((o) => `'${o}'`).join('\n');
  const cif = (x: string): string => `data_c\n_cell_length_a 6\n_cell_length_b 6\n_cell_length_c 6\nloop_\n_space_group_symop_operation_xyz\n${ops}\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${x}\n`;
  assert.equal(parseDocument(cif('Fe1 0.31 0.17 0.07'), 'cif').blocks[0].structure?.sites.length, 48);
  assert.equal(parseDocument(cif('Fe1 0.25 0.25 0.25'), 'cif').blocks[0].structure?.sites.length, 8);
  assert.equal(parseDocument(cif('Fe1 0 0 0'), 'cif').blocks[0].structure?.sites.length, 1);
});

test('a ParsedDocument is plain data: it survives structured cloning (to parse off the main thread)', () => {
  const text = symmetricCif(20).text;
  const doc = parseDocument(text, 'cif');
  assert.ok((doc.blocks[0].structure?.sites.length ?? 0) > 900);
  // structuredClone drops getters and class prototypes; equality proves nothing relied on them.
  assert.deepEqual(structuredClone(doc), JSON.parse(JSON.stringify(doc)));
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
});
