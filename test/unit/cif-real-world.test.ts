// CIFs as real producers write them (COD, ICSD, VESTA, pymatgen, SHELXL, mineral databases,
// hand-edited files): what the user sees — atoms, elements, diagnostics, lenses — for each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { documentSites, siteLensTitle } from '../../server/src/lsp/codeLens';
import { findEnvironment, findNeighbours } from '../../server/src/graph/neighbours';
import { coordinationOf } from '../../server/src/lsp/hover';
import { parseDocument } from '../../server/src/parse';
import { absorbingSites } from '../../server/src/structure/sites';
import { closeSymops, parseSymop, type SymOp } from '../../server/src/structure/symop';
import { lookupSpaceGroup } from '../../server/src/structure/spaceGroups';
import { TRANSITION_METALS_3D_4D } from '../../server/src/structure/elements';
import type { ParsedDocument, ParseOptions, Structure } from '../../server/src/structure/types';

const FIX = path.resolve('test/fixtures/structures');
const parse = (text: string, opts?: ParseOptions): ParsedDocument => parseDocument(text, 'cif', opts);
const codes = (d: ParsedDocument): string[] => d.diagnostics.map((x) => x.code);
function only(doc: ParsedDocument, block = 0): Structure {
  const s = doc.blocks[block].structure;
  assert.ok(s, `structure expected: ${JSON.stringify(doc.diagnostics)}`);
  return s;
}
const diag = (doc: ParsedDocument, code: string) => {
  const d = doc.diagnostics.find((x) => x.code === code);
  assert.ok(d, `${code} expected in ${JSON.stringify(doc.diagnostics.map((x) => [x.code, x.message]))}`);
  return d;
};
/** Every distance (Å, 3 decimals) from site i to atoms of `el` within `cutoff`, periodic images included. */
const r3 = (x: number): number => Math.round(x * 1000) / 1000;
function distances(s: Structure, i: number, el: string, cutoff: number): number[] {
  return findNeighbours(s, i, cutoff).filter((h) => s.sites[h.siteIndex].element === el && h.distance > 1e-6)
    .map((h) => r3(h.distance)).sort((p, q) => p - q);
}

function cif(head: string, columns: string, rows: string, cell = '_cell_length_a 5.0\n_cell_length_b 5.0\n_cell_length_c 5.0\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n'): string {
  return `data_t\n${cell}${head}loop_\n${columns.trim().split(/\s+/).map((c) => `_atom_site_${c}`).join('\n')}\n${rows}`;
}

test('COD-style hematite (global block, R -3 c on hexagonal axes, s.u., aniso/geom/refln loops): 30 atoms, Fe–O 1.945 ×3 and 2.114 ×3', () => {
  const doc = parse(readFileSync(path.join(FIX, 'cod-hematite-R-3c.cif'), 'utf8'));
  assert.deepEqual(doc.diagnostics, []);
  // The text field holding 'data_' and 'loop_' at line starts opens no block.
  assert.deepEqual(doc.blocks.map((b) => [b.name, b.structure?.sites.length ?? null]), [['global', null], ['9999901', 30]]);
  const s = only(doc, 1);
  assert.deepEqual(s.orbits.map((o) => o.length), [12, 18]);
  assert.deepEqual(s.sourceSites.map((x) => x.element), ['Fe', 'O']);
  // By hand: O at (x, 0, 1/4) lies in the plane 0.1053 c below Fe; O' = (1/3, 2/3 − x, 5/12) above it.
  const a = 5.0356, c = 13.7489, x = 0.3059, z = 0.3553;
  const long = Math.hypot(x * a, (z - 0.25) * c);
  const d1 = 1 / 3, d2 = 2 / 3 - x;
  const short = Math.hypot(a * (d1 - d2 / 2), a * (Math.sqrt(3) / 2) * d2, (5 / 12 - z) * c);
  const fe = absorbingSites(s, ['Fe'])[0];
  assert.deepEqual(distances(s, fe.siteIndex, 'O', 2.5), [short, short, short, long, long, long].map(r3));
  assert.ok(Math.abs(short - 1.945) < 2e-3 && Math.abs(long - 2.114) < 2e-3);
  assert.deepEqual(documentSites(doc.blocks, TRANSITION_METALS_3D_4D).map(siteLensTitle), ['Predict K-edge XANES (Fe1, ×12)']);
});

test('VESTA-style cuprite (P n -3 m, padded columns, ADP type and type symbol last): 6 atoms, Cu linear, Cu–O = a√3/4', () => {
  const doc = parse(readFileSync(path.join(FIX, 'vesta-cuprite-Pn-3m.cif'), 'utf8'));
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.equal(s.sites.length, 6);
  assert.deepEqual(s.orbits.map((o) => o.length), [4, 2]);
  const a = 4.2685;
  assert.deepEqual(distances(s, 0, 'O', 3), [a * Math.sqrt(3) / 4, a * Math.sqrt(3) / 4].map(r3));
  assert.deepEqual(distances(s, 0, 'Cu', 3.1), Array(12).fill(r3(a / Math.SQRT2)));
  const shell = coordinationOf(s, 0);
  assert.deepEqual([shell?.count, shell?.elements], [2, [['O', 2]]]);
});

test('type symbols with charges and odd codes: Cu2+, O2-, O-2, Fe2.5+, D; Wat and OH read as O and said', () => {
  const doc = parse(cif('', 'label type_symbol fract_x fract_y fract_z', [
    'Cu1 Cu2+ 0 0 0', 'O1 O2- 0.5 0 0', 'O2 O-2 0 0.5 0', 'Fe1 Fe2.5+ 0.5 0.5 0.5', 'D1 D 0.2 0.2 0.2',
    'Ow1 Wat 0 0 0.5', 'O3 OH 0.5 0.5 0', 'Nb1 Nb5+ 0.5 0 0.5', 'H1 H(SDS) 0.7 0.7 0.7',
  ].join('\n') + '\n'));
  const s = only(doc);
  assert.deepEqual(s.sites.map((x) => x.element), ['Cu', 'O', 'O', 'Fe', 'H', 'O', 'O', 'Nb', 'H']);
  // 'Wat' used to be tungsten (two letters 'Wa' are no element, so 'W').
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [
    ['element.assumed', 'information', 18], ['element.assumed', 'information', 19],
  ]);
  assert.match(doc.diagnostics[0].message, /'Wat' read as a water oxygen/);
  assert.match(doc.diagnostics[1].message, /'OH' is not an element symbol; O taken from the label 'O3'/);
});

test('labels without type symbols: the declared formula decides CA1, HG1, CO1; a mineral database\'s W1 water; Cl1 vs C1', () => {
  const rows = 'Co1 0 0 0\nCO2 0.5 0 0\nCA1 0 0.5 0\nHG1 0 0 0.5\nCl1 0.5 0.5 0\nC1 0.5 0 0.5\nW1 0 0.5 0.5\nO12\' 0.3 0.3 0.3\nN1A 0.7 0.7 0.7\n';
  const organic = parse(cif("_chemical_formula_sum 'C2 H Cl Co2 N O2'\n", 'label fract_x fract_y fract_z', rows));
  assert.deepEqual(only(organic).sites.map((x) => x.element), ['Co', 'Co', 'C', 'H', 'Cl', 'C', 'O', 'O', 'N']);
  assert.deepEqual(organic.diagnostics.map((d) => [d.code, d.range.start.line]), [['element.assumed', 15], ['element.assumed', 16], ['element.assumed', 19]]);
  assert.match(organic.diagnostics[0].message, /'CA1' read as C, not Ca: the block's formula has no Ca/);
  // Without a formula the two letters win, as before (old programs upper-cased Ca, Hg).
  const bare = parse(cif('', 'label fract_x fract_y fract_z', rows));
  assert.deepEqual(only(bare).sites.map((x) => x.element), ['Co', 'Co', 'Ca', 'Hg', 'Cl', 'C', 'W', 'O', 'N']);
  // An _atom_type list declares the elements too (SHELXL writes one).
  const typed = parse(cif('loop_\n_atom_type_symbol\nC\nH\nO\nN\nCl\nCo\n', 'label fract_x fract_y fract_z', 'CA1 0 0 0\nHG1 0.5 0.5 0.5\n'));
  assert.deepEqual(only(typed).sites.map((x) => x.element), ['C', 'H']);
  // Case that says Cu is Cu, even when the formula (of the ligand only, say) leaves it out.
  assert.deepEqual(only(parse(cif("_chemical_formula_sum 'C4 H8 N2'\n", 'label fract_x fract_y fract_z', 'Cu1 0 0 0\n'))).sites[0].element, 'Cu');
});

test('Q peaks and dummy atoms are left out with a note; the absorber next to them still gets a graph', () => {
  const doc = parse(cif('', 'label type_symbol fract_x fract_y fract_z calc_flag', [
    'Cu1 Cu 0 0 0 d', 'O1 O 0.39 0 0 d', 'O2 O 0 0.39 0 d', 'Q1 Q 0.1 0.1 0 .', 'Cg1 C 0.2 0.2 0.2 dum', 'X1 dummy 0.3 0.3 0.3 ?',
  ].join('\n') + '\n'));
  const s = only(doc);
  assert.deepEqual(s.sites.map((x) => x.label), ['Cu1', 'O1', 'O2']);
  assert.deepEqual(s.sourceSites.map((x) => x.label), ['Cu1', 'O1', 'O2', 'Q1', 'Cg1', 'X1']);
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [
    ['site.notAtom', 'information', 17], ['site.notAtom', 'information', 18], ['site.notAtom', 'information', 19],
  ]);
  assert.match(doc.diagnostics[0].message, /Q1 is a residual-density peak/);
  assert.match(doc.diagnostics[1].message, /Cg1 is a dummy atom \(_atom_site_calc_flag dum\)/);
  // A Q peak used to stay in as element 'Q' (Z 0) and every graph around it refused to build.
  const g = buildAbsorberGraph(s, 0);
  assert.ok(g.neighbours.every((n) => n.virtual || n.element === 'O' || n.element === 'Cu'));
  // A label starting with Q and no type symbol is a peak as well.
  assert.deepEqual(codes(parse(cif('', 'label fract_x fract_y fract_z', 'Fe1 0 0 0\nQ12 0.5 0.5 0.5\n'))), ['site.notAtom']);
});

test('numbers as written: s.u. everywhere, 1/2 as a coordinate (warned, not skipped), occupancy 1.02(3) is 1 within its s.u., ? is no error', () => {
  const doc = parse(cif('', 'label type_symbol fract_x fract_y fract_z occupancy', [
    'Fe1 Fe 0.1234(5) 3.5(2) -0.25 1.02(3)', 'Fe2 Fe .5 1/2 0 1', 'Fe3 Fe 0.75 0.75 1/3 1.10(2)', 'Fe4 Fe ? 0 0 1',
  ].join('\n') + '\n'));
  const s = only(doc);
  assert.deepEqual(s.sites.map((x) => x.label), ['Fe1', 'Fe2', 'Fe3']);
  s.sites[0].frac!.forEach((f, k) => assert.ok(Math.abs(f - [0.1234, 0.5, 0.75][k]) < 1e-12));
  assert.deepEqual(s.sites[1].frac, [0.5, 0.5, 0]);
  assert.ok(Math.abs(s.sites[2].frac![2] - 1 / 3) < 1e-15);
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]), [
    ['coord.notCifNumber', 'warning', 15, 10], ['coord.notCifNumber', 'warning', 16, 17], ['site.occupancy', 'warning', 16, 21], ['coord.nonnumeric', 'warning', 17, 7],
  ]);
  assert.match(doc.diagnostics[0].message, /'1\/2' is written as a fraction.*read as 0\.5/);
  assert.match(doc.diagnostics[2].message, /Occupancy 1\.10\(2\) of Fe3 is greater than 1/);
});

const P21C_OPS = ['x,y,z', '-x,y+1/2,-z+1/2', '-x,-y,-z', 'x,-y+1/2,z+1/2'];
const MONO = '_cell_length_a 5.0\n_cell_length_b 6.0\n_cell_length_c 7.0\n_cell_angle_alpha 90\n_cell_angle_beta 100\n_cell_angle_gamma 90\n';
const opsLoop = (tag: string, ops: readonly string[]): string => `loop_\n${tag}\n${ops.map((o) => `'${o}'`).join('\n')}\n`;

test('operators without the identity, or generators only, are completed to their group (a general position of P 21/c gives 4 atoms, not 3)', () => {
  const noIdentity = parse(cif("_symmetry_space_group_name_H-M 'P 21/c'\n" + opsLoop('_symmetry_equiv_pos_as_xyz', P21C_OPS.slice(1)),
    'label fract_x fract_y fract_z', 'Cu1 0.1 0.2 0.3\n', MONO));
  assert.equal(only(noIdentity).sites.length, 4);
  assert.deepEqual(noIdentity.diagnostics.map((d) => [d.code, d.severity]), [['symmetry.incomplete', 'information']]);
  assert.deepEqual(noIdentity.diagnostics[0].range.start, { line: 8, character: 0 });
  // Generators with an explicit centring translation but none of their products (C 2/c).
  const tenorite = (ops: string[], name = ''): ParsedDocument => parse(cif(name + opsLoop('_symmetry_equiv_pos_as_xyz', ops),
    'label fract_x fract_y fract_z', 'Cu1 0.25 0.25 0\nO1 0 0.4184 0.25\n',
    '_cell_length_a 4.6837\n_cell_length_b 3.4226\n_cell_length_c 5.1288\n_cell_angle_alpha 90\n_cell_angle_beta 99.54\n_cell_angle_gamma 90\n'));
  const generators = tenorite(['x,y,z', '-x,y,-z+1/2', '-x,-y,-z', 'x+1/2,y+1/2,z']);
  assert.deepEqual(only(generators).orbits.map((o) => o.length), [4, 4]);
  assert.deepEqual(codes(generators), ['symmetry.incomplete']);
  assert.match(generators.diagnostics[0].message, /4 listed symmetry operators are not a complete group: their products give 4 more/);
  // Named C-centred group listed without its centring (older programs): the centring is added.
  const uncentred = tenorite(['x,y,z', '-x,y,-z+1/2', '-x,-y,-z', 'x,-y,z+1/2'], "_symmetry_space_group_name_H-M 'C 1 2/c 1'\n");
  const s = only(uncentred);
  assert.deepEqual(s.orbits.map((o) => o.length), [4, 4]);
  assert.equal(s.symops.length, 8);
  assert.deepEqual(codes(uncentred), ['symmetry.centring']);
  assert.match(uncentred.diagnostics[0].message, /'x\+1\/2,y\+1\/2,z' is added, giving the group's 8 operators/);
  assert.deepEqual(distances(s, 0, 'O', 2.1).length, 4);
  // Without a name nothing says the lattice is centred: 4 operators stay 4.
  assert.deepEqual(codes(tenorite(['x,y,z', '-x,y,-z+1/2', '-x,-y,-z', 'x,-y,z+1/2'])), []);
});

test('operator lists: both DDL1 and DDL2 tags disagreeing, a list that is no group, and the identity alone under a non-P1 name', () => {
  const both = parse(cif(opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z']) + opsLoop('_space_group_symop_operation_xyz', P21C_OPS),
    'label fract_x fract_y fract_z', 'Cu1 0.1 0.2 0.3\n', MONO));
  assert.equal(only(both).sites.length, 4);
  assert.deepEqual(codes(both), ['symmetry.conflictingOps']);
  assert.deepEqual(both.diagnostics[0].range.start.line, 7);
  // Same operators written differently under the two tags: nothing to say.
  const same = parse(cif(opsLoop('_symmetry_equiv_pos_as_xyz', P21C_OPS) + opsLoop('_space_group_symop_operation_xyz', ['x, y, z', '-x, 1/2+y, 0.5-z', '-x,-y,-z', '+x,1/2-y,1/2+z']),
    'label fract_x fract_y fract_z', 'Cu1 0.1 0.2 0.3\n', MONO));
  assert.deepEqual(codes(same), []);
  // A translation of 0.37 generates no finite group: applied as listed, said, and no blow-up.
  const odd = parse(cif(opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z', 'x+0.37,y,z']), 'label fract_x fract_y fract_z', 'Fe1 0 0 0\n'));
  assert.equal(only(odd).sites.length, 2);
  assert.deepEqual(codes(odd), ['symmetry.notGroup']);
  // The identity alone under 'P 21/c' with an asymmetric unit: the P1 reading is said.
  const cut = parse(cif("_symmetry_space_group_name_H-M 'P 21/c'\n" + opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z']),
    'label fract_x fract_y fract_z', 'Cu1 0.1 0.2 0.3\n', MONO));
  assert.equal(only(cut).sites.length, 1);
  assert.deepEqual(codes(cut), ['symmetry.identityOnly']);
  assert.match(cut.diagnostics[0].message, /names space group P 21\/c, whose 4 operators would make 4 atoms of these 1/);
  // …but not for a full cell that happens to carry its group's name (all 4 images listed).
  const fullCell = parse(cif("_symmetry_space_group_name_H-M 'P 21/c'\n" + opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z']),
    'label fract_x fract_y fract_z', 'Cu1 0.1 0.2 0.3\nCu2 0.9 0.7 0.2\nCu3 0.9 0.8 0.7\nCu4 0.1 0.3 0.8\n', MONO));
  assert.deepEqual(codes(fullCell), []);
});

test('special positions written with 3 decimals merge within the precision written; multiplicities say when they do not', () => {
  const hex = '_cell_length_a 14.0\n_cell_length_b 14.0\n_cell_length_c 9.0\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n';
  const ops = opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z', '-y,x-y,z', '-x+y,-x,z', '-x,-y,z+1/2', 'y,-x+y,z+1/2', 'x-y,x,z+1/2',
    '-x,-y,-z', 'y,-x+y,-z', 'x-y,x,-z', 'x,y,-z+1/2', '-y,x-y,-z+1/2', '-x+y,-x,-z+1/2']);
  const rows = 'Fe1 4 0.3333 0.6667 0.0213\nFe2 4 0.333 0.667 0.62\nO1 6 0.123 0.247 0.25\nO2 2 0 0 0.25\n';
  const doc = parse(cif(ops, 'label symmetry_multiplicity fract_x fract_y fract_z', rows, hex));
  const s = only(doc);
  // Fe2's images are 0.014 Å apart (0.333 for 1/3 in a 14 Å cell): 12 atoms and a misleading
  // 'images coincide, occupancy 3' used to follow. O1 is x, 2x, 1/4 with 2x rounded apart.
  assert.deepEqual(s.orbits.map((o) => o.length), [4, 4, 6, 2]);
  assert.deepEqual(doc.diagnostics, []);
  // A stated multiplicity the operators contradict is said on its value.
  const wrong = parse(cif(ops, 'label symmetry_multiplicity fract_x fract_y fract_z', 'Fe1 2 0.3333 0.6667 0.0213\n', hex));
  assert.deepEqual(codes(wrong), ['site.multiplicity']);
  assert.deepEqual(wrong.diagnostics[0].range, { start: { line: 27, character: 4 }, end: { line: 27, character: 5 } });
  assert.match(wrong.diagnostics[0].message, /Fe1: _atom_site_symmetry_multiplicity is 2, but the symmetry operators give 4 atoms/);
  // Coordinates given to full precision keep the tolerance of the setting: 0.008 Å apart stays 2.
  const fine = parse(cif(opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z', '-x,-y,z']), 'label fract_x fract_y fract_z', 'Fe1 0.0008 0 0.1\n'), { symmetryTolerance: 0.001 });
  assert.equal(only(fine).sites.length, 2);
  // ASE writes multiplicities as 1.0.
  assert.deepEqual(codes(parse(cif('', 'label symmetry_multiplicity fract_x fract_y fract_z', 'Fe1 1.0 0 0 0\n'))), []);
});

test('a group named without operators: origin choice 1 is used when origin choice 2 would pile the atoms up', () => {
  const spinel = (fe1: string, fe2: string, o: string): ParsedDocument => parse(cif("_symmetry_space_group_name_H-M 'F d -3 m'\n",
    'label type_symbol fract_x fract_y fract_z', `Fe1 Fe ${fe1}\nFe2 Fe ${fe2}\nO1 O ${o}\n`,
    '_cell_length_a 8.3958\n_cell_length_b 8.3958\n_cell_length_c 8.3958\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n'));
  const origin1 = spinel('0 0 0', '0.625 0.625 0.625', '0.3799 0.3799 0.3799');
  const origin2 = spinel('0.125 0.125 0.125', '0.5 0.5 0.5', '0.2549 0.2549 0.2549');
  for (const doc of [origin1, origin2]) {
    const s = only(doc);
    assert.deepEqual(s.orbits.map((o) => o.length), [8, 16, 32]);
    assert.deepEqual(distances(s, s.orbits[0][0], 'O', 2.3).map(Math.round), [2, 2, 2, 2]);
    assert.deepEqual(codes(doc), ['symmetry.generatedOps']);
  }
  assert.match(origin1.diagnostics[0].message, /setting 1.*origin choice 1 used: with origin choice 2 the atoms would make \d+ pairs closer than 0\.5 Å/);
  assert.match(origin2.diagnostics[0].message, /setting 2.*origin choice 2 assumed/);
});

test('old space-group spellings name their group: P2(1)/n (SHELXL-97), Fm3m, Ia3d, R-3mH', () => {
  for (const [symbol, number, choice, count] of [['P2(1)/n', 14, 'b2', 4], ['P2(1)2(1)2(1)', 19, '', 4], ['Fm3m', 225, '', 192], ['Ia3d', 230, '', 96], ['R-3mH', 166, 'H', 36], ['Fd-3mS', 227, '2', 192]] as const) {
    const g = lookupSpaceGroup({ symbol }).setting;
    assert.deepEqual([g?.number, g?.choice, g?.ops.length], [number, choice, count], symbol);
  }
  // The message names the setting as written (P 1 2_1/n 1), not the group's standard P 2_1/c.
  const doc = parse(cif("_symmetry_space_group_name_H-M 'P2(1)/n'\n", 'label fract_x fract_y fract_z', 'Ni1 0 0 0\nO1 0.2 0.1 0.05\n', MONO));
  assert.deepEqual(only(doc).orbits.map((o) => o.length), [2, 4]);
  assert.match(diag(doc, 'symmetry.generatedOps').message, /4 operators of P 1 2_1\/n 1 \(No\. 14, setting b2/);
});

test('closeSymops: a complete group is returned as given; missing members are added; no group is refused', () => {
  const ops = (texts: readonly string[]): SymOp[] => texts.map((t) => {
    const r = parseSymop(t);
    assert.ok(r.op, t);
    return r.op;
  });
  const fd3m = lookupSpaceGroup({ symbol: 'F d -3 m :2' }).setting!.ops;
  const whole = closeSymops(fd3m);
  assert.deepEqual([whole.ops?.length, whole.added?.length], [192, 0]);
  assert.deepEqual(closeSymops(fd3m.slice(1)).added?.map((o) => o.text), ['x,y,z']);
  // Decimal translations as some programs write them are the same operators as the fractions.
  assert.deepEqual(closeSymops(ops(['x,y,z', '-y,x-y,z+0.3333', '-x+y,-x,z+0.6667'])).added, []);
  assert.equal(parseSymop('x+0.3333,y+0.667,z-0.16667').op?.text, 'x+1/3,y+2/3,z-1/6');
  assert.match(closeSymops(ops(['x,y,z', 'x+0.37,y,z'])).error ?? '', /'x\+0\.37,y,z' is not a crystallographic operation/);
});

test('CRLF, a BOM, tabs and a 5000-character line in a cubic file named only by its group', () => {
  const text = '\ufeffdata_nacl\r\n_cell_length_a\t5.64\r\n_cell_length_b\t5.64\r\n_cell_length_c\t5.64\r\n_cell_angle_alpha\t90\r\n_cell_angle_beta\t90\r\n_cell_angle_gamma\t90\r\n'
    + "_symmetry_space_group_name_H-M\t'Fm3m'\r\n_publ_section_comment '" + 'x'.repeat(5000) + "'\r\n"
    + 'loop_\r\n_atom_site_label\t_atom_site_type_symbol\t_atom_site_fract_x\t_atom_site_fract_y\t_atom_site_fract_z\r\nNa1\tNa+\t0\t0\t0\r\nCl1\tCl-\t0.5\t0.5\t0.5\r\n';
  const doc = parse(text);
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['symmetry.generatedOps', 7, 31]]);
  const s = only(doc);
  assert.deepEqual(s.orbits.map((o) => o.length), [4, 4]);
  assert.deepEqual(distances(s, 0, 'Cl', 3), Array(6).fill(2.82));
});

test('SHELXL disorder groups (PART 1/2 of an assembly) are alternatives however far apart: one whole group is kept, the absorber\'s own if it has one', () => {
  const text = cif("_chemical_formula_sum 'Cu N2 O5'\n", 'label type_symbol fract_x fract_y fract_z occupancy disorder_assembly disorder_group', [
    'Cu1 Cu 0.5 0.5 0.5 1 . .', 'N1 N 0.7 0.5 0.5 1 . .', 'N2 N 0.3 0.5 0.5 1 . .',
    'O1 O 0.5 0.7 0.5 0.62(2) A 1', 'O2 O 0.5 0.5 0.7 0.62(2) A 1',
    "O1' O 0.55 0.70 0.44 0.38(2) A 2", "O2' O 0.44 0.55 0.70 0.38(2) A 2",
    'O3 O 0.5 0.3 0.5 1 . .', 'Cu2 Cu 0.47 0.62 0.85 0.38(2) A 2', 'O4 O 0.5 0.5 0.3 0.5 . -1',
  ].join('\n') + '\n', '_cell_length_a 10.0\n_cell_length_b 10.0\n_cell_length_c 10.0\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n');
  const doc = parse(text);
  const s = only(doc);
  // O1/O1' are 0.78 Å apart: beyond the 0.5 Å rule, so Cu1 used to see all four O of both orientations.
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.range.start.line]), [['site.disorder', 20]]);
  assert.match(doc.diagnostics[0].message, /Disorder groups 1 \(O1, O2; occupancy 0\.62\) and 2 \(O1', O2', Cu2; occupancy 0\.38\) of assembly A are alternatives: graphs and predictions keep group 1/);
  const shell = coordinationOf(s, 0);
  assert.deepEqual([shell?.count, shell?.elements], [6, [['O', 4], ['N', 2]]]);
  const near = (i: number): string[] => findEnvironment(s, i, 2.5).map((h) => s.sites[h.siteIndex].label).sort();
  assert.deepEqual(near(0), ['N1', 'N2', 'O1', 'O2', 'O3', 'O4']);
  // An absorber in group 2 sees its own group: O1', O2' and not O1, O2. (PART -1 is not a group.)
  const cu2 = s.sites.findIndex((x) => x.label === 'Cu2');
  assert.ok(near(cu2).includes("O2'") && !near(cu2).includes('O2') && !near(cu2).includes('O1'));
});

test('operators with spaces but no quotes (hand-edited x, y, z) are read one per line, with or without an id column', () => {
  const ops = ['x, y, z', '-x, y, -z+1/2', '-x, -y, -z', 'x, -y, z+1/2', '1/2+x, 1/2+y, z', '1/2-x, 1/2+y, 1/2-z', '1/2-x, 1/2-y, -z', '1/2+x, 1/2-y, 1/2+z'];
  const cell = '_cell_length_a 4.6837\n_cell_length_b 3.4226\n_cell_length_c 5.1288\n_cell_angle_alpha 90\n_cell_angle_beta 99.54\n_cell_angle_gamma 90\n';
  for (const loop of [`loop_\n_symmetry_equiv_pos_as_xyz\n${ops.join('\n')}\n`, `loop_\n_symmetry_equiv_pos_site_id\n_symmetry_equiv_pos_as_xyz\n${ops.map((o, i) => `${i + 1} ${o}`).join('\n')}\n`]) {
    const doc = parse(cif(loop, 'label fract_x fract_y fract_z', 'Cu1 0.25 0.25 0\nO1 0 0.4184 0.25\n', cell));
    // Each operator used to become three invalid ones ('x,', 'y,', 'z'): 24 errors and a P1 cell.
    assert.deepEqual(codes(doc), ['symmetry.unquotedOps']);
    assert.equal(doc.diagnostics[0].severity, 'warning');
    assert.deepEqual(only(doc).orbits.map((o) => o.length), [4, 4]);
  }
});

test('a site of occupancy 0 (a vacancy the file keeps) is no neighbour', () => {
  const doc = parse(cif('', 'label type_symbol fract_x fract_y fract_z occupancy', 'Fe1 Fe 0 0 0 1\nO1 O 0.4 0 0 1\nLi1 Li 0 0.4 0 0\n'));
  const s = only(doc);
  assert.equal(s.sites.length, 3);
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['site.vacant', 'information', 16]]);
  assert.deepEqual(findEnvironment(s, 0, 2.5).map((h) => s.sites[h.siteIndex].label), ['O1']);
  assert.deepEqual(coordinationOf(s, 0)?.elements, [['O', 1]]);
});

test('text pasted from a paper: no-break spaces between numbers and typographic minus signs are read as CIF meant', () => {
  const doc = parse(cif(opsLoop('_symmetry_equiv_pos_as_xyz', ['x,y,z', '\u2212x,\u2212y,\u2212z']), 'label fract_x fract_y fract_z',
    'Fe1 0.1\u00a00.2 0.3\nO1 \u22120.25 0.5 0.5\nO2 0.5 0.5 0.25\n'));
  // The no-break space made '0.1 0.2' one value: the rows shifted, and a loop-count error and
  // two coordinate errors left no atoms.
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]), [
    ['cif.unicodeSpace', 'warning', 16, 7], ['coord.notCifNumber', 'warning', 17, 3],
  ]);
  assert.match(doc.diagnostics[1].message, /'\u22120\.25' has a typographic minus.*read as -0\.25/);
  const s = only(doc);
  assert.deepEqual(s.orbits.map((o) => o.length), [2, 2, 2]);
  assert.deepEqual(s.sites[2].frac, [0.75, 0.5, 0.5]);
});

test('Pauling File style: C12/m1 without spaces, OH/OH2 type codes, a row of ? for "no atoms", an empty group name', () => {
  const cell = (beta: string): string => `_cell_length_a 9.143\n_cell_length_b 6.335\n_cell_length_c 7.598\n_cell_angle_alpha 90\n_cell_angle_beta ${beta}\n_cell_angle_gamma 90\n`;
  const columns = 'label type_symbol Wyckoff_symbol fract_x fract_y fract_z occupancy';
  const text = [
    '##CIF_1.1', '',
    cif("_symmetry_space_group_name_H-M 'C12/m1'\n", columns, [
      "O1 'O' .8j 0.0201 0.3033 0.256 1", "#M1 '0.655OH2 + 0.345OH' .4i 0.1576 0 0.5754 1",
      "OH2 'OH2' .4i 0.1576 0 0.5754 0.655", "OH 'OH' .4i 0.1576 0 0.5754 0.345",
      "Zn 'Zn' .4f 0.25 0.25 0.5 0.645", "Fe 'Fe' .4f 0.25 0.25 0.5 0.345", "Pb1 'Pb' .2a 0 0 0 1",
    ].join('\n') + '\n', cell('115.07')).replace('data_t', 'data_standardized'),
    cif("_symmetry_space_group_name_H-M ''\n_symmetry_Int_Tables_number ?\n", columns, '? ? ? ? ? ? ?\n', cell('115.07(2)')).replace('data_t', 'data_published'),
  ].join('\n');
  const doc = parse(text);
  // The '?' row used to warn as an atom without a position, and '' as an unknown group read as P1.
  assert.deepEqual(doc.diagnostics.map((d) => d.code), ['symmetry.generatedOps', 'element.assumed', 'element.assumed', 'site.disorder', 'site.disorder']);
  assert.match(doc.diagnostics[0].message, /8 operators of C 1 2\/m 1/);
  const s = only(doc);
  assert.deepEqual(s.orbits.map((o) => o.length), [8, 4, 4, 4, 4, 2]);
  assert.deepEqual(s.sourceSites.map((x) => x.element), ['O', 'O', 'O', 'Zn', 'Fe', 'Pb']);
  assert.deepEqual(documentSites(doc.blocks, TRANSITION_METALS_3D_4D).map(siteLensTitle), ['Predict K-edge XANES (Zn, ×4)', 'Predict K-edge XANES (Fe, ×4)']);
  assert.deepEqual([doc.blocks[1].structure?.sites.length, doc.blocks[1].structure?.spaceGroup], [0, undefined]);
});

test('labels without type symbols: zeolite T sites are Si (or the formula\'s T atom), never tritium unsaid; H2O and HOH are water', () => {
  const rows = 'T1 0 0 0\nT2 0.5 0 0\nO1 0.25 0 0\nH2O 0 0.5 0.5\nHOH2 0.5 0.5 0.5\n';
  const silica = parse(cif("_chemical_formula_sum 'Si O2'\n", 'label fract_x fract_y fract_z', rows));
  // Before: T1, T2 hydrogen (tritium), H2O hydrogen, HOH2 holmium, all without a word.
  assert.deepEqual(only(silica).sites.map((x) => x.element), ['Si', 'Si', 'O', 'O', 'O']);
  assert.deepEqual(silica.diagnostics.map((d) => [d.severity, d.range.start.line]), [
    ['information', 13], ['information', 14], ['information', 16], ['information', 17],
  ]);
  assert.match(silica.diagnostics[0].message, /label 'T1' read as Si: T is a tetrahedral site of the framework, not tritium/);
  assert.match(silica.diagnostics[2].message, /label 'H2O' read as a water oxygen: the block's formula has no H/);
  // Si and Al both in the formula: Si, with a warning that Al may share the sites.
  const albite = parse(cif("_chemical_formula_sum 'Na Al Si3 O8'\n", 'label fract_x fract_y fract_z', 'T1 0 0 0\nO1 0.25 0 0\n'));
  assert.deepEqual([only(albite).sites[0].element, codes(albite), albite.diagnostics[0].severity], ['Si', ['element.assumed'], 'warning']);
  assert.match(albite.diagnostics[0].message, /the block's formula has Al too/);
  // An AlPO: the formula's T atoms are Al and P, no Si.
  assert.equal(only(parse(cif("_chemical_formula_sum 'Al P O4'\n", 'label fract_x fract_y fract_z', 'T1 0 0 0\n'))).sites[0].element, 'Al');
  // No formula: Si, and a warning; a formula with H and no T atom: tritium, said.
  const bare = parse(cif('', 'label fract_x fract_y fract_z', rows));
  assert.deepEqual(only(bare).sites.map((x) => x.element), ['Si', 'Si', 'O', 'O', 'O']);
  assert.deepEqual(bare.diagnostics.map((d) => d.severity), ['warning', 'warning', 'warning', 'information']);
  assert.match(bare.diagnostics[2].message, /'H2O' read as a water oxygen; it could also be a hydrogen on an oxygen/);
  const tritiated = parse(cif("_chemical_formula_sum 'C H4'\n", 'label fract_x fract_y fract_z', 'C1 0 0 0\nT1 0.2 0 0\n'));
  assert.equal(only(tritiated).sites[1].element, 'H');
  assert.match(tritiated.diagnostics[0].message, /'T1' read as tritium \(H\)/);
  // A type symbol T defers to a label that names an element.
  const typed = parse(cif('', 'label type_symbol fract_x fract_y fract_z', 'Si1 T 0 0 0\n'));
  assert.deepEqual([only(typed).sites[0].element, typed.diagnostics[0].severity], ['Si', 'information']);
  // Two upper-case letters that spell an element no structure holds are read by the first: NO1 is N.
  assert.deepEqual(only(parse(cif('', 'label fract_x fract_y fract_z', 'NO1 0 0 0\nHS1 0.5 0.5 0.5\nNo1 0 0.5 0\n'))).sites.map((x) => x.element), ['N', 'H', 'No']);
});

test('R-centred operators with translations to two decimals (x+0.67,y+0.33,z+0.33) make their group, with one note', () => {
  const hex = '_cell_length_a 5.0356\n_cell_length_b 5.0356\n_cell_length_c 13.7489\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 120\n';
  const point = ['x,y,z', '-y,x-y,z', '-x+y,-x,z', 'y,x,-z', 'x-y,-y,-z', '-x,-x+y,-z', '-x,-y,-z', 'y,-x+y,-z', 'x-y,x,-z', '-y,-x,z', '-x+y,y,z', 'x,x-y,z'];
  const ops: string[] = [];
  for (const c of [['', '', ''], ['+0.67', '+0.33', '+0.33'], ['+0.33', '+0.67', '+0.67']]) {
    for (const o of point) ops.push(o.split(',').map((p, i) => p + c[i]).join(','));
  }
  const doc = parse(cif("_symmetry_space_group_name_H-M 'R -3 m'\n" + opsLoop('_symmetry_equiv_pos_as_xyz', ops),
    'label type_symbol fract_x fract_y fract_z', 'Fe1 Fe 0 0 0\nO1 O 0 0 0.25\n', hex));
  // Before: 'The 36 listed symmetry operators do not form a space group', and the operators applied as listed.
  // The note stands on the first operator read as rounded (the 13th).
  assert.deepEqual(doc.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]), [['symmetry.roundedOp', 'information', 22]]);
  assert.match(doc.diagnostics[0].message, /^24 symmetry operators have translations rounded to a few decimals, read as the fractions they round: 'x\+0\.67,y\+0\.33,z\+0\.33' as 'x\+2\/3,y\+1\/3,z\+1\/3'/);
  const s = only(doc);
  assert.deepEqual(s.orbits.map((o) => o.length), [3, 6]);
  assert.ok(s.sites.every((x) => x.frac!.every((f) => Math.abs(f * 3 - Math.round(f * 3)) < 1e-12 || Math.abs(f * 12 - Math.round(f * 12)) < 1e-12)));
});

test('a CIF whose rows repeat one atom 2000 times: one warning naming a few labels, not all 2000', () => {
  const rows = Array.from({ length: 2000 }, (_, k) => `Fe${k + 1} Fe 0.1 0.2 0.3\n`).join('') + 'O1 O 0.5 0.5 0.5\n';
  const doc = parse(cif('', 'label type_symbol fract_x fract_y fract_z', rows, '_cell_length_a 50\n_cell_length_b 50\n_cell_length_c 50\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n'));
  assert.deepEqual(codes(doc), ['site.occupancySum']);
  assert.equal(doc.diagnostics[0].message, 'Sites Fe1, Fe2, Fe3, Fe4, Fe5 and 1,995 more share one position with total occupancy 2000 > 1');
});
