import { describe, expect, it } from 'vitest';
import type { Platform, Workload, WorkloadTask } from '../../model/index.js';
import { heftOnPlatform } from './heft-policy.js';
import { checkPlan } from './list-scheduling.js';
import { localityPolicy, planBytesMoved } from './locality-policy.js';
import { taskBuilder } from '../testing/fixtures.js';

const GB = 1e9;

const task = taskBuilder({ work: 100 });

/**
 * An archive site holding the data with slow nodes, and a compute site with nodes twice as fast,
 * 10 GB/s between them; `extra` adds a third site with no data.
 */
function archiveAndCompute(extra = false): Platform {
  const type = (id: string, site: string, speed: number) => ({
    id,
    site,
    count: 2,
    cores: 8,
    speed,
    memoryBytes: 2 ** 34,
    gpus: 0,
    gpuSpeed: 0,
    idleW: 50,
    maxW: 200,
  });
  return {
    name: 'archive-compute',
    sites: [
      { id: 'archive', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 100 } },
      { id: 'compute', kind: 'cloud', carbon: { kind: 'constant', gPerKWh: 100 } },
      ...(extra
        ? [{ id: 'edge', kind: 'edge' as const, carbon: { kind: 'constant' as const, gPerKWh: 100 } }]
        : []),
    ],
    nodeTypes: [
      type('slow', 'archive', 1),
      type('fast', 'compute', 2),
      ...(extra ? [type('edge-a', 'edge', 2), type('edge-b', 'edge', 4)] : []),
    ],
    links: [
      { from: 'archive', to: 'compute', bandwidthBps: 10 * GB, latencyS: 0, energyJPerByte: 0 },
      ...(extra
        ? [
            { from: 'archive', to: 'edge', bandwidthBps: 10 * GB, latencyS: 0, energyJPerByte: 0 },
            { from: 'compute', to: 'edge', bandwidthBps: 10 * GB, latencyS: 0, energyJPerByte: 0 },
          ]
        : []),
    ],
    data: { big: 'archive', small: 'compute' },
  };
}

describe('localityPolicy', () => {
  // big (20 GB) at the archive: 2 s to move; slow type 100 s, fast type 50 s.
  const files = [
    { name: 'big', sizeBytes: 20 * GB },
    { name: 'small', sizeBytes: 1 * GB },
    { name: 'mid', sizeBytes: 5 * GB },
  ];

  it('runs a task at the site that holds its big input, where HEFT would move it', () => {
    const platform = archiveAndCompute();
    const w: Workload = { name: 'one', files, tasks: [task('a', { inputs: [0, 1] })] };
    const heft = heftOnPlatform(w, platform);
    expect(heft.tasks[0]!.reason).toMatchObject({ nodeType: 'fast', eft: 52 }); // 20 GB / 10 GB/s + 50 s
    const plan = localityPolicy(w, platform);
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
    // At the archive only `small` moves (0.1 s), then 100 s.
    expect(plan.tasks[0]!.reason).toMatchObject({
      policy: 'locality',
      nodeType: 'slow',
      bytesMoved: 1 * GB,
      bytesLocal: 20 * GB,
      eft: 100.1,
    });
    expect(planBytesMoved(plan)).toBe(1 * GB);
    expect(planBytesMoved(heft)).toBe(20 * GB);
  });

  it('keeps a child with the parent whose output it reads, counting parents’ outputs as inputs', () => {
    const platform = archiveAndCompute();
    // a reads small (at compute) and writes mid (5 GB); b reads mid and big (20 GB, at the archive).
    const w: Workload = {
      name: 'two',
      files,
      tasks: [
        task('a', { inputs: [1], outputs: [2] }),
        task('b', { inputs: [2, 0], parents: [0] }),
        task('c', { inputs: [2], parents: [0] }),
      ],
    };
    const plan = localityPolicy(w, platform);
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
    const byName = new Map(plan.tasks.map((pt) => [w.tasks[pt.task]!.name, pt.reason]));
    expect(byName.get('a')).toMatchObject({ nodeType: 'fast', bytesMoved: 0 });
    // b: 20 GB at the archive beats 5 GB at compute.
    expect(byName.get('b')).toMatchObject({ nodeType: 'slow', bytesMoved: 5 * GB });
    expect(byName.get('c')).toMatchObject({ nodeType: 'fast', bytesMoved: 0 });
    expect(planBytesMoved(plan)).toBe(5 * GB);
  });

  it('breaks ties in bytes by the earliest finish', () => {
    const platform = archiveAndCompute(true);
    // No placed input: every site moves nothing; the fastest type (edge-b, 4×) wins, as in HEFT.
    const w: Workload = { name: 'free', files, tasks: [task('a', {})] };
    const plan = localityPolicy(w, platform);
    expect(plan.tasks[0]!.reason).toMatchObject({ nodeType: 'edge-b', bytesMoved: 0, eft: 25 });
    // Holding `big`, the archive wins although both edge types would finish sooner.
    const far: Workload = { name: 'far', files, tasks: [task('a', { inputs: [0] })] };
    expect(localityPolicy(far, platform).tasks[0]!.reason).toMatchObject({ nodeType: 'slow', bytesMoved: 0 });
  });

  it('moves fewer bytes than HEFT on a wide random workload, and its plans are valid', () => {
    const platform = archiveAndCompute(true);
    let s = 5;
    const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const n = 500;
    const ws: Workload['files'] = [...files];
    const tasks: WorkloadTask[] = [];
    for (let t = 0; t < n; t++) {
      const parents = t < 20 ? [] : [Math.floor(rand() * t)];
      ws.push({ name: `o${t}`, sizeBytes: Math.floor(rand() * 4 * GB) });
      tasks.push(
        task(`t${t}`, {
          work: 10 + rand() * 200,
          parents,
          inputs: [...parents.map((p) => 3 + p), Math.floor(rand() * 2)],
          outputs: [3 + t],
        }),
      );
    }
    const w: Workload = { name: 'random', files: ws, tasks };
    const plan = localityPolicy(w, platform);
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
    const heft = heftOnPlatform(w, platform, { model: plan.model });
    expect(planBytesMoved(plan)).toBeLessThan(planBytesMoved(heft));
    // The reasons add up to the plan's total.
    expect(plan.tasks.reduce((sum, pt) => sum + (pt.reason.bytesMoved as number), 0)).toBe(
      planBytesMoved(plan),
    );
  });
});
