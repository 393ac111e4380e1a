import { describe, expect, it } from 'vitest';
import { findCycles, topologicalOrder } from './dag.js';

describe('topologicalOrder', () => {
  it('puts every task after its deps, the smallest ready number first', () => {
    // 0 after 2; 1 free; 2 after 3; 3 free; 4 after 0 and 1
    const { order, blocked } = topologicalOrder([[2], [], [3], [], [0, 1]]);
    expect(order).toEqual([1, 3, 2, 0, 4]);
    expect(blocked).toEqual([]);
  });

  it('keeps declaration order when there are no deps', () => {
    expect(topologicalOrder([[], [], []]).order).toEqual([0, 1, 2]);
  });

  it('handles a chain of 200,000 tasks without recursion', () => {
    const deps = Array.from({ length: 200_000 }, (_, i) => (i === 0 ? [] : [i - 1]));
    const { order } = topologicalOrder(deps);
    expect(order).toHaveLength(200_000);
    expect(order[199_999]).toBe(199_999);
  });

  it('reports the tasks on and behind a cycle as blocked', () => {
    // 0 -> 1 -> 2 -> 0 is a cycle; 3 runs after 2; 4 is free
    const { order, blocked } = topologicalOrder([[2], [0], [1], [2], []]);
    expect(order).toEqual([4]);
    expect(blocked).toEqual([0, 1, 2, 3]);
  });
});

describe('findCycles', () => {
  it('gives each cycle in running order, starting at its smallest task', () => {
    const deps = [[2], [0], [1], [2], []];
    expect(findCycles(deps, topologicalOrder(deps).blocked)).toEqual([[0, 1, 2]]);
  });

  it('finds separate cycles, and a self-loop', () => {
    const deps = [[1], [0], [3], [2], [4]];
    expect(findCycles(deps, topologicalOrder(deps).blocked)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('finds a cycle behind a long tail', () => {
    const deps = Array.from({ length: 1000 }, (_, i) => [i + 1]);
    deps[999] = [998]; // 998 <-> 999, everything else waits on them
    expect(findCycles(deps, topologicalOrder(deps).blocked)).toEqual([[998, 999]]);
  });
});
