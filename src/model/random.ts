/**
 * Seeded pseudo-random numbers. The pure layers must never call `Math.random`: every draw comes from
 * a generator made from a seed the caller passes in, so that the same inputs and seed give the same
 * result, bit for bit.
 *
 * The draws (uniform, integer, exponential, normal ...) are written once, over any source of uniform
 * numbers. There are two sources because results already published depend on each one's sequence:
 * `Random` (xoshiro128**, the digital twin's; use it for anything new) and `Mulberry32` (the anomaly
 * layer's random baseline and weight initialisation).
 *
 * @example
 * const rng = new Random(42);
 * rng.next(); // a number in [0, 1)
 * rng.exponential(3600); // a draw with mean 3600
 */

/** The draws every generator offers, over its `next()`. */
export abstract class RandomDraws {
  /** Uniform in [0, 1). */
  abstract next(): number;

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box–Muller; one draw per call, the second value is dropped for simplicity). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Lognormal with the given median and shape sigma (the standard deviation of its logarithm). */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Pareto (heavy-tailed) with minimum `xm` and tail index `alpha` (smaller = heavier). */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.next(), 1 / alpha);
  }
}

/** splitmix32 step: turns any 32-bit state into a well-mixed 32-bit output. */
function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return [next, (z ^ (z >>> 15)) >>> 0];
}

/** xoshiro128** (Blackman & Vigna), seeded through splitmix32; independent streams per `stream`. */
export class Random extends RandomDraws {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` may be any finite number; its integer part (mod 2^32) and `stream` pick the sequence. */
  constructor(seed: number, stream = 0) {
    super();
    let s = (Math.trunc(seed) ^ Math.imul(stream + 1, 0x85ebca6b)) | 0;
    let out: number;
    [s, out] = splitmix32(s);
    this.a = out;
    [s, out] = splitmix32(s);
    this.b = out;
    [s, out] = splitmix32(s);
    this.c = out;
    [s, out] = splitmix32(s);
    this.d = out;
    // xoshiro's state must not be all zero.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** mulberry32: one 32-bit word of state; small and fast, kept for the sequences the anomaly layer uses. */
export class Mulberry32 extends RandomDraws {
  private state: number;

  constructor(seed: number) {
    super();
    this.state = Math.trunc(seed) >>> 0 || 0x6d2b79f5;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }
}
