import { describe, expect, it } from 'vitest';
import type { NodeType } from '../../model/index.js';
import { FreeCoreIndex, NodeTimeIndex } from './node-index.js';

function type(id: string, count: number, cores: number): NodeType {
  return { id, site: 's', count, cores, speed: 1, memoryBytes: 1, gpus: 0, gpuSpeed: 0, idleW: 0, maxW: 0 };
}

describe('NodeTimeIndex', () => {
  it('numbers nodes type by type and names them like PlatformNode ids', () => {
    const index = new NodeTimeIndex([type('a', 2, 4), type('b', 3, 1)]);
    expect(index.nodeCount).toBe(5);
    expect(index.nodeId(0)).toBe('a#0');
    expect(index.nodeId(4)).toBe('b#2');
    expect(index.typeOf(2)).toBe(1);
    expect(index.coresOf(1)).toBe(4);
  });

  it('finds the node of a type whose requested cores are free soonest', () => {
    const index = new NodeTimeIndex([type('a', 2, 4)]);
    expect(index.earliest(0, 4)).toEqual({ node: 0, at: 0 });
    index.place(0, 2, 0, 10); // node 0: two cores busy until 10
    expect(index.earliest(0, 2)).toEqual({ node: 0, at: 0 }); // its two other cores
    expect(index.earliest(0, 3)).toEqual({ node: 1, at: 0 });
    index.place(1, 4, 0, 5);
    expect(index.earliest(0, 3)).toEqual({ node: 1, at: 5 });
    expect(index.earliest(0, 4)).toEqual({ node: 1, at: 5 });
    index.place(0, 2, 0, 7); // node 0 now: 7, 7, 10, 10
    expect(index.freeTime(0, 1)).toBe(7);
    expect(index.freeTime(0, 3)).toBe(10);
    expect(index.earliest(0, 1)).toEqual({ node: 1, at: 5 });
  });

  it('says no node fits a demand larger than the type’s cores, and refuses an early booking', () => {
    const index = new NodeTimeIndex([type('a', 1, 2)]);
    expect(index.earliest(0, 3)).toBeUndefined();
    index.place(0, 2, 0, 4);
    expect(() => index.place(0, 1, 3, 5)).toThrow(/no 1 free cores at 3/);
  });

  it('stays right over many bookings (matches a scan of all nodes)', () => {
    const index = new NodeTimeIndex([type('a', 50, 8)]);
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const c = 1 + Math.floor(rand() * 8);
      const best = index.earliest(0, c)!;
      let scan = Infinity;
      for (let n = 0; n < 50; n++) scan = Math.min(scan, index.freeTime(n, c));
      expect(best.at).toBe(scan);
      const start = best.at + rand() * 3;
      index.place(best.node, c, start, start + 1 + rand() * 10);
    }
  });
});

describe('FreeCoreIndex', () => {
  it('takes cores on the fullest node that still fits (best fit) and gives them back', () => {
    const index = new FreeCoreIndex([type('a', 3, 4), type('b', 1, 1)]);
    expect(index.take(0, 3)).toBe(0);
    expect(index.take(0, 1)).toBe(0); // node 0 has 1 free: best fit
    expect(index.take(0, 2)).toBe(1);
    expect(index.take(0, 4)).toBe(2);
    expect(index.take(0, 3)).toBe(-1);
    expect(index.take(1, 1)).toBe(3);
    index.release(0, 3);
    expect(index.freeCores(0)).toBe(3);
    expect(index.take(0, 3)).toBe(0);
    expect(() => index.release(3, 2)).toThrow(/would have 2 free cores/);
  });
});
