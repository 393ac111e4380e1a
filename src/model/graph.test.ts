import { describe, expect, it } from 'vitest';
import { orderByPredecessors, successorsOf, topologicalOrder } from './graph.js';

describe('topologicalOrder', () => {
  // 0 and 1 are ready at first; 0 readies 3 before 1 readies 2: first come takes 3 before 2.
  const after = [[], [], [1], [0]];
  const count = (i: number): number => after[i]!.length;

  it('takes the lowest ready node first, or the first ready, as the caller says', () => {
    expect(topologicalOrder(4, count, successorsOf(after), 'lowest-first').order).toEqual([0, 1, 2, 3]);
    const children = [[3], [2], [], []];
    expect(topologicalOrder(4, count, (i) => children[i]!, 'first-ready').order).toEqual([0, 1, 3, 2]);
  });

  it('lists the nodes on or behind a cycle as blocked', () => {
    expect(orderByPredecessors([[2], [0], [1], [2], []])).toEqual({ order: [4], blocked: [0, 1, 2, 3] });
  });

  it('counts a predecessor named twice twice, and one that is not a node keeps its node waiting', () => {
    expect(successorsOf([[], [0, 0], [0]])).toEqual({
      offsets: Int32Array.from([0, 3, 3, 3]),
      targets: Int32Array.from([1, 1, 2]),
    });
    expect(orderByPredecessors([[], [0, 0], [7]])).toEqual({ order: [0, 1], blocked: [2] });
  });

  it('orders a long chain without recursion', () => {
    const chain = Array.from({ length: 200_000 }, (_, i) => (i === 0 ? [] : [i - 1]));
    const { order, blocked } = orderByPredecessors(chain);
    expect(blocked).toEqual([]);
    expect(order[199_999]).toBe(199_999);
  });
});
