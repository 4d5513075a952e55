// The project's one seeded generator (mulberry32): tiny, identical on every platform, and its whole
// state is one 32-bit integer, so a training checkpoint can store it and a resumed run draws exactly
// the numbers an uninterrupted run would have drawn. Splits, weight initialisation, batch order,
// fuzzing and benchmarks all draw from it.
export class SeededRng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  get state(): number {
    return this.a;
  }

  set state(s: number) {
    this.a = s >>> 0;
  }
}

/** The generator as a plain function returning uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  const rng = new SeededRng(seed);
  return () => rng.next();
}
