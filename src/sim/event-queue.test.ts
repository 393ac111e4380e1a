import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

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
