import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, formatFromPath } from '../../server/src/parse';
import { absorbingSites } from '../../server/src/structure/sites';
import type { ParsedDocument, ParseOptions, Structure, Vec3 } from '../../server/src/structure/types';

const FIX = path.resolve('test/fixtures/structures');
function load(name: string, opts?: ParseOptions): ParsedDocument {
  const fmt = formatFromPath(name);
  assert.ok(fmt);
  return parseDocument(readFileSync(path.join(FIX, name), 'utf8'), fmt, opts);
}
function only(doc: ParsedDocument): Structure {
  const s = doc.blocks[0].structure;
  assert.ok(s, 'structure expected');
  return s;
}
/** Distances from site i to every image (within ±2 cells) of the atoms of element `el` closer than cutoff. */
function neighbourDistances(s: Structure, i: number, el: string, cutoff: number): number[] {
  const out: number[] = [];
  const m = s.lattice!.matrix;
  const a = s.sites[i].frac as Vec3;
  s.sites.forEach((x, j) => {
    if (x.element !== el) return;
    const b = x.frac as Vec3;
    for (let u = -2; u <= 2; u++) for (let v = -2; v <= 2; v++) for (let w = -2; w <= 2; w++) {
      const d = [b[0] - a[0] + u, b[1] - a[1] + v, b[2] - a[2] + w];
      const c = [0, 1, 2].map((k) => d[0] * m[0][k] + d[1] * m[1][k] + d[2] * m[2][k]);
      const r = Math.hypot(c[0], c[1], c[2]);
      if (r > 1e-6 && r < cutoff) out.push(Math.round(r * 1000) / 1000);
    }
  });
  return out.sort((p, q) => p - q);
}
const codes = (d: ParsedDocument): string[] => d.diagnostics.map((x) => x.code);

test('formatFromPath', () => {
  assert.equal(formatFromPath('/a/b/x.CIF'), 'cif');
  assert.equal(formatFromPath('m.mcif'), 'cif');
  assert.equal(formatFromPath('t.extxyz'), 'xyz');
  assert.equal(formatFromPath('t.xyz'), 'xyz');
  assert.equal(formatFromPath('t.pdb'), null);
});

test('rutile: 6 atoms, Ti–O bonds 1.947 ×4 and 1.983 ×2, orbits 2 and 4, s.u. kept', () => {
  const doc = load('rutile-TiO2.cif');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.equal(s.sites.length, 6);
  assert.equal(s.symops.length, 16);
  assert.equal(s.spaceGroup, 'P 42/m n m');
  assert.deepEqual(s.orbits.map((o) => o.length), [2, 4]);
  const ti = s.sites.findIndex((x) => x.element === 'Ti');
  const x = 0.3053, a = 4.594, c = 2.959;
  const eq = Math.sqrt(2 * ((0.5 - x) * a) ** 2 + (c / 2) ** 2);
  const ap = x * a * Math.SQRT2;
  assert.deepEqual(neighbourDistances(s, ti, 'O', 2.5), [eq, eq, eq, eq, ap, ap].map((d) => Math.round(d * 1000) / 1000));
  assert.ok(Math.abs(eq - 1.947) < 1e-3 && Math.abs(ap - 1.983) < 1e-3);
  // Ti at the body centre comes from 1/2-y,1/2+x,1/2+z.
  assert.ok(s.sites.some((t) => t.element === 'Ti' && t.frac!.every((f) => Math.abs(f - 0.5) < 1e-12)));
  const abs = absorbingSites(s, ['Ti', 'Fe']);
  assert.deepEqual(abs.map((q) => [q.label, q.multiplicity, q.range.start.line]), [['Ti1', 2, 43]]);
  assert.deepEqual(s.sourceSites[1].range, { start: { line: 44, character: 0 }, end: { line: 44, character: 34 } });
  assert.equal(s.sourceSites[0].element, 'Ti');
  assert.equal(s.sourceSites[1].Z, 8);
});

test('magnetite Fd-3m: 192 operators give 56 atoms, Fe orbits of 8 and 16', () => {
  const doc = load('magnetite-Fd-3m.cif');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.equal(s.symops.length, 192);
  assert.equal(s.sites.length, 56);
  assert.deepEqual(s.orbits.map((o) => o.length), [8, 16, 32]);
  const fe = absorbingSites(s, ['Fe']);
  assert.deepEqual(fe.map((q) => [q.label, q.multiplicity]), [['FeA', 8], ['FeB', 16]]);
  // Tetrahedral FeA: 4 O at a·√3·(u − 1/8)·... check the count and equality of the 4 bonds.
  const tet = neighbourDistances(s, s.orbits[0][0], 'O', 2.3);
  assert.equal(tet.length, 4);
  assert.equal(new Set(tet).size, 1);
  const oct = neighbourDistances(s, s.orbits[1][0], 'O', 2.3);
  assert.equal(oct.length, 6);
  assert.ok(Math.abs(tet[0] - 8.3965 * Math.sqrt(3) * (0.2549 - 0.125)) < 1e-3);
});

test('wurtzite ZnO: 4 atoms, Zn–O 1.988 Å along c, hexagonal cell', () => {
  const s = only(load('ZnO-wurtzite.cif'));
  assert.equal(s.sites.length, 4);
  assert.ok(Math.abs(s.lattice!.gamma - 120) < 1e-9);
  const zn = s.sites.findIndex((x) => x.element === 'Zn');
  const d = neighbourDistances(s, zn, 'O', 2.2);
  assert.equal(d.length, 4);
  assert.ok(Math.abs(d[3] - 0.3819 * 5.2066) < 2e-3, String(d));
});

test('tenorite CuO C2/c: 8 atoms, Cu square planar', () => {
  const doc = load('CuO-tenorite-C2c.cif');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.equal(s.sites.length, 8);
  assert.deepEqual(s.orbits.map((o) => o.length), [4, 4]);
  assert.ok(Math.abs(s.lattice!.beta - 99.54) < 1e-9);
  const d = neighbourDistances(s, 0, 'O', 2.1);
  assert.equal(d.length, 4);
  assert.ok(d.every((x) => x > 1.9 && x < 1.97), String(d));
});

test('pymatgen P1 NaCl: 8 atoms, Na–Cl = a/2, every atom its own orbit, the four Na one site by environment', () => {
  const doc = load('NaCl-P1-pymatgen.cif');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.equal(s.sites.length, 8);
  assert.deepEqual(s.symops, ['x,y,z']);
  assert.ok(s.orbits.every((o) => o.length === 1));
  // Without operators the four Na are compared by environment: identical, so one site (×4).
  assert.deepEqual(absorbingSites(s, ['Na']).map((x) => [x.label, x.multiplicity, x.equivalence, x.members]), [['Na0', 4, 'environment', [0, 1, 2, 3]]]);
  assert.deepEqual(neighbourDistances(s, 0, 'Cl', 3), Array(6).fill(2.82));
  assert.equal(s.sites[4].label, 'Cl4');
  assert.deepEqual(s.sites[5].cart, [2.82, 2.82, 2.82]);
});

test('Cartesian sites with a cell, and a Cartesian molecule block without one', () => {
  const doc = load('cartesian-sites.cif');
  assert.deepEqual(doc.diagnostics, []);
  const [crystal, mol] = doc.blocks.map((b) => b.structure!);
  crystal.sites[1].frac!.forEach((f, k) => assert.ok(Math.abs(f - [0.5, 0, 0][k]) < 1e-12));
  assert.equal(mol.lattice, null);
  assert.deepEqual(mol.pbc, [false, false, false]);
  assert.equal(mol.sites[1].frac, null);
  assert.deepEqual(mol.sites.map((x) => x.element), ['O', 'H', 'H']);
  const oh = Math.hypot(0.7572, 0.1173 + 0.4692);
  const c = mol.sites[1].cart;
  assert.ok(Math.abs(Math.hypot(c[0], c[1], c[2] - 0.1173) - oh) < 1e-12);
});

test('multi-block: publication block has no structure, a named group without operators is expanded by its own operators', () => {
  const doc = load('multi-block.cif');
  // MnO named 'F m -3 m' with only Mn1 and O1 listed: the rock-salt cell of 4 + 4 atoms.
  assert.deepEqual(doc.blocks.map((b) => [b.name, b.structure?.sites.length ?? null]), [['global', null], ['FeO_wustite_P1', 2], ['MnO_named_only', 8]]);
  assert.deepEqual(codes(doc), ['symmetry.generatedOps']);
  assert.equal(doc.diagnostics[0].severity, 'information');
  assert.match(doc.diagnostics[0].message, /the 192 operators of F m -3 m \(No\. 225, Hall '-F 4 2 3'\) are used/);
  const mno = doc.blocks[2].structure!;
  assert.deepEqual(neighbourDistances(mno, 0, 'O', 2.5), Array(6).fill(2.223)); // a/2, to the helper's 3 decimals
  assert.equal(doc.diagnostics[0].range.start.line, 33);
  assert.ok(Math.abs(doc.blocks[1].structure!.lattice!.volume - 3.04 ** 3 / Math.SQRT2) < 1e-9);
  assert.equal(doc.blocks[1].headerRange.start.line, 9);
  assert.equal(doc.blocks[1].range.end.line, 24);
});

test('a named group without operators: origin choice assumed and said, stated choice used, unknown name warns as P1', () => {
  const si = (symbol: string, xyz: string): ParsedDocument => parseDocument(
    `data_Si\n_cell_length_a 5.431\n_cell_length_b 5.431\n_cell_length_c 5.431\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n`
    + `_symmetry_space_group_name_H-M '${symbol}'\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSi1 ${xyz}\n`, 'cif');
  // Diamond: Si on 8a, at 1/8 1/8 1/8 with the origin at the inversion centre (choice 2).
  const two = si('F d -3 m', '0.125 0.125 0.125');
  assert.equal(only(two).sites.length, 8);
  assert.deepEqual(neighbourDistances(only(two), 0, 'Si', 2.5).map((d) => d.toFixed(3)), Array(4).fill('2.352'));
  assert.deepEqual(two.diagnostics.map((d) => [d.code, d.severity]), [['symmetry.generatedOps', 'warning']]);
  assert.match(two.diagnostics[0].message, /origin choice 2 assumed/);
  // Origin choice 1 puts 8a at 0 0 0; stated, it is used without a warning.
  const one = si('F d -3 m :1', '0 0 0');
  assert.equal(only(one).sites.length, 8);
  assert.deepEqual(neighbourDistances(only(one), 0, 'Si', 2.5).map((d) => d.toFixed(3)), Array(4).fill('2.352'));
  assert.deepEqual(one.diagnostics.map((d) => [d.code, d.severity]), [['symmetry.generatedOps', 'information']]);
  // A number that contradicts the symbol: the symbol is used, and the clash said.
  const clash = parseDocument(`data_x\n_cell_length_a 4.59\n_cell_length_b 4.59\n_cell_length_c 2.96\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n`
    + `_symmetry_space_group_name_H-M 'P 42/m n m'\n_symmetry_Int_Tables_number 14\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nTi1 0 0 0\nO1 0.305 0.305 0\n`, 'cif');
  assert.deepEqual(only(clash).sites.map((x) => x.element).sort(), ['O', 'O', 'O', 'O', 'Ti', 'Ti']);
  assert.deepEqual(clash.diagnostics.map((d) => [d.code, d.severity]), [['symmetry.generatedOps', 'warning']]);
  assert.match(clash.diagnostics[0].message, /P 4_2\/m n m \(No\. 136.*number 14 is not this group's/);
  const unknown = si('F d -3 x', '0 0 0');
  assert.equal(only(unknown).sites.length, 1);
  assert.deepEqual(unknown.diagnostics.map((d) => d.code), ['symmetry.missingOps']);
  assert.match(unknown.diagnostics[0].message, /unknown space-group symbol 'F d -3 x'; only the listed atoms are used, as if P1/);
});

test('magCIF: magnetic operations times centrings place the atoms; time reversal is ignored for positions', () => {
  const mcif = (opsTag: string, centringTag: string, extra = ''): ParsedDocument => parseDocument(
    `data_mag\n_cell_length_a 5\n_cell_length_b 6\n_cell_length_c 7\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n`
    + `loop_\n_space_group_symop_magn_operation.id\n${opsTag}\n1 x,y,z,+1\n2 -x,-y,z,-1\n${extra}`
    + `loop_\n_space_group_symop_magn_centering.id\n${centringTag}\n1 x,y,z,+1\n2 x+1/2,y+1/2,z,-1\n`
    + `loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nFe1 Fe 0.1 0.2 0.3\n`, 'cif');
  const expected = [[0.1, 0.2, 0.3], [0.9, 0.8, 0.3], [0.6, 0.7, 0.3], [0.4, 0.3, 0.3]].map((f) => f.map((x) => x.toFixed(6)).join(' ')).sort();
  for (const [ops, centrings] of [
    ['_space_group_symop_magn_operation.xyz', '_space_group_symop_magn_centering.xyz'],
    ['_space_group_symop.magn_operation_xyz', '_space_group_symop.magn_centering_xyz'],
  ]) {
    const doc = mcif(ops, centrings);
    assert.deepEqual(doc.diagnostics, [], ops);
    const s = only(doc);
    assert.deepEqual(s.sites.map((x) => x.frac!.map((f) => f.toFixed(6)).join(' ')).sort(), expected, ops);
    assert.ok(s.sites.every((x) => x.label === 'Fe1'));
  }
  // A malformed operation is reported where it stands; the others still apply.
  const bad = mcif('_space_group_symop_magn_operation.xyz', '_space_group_symop_magn_centering.xyz', '3 x,y\n');
  assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.range.start.line]), [['symmetry.invalidOp', 12]]);
  assert.equal(only(bad).sites.length, 4);
});

test('CIF 2.0 file with lists/tables and dotted tags parses its structure', () => {
  const doc = load('cif2-example.cif');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.equal(s.sites.length, 8);
});

test('partial occupancy: mixed site is fine, over-full site and occupancy > 1 are flagged, split site is not too close', () => {
  const doc = load('partial-occupancy.cif');
  assert.deepEqual(codes(doc).filter((c) => c !== 'site.disorder').sort(), ['site.occupancy', 'site.occupancySum']);
  // Each place with alternatives is noted once, saying which atom graphs keep.
  assert.deepEqual(doc.diagnostics.filter((d) => d.code === 'site.disorder').map((d) => [d.range.start.line, d.severity, /keep one atom there, (\S+) \(([^)]*)\)/.exec(d.message)?.slice(1)]), [
    [15, 'information', ['Mg1', 'first listed of equal occupancy']],
    [18, 'information', ['O2a', 'first listed of equal occupancy']],
    [20, 'information', ['Ni1', 'the most occupied']],
  ]);
  const sum = doc.diagnostics.find((d) => d.code === 'site.occupancySum')!;
  assert.match(sum.message, /Ni1, Co1.*1\.3/);
  assert.equal(sum.range.start.line, 20);
  const occ = doc.diagnostics.find((d) => d.code === 'site.occupancy')!;
  assert.deepEqual(occ.range, { start: { line: 22, character: 19 }, end: { line: 22, character: 22 } });
  assert.equal(only(doc).sites[0].occupancy, 0.5);
});

test('broken files give diagnostics with exact ranges and never throw', () => {
  const lc = load('broken-loop-count.cif');
  assert.deepEqual(codes(lc), ['cif.loopCount']);
  assert.deepEqual(lc.diagnostics[0].range, { start: { line: 14, character: 0 }, end: { line: 14, character: 11 } });
  assert.equal(only(lc).sites.length, 2);

  const bv = load('broken-values.cif');
  assert.deepEqual(codes(bv), ['coord.nonnumeric', 'element.unknown']);
  assert.deepEqual(bv.diagnostics[0].range, { start: { line: 14, character: 9 }, end: { line: 14, character: 12 } });
  assert.deepEqual(bv.diagnostics[1].range, { start: { line: 15, character: 4 }, end: { line: 15, character: 6 } });
  assert.deepEqual(only(bv).sites.map((x) => [x.element, x.Z]), [['Fe', 26], ['Xx', 0]]);

  const mc = load('broken-missing-cell.cif');
  assert.deepEqual(codes(mc), ['cell.missing']);
  assert.equal(mc.blocks[0].structure, null);

  const q = load('broken-quote.cif');
  assert.deepEqual(codes(q), ['cif.syntax']);
  assert.equal(q.diagnostics[0].range.start.line, 7);

  const t = load('broken-unterminated-text.cif');
  assert.equal(t.diagnostics[0].code, 'cif.syntax');
  assert.deepEqual(t.diagnostics[0].range, { start: { line: 5, character: 0 }, end: { line: 5, character: 1 } });

  for (const junk of ['', '\u0000\u0001', "data_\n_a '", 'loop_', ';', '#\\#CIF_2.0\ndata_x\n_a [1 {', 'data_x\n_cell_length_a -1\n_cell_length_b ?\n_cell_length_c 3\nloop_\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n0 0 0\n']) {
    assert.doesNotThrow(() => parseDocument(junk, 'cif'));
  }
});

const CELL = 'data_t\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n';
const SITES = (rows: string): string => `loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n${rows}`;

test('cell checks: invalid parameters, inconsistent volume (with and without s.u.), formula × Z', () => {
  const bad = parseDocument(CELL.replace('_cell_length_b 5', '_cell_length_b ?') + SITES('Fe1 0 0 0\n'), 'cif');
  assert.deepEqual(codes(bad), ['cell.invalid']);
  assert.deepEqual(bad.diagnostics[0].range, { start: { line: 2, character: 15 }, end: { line: 2, character: 16 } });
  const angles = parseDocument(CELL.replace('_cell_angle_alpha 90', '_cell_angle_alpha 10').replace('_cell_angle_beta 90', '_cell_angle_beta 10') + SITES('Fe1 0 0 0\n'), 'cif');
  assert.deepEqual(codes(angles), ['cell.invalid']);
  const vol = parseDocument(CELL + '_cell_volume 130\n' + SITES('Fe1 0 0 0\n'), 'cif');
  assert.deepEqual(codes(vol), ['cell.volume']);
  assert.equal(vol.diagnostics[0].range.start.line, 7);
  assert.deepEqual(codes(parseDocument(CELL + '_cell_volume 124.5\n' + SITES('Fe1 0 0 0\n'), 'cif')), []);
  assert.deepEqual(codes(parseDocument(CELL + '_cell_volume 124.5(1)\n' + SITES('Fe1 0 0 0\n'), 'cif')), ['cell.volume']);
  const fz = parseDocument(CELL + "_cell_formula_units_Z 2\n_chemical_formula_sum 'Fe2 O'\n" + SITES('Fe1 0 0 0\nO1 0.5 0.5 0.5\n'), 'cif');
  assert.deepEqual(codes(fz), ['cell.formulaZ']);
  assert.match(fz.diagnostics[0].message, /Fe4 O2.*Fe1 O1/);
  assert.deepEqual(codes(parseDocument(CELL + "_cell_formula_units_Z 1\n_chemical_formula_sum 'FeO'\n" + SITES('Fe1 0 0 0\nO1 0.5 0.5 0.5\n'), 'cif')), []);
});

test('atoms closer than 0.5 Å are flagged; images of a special position written loosely merge within tolerance', () => {
  const close = parseDocument(CELL + SITES('Fe1 0 0 0\nFe2 0.05 0 0\n'), 'cif');
  assert.deepEqual(codes(close), ['atoms.tooClose']);
  assert.match(close.diagnostics[0].message, /Fe1 and Fe2.*0\.250/);
  // 2-fold axis along z through the origin; the atom and its image are 0.0016 (0.008 Å) apart.
  const ops = "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z'\n'-x,-y,z'\n";
  const text = CELL + ops + SITES('Fe1 0.0008 0 0.1\n');
  assert.equal(only(parseDocument(text, 'cif')).sites.length, 1);
  const strict = parseDocument(text, 'cif', { symmetryTolerance: 0.001 });
  assert.equal(only(strict).sites.length, 2);
  assert.deepEqual(codes(strict), ['site.occupancySum']);
});

test('element from labels: FE3, Co1, CL2, O2A, Cu2+ with no type symbol', () => {
  const s = only(parseDocument(CELL + SITES('FE3 0 0 0\nCo1 0.5 0 0\nCL2 0 0.5 0\nO2A 0 0 0.5\nCu2+ 0.5 0.5 0\nCb1 0.5 0.5 0.5\n'), 'cif'));
  assert.deepEqual(s.sites.map((x) => x.element), ['Fe', 'Co', 'Cl', 'O', 'Cu', 'C']);
});

test('maxAtoms caps the expansion with a diagnostic', () => {
  const doc = load('magnetite-Fd-3m.cif', { maxAtoms: 50 });
  assert.deepEqual(codes(doc), ['structure.tooLarge']);
  assert.equal(doc.blocks[0].structure, null);
});

test('invalid symmetry operators are reported on their value and skipped', () => {
  const doc = parseDocument(CELL + "loop_\n_space_group_symop_operation_xyz\n'x,y,z'\n'x,y'\n'2x,y,z'\n'-x,-y,q'\n" + SITES('Fe1 0.1 0.2 0.3\n'), 'cif');
  assert.deepEqual(codes(doc), ['symmetry.invalidOp', 'symmetry.invalidOp', 'symmetry.invalidOp']);
  assert.deepEqual(doc.diagnostics[0].range, { start: { line: 10, character: 0 }, end: { line: 10, character: 5 } });
  assert.equal(only(doc).sites.length, 1);
});
