import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';
import { MinHeap } from './min-heap.js';
import { Random } from '../model/index.js';

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

describe('EventQueue', () => {
  it('returns events by time, ties in scheduling order, with their arguments', () => {
    const q = new EventQueue(1);
    q.schedule(5, 1, 50, 0);
    q.schedule(2, 2, 20, 7);
    q.schedule(5, 3, 51, 1);
    q.schedule(2, 4, 21, 8);
    const seen: number[][] = [];
    while (q.pop()) seen.push([q.time, q.type, q.a, q.b]);
    expect(seen).toEqual([
      [2, 2, 20, 7],
      [2, 4, 21, 8],
      [5, 1, 50, 0],
      [5, 3, 51, 1],
    ]);
    expect(q.pop()).toBe(false);
  });

  it('reuses the slots of popped events while interleaving schedules and pops', () => {
    const q = new EventQueue(2);
    let t = 0;
    const times: number[] = [];
    q.schedule(0, 1, 0, 0);
    for (let i = 0; i < 1000 && q.pop(); i++) {
      times.push(q.time);
      t = q.time;
      q.schedule(t + 2, 1, i, 0);
      q.schedule(t + 1, 1, i, 0);
    }
    expect(times.every((x, i) => i === 0 || x >= times[i - 1]!)).toBe(true);
    expect(q.size).toBe(1001);
  });
});
