import { describe, expect, it } from 'vitest';
import type { Platform, Workload } from '../../model/index.js';
import { checkPlan, type CostModel } from './list-scheduling.js';
import { heft, heftOnPlatform } from './heft-policy.js';
import { upwardRanks } from './upward-rank.js';
import { layeredWorkload, nodeTypeBuilder, twoSitePlatform, wtask } from '../testing/fixtures.js';

const nodeType = nodeTypeBuilder();

/**
 * The 10-task, 3-processor example of Topcuoglu, Hariri & Wu, "Performance-effective and
 * low-complexity task scheduling for heterogeneous computing", IEEE TPDS 13(3), 2002: the DAG of
 * Fig. 2 with its edge costs and the computation cost table W. Tasks and processors are numbered
 * from 0 here (paper task n+1 = index n). Data as reproduced by the test suite of
 * github.com/mackncheesiest/heft (test/canonicalgraph_task_connectivity.csv,
 * test/canonicalgraph_task_exe_time.csv, expected schedule in heft/test/test_heft.py), and with the
 * same upward ranks in other public HEFT reimplementations.
 */
const W = [
  [14, 16, 9],
  [13, 19, 18],
  [11, 13, 19],
  [13, 8, 17],
  [12, 13, 10],
  [13, 16, 9],
  [7, 15, 11],
  [5, 11, 14],
  [18, 12, 20],
  [21, 7, 16],
];
const EDGES: Array<[number, number, number]> = [
  [0, 1, 18],
  [0, 2, 12],
  [0, 3, 9],
  [0, 4, 11],
  [0, 5, 14],
  [1, 7, 19],
  [1, 8, 16],
  [2, 6, 23],
  [3, 7, 27],
  [3, 8, 23],
  [4, 8, 13],
  [5, 7, 15],
  [6, 9, 17],
  [7, 9, 11],
  [8, 9, 13],
];

/** A cost model from a computation-cost matrix and edge costs (free on the same processor). */
function matrixModel(w: number[][], edges: Array<[number, number, number]>): CostModel {
  const n = w.length;
  const procs = w[0]!.length;
  const parents: number[][] = Array.from({ length: n }, () => []);
  const children: number[][] = Array.from({ length: n }, () => []);
  const cost = new Map<string, number>();
  for (const [a, b, c] of edges) {
    parents[b]!.push(a);
    children[a]!.push(b);
    cost.set(`${a}>${b}`, c);
  }
  const c = (a: number, b: number): number => cost.get(`${a}>${b}`) ?? 0;
  return {
    tasks: n,
    processors: procs,
    parents: (t) => parents[t]!,
    children: (t) => children[t]!,
    exec: (t, p) => w[t]![p]!,
    comm: (a, b, pa, pb) => (pa === pb ? 0 : c(a, b)),
    meanExec: (t) => w[t]!.reduce((s, x) => s + x, 0) / procs,
    meanComm: c,
  };
}

const paper = matrixModel(W, EDGES);

describe('HEFT on the example of Topcuoglu et al. (2002)', () => {
  it('computes the upward ranks of the paper', () => {
    const expected = [108, 77, 80, 80, 69, 63.333, 42.667, 35.667, 44.333, 14.667];
    const ranks = upwardRanks(paper);
    expected.forEach((r, t) => expect(ranks[t]).toBeCloseTo(r, 3));
  });

  it('schedules in the paper order 1, 3, 4, 2, 5, 6, 9, 7, 8, 10 with makespan 80', () => {
    const plan = heft(paper);
    expect(plan.makespan).toBe(80);
    expect(plan.tasks.map((p) => p.task + 1)).toEqual([1, 3, 4, 2, 5, 6, 9, 7, 8, 10]);
    expect(checkPlan(plan, paper)).toEqual([]);
  });

  it('places each task where and when the paper does (P1..P3 = 0..2)', () => {
    const plan = heft(paper);
    const byTask = [...plan.tasks].sort((a, b) => a.task - b.task);
    expect(byTask.map((p) => [p.processor, p.start, p.finish])).toEqual([
      [2, 0, 9],
      [0, 27, 40],
      [2, 9, 28],
      [1, 18, 26],
      [2, 28, 38],
      [1, 26, 42],
      [2, 38, 49],
      [0, 57, 62],
      [1, 56, 68],
      [1, 73, 80],
    ]);
    expect(byTask[9]!.reason).toMatchObject({ policy: 'heft', eft: 80, rank: expect.closeTo(14.667, 3) });
  });

  it('never does better than with insertion when insertion is off, and stays valid', () => {
    const plan = heft(paper, { insertion: false });
    expect(checkPlan(plan, paper)).toEqual([]);
    expect(plan.makespan).toBeGreaterThanOrEqual(80);
  });
});

describe('upward ranks on a graph that is not a DAG', () => {
  it('says how many tasks are on or behind a cycle', () => {
    const cyclic = matrixModel(
      [[1], [1], [1]],
      [
        [0, 1, 1],
        [1, 2, 1],
        [2, 1, 1],
      ],
    );
    expect(() => heft(cyclic)).toThrow(/not a DAG: 2 tasks/);
  });
});

describe('checkPlan', () => {
  it('reports a task that starts before its parent’s data arrives, and processor overlap', () => {
    const plan = heft(paper);
    const bad = { ...plan, tasks: plan.tasks.map((p) => ({ ...p })) };
    const t2 = bad.tasks.find((p) => p.task === 1)!;
    t2.start -= 10;
    t2.finish -= 10;
    const problems = checkPlan(bad, paper);
    expect(problems.some((s) => s.includes("before parent 0's data"))).toBe(true);
    expect(problems.some((s) => s.includes('processor 0 runs 2 cores'))).toBe(false);
    const missing = { ...plan, tasks: plan.tasks.slice(1) };
    expect(checkPlan(missing, paper)).toContain('task 0 not planned');
    const overlap = {
      ...plan,
      tasks: plan.tasks.map((p) => (p.task === 7 ? { ...p, start: 28, finish: 33 } : p)),
    };
    expect(checkPlan(overlap, paper).some((s) => s.includes('processor 0 runs 2 cores'))).toBe(true);
  });
});

/** Site A: one 2-core node of speed 1; site B: two 1-core nodes of speed 2; 100 B/s + 1 s between. */
const twoTypes: Platform = twoSitePlatform('two-types', ['A', 'B']);

/** a reads `in` (200 B at A) and writes fa (100 B) for b and c; d needs 2 cores (only `slow` has them). */
const small: Workload = {
  name: 'small',
  files: [
    { name: 'in', sizeBytes: 200 },
    { name: 'fa', sizeBytes: 100 },
  ],
  tasks: [
    wtask('a', { inputs: [0], outputs: [1] }),
    wtask('b', { inputs: [1], parents: [0] }),
    wtask('c', { inputs: [1], parents: [0] }),
    wtask('d', { cores: 2 }),
  ],
};

describe('heftOnPlatform', () => {
  it('plans the hand-computed example on nodes (slow#0 = 0, fast#0 = 1, fast#1 = 2)', () => {
    // a: fast after staging `in` in (200 B / 100 B/s + 1 s = 3), 3 → 7 (slow would end at 8).
    // b, c: fast#1 and fast#0 at 7 → 11 (slow: 7 + 2 s transfer + 8 = 17). d: only slow, 0 → 4.
    const plan = heftOnPlatform(small, twoTypes);
    const byTask = [...plan.tasks].sort((x, y) => x.task - y.task);
    expect(byTask.map((p) => [p.reason.node, p.start, p.finish])).toEqual([
      ['fast#0', 3, 7],
      ['fast#1', 7, 11],
      ['fast#0', 7, 11],
      ['slow#0', 0, 4],
    ]);
    expect(plan.makespan).toBe(11);
    expect(plan.tasks.map((p) => p.task)).toEqual([0, 1, 2, 3]);
    expect(plan.tasks[0]!.reason).toMatchObject({ policy: 'heft', nodeType: 'fast', readyAt: 3, eft: 7 });
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
  });

  it('says which task fits no node type', () => {
    const w: Workload = { ...small, tasks: [wtask('huge', { cores: 64 })] };
    expect(() => heftOnPlatform(w, twoTypes)).toThrow(/task huge \(64 cores.*fits no node type/);
  });

  it('plans 100,000 tasks on 10,000 nodes, validly', () => {
    const workload = layeredWorkload(100_000, 100, 42, 1e9);
    const platform = continuum(10_000);
    const t0 = performance.now();
    const plan = heftOnPlatform(workload, platform);
    const ms = performance.now() - t0;
    console.log(`heftOnPlatform: 100,000 tasks on 10,000 nodes planned in ${ms.toFixed(0)} ms`);
    expect(plan.tasks).toHaveLength(100_000);
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
  });
});

/** An HPC centre, a cloud region and an edge site with `nodes` nodes in all. */
function continuum(nodes: number): Platform {
  const c = { kind: 'constant', gPerKWh: 200 } as const;
  return {
    name: 'continuum',
    sites: [
      { id: 'hpc', kind: 'hpc', carbon: c },
      { id: 'cloud', kind: 'cloud', carbon: c },
      { id: 'edge', kind: 'edge', carbon: c },
    ],
    nodeTypes: [
      nodeType('cpu', 'hpc', {
        count: nodes * 0.4,
        cores: 64,
        speed: 1.2,
        memoryBytes: 2 ** 38,
        idleW: 150,
        maxW: 450,
      }),
      nodeType('gpu', 'hpc', {
        count: nodes * 0.05,
        cores: 32,
        speed: 1.5,
        memoryBytes: 2 ** 38,
        gpus: 4,
        gpuSpeed: 1,
        idleW: 300,
        maxW: 1500,
      }),
      nodeType('vm', 'cloud', { count: nodes * 0.4, cores: 16, memoryBytes: 2 ** 36, idleW: 40, maxW: 160 }),
      nodeType('pi', 'edge', {
        count: nodes * 0.15,
        cores: 4,
        speed: 0.3,
        memoryBytes: 2 ** 33,
        idleW: 3,
        maxW: 7,
      }),
    ],
    links: [
      { from: 'hpc', to: 'cloud', bandwidthBps: 1.25e9, latencyS: 0.02, energyJPerByte: 0 },
      { from: 'cloud', to: 'edge', bandwidthBps: 1.25e7, latencyS: 0.05, energyJPerByte: 0 },
      { from: 'hpc', to: 'edge', bandwidthBps: 1.25e7, latencyS: 0.08, energyJPerByte: 0 },
    ],
    intraSite: { bandwidthBps: 1.25e10, latencyS: 0.0001 },
    data: {},
  };
}
