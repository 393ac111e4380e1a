import { describe, expect, it } from 'vitest';
import type { NodeType, Platform, Workload, WorkloadTask } from '../../model/index.js';
import { checkPlan } from './list-scheduling.js';
import { heftOnPlatform } from './heft-policy.js';
import { minMin } from './min-min-policy.js';
import { nodeTypeBuilder, wtask } from '../testing/fixtures.js';

const siteNode = nodeTypeBuilder({ memoryBytes: 1e12, idleW: 10, maxW: 100 });
const nodeType = (id: string, count: number, cores: number, speed: number): NodeType =>
  siteNode(id, 's', { count, cores, speed });

function platform(types: NodeType[]): Platform {
  return {
    name: 'p',
    sites: [{ id: 's', kind: 'cloud', carbon: { kind: 'constant', gPerKWh: 100 } }],
    nodeTypes: types,
    links: [],
    data: {},
  };
}

describe('minMin', () => {
  it('plans the ready task that can complete first, again and again (P#0 = 0, Q#0 = 1)', () => {
    // exec on P (speed 1): 4, 8, 2; on Q (speed 0.5): 8, 16, 4.
    // c first (P, 0 → 2), then a (P 2 → 6 beats Q 0 → 8), then b (P 6 → 14 beats Q 0 → 16).
    const w: Workload = {
      name: 'bag',
      files: [],
      tasks: [wtask('a', { work: 4 }), wtask('b', { work: 8 }), wtask('c', { work: 2 })],
    };
    const p = platform([nodeType('P', 1, 1, 1), nodeType('Q', 1, 1, 0.5)]);
    const plan = minMin(w, p);
    expect(plan.tasks.map((t) => [t.task, t.processor, t.start, t.finish])).toEqual([
      [2, 0, 0, 2],
      [0, 0, 2, 6],
      [1, 0, 6, 14],
    ]);
    expect(plan.makespan).toBe(14);
    expect(plan.tasks[0]!.reason).toMatchObject({ policy: 'min-min', ready: 3, node: 'P#0', eft: 2 });
    // HEFT starts with the longest task and does better here (10): min-min's known weakness.
    expect(heftOnPlatform(w, p).makespan).toBe(10);
  });

  it('waits for a task’s parents before it is ready', () => {
    const w: Workload = {
      name: 'chain',
      files: [],
      tasks: [wtask('late', { work: 1, parents: [1] }), wtask('first', { work: 100 })],
    };
    const plan = minMin(w, platform([nodeType('P', 2, 1, 1)]));
    expect(plan.tasks.map((t) => [t.task, t.start, t.finish])).toEqual([
      [1, 0, 100],
      [0, 100, 101],
    ]);
  });

  it('makes valid plans on a random DAG with multi-core tasks and several node types', () => {
    let s = 3;
    const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const tasks: WorkloadTask[] = [];
    for (let t = 0; t < 2000; t++) {
      const parents =
        t < 50
          ? []
          : [Math.floor(rand() * t), Math.floor(rand() * t)].filter((p, i, a) => a.indexOf(p) === i);
      tasks.push(wtask(`t${t}`, { work: 1 + rand() * 100, cores: 1 + Math.floor(rand() * 4), parents }));
    }
    const w: Workload = { name: 'random', files: [], tasks };
    const plan = minMin(w, platform([nodeType('big', 5, 8, 1.5), nodeType('small', 20, 4, 1)]));
    expect(plan.tasks).toHaveLength(2000);
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
  });

  it('says when the workload has a cycle', () => {
    const w: Workload = {
      name: 'cycle',
      files: [],
      tasks: [wtask('a', { parents: [1] }), wtask('b', { parents: [0] }), wtask('c', {})],
    };
    expect(() => minMin(w, platform([nodeType('P', 1, 1, 1)]))).toThrow(/not a DAG: 2 tasks/);
  });
});
