// Licences and credits of the shared training sets (../shared/data/README.md), attached to every
// model trained on them so the shipped weights carry their provenance.
import { basename } from 'node:path';
import type { DataProvenance } from '../model/metadata';

const KNOWN: Record<string, { name: string; source: string; licence: string }> = {
  'cu-k-feff-omnixas': {
    name: 'Cu K-edge FEFF spectra of crystals (OmniXAS tutorial set)',
    source: 'AI-multimodal/OmniXAS tutorial_omnixas/FEFF/Cu (Kharel et al.); structures from the Materials Project',
    licence: 'BSD-3-Clause (OmniXAS, Brookhaven); structures CC BY 4.0 (Materials Project)',
  },
  'fe-k-fdmnes-tmqm': {
    name: 'Fe K-edge FDMNES spectra of tmQM molecules (XANESNET data)',
    source: 'XANESNET repository history, data/datasets/fe/ (Rankine & Penfold)',
    licence: 'GPL-3.0 (XANESNET data)',
  },
  'fe-k-feff-mp-tiny': {
    name: 'Fe K-edge FEFF spectra, Materials Project XAS database (reference paper example set)',
    source: 'Shaoruisun/Light-Transition-Metals-K-edge-XANES- data/tinydata (Huang et al., Chem. Sci. 2025); Mathew et al., Sci. Data 2018',
    licence: 'CC BY 4.0 (Materials Project)',
  },
  'tc-k-feff-mp-graphs': {
    name: 'Tc K-edge FEFF spectra as 20-neighbour graphs, Materials Project XAS database',
    source: 'Shaoruisun/Light-Transition-Metals-K-edge-XANES- data/test/test_dataset.pt (Huang et al., Chem. Sci. 2025); Mathew et al., Sci. Data 2018',
    licence: 'CC BY 4.0 (Materials Project)',
  },
  'ti-k-fdmnes-tio2': {
    name: 'Ti K-edge FDMNES site-averaged spectra of 21 TiO2 polymorphs',
    source: 'vitorgrizzi/ChemGraph_xanes examples/parallel_task',
    licence: 'Apache-2.0 (ChemGraph)',
  },
};

export function provenanceFor(path: string, records?: number, licence?: string): DataProvenance {
  const stem = basename(path).replace(/\.(jsonl|json)(\.gz)?$/, '');
  const k = KNOWN[stem];
  return {
    name: k?.name ?? stem,
    source: k?.source ?? basename(path),
    licence: licence ?? k?.licence ?? 'unknown (not declared by the source)',
    ...(records !== undefined ? { records } : {}),
  };
}
