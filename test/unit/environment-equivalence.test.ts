// Files without symmetry operators: absorbing atoms with the same environment are one site
// (graph/equivalence.ts, structure/sites.ts). Grouping must be exact for symmetry-equivalent atoms
// and must never merge atoms whose surroundings differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_WACSF_OPTIONS } from '../../server/src/baseline/wacsf';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { congruent, environmentOf, type Environment, groupByEnvironment, identityOnly } from '../../server/src/graph/equivalence';
import type { GraphOptions } from '../../server/src/graph/types';
import { adoptGroupings } from '../../server/src/lsp/backgroundParse';
import { codeLenses, documentSites } from '../../server/src/lsp/codeLens';
import { coordinationOf, hoverAt } from '../../server/src/lsp/hover';
import { parseDocument } from '../../server/src/parse';
import { mulberry32 } from '../../server/src/random';
import { structureFromArrays } from '../../server/src/structure/build';
import { absorbingSites, environmentGroupings, equivalentSites } from '../../server/src/structure/sites';
import type { ParsedDocument, Structure, StructureFormat, Vec3 } from '../../server/src/structure/types';
import { derive } from '../../webview/src/derive';
import type { PanelSpectrum } from '../../webview/src/protocol';
import { addSpectra, initialState } from '../../webview/src/state';

const FIX = path.resolve('test/fixtures/structures');
const load = (name: string, format: StructureFormat): ParsedDocument => parseDocument(readFileSync(path.join(FIX, name), 'utf8'), format);
const structureOf = (doc: ParsedDocument): Structure => {
  const s = doc.blocks.find((b) => b.structure)?.structure;
  assert.ok(s, JSON.stringify(doc.diagnostics));
  return s;
};
const hematitePoscar = (): Structure => structureOf(load('hematite-Fe2O3-vasp6.vasp', 'poscar'));
const hematiteCif = (): Structure => structureOf(load('cod-hematite-R-3c.cif', 'cif'));
const env = (s: Structure, i: number, exactSearch = false): Environment => {
  const e = environmentOf(s, i, { exactSearch });
  assert.ok(typeof e !== 'string', String(e));
  return e;
};
const sitesSummary = (s: Structure, elements: string[]) => absorbingSites(s, elements).map((x) => [x.label, x.multiplicity, x.equivalence]);

/** The shipped model's graph: 40 neighbours within 8 Å, angular blocks and the wACSF. */
const V7: GraphOptions = { maxNeighbours: 40, cutoff: 8, rbfCount: 64, linearRbfCount: 64, angular: true, angularFine: true, descriptor: DEFAULT_WACSF_OPTIONS };

/** A copy of `s` (P1, same lattice and labels) with atom k moved by `shift` Å. */
function displaced(s: Structure, k: number, shift: Vec3): Structure {
  return structureFromArrays({
    name: 'displaced',
    lattice: s.lattice?.matrix ?? null,
    species: s.sites.map((x) => x.element),
    cart: s.sites.map((x, i) => (i === k ? [x.cart[0] + shift[0], x.cart[1] + shift[1], x.cart[2] + shift[2]] : [...x.cart])),
  });
}

/** A molecule from [element, x, y, z] rows (labels Fe1, Cl2, … by row). */
function molecule(rows: [string, number, number, number][]): Structure {
  return structureFromArrays({ name: 'molecule', species: rows.map((r) => r[0]), cart: rows.map((r) => [r[1], r[2], r[3]]) });
}

/** Rotation about a unit axis by `deg`, then a shift: a rigid copy of some atoms. */
function rigid(rows: [string, number, number, number][], axis: Vec3, deg: number, shift: Vec3, mirror = false): [string, number, number, number][] {
  const [ux, uy, uz] = axis;
  const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180), t = 1 - c;
  const R = [
    [t * ux * ux + c, t * ux * uy - s * uz, t * ux * uz + s * uy],
    [t * ux * uy + s * uz, t * uy * uy + c, t * uy * uz - s * ux],
    [t * ux * uz - s * uy, t * uy * uz + s * ux, t * uz * uz + c],
  ];
  return rows.map(([e, x0, y, z]) => {
    const x = mirror ? -x0 : x0;
    return [e, R[0][0] * x + R[0][1] * y + R[0][2] * z + shift[0], R[1][0] * x + R[1][1] * y + R[1][2] * z + shift[1], R[2][0] * x + R[2][1] * y + R[2][2] * z + shift[2]];
  });
}

test('hematite as a POSCAR (12 Fe, 18 O written out in P1) groups exactly as the R-3c CIF\'s orbits', () => {
  const poscar = hematitePoscar();
  const cif = hematiteCif();
  assert.equal(identityOnly(poscar), true);
  assert.equal(identityOnly(cif), false);
  assert.deepEqual(poscar.orbits.map((o) => o.length), Array(30).fill(1));
  const p = absorbingSites(poscar, ['Fe', 'O']);
  const c = absorbingSites(cif, ['Fe', 'O']);
  assert.deepEqual(c.map((x) => [x.element, x.multiplicity, x.equivalence]), [['Fe', 12, 'symmetry'], ['O', 18, 'symmetry']]);
  assert.deepEqual(p.map((x) => [x.element, x.multiplicity, x.equivalence]), c.map((x) => [x.element, x.multiplicity, 'environment']));
  // The representative is the first atom as written; every atom of the element is a member.
  assert.deepEqual(p.map((x) => [x.label, x.siteIndex, x.range.start.line, x.members]), [
    ['Fe1', 0, 8, Array.from({ length: 12 }, (_, i) => i)],
    ['O1', 12, 20, Array.from({ length: 18 }, (_, i) => 12 + i)],
  ]);
  // Any member names its group, the representative's or not.
  assert.deepEqual(equivalentSites(poscar, 7, ['Fe']), { equivalence: 'environment', members: p[0].members });
  assert.deepEqual(equivalentSites(cif, 3).members, c[0].members);
});

test('merged atoms are one input to the model: the same neighbour distances and elements, and the same wACSF', () => {
  const s = hematitePoscar();
  const [fe] = absorbingSites(s, ['Fe']);
  const graphs = fe.members.map((i) => buildAbsorberGraph(s, i, V7));
  const shell = (i: number) => graphs[i].neighbours.map((n) => `${n.element}@${n.distance.toFixed(6)}`);
  const E = graphs[0].edgeFeatures.length / V7.maxNeighbours;
  const row = (g: number, k: number): Float32Array => graphs[g].edgeFeatures.slice(k * E, (k + 1) * E);
  for (let k = 1; k < graphs.length; k++) {
    assert.deepEqual(shell(k), shell(0), `Fe${k + 1}`);
    // Edge features (distance, radial and angular blocks), as a set of neighbour rows: every row
    // has a partner in Fe1's graph (slots of equidistant neighbours come in file order).
    const used = new Set<number>();
    for (let slot = 0; slot < V7.maxNeighbours; slot++) {
      const mine = row(k, slot);
      const partner = Array.from({ length: V7.maxNeighbours }, (_, j) => j)
        .find((j) => !used.has(j) && row(0, j).every((x, m) => Math.abs(x - mine[m]) <= 1e-5));
      assert.ok(partner !== undefined, `Fe${k + 1} slot ${slot} has no partner in Fe1's graph`);
      used.add(partner);
    }
    const d = graphs[k].descriptor!, d0 = graphs[0].descriptor!;
    d.forEach((x, j) => assert.ok(Math.abs(x - d0[j]) <= 1e-4 * Math.max(1, Math.abs(d0[j])), `Fe${k + 1} wACSF[${j}] ${x} vs ${d0[j]}`));
  }
});

test('pymatgen P1 NaCl: the four Na and the four Cl are one site each', () => {
  const doc = load('NaCl-P1-pymatgen.cif', 'cif');
  const s = structureOf(doc);
  assert.deepEqual(s.symops, ['x,y,z']);
  assert.deepEqual(absorbingSites(s, ['Na', 'Cl']).map((x) => [x.label, x.multiplicity, x.members]), [['Na0', 4, [0, 1, 2, 3]], ['Cl4', 4, [4, 5, 6, 7]]]);
});

test('a P1 cell: two Fe with the same first shell that differ further out stay apart', () => {
  // Rocksalt MgO, 2×2×2 conventional cells (64 atoms), Fe on two cations; a Zn next to one of them
  // in the second shell (a/√2) but not to the other.
  const a = 4.212;
  const species: string[] = [];
  const frac: number[][] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) {
    const cation = (i + j + k) % 2 === 0;
    const at = `${i}${j}${k}`;
    species.push(!cation ? 'O' : at === '000' || at === '202' ? 'Fe' : at === '110' ? 'Zn' : 'Mg');
    frac.push([i / 4, j / 4, k / 4]);
  }
  const s = structureFromArrays({ name: 'MgO:Fe,Zn', lattice: [[2 * a, 0, 0], [0, 2 * a, 0], [0, 0, 2 * a]], species, frac });
  const fe = s.sites.flatMap((x, i) => (x.element === 'Fe' ? [i] : []));
  assert.equal(fe.length, 2);
  assert.deepEqual(coordinationOf(s, fe[0]), coordinationOf(s, fe[1]), 'the first shells agree');
  assert.deepEqual(sitesSummary(s, ['Fe']), [['Fe1', 1, 'environment'], [`Fe${fe[1] + 1}`, 1, 'environment']]);
  // Without the Zn they are one site again.
  const plain = structureFromArrays({ name: 'MgO:Fe', lattice: s.lattice!.matrix, species: species.map((e) => (e === 'Zn' ? 'Mg' : e)), frac });
  assert.deepEqual(sitesSummary(plain, ['Fe']), [['Fe1', 2, 'environment']]);
});

test('cis and trans FeO4Cl2: the same distances from Fe, a different arrangement: not merged', () => {
  const oct: Vec3[] = [[2, 0, 0], [-2, 0, 0], [0, 2, 0], [0, -2, 0], [0, 0, 2], [0, 0, -2]];
  const complex = (cl: number[], at: Vec3): [string, number, number, number][] => [
    ['Fe', ...at],
    ...oct.map((v, k): [string, number, number, number] => {
      const r = cl.includes(k) ? 2.3 / 2 : 1;
      return [cl.includes(k) ? 'Cl' : 'O', at[0] + v[0] * r, at[1] + v[1] * r, at[2] + v[2] * r];
    }),
  ];
  const s = molecule([...complex([4, 5], [0, 0, 0]), ...complex([0, 2], [30, 0, 0])]);
  const trans = env(s, 0), cis = env(s, 7);
  // Every check short of the geometry passes: elements, counts, sorted distances per element.
  assert.equal(trans.key, cis.key);
  assert.deepEqual(Array.from(trans.rByElement, (x) => x.toFixed(9)), Array.from(cis.rByElement, (x) => x.toFixed(9)));
  assert.equal(congruent(trans, cis, 1e-3), false);
  assert.deepEqual(sitesSummary(s, ['Fe']), [['Fe1', 1, 'environment'], ['Fe8', 1, 'environment']]);
});

test('a symmetric dimer merges its two metals; the same dimer with one terminal Cl made Br does not', () => {
  // Fe2Cl6 (D2h): two tetrahedral Fe sharing an edge of bridging Cl.
  const dimer: [string, number, number, number][] = [
    ['Fe', -1.6, 0, 0], ['Fe', 1.6, 0, 0],
    ['Cl', 0, 1.75, 0], ['Cl', 0, -1.75, 0],
    ['Cl', -2.9, 0, 1.8], ['Cl', -2.9, 0, -1.8], ['Cl', 2.9, 0, 1.8], ['Cl', 2.9, 0, -1.8],
  ];
  // Anywhere, in any orientation.
  const placed = rigid(dimer, [0.267, 0.534, 0.802], 37, [3.1, -7.4, 12.9]);
  const s = molecule(placed);
  assert.deepEqual(absorbingSites(s, ['Fe']).map((x) => [x.label, x.multiplicity, x.members]), [['Fe1', 2, [0, 1]]]);
  const lenses = codeLenses('file:///d.xyz', [{ name: 'frame 1', range: s.sites[0].range, headerRange: s.sites[0].range, structure: s }], documentSites([{ name: 'frame 1', range: s.sites[0].range, headerRange: s.sites[0].range, structure: s }], ['Fe']));
  assert.deepEqual(lenses.map((l) => [l.command?.title, l.command?.arguments]), [['Predict all sites (1)', ['file:///d.xyz', 0]], ['Predict K-edge XANES (Fe1, ×2)', ['file:///d.xyz', 0, 0]]]);
  const mixed = molecule(placed.map((r, k) => (k === 7 ? ['Br', r[1], r[2], r[3]] : r)));
  assert.deepEqual(sitesSummary(mixed, ['Fe']), [['Fe1', 1, 'environment'], ['Fe2', 1, 'environment']]);
});

test('mirror images merge (the model sees distances and angles, not handedness); rotations too', () => {
  // A chiral site: six different ligands on a distorted octahedron.
  const site: [string, number, number, number][] = [
    ['Fe', 0, 0, 0], ['O', 1.9, 0.1, 0], ['N', -0.1, 2.0, 0.2], ['Cl', 0.2, 0.1, 2.3], ['S', -2.4, 0, 0.1], ['C', 0, -1.8, -0.2], ['Br', 0.1, 0.2, -2.5],
  ];
  const s = molecule([...site, ...rigid(site, [0, 0, 1], 90, [40, 0, 0], true), ...rigid(site, [1, 0, 0], 120, [0, 40, 0])]);
  assert.deepEqual(absorbingSites(s, ['Fe']).map((x) => [x.label, x.multiplicity, x.members]), [['Fe1', 3, [0, 7, 14]]]);
});

test('a copy with one Fe moved 0.01 Å is not merged with the rest; 0.0001 Å (under the tolerance) still is', () => {
  const s = hematitePoscar();
  const moved = displaced(s, 5, [0.01, 0, 0]);
  const sites = absorbingSites(moved, ['Fe']);
  assert.equal(sites.reduce((n, x) => n + x.multiplicity, 0), 12);
  assert.deepEqual(sites.find((x) => x.members.includes(5))?.members, [5]);
  const nudged = absorbingSites(displaced(s, 5, [1e-4, 0, 0]), ['Fe']);
  assert.deepEqual(nudged.map((x) => x.multiplicity), [12]);
});

test('the cell list finds the same environment as the graphs\' image search', () => {
  const cases: [Structure, number[]][] = [
    [hematitePoscar(), [0, 5, 12, 29]],
    [structureOf(load('NaCl-P1-pymatgen.cif', 'cif')), [0, 4]],
    [structureOf(load('rutile-TiO2.vasp', 'poscar')), [1, 3]],
    [structureOf(load('ferrocene.xyz', 'xyz')), [0, 3, 20]],
    [structureOf(load('Cu2O-cartesian-volume.vasp', 'poscar')), [0, 5]],
  ];
  for (const [s, atoms] of cases) {
    for (const i of atoms) {
      const fast = env(s, i), exact = env(s, i, true);
      assert.equal(fast.key, exact.key, `${s.name} ${i}`);
      fast.rByElement.forEach((r, k) => assert.ok(Math.abs(r - exact.rByElement[k]) < 1e-9, `${s.name} ${i}: ${r} vs ${exact.rByElement[k]}`));
      assert.ok(congruent(fast, exact, 1e-6) && congruent(exact, fast, 1e-6), `${s.name} ${i}`);
    }
  }
});

test('symmetric CIFs keep their orbits; over the limits a P1 file keeps one site per atom and says why', () => {
  const cif = hematiteCif();
  const sites = documentSites([{ name: 'hematite', range: cif.sites[0].range, headerRange: cif.sites[0].range, structure: cif }], ['Fe']);
  assert.deepEqual(sites.map((x) => [x.label, x.multiplicity, x.equivalence, x.members]), [['Fe1', 12, 'symmetry', undefined]]);
  const s = hematitePoscar();
  const capped = absorbingSites(s, ['Fe'], { maxAtoms: 4 });
  assert.equal(capped.length, 12);
  assert.ok(capped.every((x) => x.multiplicity === 1 && x.equivalence === 'none' && x.note === '12 absorbing atoms are more than the 4 compared by environment'), JSON.stringify(capped[0]));
  // The cap counts every absorbing element of the block together: 12 Fe + 18 O over 20, 12 Fe alone under it.
  assert.ok(absorbingSites(s, ['Fe', 'O'], { maxAtoms: 20 }).every((x) => x.equivalence === 'none' && x.note === '30 absorbing atoms are more than the 20 compared by environment'));
  assert.deepEqual(absorbingSites(s, ['Fe'], { maxAtoms: 20 }).map((x) => x.multiplicity), [12]);
  assert.deepEqual(equivalentSites(s, 3, ['Fe', 'O'], { maxAtoms: 20 }), { equivalence: 'none', members: [3], note: '30 absorbing atoms are more than the 20 compared by environment' });
  const budget = groupByEnvironment(s, [0, 1, 2], { exactSearch: true, maxSearchVisits: 100 });
  assert.equal(budget.grouped, false);
  assert.match(budget.grouped ? '' : budget.reason, /over the budget of 100/);
});

test('lens tooltip, xanes/sites members and the hover name the atoms a P1 site stands for', () => {
  const doc = load('hematite-Fe2O3-vasp6.vasp', 'poscar');
  const sites = documentSites(doc.blocks, ['Fe']);
  assert.equal(sites.length, 1);
  assert.deepEqual(sites[0].members?.map((m) => [m.siteIndex, m.label, m.range.start.line]), Array.from({ length: 12 }, (_, i) => [i, `Fe${i + 1}`, 8 + i]));
  const lenses = codeLenses('file:///h.vasp', doc.blocks, sites);
  assert.deepEqual(lenses.map((l) => [l.command?.title, l.range.start.line, l.command?.arguments]), [
    ['Predict all sites (1)', 0, ['file:///h.vasp', 0]], ['Predict K-edge XANES (Fe1, ×12)', 8, ['file:///h.vasp', 0, 0]],
  ]);
  assert.equal(lenses[1].command?.tooltip,
    'Fe1 stands for 12 Fe atoms by environment (the file has no symmetry operators; their surroundings within 8 Å agree within 0.001 Å, so the model gives them one spectrum): '
    + 'Fe1, Fe2, Fe3, Fe4, Fe5, Fe6, Fe7, Fe8, Fe9, Fe10, Fe11, Fe12');
  const md = (hoverAt(doc.blocks, { line: 14, character: 3 }, ['Fe'])?.contents as { value: string }).value;
  assert.match(md, /\*\*Fe7\*\*/);
  assert.match(md, /- environment: one of 12 Fe atoms with the same surroundings within 8 Å \(no symmetry operators in the file\), predicted once by the lens on Fe1: Fe1, Fe2/);
  // Not an absorbing element: no comparison is made for the hover.
  assert.doesNotMatch((hoverAt(doc.blocks, { line: 20, character: 3 }, ['Fe'])?.contents as { value: string }).value, /environment/);
  // Fe6 written 0.01 Å off its place: on its own, and the hover says so.
  const text = readFileSync(path.join(FIX, 'hematite-Fe2O3-vasp6.vasp'), 'utf8').split('\n');
  assert.equal(text[13].trim().split(/\s+/)[0], '0.6666666667');
  text[13] = text[13].replace('0.6666666667', (0.6666666667 + 0.01 / 5.0356).toFixed(10));
  const moved = parseDocument(text.join('\n'), 'poscar');
  const fe6 = (hoverAt(moved.blocks, { line: 13, character: 3 }, ['Fe'])?.contents as { value: string }).value;
  assert.match(fe6, /\*\*Fe6\*\*[^]*- environment: unique among the 12 Fe atoms \(none has the same surroundings within 8 Å\)/);
  assert.equal(documentSites(moved.blocks, ['Fe']).find((x) => x.label === 'Fe6')?.multiplicity, 1);
});

test('two full atoms at one place (a clash the checks report) are never grouped', () => {
  const s = molecule([['Cu', 0, 0, 0], ['Cu', 0, 0, 0], ['O', 0.25, 0, 0], ['O', -3, 0, 0]]);
  assert.deepEqual(sitesSummary(s, ['Cu']), [['Cu1', 1, 'environment'], ['Cu2', 1, 'environment']]);
});

test('a background parse hands its groupings over: the main thread adopts them instead of comparing again', () => {
  const doc = load('hematite-Fe2O3-vasp6.vasp', 'poscar');
  const groupings = doc.blocks.map((b) => (b.structure ? environmentGroupings(b.structure, ['Fe', 'Cu']) : {}));
  assert.deepEqual(Object.keys(groupings[0]), ['Fe']);
  // What a worker posts arrives as a structured clone.
  const received = structuredClone(doc);
  adoptGroupings(received, structuredClone(groupings));
  assert.deepEqual(documentSites(received.blocks, ['Fe']).map((x) => [x.label, x.multiplicity]), [['Fe1', 12]]);
  // Symmetric CIFs need none.
  assert.deepEqual(environmentGroupings(hematiteCif(), ['Fe']), {});
});

test('groupings are kept by content: a re-parse that moves no atom reuses them, a moved atom is compared again', () => {
  // A cell no other test parses (one O nudged), so that what is remembered is this test's own.
  const lines = readFileSync(path.join(FIX, 'hematite-Fe2O3-vasp6.vasp'), 'utf8').split('\n');
  lines[20] = lines[20].replace('0.3059000000', '0.3059000001');
  const text = lines.join('\n');
  const first = parseDocument(text, 'poscar');
  // Proof of adoption: a grouping the structure could not have computed itself is what it uses.
  adoptGroupings(first, [{ Fe: { grouped: false, reason: 'computed elsewhere' } }]);
  const notes = (d: ParsedDocument): (string | undefined)[] => [...new Set(documentSites(d.blocks, ['Fe']).map((x) => x.note))];
  assert.deepEqual(notes(first), ['computed elsewhere']);
  // The same atoms under another title: the remembered grouping.
  assert.deepEqual(notes(parseDocument(text.replace(/^[^\n]*/, 'another title'), 'poscar')), ['computed elsewhere']);
  // One atom moved: compared afresh.
  const moved = parseDocument(text.replace('0.3059000001', '0.3059000002'), 'poscar');
  assert.deepEqual(documentSites(moved.blocks, ['Fe']).map((x) => [x.multiplicity, x.note]), [[12, undefined]]);
});

test('the panel\'s element average weighs a P1 site by the atoms it stands for', () => {
  const spectrum = (siteIndex: number, multiplicity: number, mu: number[]): PanelSpectrum => ({
    id: `s${siteIndex}`, uri: 'file:///w/POSCAR', fileName: 'POSCAR', block: 0, blockName: 'b', siteIndex, label: `Fe${siteIndex + 1}`,
    element: 'Fe', multiplicity, edge: 'K', model: 'm 1', domain: 'Fe-K-FEFF', energies: [1, 2, 3, 4], mu,
  });
  const d = derive(addSpectra(initialState(), [spectrum(0, 12, [0, 1, 2, 3]), spectrum(12, 4, [4, 5, 6, 7])], true));
  const avg = d.series.find((x) => x.kind === 'average');
  assert.ok(avg);
  assert.deepEqual(avg.y, [1, 2, 3, 4]);
  assert.match(avg.detail ?? '', /weights Fe1×12, Fe13×4/);
});

test('random cells (seeded): translation copies in a supercell always merge; whatever merges gives the model the same distances and wACSF', () => {
  const rnd = mulberry32(20240611);
  const elements = ['Fe', 'O', 'O', 'Ni', 'S'];
  for (let trial = 0; trial < 12; trial++) {
    // A random cell of 4–7 atoms at least 1.2 Å apart, doubled along a into a P1 supercell.
    const a = 4 + 2 * rnd(), b = 4 + 2 * rnd(), c = 4 + 2 * rnd();
    const frac: Vec3[] = [];
    while (frac.length < 4 + Math.floor(4 * rnd())) {
      const f: Vec3 = [rnd(), rnd(), rnd()];
      const far = frac.every((g) => {
        const d = [0, 1, 2].map((k) => { const x = f[k] - g[k]; return (x - Math.round(x)) * [a, b, c][k]; });
        return Math.hypot(d[0], d[1], d[2]) > 1.2;
      });
      if (far) frac.push(f);
    }
    const species = frac.map((_, k) => (k === 0 ? 'Fe' : elements[Math.floor(rnd() * elements.length)]));
    const superFrac = [...frac.map((f): Vec3 => [f[0] / 2, f[1], f[2]]), ...frac.map((f): Vec3 => [(f[0] + 1) / 2, f[1], f[2]])];
    const superSpecies = [...species, ...species];
    // The whole crystal turned (and in odd trials mirrored): nothing about equivalence changes.
    const axis: Vec3 = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5];
    const norm = Math.hypot(...axis);
    const angle = 360 * rnd();
    const turn = (v: Vec3): Vec3 => rigid([['X', ...v]], [axis[0] / norm, axis[1] / norm, axis[2] / norm], angle, [0, 0, 0], trial % 2 === 1)[0].slice(1) as Vec3;
    const lattice = [turn([2 * a, 0, 0]), turn([0, b, 0]), turn([0, 0, c])];
    const s = structureFromArrays({ name: `random ${trial}`, lattice, species: superSpecies, frac: superFrac });
    const n = frac.length;
    const sites = absorbingSites(s, ['Fe', 'Ni', 'S']);
    for (let k = 0; k < n; k++) {
      if (species[k] === 'O') continue;
      const group = sites.find((x) => x.members.includes(k));
      assert.ok(group?.members.includes(k + n), `trial ${trial}: atom ${k} and its copy ${k + n} apart (${JSON.stringify(group?.members)})`);
    }
    // Jolt one atom of one copy: by 0.02–0.05 Å it leaves its copy; by 0.0002 Å (under the
    // tolerance) it stays. Either way whatever merges must be one input to the model.
    const moved = Math.floor(rnd() * 2 * n);
    const big = trial % 3 !== 0;
    const step = big ? 0.02 + 0.03 * rnd() : 2e-4;
    const jolted = displaced(s, moved, [step, step * rnd(), -step * rnd()]);
    const joltedSites = absorbingSites(jolted, ['Fe', 'Ni', 'S']);
    if (superSpecies[moved] !== 'O') {
      const copy = moved < n ? moved + n : moved - n;
      const together = joltedSites.find((x) => x.members.includes(moved))?.members.includes(copy);
      assert.equal(together, !big, `trial ${trial}: atom ${moved} moved ${step.toFixed(4)} Å ${together ? 'still with' : 'apart from'} its copy`);
    }
    assert.ok(joltedSites.some((x) => x.multiplicity > 1) || big, `trial ${trial}: nothing merged after a 0.0002 Å jolt`);
    for (const site of joltedSites) {
      const graphs = site.members.map((i) => buildAbsorberGraph(jolted, i, V7));
      const distances = (k: number): number[] => graphs[k].neighbours.filter((x) => !x.virtual).map((x) => x.distance);
      for (let k = 1; k < graphs.length; k++) {
        distances(k).forEach((d, m) => assert.ok(Math.abs(d - distances(0)[m]) <= 1e-3, `trial ${trial} ${site.label}: neighbour ${m} at ${d} vs ${distances(0)[m]}`));
        graphs[k].descriptor!.forEach((x, j) => assert.ok(Math.abs(x - graphs[0].descriptor![j]) <= 1e-2 * Math.max(1, Math.abs(x)), `trial ${trial} ${site.label}: wACSF[${j}]`));
      }
    }
  }
});
