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

export type SymOpResult = { op: SymOp; error?: undefined } | { op?: undefined; error: string };

const IDENTITY: SymOp = { rot: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], trans: [0, 0, 0], text: 'x,y,z' };

export function identityOp(): SymOp {
  return { rot: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], trans: [0, 0, 0], text: IDENTITY.text };
}

/** Parse one operator; never throws, returns { error } with a reason instead. */
export function parseSymop(input: string): SymOpResult {
  const parts = input.toLowerCase().split(',');
  if (parts.length !== 3) return { error: `expected three comma-separated components, found ${parts.length}` };
  const rot: Mat3 = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const trans: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const e = parseComponent(parts[i], rot[i]);
    if (typeof e === 'string') return { error: `component ${i + 1} '${parts[i].trim()}': ${e}` };
    trans[i] = e;
  }
  const d = det3(rot);
  if (Math.abs(Math.abs(d) - 1) > 1e-6) {
    return { error: `the rotation part has determinant ${round(d)}; a symmetry operation needs ±1` };
  }
  return { op: { rot, trans, text: formatSymop(rot, trans) } };
}

/** Adds variable coefficients into `row`, returns the constant term or an error message. */
function parseComponent(s: string, row: Vec3): number | string {
  let i = 0;
  const n = s.length;
  let constant = 0;
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
    const numStart = i;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] === '.')) i++;
    if (i > numStart) {
      coef = Number(s.slice(numStart, i));
      if (!Number.isFinite(coef)) return `bad number '${s.slice(numStart, i)}'`;
      skip();
      if (s[i] === '/') {
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
    } else {
      return i < n ? `unexpected '${s[i]}'` : 'missing term';
    }
    terms++;
    skip();
  }
  if (terms === 0) return 'empty';
  return constant;
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
