// Random plain and extended XYZ documents: frames with right and wrong counts, Lattice /
// Properties / pbc comment fields (valid and broken), species as symbols, numbers and junk.
import type { Rng } from './rng';

const SPECIES = ['Fe', 'Cu', 'O', 'H', 'C', 'N', 'Ti', 'Zn', '26', '29', '8', '1', 'X', '0', '200', 'fe', 'CU'];

function coord(r: Rng, span: number): string {
  return ((r.float() - 0.5) * span).toFixed(r.int(0, 8));
}

function comment(r: Rng): string {
  const parts: string[] = [];
  if (r.chance(0.5)) {
    const a = 2 + 10 * r.float();
    const v = r.chance(0.1)
      ? r.pick(['1 0 0 0 1 0 0 0 0', '1 2 3', 'a b c d e f g h i', '1 0 0 2 0 0 0 0 1', '1e308 0 0 0 1e308 0 0 0 1e308'])
      : `${a.toFixed(3)} 0 0 ${coord(r, 2)} ${(2 + 10 * r.float()).toFixed(3)} 0 ${coord(r, 2)} ${coord(r, 2)} ${(2 + 10 * r.float()).toFixed(3)}`;
    parts.push(`Lattice="${v}"`);
  }
  if (r.chance(0.5)) {
    parts.push(`Properties=${r.pick([
      'species:S:1:pos:R:3', 'species:S:1:pos:R:3:forces:R:3', 'pos:R:3:species:S:1', 'Z:I:1:pos:R:3',
      'species:S:1', 'species:S:x:pos:R:3', 'species:S:1:pos:R', 'id:I:1:species:S:1:pos:R:3:charge:R:1',
    ])}`);
  }
  if (r.chance(0.3)) parts.push(`pbc="${r.pick(['T T T', 'F F F', 'T F T', 'T T', '1 0 1'])}"`);
  if (r.chance(0.3)) parts.push(`energy=${coord(r, 100)}`, 'flag', 'key="quoted \\" value"');
  return parts.join(' ');
}

export function generateXyz(r: Rng): string {
  const out: string[] = [];
  const frames = r.int(1, 3);
  for (let f = 0; f < frames; f++) {
    const n = r.int(0, 24);
    out.push(String(r.chance(0.1) ? n + r.int(-2, 2) : n));
    out.push(comment(r));
    const extra = r.int(0, 4);
    for (let i = 0; i < n; i++) {
      const pos = [coord(r, 12), coord(r, 12), coord(r, 12)];
      const cols = r.chance(0.1) ? [r.pick(SPECIES), ...pos] : [...pos];
      if (cols.length === 3) cols.unshift(r.pick(SPECIES));
      for (let e = 0; e < extra; e++) cols.push(coord(r, 2));
      out.push(cols.join(r.chance(0.1) ? '\t' : '  '));
    }
    if (r.chance(0.2)) out.push('');
  }
  return out.join(r.chance(0.1) ? '\r\n' : '\n') + '\n';
}
