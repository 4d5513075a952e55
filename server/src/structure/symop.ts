// Symmetry operators in the CIF "xyz" notation: '-x+1/2, y, -z', '1/2+x', 'x-y', '0.5+x', '+x'.
import { det3 } from './linalg';
import type { Mat3, Vec3 } from './types';

export interface SymOp {
  /** rot[i][j]: coefficient of input coordinate j in output coordinate i. */
  rot: Mat3;
  trans: Vec3;
  /** Canonical text, e.g. '-x+1/2,y,-z'. */
  text: string;
}

export type SymOpResult =
  | {
    op: SymOp; error?: undefined;
    /** A translation written to few decimals ('0.33') was read as the fraction it rounds (1/3). */
    rounded?: boolean;
  }
  | { op?: undefined; error: string; rounded?: undefined };

const IDENTITY: SymOp = { rot: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], trans: [0, 0, 0], text: 'x,y,z' };

export function identityOp(): SymOp {
  return { rot: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], trans: [0, 0, 0], text: IDENTITY.text };
}

/** Parse one operator; never throws, returns { error } with a reason instead. */
export function parseSymop(input: string): SymOpResult {
  // A typographic minus (U+2212) or dash, as text copied from a paper has it, is a minus.
  const parts = input.toLowerCase().replace(/[\u2010-\u2013\u2212]/g, '-').split(',');
  if (parts.length !== 3) return { error: `expected three comma-separated components, found ${parts.length}` };
  const rot: Mat3 = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const trans: Vec3 = [0, 0, 0];
  let rounded = false;
  for (let i = 0; i < 3; i++) {
    const e = parseComponent(parts[i], rot[i]);
    if (typeof e === 'string') return { error: `component ${i + 1} '${parts[i].trim()}': ${e}` };
    trans[i] = snapTranslation(e.constant);
    // Past 6 decimals the fixed tolerance above has already decided.
    if (trans[i] === e.constant && e.decimals >= 2 && e.decimals <= 6) {
      const written = fractionRoundingTo(e.constant, e.decimals);
      if (written !== undefined && written !== e.constant) {
        trans[i] = written;
        rounded = true;
      }
    }
  }
  const d = det3(rot);
  if (Math.abs(Math.abs(d) - 1) > 1e-6) {
    return { error: `the rotation part has determinant ${round(d)}; a symmetry operation needs ±1` };
  }
  const op = { rot, trans, text: formatSymop(rot, trans) };
  return rounded ? { op, rounded } : { op };
}

/** Denominators of the translations of space-group operators (1/8 in some origin settings). */
const DENOMINATORS = [1, 2, 3, 4, 6, 8, 12];

/**
 * The crystallographic fraction that `t`, written with `decimals` decimals, is a rounding of
 * ('0.33' and '0.67' in R-centred cells, '0.17' for 1/6, '0.12' or '0.13' for 1/8); undefined
 * when none is. A value one digit off ('0.37' for 3/8, which rounds to 0.38) is no rounding, and
 * stays as written (and makes no group). One decimal is too coarse to tell 1/8 from 1/12.
 */
function fractionRoundingTo(t: number, decimals: number): number | undefined {
  const scale = 10 ** decimals;
  const written = Math.round(Math.abs(t) * scale);
  for (const d of DENOMINATORS) {
    const x = Math.round(Math.abs(t) * d) / d;
    const scaled = x * scale;
    const below = Math.floor(scaled + 1e-9);
    const tie = Math.abs(scaled - below - 0.5) < 1e-9;
    // Half up and half to even (printf's) are both in use: at a tie either result was written.
    const ok = tie ? written === below + 1 || (below % 2 === 0 && written === below) : written === Math.round(scaled);
    if (ok) return Math.sign(t) * x;
  }
  return undefined;
}

/**
 * A translation written as a rounded decimal ('0.3333', '0.667') is the multiple of 1/24 it rounds:
 * otherwise three applications of a 3₁ screw miss the lattice by 0.001 and images drift apart.
 */
function snapTranslation(t: number): number {
  const n = Math.round(t * 24);
  // Within 0.0006: three decimals' rounding, far from any real origin shift.
  return Math.abs(t * 24 - n) < 0.015 ? n / 24 : t;
}

interface Component {
  constant: number;
  /** Fewest decimals of a decimal number in the constant term; Infinity when it has none ('1/2', '0'). */
  decimals: number;
}

/** Adds variable coefficients into `row`, returns the constant term or an error message. */
function parseComponent(s: string, row: Vec3): Component | string {
  let i = 0;
  const n = s.length;
  let constant = 0;
  let decimals = Infinity;
  let terms = 0;
  const skip = (): void => { while (i < n && (s[i] === ' ' || s[i] === '\t')) i++; };
  skip();
  while (i < n) {
    let sign = 1;
    let sawSign = false;
    while (i < n && (s[i] === '+' || s[i] === '-')) {
      if (s[i] === '-') sign = -sign;
      sawSign = true;
      i++;
      skip();
    }
    if (!sawSign && terms > 0) return `expected '+' or '-' before '${s.slice(i).trim()}'`;
    let coef: number | undefined;
    let places = Infinity;
    const numStart = i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] === '.')) i++;
    if (i > numStart) {
      const digits = s.slice(numStart, i);
      coef = Number(digits);
      if (!Number.isFinite(coef)) return `bad number '${digits}'`;
      const point = digits.indexOf('.');
      if (point >= 0) places = digits.length - point - 1;
      skip();
      if (s[i] === '/') {
        places = Infinity;
        i++;
        skip();
        const denStart = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] === '.')) i++;
        const den = Number(s.slice(denStart, i));
        if (i === denStart || !Number.isFinite(den) || den === 0) return 'bad fraction';
        coef /= den;
        skip();
      }
      if (s[i] === '*') { i++; skip(); }
    }
    const v = s[i];
    if (v === 'x' || v === 'y' || v === 'z') {
      row[v === 'x' ? 0 : v === 'y' ? 1 : 2] += sign * (coef ?? 1);
      i++;
      skip();
      // 'x/2' style scaling after the variable is not used by CIF writers; reject it clearly.
      if (s[i] === '/' || s[i] === '*') return 'coefficients must come before the variable (write 1/2x, not x/2)';
    } else if (coef !== undefined) {
      constant += sign * coef;
      decimals = Math.min(decimals, places);
    } else {
      return i < n ? `unexpected '${s[i]}'` : 'missing term';
    }
    terms++;
    skip();
  }
  if (terms === 0) return 'empty';
  return { constant, decimals };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function fraction(x: number): string {
  for (const d of [1, 2, 3, 4, 6, 8, 12]) {
    const num = Math.round(x * d);
    if (Math.abs(num / d - x) < 1e-9) return d === 1 ? String(num) : `${num}/${d}`;
  }
  return String(round(x));
}

export function formatSymop(rot: Mat3, trans: Vec3): string {
  const vars = ['x', 'y', 'z'];
  return rot.map((row, i) => {
    let out = '';
    row.forEach((c, j) => {
      if (c === 0) return;
      const mag = Math.abs(c) === 1 ? '' : fraction(Math.abs(c));
      out += (c < 0 ? '-' : out ? '+' : '') + mag + vars[j];
    });
    const t = trans[i];
    if (t !== 0) out += (t < 0 ? '-' : out ? '+' : '') + fraction(Math.abs(t));
    return out || '0';
  }).join(',');
}

export function applySymop(op: SymOp, f: Vec3): Vec3 {
  const r = op.rot;
  return [
    r[0][0] * f[0] + r[0][1] * f[1] + r[0][2] * f[2] + op.trans[0],
    r[1][0] * f[0] + r[1][1] * f[1] + r[1][2] * f[2] + op.trans[1],
    r[2][0] * f[0] + r[2][1] * f[1] + r[2][2] * f[2] + op.trans[2],
  ];
}

/** outer ∘ inner (inner applied first), translations reduced to [0, 1). */
export function composeSymops(outer: SymOp, inner: SymOp): SymOp {
  const rot = outer.rot.map((row) => [0, 1, 2].map((j) => row[0] * inner.rot[0][j] + row[1] * inner.rot[1][j] + row[2] * inner.rot[2][j])) as Mat3;
  const trans = outer.rot.map((row, i) => {
    const t = row[0] * inner.trans[0] + row[1] * inner.trans[1] + row[2] * inner.trans[2] + outer.trans[i];
    return t - Math.floor(t + 1e-9);
  }) as Vec3;
  return { rot, trans, text: formatSymop(rot, trans) };
}

/** Translation keys are taken on a 1/KEY_STEPS grid: 0.3333 and 1/3 (as written by different programs) are one operator. */
const KEY_STEPS = 1000;

/**
 * Operator modulo lattice translations as a number (exact in a double): rotation entries in
 * −2…2 in base 5, then each translation wrapped to [0, 1) on the 1/1000 grid, after snapping
 * rounded decimals to multiples of 1/24. undefined for rotations outside that range.
 */
function opKey(rot: Mat3, trans: Vec3): number | undefined {
  let key = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const c = rot[i][j];
      if (!Number.isInteger(c) || c < -2 || c > 2) return undefined;
      key = key * 5 + (c + 2);
    }
  }
  for (let i = 0; i < 3; i++) {
    const t = snapTranslation(trans[i] - Math.floor(trans[i]));
    key = key * KEY_STEPS + (Math.round(t * KEY_STEPS) % KEY_STEPS);
  }
  return key;
}

/** outer ∘ inner into preallocated arrays: the closure multiplies thousands of pairs, most of them known. */
function productInto(outer: SymOp, inner: SymOp, rot: Mat3, trans: Vec3): void {
  const o = outer.rot, r = inner.rot, t = inner.trans;
  for (let i = 0; i < 3; i++) {
    const row = o[i];
    for (let j = 0; j < 3; j++) rot[i][j] = row[0] * r[0][j] + row[1] * r[1][j] + row[2] * r[2][j];
    trans[i] = row[0] * t[0] + row[1] * t[1] + row[2] * t[2] + outer.trans[i];
  }
}

/** Operators equal modulo lattice translations (and 0.3333 = 1/3) have equal keys; undefined for a non-crystallographic rotation. */
export function symopKey(op: SymOp): number | undefined {
  return opKey(op.rot, op.trans);
}

/** A pure lattice-centring translation such as x+1/2,y+1/2,z (not the identity). */
export function isCentring(op: SymOp): boolean {
  const r = op.rot;
  const unit = r[0][0] === 1 && r[1][1] === 1 && r[2][2] === 1 && r[0][1] === 0 && r[0][2] === 0 && r[1][0] === 0
    && r[1][2] === 0 && r[2][0] === 0 && r[2][1] === 0;
  return unit && op.trans.some((t) => Math.abs(t - Math.round(t)) > 1e-3);
}

function hasCrystallographicOrder(op: SymOp, rot: Mat3, trans: Vec3, identityKey: number): boolean {
  let power: SymOp = op;
  for (let n = 1; n <= 6; n++) {
    if (opKey(power.rot, power.trans) === identityKey) return true;
    productInto(op, power, rot, trans);
    power = { rot: rot.map((r) => [r[0], r[1], r[2]]) as Mat3, trans: [trans[0], trans[1], trans[2]], text: '' };
  }
  return false;
}

export type SymopClosure =
  | { ops: SymOp[]; /** Operators implied by the given ones but not among them. */ added: SymOp[]; error?: undefined }
  | { error: string; ops?: undefined; added?: undefined };

/** No space group in a conventional cell has more operators (F m -3 m). */
export const MAX_GROUP_ORDER = 192;

/**
 * The group the operators generate (modulo lattice translations). A complete list comes back
 * unchanged, in its order, with nothing added; a list without the identity, or one that gives
 * generators or centring translations without their products, is completed. Growing beyond
 * `limit` means they are no space group. Longer lists (magnetic supercells with their many
 * centrings), and cells so skewed that rotations have entries beyond ±2, are taken as they are.
 */
export function closeSymops(ops: readonly SymOp[], limit = MAX_GROUP_ORDER): SymopClosure {
  if (ops.length > limit) return { ops: [...ops], added: [] };
  const given = new Set<number>();
  const identityKey = opKey(IDENTITY.rot, IDENTITY.trans) as number;
  const rot: Mat3 = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const trans: Vec3 = [0, 0, 0];
  for (const op of ops) {
    const k = opKey(op.rot, op.trans);
    if (k === undefined) {
      if (op.rot.every((row) => row.every(Number.isInteger))) return { ops: [...ops], added: [] };
      return { error: `'${op.text}' is not a crystallographic operation (its rotation part is not an integer matrix)` };
    }
    // Every crystallographic operation repeated 1, 2, 3, 4 or 6 times is a lattice translation;
    // 'x+0.37' never is, and would generate a hundred 'operators'.
    if (!given.has(k) && !hasCrystallographicOrder(op, rot, trans, identityKey)) {
      return { error: `'${op.text}' is not a crystallographic operation (no power of it up to the 6th is the identity)` };
    }
    given.add(k);
  }
  // The group is every word in its generators: grow it from the identity by multiplying with a
  // generator set picked from the list (an operator not yet reached becomes one). That costs
  // |group| × |generators| products (a few thousand), not the |group|² of checking every pair.
  const group: SymOp[] = [identityOp()];
  const keys = new Set<number>([identityKey]);
  const generators: SymOp[] = [];
  for (const op of ops) {
    if (keys.has(opKey(op.rot, op.trans) as number)) continue;
    generators.push(op);
    for (let i = 0; i < group.length; i++) {
      for (const g of generators) {
        productInto(g, group[i], rot, trans);
        const k = opKey(rot, trans) as number;
        if (keys.has(k)) continue;
        if (group.length >= limit) return { error: `they generate more than ${limit} operators` };
        keys.add(k);
        group.push(composeSymops(g, group[i]));
      }
    }
  }
  const added = group.filter((g) => !given.has(opKey(g.rot, g.trans) as number));
  return { ops: [...ops, ...added], added };
}
