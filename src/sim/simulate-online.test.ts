import { describe, expect, it } from 'vitest';
import { FirstFitPolicy } from '../scheduler/online/first-fit-policy.js';
import { IndexedFirstFitPolicy } from '../scheduler/online/indexed-first-fit-policy.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { nodeTypeBuilder, platformOf, taskBuilder, wl } from '../scheduler/testing/fixtures.js';
import { SimError } from './sim-error.js';
import { simulateOnline, type SimOptions } from './simulate.js';
import { continuumPlatform } from './synthetic-platform.js';
import { syntheticWorkload } from './synthetic-workload.js';
import { continuum20k } from './testing/continuum-run.js';

const nodeType = nodeTypeBuilder();
const task = taskBuilder({ type: 'x', work: 1 });

const opts = (over: Partial<SimOptions> = {}): SimOptions => ({ seed: 1, trace: true, ...over });

describe('simulateOnline: the engine’s FirstFitPolicy drives the twin', () => {
  it('places tasks as they become ready, re-offers those that do not fit, with an exact makespan', () => {
    // Two 2-core nodes n#0, n#1. Pool order is FIFO (then task index within an instant).
    // t=0: A(2 cores, 5 s) → n#0; B(1, 4 s) → n#1; C(1, 6 s) → n#1; F(2, 1 s) fits nowhere: waits.
    // t=4: B ends, n#1 has 1 core: F still waits. t=5: A ends → D ready; pool [F, D]: F → n#0
    // (5–6), D (2 cores) does not fit n#1. t=6: F and C end in the same instant, E ready;
    // pool [D, E]: D → n#0 (6–8), E → n#1 (6–9). Makespan 9.
    const w = wl([
      task('A', { work: 10, cores: 2 }),
      task('B', { work: 4 }),
      task('C', { work: 6 }),
      task('D', { work: 4, cores: 2, parents: [0] }),
      task('E', { work: 3, parents: [1, 2] }),
      task('F', { work: 2, cores: 2 }),
    ]);
    const p = platformOf([nodeType('n', 'S', { count: 2, cores: 2 })]);
    const r = simulateOnline(w, p, new FirstFitPolicy(), opts());
    expect(r.makespanS).toBe(9);
    expect(Array.from(r.trace!.start)).toEqual([0, 0, 0, 6, 6, 5]);
    expect(Array.from(r.trace!.finish)).toEqual([5, 4, 6, 8, 9, 6]);
    expect(Array.from(r.trace!.node)).toEqual([0, 1, 1, 0, 1, 0]);
    expect(r.tasksFinished).toBe(6);
    // The indexed first-fit decides the same.
    expect(simulateOnline(w, p, new IndexedFirstFitPolicy(), opts())).toEqual(r);
  });

  it('holds a placement’s cores while its input is staged to the chosen site', () => {
    // Node a#0 (site A, 1 core) first, b#0 (site B, 1 core) second; link 100 MB/s, 0.5 s latency.
    // t=0: r0 (10 s) → a#0, r1 (1 s) → b#0. t=1: r1 ends, c (reads r0's 200 MB? no: r1's) ...
    // c reads r1's 100 MB on B, and is ready at 1 s: a#0 is busy, so c → b#0: no transfer, 1–2.
    // d reads r0's 200 MB, ready at 10 s: a#0 free → a#0, no transfer: 10–11. e reads r0's and
    // r1's output, ready at 10 s, placed on b#0 (a#0 taken by d): 100 MB... r0's 200 MB moves
    // A→B: 2 s + 0.5 s, holding b#0 from 10 s; e runs 12.5–13.5.
    const w = wl(
      [
        task('r0', { work: 10, outputs: [0] }),
        task('r1', { work: 1, outputs: [1] }),
        task('c', { work: 1, inputs: [1], parents: [1] }),
        task('d', { work: 1, inputs: [0], parents: [0] }),
        task('e', { work: 1, inputs: [0, 1], parents: [0, 1] }),
      ],
      [200e6, 100e6],
    );
    const p = platformOf([nodeType('a', 'A'), nodeType('b', 'B')]);
    p.links = [{ from: 'A', to: 'B', bandwidthBps: 100e6, latencyS: 0.5, energyJPerByte: 0 }];
    const r = simulateOnline(w, p, new FirstFitPolicy(), opts());
    expect(Array.from(r.trace!.node)).toEqual([0, 1, 1, 0, 1]);
    expect(Array.from(r.trace!.start)).toEqual([0, 0, 1, 10, 12.5]);
    expect(r.makespanS).toBe(13.5);
    expect(r.bytesMoved).toBe(200e6);
    // b/0 was held (not busy) from 10 s to 12.5 s: busy core-seconds count only the runs.
    expect(r.perNode.busyCoreS[1]).toBeCloseTo(1 + 1 + 1, 9);
  });

  it('hands out GPU ids, one task per GPU', () => {
    const w = wl([task('g0', { gpus: 1 }), task('g1', { gpus: 1 }), task('g2', { gpus: 1 })]);
    const p = platformOf([nodeType('g', 'S', { cores: 4, gpus: 2 })]);
    const r = simulateOnline(w, p, new FirstFitPolicy(), opts());
    expect(Array.from(r.trace!.start)).toEqual([0, 0, 1]);
    expect(r.makespanS).toBe(2);
  });

  it('finishes every task of a 20,000-task random workflow on a 3-site platform exactly once', () => {
    const { workload, platform } = continuum20k();
    const r = simulateOnline(workload, platform, new FirstFitPolicy(), opts());
    expect(r.tasksFinished).toBe(20_000);
    expect(Array.from(r.trace!.attempts).every((a) => a === 1)).toBe(true);
    const cores: number[] = [];
    for (const t of platform.nodeTypes) for (let i = 0; i < t.count; i++) cores.push(t.cores);
    for (let t = 0; t < 20_000; t++) {
      const node = r.trace!.node[t]!;
      expect(node >= 0 && workload.tasks[t]!.cores <= cores[node]!).toBe(true);
      for (const parent of workload.tasks[t]!.parents) {
        expect(r.trace!.start[t]!).toBeGreaterThanOrEqual(r.trace!.finish[parent]!);
      }
    }
    expect(r.transfers).toBeGreaterThan(0);
    // The indexed first-fit takes the same decisions, so the whole run is the same.
    expect(simulateOnline(workload, platform, new IndexedFirstFitPolicy(), opts())).toEqual(r);
  });

  it('keeps placing correctly when the platform is saturated (full nodes leave and rejoin the views)', () => {
    // 4000 ready tasks on 100 nodes (3280 cores): nodes fill, more than half of the views go full
    // and are dropped, then rejoin one by one as attempts end.
    const { workload, initialData } = syntheticWorkload({ tasks: 8000, seed: 4, levels: 2 });
    const platform = continuumPlatform(100, initialData);
    const r = simulateOnline(workload, platform, new IndexedFirstFitPolicy(), opts({ trace: false }));
    expect(r.tasksFinished).toBe(8000);
    expect(simulateOnline(workload, platform, new FirstFitPolicy(), opts({ trace: false }))).toEqual(r);
  });

  it('is deterministic for a seed, with crashes and stragglers re-offering tasks', () => {
    const { workload, initialData } = syntheticWorkload({ tasks: 3000, seed: 5 });
    const platform = continuumPlatform(30, initialData);
    const o = opts({ seed: 11, failures: { nodeMtbfS: 2000, repairS: 300, stragglerProbability: 0.05 } });
    const a = simulateOnline(workload, platform, new FirstFitPolicy(), o);
    const b = simulateOnline(workload, platform, new FirstFitPolicy(), o);
    expect(a).toEqual(b);
    expect(a.failures.nodeCrashes).toBeGreaterThan(0);
    const f = a.failures;
    expect(a.tasksFinished + f.failedTasks + f.skippedTasks).toBe(3000);
    const c = simulateOnline(workload, platform, new FirstFitPolicy(), { ...o, seed: 12 });
    expect(c.makespanS).not.toBe(a.makespanS);
  });

  it('rejects a task that fits no node type, and a scheduler’s impossible placement', () => {
    const p = platformOf([nodeType('n', 'S', { cores: 2 })]);
    expect(() => simulateOnline(wl([task('big', { cores: 4 })]), p, new FirstFitPolicy(), opts())).toThrow(
      expect.objectContaining({ code: 'SIM_TASK_DOES_NOT_FIT' }),
    );
    const rogue: Scheduler = {
      name: 'rogue',
      place: (ready) => ready.map((r) => ({ key: r.key, nodeId: 'n#7', gpuIds: [], reason: {} })),
    };
    expect(() => simulateOnline(wl([task('a')]), p, rogue, opts())).toThrow(SimError);
    const greedy: Scheduler = {
      name: 'greedy',
      place: (ready) => ready.map((r) => ({ key: r.key, nodeId: 'n#0', gpuIds: [], reason: {} })),
    };
    expect(() =>
      simulateOnline(wl([task('a', { cores: 2 }), task('b', { cores: 2 })]), p, greedy, opts()),
    ).toThrow(/does not fit the free capacity/);
    const idle: Scheduler = { name: 'idle', place: () => [] };
    expect(() => simulateOnline(wl([task('a')]), p, idle, opts())).toThrow(/stalled/);
  });
});
