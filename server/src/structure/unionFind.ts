// Disjoint sets over atom indices 0..n-1: atoms closer than a threshold joined into places,
// transitively (A near B near C is one place even when A and C are farther apart).

export class UnionFind {
  private readonly parent: Int32Array;
  /** Successful joins: none means every set is one atom, which most structures are. */
  private joins = 0;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /** The representative of x's set (path halving keeps the trees flat). */
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }

  /** Joins the sets of a and b; true when they were apart. */
  union(a: number, b: number): boolean {
    const ra = this.find(a), rb = this.find(b);
    if (ra === rb) return false;
    this.parent[ra] = rb;
    this.joins++;
    return true;
  }

  /** Sets of at least `minSize` members, each in increasing index order, ordered by their first member. */
  groups(minSize = 1): number[][] {
    const n = this.parent.length;
    if (minSize > 1 && this.joins === 0) return [];
    const size = new Int32Array(n);
    for (let i = 0; i < n; i++) size[this.find(i)]++;
    // Typed arrays, not a map of every atom: 200,000 map entries cost more than the pair search.
    const slot = new Int32Array(n).fill(-1);
    const out: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (size[r] < minSize) continue;
      if (slot[r] < 0) {
        slot[r] = out.length;
        out.push([]);
      }
      out[slot[r]].push(i);
    }
    return out;
  }
}
