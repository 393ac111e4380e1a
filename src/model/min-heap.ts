/**
 * A binary min-heap of (key, value) pairs over typed arrays: no object per entry, so that millions of
 * pushes and pops stay cheap. Equal keys come out in insertion order (a sequence number breaks ties),
 * which is what keeps the simulator deterministic when many things happen at the same instant.
 *
 * @example
 * const h = new MinHeap();
 * h.push(2.5, 7);
 * h.push(1, 3);
 * h.pop(); // 3 (the value with the smallest key)
 */
import { growF64, growI32 } from './typed-arrays.js';

export class MinHeap {
  private keys: Float64Array;
  private seqs: Float64Array;
  private vals: Int32Array;
  private n = 0;
  private seq = 0;

  constructor(initialCapacity = 16) {
    const cap = Math.max(2, initialCapacity);
    this.keys = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.vals = new Int32Array(cap);
  }

  get size(): number {
    return this.n;
  }

  /** The smallest key; `Infinity` when empty. */
  peekKey(): number {
    return this.n > 0 ? this.keys[0]! : Infinity;
  }

  /** The value with the smallest key; -1 when empty. */
  peekValue(): number {
    return this.n > 0 ? this.vals[0]! : -1;
  }

  push(key: number, value: number): void {
    if (this.n === this.keys.length) this.grow();
    const keys = this.keys;
    const seqs = this.seqs;
    const vals = this.vals;
    const s = this.seq++;
    let i = this.n++;
    // Sift up with a hole: move parents down until the new entry's place is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = keys[p]!;
      if (pk < key || (pk === key && seqs[p]! < s)) break;
      keys[i] = pk;
      seqs[i] = seqs[p]!;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = key;
    seqs[i] = s;
    vals[i] = value;
  }

  /** Removes and returns the value with the smallest key; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    const keys = this.keys;
    const seqs = this.seqs;
    const vals = this.vals;
    const top = vals[0]!;
    const last = --this.n;
    if (last === 0) return top;
    const key = keys[last]!;
    const s = seqs[last]!;
    const value = vals[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last) {
        const ck = keys[c]!;
        const rk = keys[r]!;
        if (rk < ck || (rk === ck && seqs[r]! < seqs[c]!)) c = r;
      }
      const ck = keys[c]!;
      if (key < ck || (key === ck && s < seqs[c]!)) break;
      keys[i] = ck;
      seqs[i] = seqs[c]!;
      vals[i] = vals[c]!;
      i = c;
    }
    keys[i] = key;
    seqs[i] = s;
    vals[i] = value;
    return top;
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.keys.length * 2;
    this.keys = growF64(this.keys, cap);
    this.seqs = growF64(this.seqs, cap);
    this.vals = growI32(this.vals, cap);
  }
}
