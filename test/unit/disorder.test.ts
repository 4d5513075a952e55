import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../server/src/parse';
import { buildAbsorberGraph } from '../../server/src/graph/build';
import { findEnvironment, findNeighbours } from '../../server/src/graph/neighbours';
import { alternativesLeftOut, disorderGroups } from '../../server/src/structure/disorder';
import { environmentOf } from '../../server/src/baseline/wacsf';
import type { Structure } from '../../server/src/structure/types';

/** Rock salt (Mn,Ni)O: Mn and Ni share 4a at half occupancy each; O full on 4b. */
function mixedRockSalt(mn = 0.5, ni = 0.5): { s: Structure; codes: string[]; messages: string[] } {
  const doc = parseDocument([
    'data_MnNiO', '_cell_length_a 4.30', '_cell_length_b 4.30', '_cell_length_c 4.30',
    '_cell_angle_alpha 90', '_cell_angle_beta 90', '_cell_angle_gamma 90', "_symmetry_space_group_name_H-M 'F m -3 m'",
    'loop_', '_atom_site_label', '_atom_site_type_symbol', '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z', '_atom_site_occupancy',
    `Mn1 Mn 0 0 0 ${mn}`, `Ni1 Ni 0 0 0 ${ni}`, 'O1 O 0.5 0.5 0.5 1', '',
  ].join('\n'), 'cif');
  const s = doc.blocks[0].structure;
  assert.ok(s);
  return { s, codes: doc.diagnostics.map((d) => d.code), messages: doc.diagnostics.map((d) => d.message) };
}

test('disorder: atoms sharing a place are grouped, the most occupied first; ordered structures have none', () => {
  const { s, codes, messages } = mixedRockSalt(0.6, 0.4);
  assert.equal(s.sites.length, 12);
  const { groups } = disorderGroups(s);
  assert.equal(groups.length, 4);
  for (const g of groups) assert.deepEqual(g.map((i) => s.sites[i].element), ['Mn', 'Ni']);
  // One note for the pair of rows, not one per image.
  assert.deepEqual(codes, ['symmetry.generatedOps', 'site.disorder']);
  assert.match(messages[1], /Mn1 \(occupancy 0\.6\), Ni1 \(occupancy 0\.4\) are alternatives for one place: graphs and predictions keep one atom there, Mn1/);
  const ordered = mixedRockSalt(1, 0).s;
  // Ni at occupancy 0 still shares the place with a full Mn: grouped, Mn kept.
  assert.equal(disorderGroups(ordered).groups.length, 4);
});

test('disorder: the absorber keeps its own place; elsewhere the majority species; graph, wACSF and occlusion agree', () => {
  const { s } = mixedRockSalt(0.6, 0.4);
  const mn = s.sites.findIndex((x) => x.element === 'Mn');
  const ni = s.sites.findIndex((x) => x.element === 'Ni' && x.frac!.every((f) => f === 0));
  const options = { maxNeighbours: 18, cutoff: 8, rbfCount: 4 };
  for (const absorber of [mn, ni]) {
    const g = buildAbsorberGraph(s, absorber, options);
    const shells = g.neighbours.filter((n) => !n.virtual).map((n) => `${n.element} ${n.distance.toFixed(3)}`);
    // 6 O at a/2, then 12 metals at a/√2, all Mn (the majority); never the co-occupant at 0 Å.
    assert.deepEqual(shells, [...Array(6).fill('O 2.150'), ...Array(12).fill('Mn 3.041')], s.sites[absorber].element);
    assert.ok(!alternativesLeftOut(s, absorber).has(absorber));
    // Without the ordering the co-occupant would be the first neighbour, at distance 0.
    assert.equal(findNeighbours(s, absorber, 8)[0].distance, 0);
    assert.ok(findEnvironment(s, absorber, 8)[0].distance > 2);
    // The descriptor sees the same environment as the graph.
    const env = environmentOf(s, absorber, 3.1);
    assert.deepEqual(env.map((a) => a.Z).sort((x, y) => x - y), [...Array(6).fill(8), ...Array(12).fill(25)]);
  }
});

test('disorder: a fully ordered structure is left exactly as it was', () => {
  const doc = parseDocument('data_x\n_cell_length_a 4.2\n_cell_length_b 4.2\n_cell_length_c 4.2\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n'
    + "_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nMn1 0 0 0\nO1 0.5 0.5 0.5\n", 'cif');
  const s = doc.blocks[0].structure!;
  assert.equal(alternativesLeftOut(s, 0).size, 0);
  assert.deepEqual(findEnvironment(s, 0, 6), findNeighbours(s, 0, 6));
});
