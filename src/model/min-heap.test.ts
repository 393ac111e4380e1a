import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';
import { Random } from './random.js';

describe('MinHeap', () => {
  it('pops values in key order, equal keys in insertion order', () => {
    const h = new MinHeap(2);
    [
      [3, 30],
      [1, 10],
      [2, 20],
      [1, 11],
      [0.5, 5],
      [2, 21],
      [1, 12],
    ].forEach(([k, v]) => h.push(k!, v!));
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop());
    expect(out).toEqual([5, 10, 11, 12, 20, 21, 30]);
    expect(h.pop()).toBe(-1);
    expect(h.peekKey()).toBe(Infinity);
  });

  it('agrees with a sort on 10,000 random keys with many ties', () => {
    const rng = new Random(3);
    const h = new MinHeap(1);
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < 10_000; i++) {
      const k = rng.int(100);
      pairs.push([k, i]);
      h.push(k, i);
    }
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop());
    expect(out).toEqual(pairs.map((p) => p[1]));
  });
});
