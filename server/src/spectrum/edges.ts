// Tabulated K-edge energies (eV) of the elements the models cover: X-ray Data Booklet, Table 1-1
// (Lawrence Berkeley National Laboratory, after Bearden & Burr 1967). Used to place spectra
// predicted on an edge-relative grid (E − E0) on an absolute energy axis.
const K_EDGE_EV: Readonly<Record<string, number>> = {
  Sc: 4492, Ti: 4966, V: 5465, Cr: 5989, Mn: 6539, Fe: 7112, Co: 7709, Ni: 8333, Cu: 8979, Zn: 9659,
  Y: 17038, Zr: 17998, Nb: 18986, Mo: 20000, Tc: 21044, Ru: 22117, Rh: 23220, Pd: 24350, Ag: 25514, Cd: 26711,
};

export function kEdgeEnergy(element: string): number | undefined {
  return K_EDGE_EV[element];
}

export interface PlacedEnergies {
  energies: number[];
  /** Said next to the curve when the energies were moved (empty when they are the model's own). */
  note?: string;
}

/** A domain's grid on the absolute axis: as is, or E − E0 shifted to the tabulated K edge. */
export function absoluteEnergies(energies: readonly number[], relative: boolean, element: string): PlacedEnergies {
  if (!relative) return { energies: [...energies] };
  const edge = kEdgeEnergy(element);
  if (edge === undefined) return { energies: [...energies], note: `model energies are E − E0 (no tabulated ${element} K edge to place them)` };
  return {
    energies: energies.map((e) => e + edge),
    note: `model predicts E − E0; placed at the tabulated ${element} K edge, ${edge.toFixed(1)} eV`,
  };
}
