// XYZ and extended XYZ as the programs scientists use write them (ASE, CREST, ADF, LAMMPS, Open
// Babel, CP2K, Tinker, Fortran codes), checked for what the user sees: structure, diagnostics
// with their lines, lenses per frame and the absorber's neighbours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { findEnvironment } from '../../server/src/graph/neighbours';
import { codeLenses, documentSites } from '../../server/src/lsp/codeLens';
import { coordinationOf, hoverMarkdown, rowAt } from '../../server/src/lsp/hover';
import { documentOutline } from '../../server/src/outline';
import { parseDocument } from '../../server/src/parse';
import type { ParsedDocument, Structure } from '../../server/src/structure/types';

const fix = (n: string): string => readFileSync(`test/fixtures/structures/${n}`, 'utf8');
const codes = (doc: ParsedDocument): [string, string, number][] => doc.diagnostics.map((d) => [d.severity, d.code, d.range.start.line]);
const near = (x: number, y: number, tol = 1e-6): void => assert.ok(Math.abs(x - y) < tol, `${x} vs ${y}`);
const only = (doc: ParsedDocument): Structure => {
  assert.equal(doc.blocks.length, 1);
  const s = doc.blocks[0].structure;
  assert.ok(s, JSON.stringify(doc.diagnostics));
  return s;
};

test('ASE extxyz of rocksalt FeO with magmoms and forces: 8 atoms, an octahedron of O at a/2, the drifted O wrapped', () => {
  const doc = parseDocument(fix('FeO-ase-forces.extxyz'), 'xyz');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.deepEqual(s.sites.map((x) => x.element), ['Fe', 'O', 'Fe', 'O', 'Fe', 'O', 'Fe', 'O']);
  assert.deepEqual(s.pbc, [true, true, true]);
  near(s.lattice!.volume, 4.33 ** 3);
  // Written at (h − a, h, h + a) after MD drift: the same atom as (h, h, h).
  s.sites[3].frac!.forEach((f) => near(f, 0.5));
  // Shells of Fe1 by hand: 6 O at a/2, 12 Fe at a/√2, 8 O at a√3/2, 6 Fe at a.
  const env = findEnvironment(s, 0, 4.4);
  const shells = [[6, 'O', 4.33 / 2], [12, 'Fe', 4.33 / Math.SQRT2], [8, 'O', 4.33 * Math.sqrt(3) / 2], [6, 'Fe', 4.33]] as const;
  assert.equal(env.length, 32);
  let k = 0;
  for (const [count, element, d] of shells) {
    for (const h of env.slice(k, k + count)) {
      assert.equal(s.sites[h.siteIndex].element, element);
      near(h.distance, d);
    }
    k += count;
  }
  assert.match(hoverMarkdown(rowAt(doc.blocks, { line: 2, character: 3 })!), /first shell: 6 \(O×6\), mean 2\.165 Å/);
  // Up and down moments (magmoms ±3.6) are invisible to the model, which sees elements and
  // geometry: the four Fe have one environment, one lens ×4 on the first.
  const sites = documentSites(doc.blocks, ['Fe']);
  assert.deepEqual(sites.map((x) => [x.label, x.range.start.line, x.multiplicity, x.members?.map((m) => [m.label, m.range.start.line])]),
    [['Fe1', 2, 4, [['Fe1', 2], ['Fe3', 4], ['Fe5', 6], ['Fe7', 8]]]]);
});

test('CREST conformer ensemble: one frame per conformer, lenses and outline on each frame\'s own lines, Ni–C per frame', () => {
  const text = fix('NiCO4-crest-conformers.xyz');
  const doc = parseDocument(text, 'xyz');
  assert.deepEqual(doc.diagnostics, []);
  assert.deepEqual(doc.blocks.map((b) => [b.name, b.range.start.line, b.range.end.line, b.structure?.sites.length]),
    [['frame 1', 0, 10, 9], ['frame 2', 11, 21, 9], ['frame 3', 22, 32, 9]]);
  const lenses = codeLenses('file:///c.xyz', doc.blocks, documentSites(doc.blocks, ['Ni']));
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments]), [
    [0, 'Predict all sites (1)', ['file:///c.xyz', 0]], [2, 'Predict K-edge XANES (Ni1, ×1)', ['file:///c.xyz', 0, 0]],
    [11, 'Predict all sites (1)', ['file:///c.xyz', 1]], [13, 'Predict K-edge XANES (Ni1, ×1)', ['file:///c.xyz', 1, 0]],
    [22, 'Predict all sites (1)', ['file:///c.xyz', 2]], [24, 'Predict K-edge XANES (Ni1, ×1)', ['file:///c.xyz', 2, 0]],
  ]);
  // Ni–C and Ni–O as built (1.820/2.970, 1.825/2.973, 1.831/2.978 Å): each frame's own geometry.
  const expected = [[1.82, 2.97], [1.825, 2.973], [1.831, 2.978]];
  doc.blocks.forEach((b, k) => {
    const env = findEnvironment(b.structure!, 0, 4);
    assert.equal(env.length, 8);
    env.slice(0, 4).forEach((h) => near(h.distance, expected[k][0], 1e-9));
    env.slice(4).forEach((h) => near(h.distance, expected[k][1], 1e-9));
  });
  assert.deepEqual(documentOutline(text, 'xyz').map((f) => [f.name, f.selectionRange.start.line, f.children[0].range.start.line]),
    [['frame 1', 0, 2], ['frame 2', 11, 13], ['frame 3', 22, 24]]);
  assert.match(hoverMarkdown(rowAt(doc.blocks, { line: 24, character: 1 })!), /nearest 1\.831 Å/);
});

test('ASE 2-D sheet (MoS2, c = 0, pbc="T T F"): periodic in the plane, never wrapped across it', () => {
  const doc = parseDocument(fix('MoS2-monolayer-2d.extxyz'), 'xyz');
  // Before: "Lattice is not a cell: … zero volume", and the sheet was read as a 3-atom molecule.
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.deepEqual(s.pbc, [true, true, false]);
  assert.deepEqual(s.lattice!.matrix[2].slice(0, 2), [0, 0]);
  const env = findEnvironment(s, 0, 8);
  assert.ok(env.length > 40);
  assert.ok(env.every((h) => h.image[2] === 0));
  const shell = env.filter((h) => h.distance < 2.5);
  assert.equal(shell.length, 6);
  shell.forEach((h) => near(h.distance, Math.hypot(3.19 / Math.sqrt(3), 3.187 / 2)));
  near(env.find((h) => s.sites[h.siteIndex].element === 'Mo')!.distance, 3.19);
  assert.equal(coordinationOf(s, 0)?.count, 6);
});

test('slab with a c vector and pbc="T T F": atoms at the top and bottom are 5.6 Å apart, not 0.4 Å through c', () => {
  const text = '2\nLattice="3.0 0.0 0.0 0.0 3.0 0.0 0.0 0.0 6.0" Properties=species:S:1:pos:R:3 pbc="T T F"\nFe 0.0 0.0 0.2\nO 0.0 0.0 5.8\n';
  const doc = parseDocument(text, 'xyz');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  const o = findEnvironment(s, 0, 8).filter((h) => h.siteIndex === 1);
  near(o[0].distance, 5.6);
  assert.ok(o.every((h) => h.image[2] === 0));
  // A wire: only c periodic, both zero vectors filled in; the Fe chain repeats along c only.
  const wire = only(parseDocument('1\nLattice="0 0 0 0 0 0 0 0 2.5" pbc="F F T"\nFe 1 2 3\n', 'xyz'));
  const hits = findEnvironment(wire, 0, 6);
  assert.deepEqual(hits.map((h) => [h.image, Math.round(h.distance * 1000) / 1000]),
    [[[0, 0, -1], 2.5], [[0, 0, 1], 2.5], [[0, 0, -2], 5], [[0, 0, 2], 5]]);
  near(wire.sites[0].cart[2], 0.5);
  near(wire.sites[0].cart[0], 1);
});

test('cell in the forms the extxyz specification allows: [[..]], [..], {..}, three diagonal numbers; pbc as [T, T, F]', () => {
  const cells = [
    'Lattice=[[4.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 6.0]]',
    'Lattice=[4.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 6.0]',
    'Lattice={4.0 0 0 0 5.0 0 0 0 6.0}',
    'Lattice="4 5 6"',
    "Lattice='4.0D0 0 0 0 5.0D0 0 0 0 6.0D0'",
  ];
  for (const c of cells) {
    const s = only(parseDocument(`1\n${c} Properties=species:S:1:pos:R:3\nFe 0 0 0\n`, 'xyz'));
    assert.deepEqual(s.lattice?.matrix, [[4, 0, 0], [0, 5, 0], [0, 0, 6]], c);
  }
  const slab = only(parseDocument('1\nLattice="4 0 0 0 4 0 0 0 9" pbc=[T, T, F]\nFe 0 0 0\n', 'xyz'));
  assert.deepEqual(slab.pbc, [true, true, false]);
});

test('a plain title that starts with Lattice or Properties is a title, not a broken cell', () => {
  for (const title of ['Lattice constant 5.43 A, relaxed with PBE', 'Properties of the high-spin state', 'pbc off; Fe(II) complex']) {
    const doc = parseDocument(`2\n${title}\nFe 0 0 0\nO 0 0 2.0\n`, 'xyz');
    assert.deepEqual(doc.diagnostics, [], title);
    assert.equal(only(doc).lattice, null);
  }
});

test('numbers as Fortran and C write them: 1.0D-03, 1., .5; hexadecimal is not a coordinate; NaN says so', () => {
  const s = only(parseDocument('3\nFortran output\nFe 0.0D+00 1.5d0 -2.0E-01\nO 1. .5 -.5\nO 1.0D-03 +2 3\n', 'xyz'));
  assert.deepEqual(s.sites.map((x) => x.cart), [[0, 1.5, -0.2], [1, 0.5, -0.5], [0.001, 2, 3]]);
  const hex = parseDocument('2\n\nFe 0x10 0 0\nO 0 0 2\n', 'xyz');
  assert.deepEqual(codes(hex), [['error', 'coord.nonnumeric', 2]]);
  const nan = parseDocument('2\nstep 812\nFe NaN NaN NaN\nO -inf 0 2\n', 'xyz');
  assert.deepEqual(codes(nan), [['error', 'coord.nonnumeric', 2], ['error', 'coord.nonnumeric', 3]]);
  assert.match(nan.diagnostics[0].message, /not finite \(NaN or infinity/);
  // A damaged file's 200 kB digit run is refused in linear time (a backtracking pattern took seconds).
  const t0 = performance.now();
  assert.deepEqual(codes(parseDocument(`1\n\nFe 0 -0${'1'.repeat(200000)}x 0\n`, 'xyz')), [['error', 'coord.nonnumeric', 2]]);
  assert.ok(performance.now() - t0 < 1000);
});

test('ADF VEC1..VEC3 lines are the cell, not vanadium atoms', () => {
  const text = '2\nFeO, ADF periodic\nFe 0.0 0.0 0.0\nO 2.165 0.0 0.0\nVEC1 4.33 0.0 0.0\nVEC2 0.0 4.33 0.0\nVEC3 0.0 0.0 4.33\n';
  const doc = parseDocument(text, 'xyz');
  assert.deepEqual(doc.diagnostics, []);
  const s = only(doc);
  assert.deepEqual(s.sites.map((x) => x.element), ['Fe', 'O']);
  assert.deepEqual(s.lattice?.matrix, [[4.33, 0, 0], [0, 4.33, 0], [0, 0, 4.33]]);
  assert.deepEqual(documentSites(doc.blocks, ['V', 'Fe']).map((x) => x.label), ['Fe1']);
  assert.equal(doc.blocks[0].range.end.line, 6);
  // Two vectors: a slab.
  assert.deepEqual(only(parseDocument('1\n\nFe 0 0 0\nVEC1 3 0 0\nVEC2 0 3 0\n', 'xyz')).pbc, [true, true, false]);
});

test('dummy atoms (ASE X, Gaussian Bq, Tripos Du) are left out with one note, not read as boron or hydrogen', () => {
  const doc = parseDocument('4\nCP2K Wannier centres\nFe 0 0 0\nX 0.4 0 0\nBq 0 0 1.9\nDu 0 1.9 0\n', 'xyz');
  assert.deepEqual(codes(doc), [['information', 'xyz.dummy', 3]]);
  assert.match(doc.diagnostics[0].message, /^3 dummy atoms/);
  assert.deepEqual(only(doc).sites.map((x) => x.element), ['Fe']);
});

test('LAMMPS dump xyz and OVITO type ids: numbers read as elements are flagged once per file', () => {
  const frame = (t: number): string => `3\n Atoms. Timestep: ${t}\n1 0.0 0.0 0.0\n2 1.9 0.0 0.0\n2 0.0 1.9 0.0\n`;
  const doc = parseDocument(frame(0) + frame(100), 'xyz');
  assert.deepEqual(codes(doc), [['warning', 'xyz.typeIds', 1]]);
  assert.match(doc.diagnostics[0].message, /1 as H, 2 as He/);
  // Element names (dump_modify element) are fine.
  assert.deepEqual(parseDocument('1\n Atoms. Timestep: 0\nFe 0 0 0\n', 'xyz').diagnostics, []);
  // OVITO exports unnamed LAMMPS types as numbers in the species column.
  const ovito = parseDocument('2\nLattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3 Time=0\n1 0 0 0\n2 2 0 0\n', 'xyz');
  assert.deepEqual(codes(ovito), [['warning', 'xyz.typeIds', 1]]);
  assert.match(ovito.diagnostics[0].message, /\(1 as H, 2 as He\)/);
  // A Z column is atomic numbers by definition.
  assert.deepEqual(parseDocument('2\nProperties=Z:I:1:pos:R:3\n26 0 0 0\n8 2 0 0\n', 'xyz').diagnostics, []);
});

test('broken frames: blank line inside the atoms, missing comment line, Tinker header', () => {
  const blank = parseDocument('3\nFe(CO)2 fragment\nFe 0 0 0\n\nC 0 0 1.8\nC 0 0 -1.8\n3\nnext\nFe 0 0 0\nC 0 0 1.8\nC 0 0 -1.8\n', 'xyz');
  assert.deepEqual(codes(blank), [['warning', 'xyz.blankLine', 3]]);
  assert.deepEqual(blank.blocks.map((b) => b.structure?.sites.length), [3, 3]);
  assert.equal(blank.blocks[1].headerRange.start.line, 6);
  const noComment = parseDocument('2\nFe 0 0 0\nO 0 0 2\n', 'xyz');
  assert.deepEqual(codes(noComment), [['error', 'xyz.count', 0]]);
  assert.match(noComment.diagnostics[0].message, /line 2, read as the comment line, looks like an atom: is the comment line missing\?/);
  const tinker = parseDocument('3  water TIP3P\n1  OW  0.000 0.000 0.000  1  2 3\n2  HW  0.957 0.000 0.000  2  1\n3  HW -0.240 0.927 0.000  2  1\n', 'xyz');
  assert.deepEqual(codes(tinker), [['error', 'xyz.count', 0]]);
  assert.match(tinker.diagnostics[0].message, /Tinker's XYZ format/);
  assert.equal(tinker.blocks.length, 0);
});

test('pbc without a Lattice, pbc that is not three flags, a zero c marked periodic', () => {
  const noCell = parseDocument('1\nProperties=species:S:1:pos:R:3 pbc="T T T"\nFe 0 0 0\n', 'xyz');
  assert.deepEqual(codes(noCell), [['warning', 'xyz.pbc', 1]]);
  assert.equal(only(noCell).lattice, null);
  const bad = parseDocument('1\nLattice="4 0 0 0 4 0 0 0 4" pbc="yes"\nFe 0 0 0\n', 'xyz');
  assert.deepEqual(codes(bad), [['warning', 'xyz.pbc', 1]]);
  assert.deepEqual(bad.diagnostics[0].range, { start: { line: 1, character: 32 }, end: { line: 1, character: 37 } });
  const zeroC = parseDocument('1\nLattice="2.46 0 0 -1.23 2.13 0 0 0 0"\nC 0 0 0\n', 'xyz');
  assert.deepEqual(codes(zeroC), [['error', 'cell.invalid', 1]]);
  assert.match(zeroC.diagnostics[0].message, /c is zero but pbc marks it periodic; a slab written with c = 0 needs pbc="T T F"/);
});

test('a frame whose atoms all sit at one point (no 3-D coordinates) is one error, found without pairing 50,000 atoms', () => {
  const small = parseDocument('3\nethanol\nC 0.0 0.0 0.0\nC 0.0 0.0 0.0\nO 0.0 0.0 0.0\n', 'xyz');
  assert.deepEqual(codes(small), [['error', 'xyz.noCoordinates', 2]]);
  assert.deepEqual(small.diagnostics[0].range.end, { line: 4, character: 13 });
  assert.equal(small.blocks[0].structure, null);
  const n = 50000;
  const t0 = performance.now();
  const big = parseDocument(`${n}\nzeros\n${'Fe 0.0 0.0 0.0\n'.repeat(n)}`, 'xyz');
  // The contact check paired every atom with every other: ~25 s here before.
  assert.ok(performance.now() - t0 < 5000);
  assert.deepEqual(codes(big), [['error', 'xyz.noCoordinates', 2]]);
});

test('i-PI trajectory: CELL(abcABC) is the periodic cell, atomic units are converted to Å, a force file is no structure', () => {
  const title = '# CELL(abcABC):   18.89726    18.89726    18.89726    90.00000    90.00000    90.00000  Step:           0  Bead:       0';
  const frame = (q: string): string => `7\n${title} ${q}  cell{atomic_unit}\n      Fe  0.00000e+00  0.00000e+00  0.00000e+00\n`
    + '       O  3.77945e+00  0.00000e+00  0.00000e+00\n       O -3.77945e+00  0.00000e+00  0.00000e+00\n'
    + '       O  0.00000e+00  3.77945e+00  0.00000e+00\n       O  0.00000e+00 -3.77945e+00  0.00000e+00\n'
    + '       O  0.00000e+00  0.00000e+00  3.77945e+00\n       O  0.00000e+00  0.00000e+00  1.51178e+01\n';
  const doc = parseDocument(frame('positions{atomic_unit}') + frame('positions{atomic_unit}'), 'xyz');
  // Once per file, not once per frame.
  assert.deepEqual(codes(doc), [['information', 'xyz.units', 1]]);
  const s = doc.blocks[1].structure!;
  near(s.lattice!.a, 10, 1e-5);
  assert.deepEqual(s.pbc, [true, true, true]);
  // Read as Å, the Fe–O bonds were 3.78 Å; the last O (z = 8 Å) is 2 Å below Fe through the cell.
  const shell = coordinationOf(s, 0)!;
  assert.equal(shell.count, 6);
  near(shell.meanDistance, 2.0, 1e-5);
  const forces = parseDocument(frame('forces{atomic_unit}'), 'xyz');
  assert.deepEqual(codes(forces), [['error', 'xyz.notPositions', 1]]);
  assert.equal(forces.blocks[0].structure, null);
});

test('force-field atom types in the species column (an Amber export): CA is C beside its ring, CU is copper, each code said once', () => {
  const doc = parseDocument(fix('benzene-Cu-amber-types.xyz'), 'xyz');
  const s = only(doc);
  // Before: CA calcium (6 atoms 1.39 Å apart), HA/HW silently H by their first letter, no word at all.
  assert.deepEqual(s.sites.map((x) => x.element).join(' '), 'C C C C C C H H H H H H Cu O H H O H H O H H O H H Na');
  assert.deepEqual(codes(doc), [
    ['warning', 'element.assumed', 2], ['warning', 'element.assumed', 8], ['warning', 'element.assumed', 14],
    ['information', 'element.assumed', 15], ['warning', 'element.assumed', 16], ['warning', 'element.assumed', 27],
  ]);
  assert.match(doc.diagnostics[0].message, /^'CA' read as C for 6 atoms \(a force-field atom type for C: another atom is within 1\.5 Å, nearer than Ca ever binds\); the file names atoms by codes \(HA, OW, HW\)/);
  assert.match(doc.diagnostics[1].message, /^'HA' is not an element symbol: read as H/);
  assert.match(doc.diagnostics[2].message, /^'CU' read as Cu for 1 atom \(no atom within 1\.5 Å/);
  assert.match(doc.diagnostics[3].message, /^'OW' read as O, a water oxygen \(4 atoms\)/);
  // The copper keeps its lens and its four waters; the trailing END is no atom and no error.
  assert.deepEqual(documentSites(doc.blocks, ['Cu', 'Ca']).map((x) => x.label), ['Cu13']);
  assert.deepEqual(coordinationOf(s, 12)?.elements, [['O', 4]]);
  // A trajectory says each code once, not once per frame.
  const text = fix('benzene-Cu-amber-types.xyz');
  assert.equal(parseDocument(text + text, 'xyz').diagnostics.length, 6);
});

test('species: element symbols in any case and labels with digits are read silently; Fx is an error, not fluorine', () => {
  const plain = parseDocument('7\n\nFE 0 0 0\nfe 2.5 0 0\nFe1 0 2.5 0\nC12 0 0 2.5\nCu2+ 2.5 2.5 0\nO2A 2.5 0 2.5\nD 0 2.5 2.5\n', 'xyz');
  assert.deepEqual(plain.diagnostics, []);
  assert.deepEqual(only(plain).sites.map((x) => x.element), ['Fe', 'Fe', 'Fe', 'C', 'Cu', 'O', 'H']);
  // Upper case as old programs write it: CA far from everything is calcium, without a word.
  const cao = parseDocument('2\n\nCA 0 0 0\nO 2.4 0 0\n', 'xyz');
  assert.deepEqual([cao.diagnostics, only(cao).sites[0].element], [[], 'Ca']);
  // …but with a neighbour at 1.46 Å it is a backbone C-alpha, in a file of nothing but symbols.
  const backbone = parseDocument('3\n\nN 0 0 0\nCA 1.46 0 0\nC 1.46 1.52 0\n', 'xyz');
  assert.deepEqual(only(backbone).sites.map((x) => x.element), ['N', 'C', 'C']);
  assert.deepEqual(codes(backbone), [['warning', 'element.assumed', 3]]);
  const bad = parseDocument('3\n\nFx 0 0 0\nCT 1.5 0 0\nNH1 0 1.5 0\n', 'xyz');
  assert.deepEqual(codes(bad), [['error', 'element.unknown', 2], ['warning', 'element.assumed', 3], ['warning', 'element.assumed', 4]]);
  // NH1 is an amide N type, not nihonium.
  assert.deepEqual(only(bad).sites.map((x) => x.element), ['Fx', 'C', 'N']);
  // Codes that name their element beyond doubt are information: CHARMM's SOD, Sybyl's C.ar.
  const sure = parseDocument('2\n\nSOD 0 0 0\nC.ar 3 0 0\n', 'xyz');
  assert.deepEqual(only(sure).sites.map((x) => x.element), ['Na', 'C']);
  assert.deepEqual(codes(sure), [['information', 'element.assumed', 2], ['information', 'element.assumed', 3]]);
  // T is never tritium without a word: a T atom 1.6 Å from its O is a zeolite's tetrahedral site.
  const t = parseDocument('2\n\nT 0 0 0\nO 1.6 0 0\n', 'xyz');
  assert.deepEqual([only(t).sites[0].element, codes(t)], ['Si', [['warning', 'element.assumed', 2]]]);
});

test('a trailing END line (as some programs write) is read past without a word; it never becomes an atom', () => {
  const doc = parseDocument('2\nFeO\nFe 0 0 0\nO 0 0 2\nEND\n', 'xyz');
  // Before: 'declares 2 atoms but has 3 atom lines' and 'Atom line needs 4 columns'.
  assert.deepEqual(doc.diagnostics, []);
  assert.equal(only(doc).sites.length, 2);
  const frames = parseDocument('2\na\nFe 0 0 0\nO 0 0 2\nEND\n2\nb\nFe 0 0 0\nO 0 0 2.1\nend\n', 'xyz');
  assert.deepEqual([frames.diagnostics, frames.blocks.map((b) => b.structure?.sites.length)], [[], [2, 2]]);
  // A frame short of atoms is still short: END does not count as one.
  assert.deepEqual(codes(parseDocument('3\n\nFe 0 0 0\nO 0 0 2\nEND\n', 'xyz')), [['error', 'xyz.count', 0]]);
});

test('atoms written twice in XYZ: said as duplicates with a short list, in linear time even for 10,000 copies', () => {
  const doc = parseDocument('3\n\nFe 0 0 0\nO 0 0 2\nFe 0 0 0.01\n', 'xyz');
  assert.deepEqual(codes(doc), [['warning', 'atoms.coincide', 2]]);
  // Before: 'Sites Fe1, Fe3 share one position with total occupancy 2 > 1': XYZ has no occupancies.
  assert.equal(doc.diagnostics[0].message, '2 atoms are at one position (within 0.05 Å): Fe1, Fe3. An atom written more than once, or atoms whose coordinates were lost');
  const side = 22;
  const grid: string[] = [];
  for (let i = 0; i < 10000; i++) grid.push(`O ${(i % side) * 2 + 5} ${Math.floor(i / side) % side * 2} ${Math.floor(i / side / side) * 2}`);
  const pile = (n: number, at: string): string => `Fe ${at}\n`.repeat(n);
  const t0 = performance.now();
  const big = parseDocument(`20000\n\n${pile(10000, '0 0 0')}${grid.join('\n')}\n`, 'xyz');
  // Two piles 0.3 Å apart: 25 million pairs, which overflowed a Set and threw before.
  const two = parseDocument(`10000\n\n${pile(5000, '0 0 0')}${pile(5000, '0 0 0.3')}`, 'xyz');
  assert.ok(performance.now() - t0 < 3000, `${performance.now() - t0} ms`);
  assert.deepEqual(codes(big), [['warning', 'atoms.coincide', 2]]);
  // Before: 78,948 characters naming every atom.
  assert.match(big.diagnostics[0].message, /^10000 atoms are at one position \(within 0\.05 Å\): Fe1, Fe2, Fe3, Fe4, Fe5 and 9,995 more\./);
  assert.deepEqual(two.diagnostics.map((d) => d.code), [...Array(51).fill('atoms.tooClose'), 'atoms.coincide', 'atoms.coincide']);
  assert.match(two.diagnostics[50].message, /^24999950 more pairs of sites are closer than 0\.5 Å/);
});
