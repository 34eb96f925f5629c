// Seeded sfc32 PRNG (seeded through splitmix32) with a plain, JSON-serializable state.

/** Serializable generator state; `spare` keeps the second Box-Muller variate so restore is exact. */
export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

const TWO_POW_32 = 4294967296;
const TAU = Math.PI * 2;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    // splitmix32 expands one uint32 into four well-mixed words; sfc32 is weak with low-entropy raw seeds.
    let x = seed >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      z ^= z >>> 16;
      words.push(z >>> 0);
    }
    this.a = words[0] ?? 0;
    this.b = words[1] ?? 0;
    this.c = words[2] ?? 0;
    this.d = words[3] ?? 1;
    // Discard the first outputs: sfc32 needs a few rounds before its state is fully mixed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    const [a, b, c, d] = state.s;
    for (const w of state.s) {
      if (!Number.isInteger(w) || w < 0 || w >= TWO_POW_32) throw new RangeError(`invalid rng state word ${w}`);
    }
    rng.a = a;
    rng.b = b;
    rng.c = c;
    rng.d = d;
    rng.spare = state.spare;
    return rng;
  }

  state(): RngState {
    return { s: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spare: this.spare };
  }

  /** Next raw 32-bit output (sfc32 step). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n); n must be a positive integer below 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32)
      throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal via Box-Muller; the paired variate is cached (and serialized) rather than wasted. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    // 1 - next() lies in (0, 1], so the log is finite.
    const u1 = 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(TAU * u2);
    return r * Math.cos(TAU * u2);
  }
}
