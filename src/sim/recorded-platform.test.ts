import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedExecution, Workload, WorkloadTask } from '../model/index.js';
import { importWfCommons } from '../formats/wfcommons/wfcommons.js';
import {
  RECORDED_IDLE_W_PER_CORE,
  RECORDED_MAX_W_PER_CORE,
  RECORDED_SITE_ID,
  recordedReplay,
} from './recorded-platform.js';
import { simulate } from './simulate.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'wfcommons');
const REF_MHZ = 2000;

type Machine = RecordedExecution['machines'][number];

/**
 * A workload as the importer would build it: work = runtime × cores × speedMHz / 2000 (speed factor 1
 * when the machine or its speed is unknown).
 */
function recordedWorkload(
  machines: Machine[],
  tasks: Array<{
    runtimeS: number;
    machine: number | null;
    parents?: number[];
    cores?: number;
    memoryBytes?: number;
  }>,
): Workload {
  const wt: WorkloadTask[] = tasks.map((t, i) => {
    const m = t.machine === null ? undefined : machines[t.machine];
    const factor = m?.speedMHz ? m.speedMHz / REF_MHZ : 1;
    const cores = t.cores ?? 1;
    return {
      name: `t${i}`,
      type: 'x',
      work: t.runtimeS * cores * factor,
      cores,
      memoryBytes: t.memoryBytes ?? 0,
      gpus: 0,
      inputs: [],
      outputs: [],
      parents: t.parents ?? [],
    };
  });
  return {
    name: 'hand',
    tasks: wt,
    files: [],
    recorded: {
      makespanS: 100,
      runtimeSystem: { name: 'Pegasus', version: '4.9.3' },
      machines,
      tasks: tasks.map((t) => ({ runtimeS: t.runtimeS, machine: t.machine, startS: null })),
    },
  };
}

const FAST: Machine = { name: 'fast', cores: 4, speedMHz: 3000, memoryBytes: 2 ** 30 };
const SLOW: Machine = { name: 'slow', cores: 2, speedMHz: 1000, memoryBytes: null };
const NOSPEED: Machine = { name: 'nospeed', cores: 1, speedMHz: null, memoryBytes: null };

describe('recordedReplay', () => {
  it('rebuilds one node type per recorded machine, with speed = MHz / reference MHz', () => {
    const w = recordedWorkload([FAST, SLOW, NOSPEED], [{ runtimeS: 1, machine: 0 }]);
    const { platform } = recordedReplay(w);
    expect(platform.sites.map((s) => s.id)).toEqual([RECORDED_SITE_ID]);
    expect(platform.links).toEqual([]);
    expect(platform.nodeTypes.map((t) => [t.id, t.count, t.cores, t.speed])).toEqual([
      ['fast', 1, 4, 1.5],
      ['slow', 1, 2, 0.5],
      ['nospeed', 1, 1, 1],
    ]);
    expect(platform.nodeTypes[0]!.idleW).toBe(4 * RECORDED_IDLE_W_PER_CORE);
    expect(platform.nodeTypes[0]!.maxW).toBe(4 * RECORDED_MAX_W_PER_CORE);
    expect(platform.nodeTypes[0]!.memoryBytes).toBe(2 ** 30);
  });

  it('reproduces every recorded runtime exactly without overheads', () => {
    // t0 (fast) → t1 (slow), t2 (nospeed); t3 (fast, 2 cores) after both.
    const w = recordedWorkload(
      [FAST, SLOW, NOSPEED],
      [
        { runtimeS: 10, machine: 0 },
        { runtimeS: 20, machine: 1, parents: [0] },
        { runtimeS: 7.25, machine: 2, parents: [0] },
        { runtimeS: 3, machine: 0, parents: [1, 2], cores: 2 },
      ],
    );
    const { platform, assignment } = recordedReplay(w);
    expect(Array.from(assignment.nodeOf)).toEqual([0, 1, 2, 0]);
    const r = simulate(w, platform, assignment, { seed: 1, trace: true });
    const durations = Array.from(r.trace!.finish, (f, i) => f - r.trace!.start[i]!);
    [10, 20, 7.25, 3].forEach((d, i) => expect(durations[i]).toBeCloseTo(d, 9));
    expect(r.makespanS).toBeCloseTo(33, 9);
  });

  it('honours the importer reference MHz it is given', () => {
    const w = recordedWorkload([FAST], [{ runtimeS: 10, machine: 0 }]);
    // Imported with reference 3000 instead: work = 10 × 3000/3000 = 10.
    w.tasks[0]!.work = 10;
    const { platform, assignment } = recordedReplay(w, { referenceMHz: 3000 });
    expect(platform.nodeTypes[0]!.speed).toBe(1);
    expect(simulate(w, platform, assignment, { seed: 1 }).makespanS).toBeCloseTo(10, 9);
  });

  it('replays a WfFormat 1.4 file through the importer with its recorded runtimes', () => {
    const path = join(FIXTURES, 'handmade-diamond-1.4.json');
    const result = importWfCommons(readFileSync(path, 'utf8'), { file: path });
    if (!result.ok) throw new Error('fixture does not import');
    const w = result.workload;
    const { platform, assignment } = recordedReplay(w);
    const r = simulate(w, platform, assignment, { seed: 1, trace: true });
    w.recorded!.tasks.forEach((t, i) => {
      expect(r.trace!.finish[i]! - r.trace!.start[i]!).toBeCloseTo(t.runtimeS, 9);
      if (t.machine !== null) expect(assignment.nodeOf[i]).toBe(t.machine);
    });
  });

  it('makes tasks wait when the recorded mapping oversubscribes a machine (at most `cores` at once)', () => {
    // Three 1-core 10 s tasks on the 2-core slow machine: the third starts when one ends.
    const w = recordedWorkload(
      [SLOW],
      [
        { runtimeS: 10, machine: 0 },
        { runtimeS: 10, machine: 0 },
        { runtimeS: 10, machine: 0 },
      ],
    );
    const { platform, assignment } = recordedReplay(w);
    expect(simulate(w, platform, assignment, { seed: 1 }).makespanS).toBeCloseTo(20, 9);
  });

  it('caps the cores per machine with maxCoresPerMachine, but never below the largest task', () => {
    const w = recordedWorkload(
      [FAST, SLOW],
      [
        { runtimeS: 10, machine: 0 },
        { runtimeS: 10, machine: 0 },
        { runtimeS: 10, machine: 1, cores: 2 },
      ],
    );
    const { platform, assignment } = recordedReplay(w, { maxCoresPerMachine: 1 });
    expect(platform.nodeTypes.map((t) => t.cores)).toEqual([1, 2]);
    expect(simulate(w, platform, assignment, { seed: 1 }).makespanS).toBeCloseTo(20, 9);
  });

  it('spreads tasks with no recorded machine over the least loaded machines, in task order', () => {
    // Unmapped tasks go, in task order, to the machine with the smallest load Σ work / (cores × speed).
    const w = recordedWorkload(
      [FAST, SLOW],
      [
        { runtimeS: 8, machine: 0 }, // load fast = 8 × 1.5 / (4 × 1.5) = 2
        { runtimeS: 2, machine: null }, // work 2 → slow (0 < 2): load slow = 2 / (2 × 0.5) = 2
        { runtimeS: 2, machine: null }, // tie 2 = 2 → the first machine, fast: 2 + 2 / 6
        { runtimeS: 2, machine: null }, // slow (2 < 2.33)
      ],
    );
    const { assignment } = recordedReplay(w);
    expect(Array.from(assignment.nodeOf)).toEqual([0, 1, 0, 1]);
  });

  it('makes one machine wide enough for every task when nothing was recorded', () => {
    const w = recordedWorkload(
      [],
      [
        { runtimeS: 5, machine: null },
        { runtimeS: 5, machine: null, cores: 3 },
      ],
    );
    delete w.recorded;
    const { platform, assignment } = recordedReplay(w);
    expect(platform.nodeTypes.map((t) => [t.id, t.cores, t.speed])).toEqual([['unknown', 4, 1]]);
    expect(simulate(w, platform, assignment, { seed: 1 }).makespanS).toBeCloseTo(5, 9);
  });

  it('never lets memory hold a task back, and keeps machine ids unique', () => {
    const small: Machine = { name: 'n', cores: 2, speedMHz: 2000, memoryBytes: 100 };
    const w = recordedWorkload(
      [small, { ...small }],
      [
        { runtimeS: 10, machine: 0, memoryBytes: 80 },
        { runtimeS: 10, machine: 0, memoryBytes: 80 },
        { runtimeS: 1, machine: 1 },
      ],
    );
    const { platform, assignment } = recordedReplay(w);
    expect(platform.nodeTypes.map((t) => [t.id, t.memoryBytes])).toEqual([
      ['n', 160],
      ['n#2', 100],
    ]);
    expect(simulate(w, platform, assignment, { seed: 1 }).makespanS).toBeCloseTo(10, 9);
  });
});
