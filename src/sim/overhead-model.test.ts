import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workload, WorkloadTask } from '../model/index.js';
import { importWfCommons } from '../formats/wfcommons/wfcommons.js';
import {
  FALLBACK_RUNTIME_SYSTEM_MODEL,
  overheadsFor,
  RUNTIME_SYSTEM_MODELS,
  runtimeSystemModelFor,
} from './overhead-model.js';
import { recordedReplay } from './recorded-platform.js';
import { simulate, type SimOverheads } from './simulate.js';

const SHARED = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'wfcommons');

function task(name: string, parents: number[]): WorkloadTask {
  return { name, type: 'x', work: 10, cores: 1, memoryBytes: 0, gpus: 0, inputs: [], outputs: [], parents };
}

/** 10 s tasks on one recorded 4-core machine of reference speed. */
function onOneMachine(tasks: WorkloadTask[]): Workload {
  return {
    name: 'hand',
    tasks,
    files: [],
    recorded: {
      makespanS: 1,
      runtimeSystem: { name: 'Pegasus', version: '5.0' },
      machines: [{ name: 'm', cores: 4, speedMHz: 2000, memoryBytes: null }],
      tasks: tasks.map(() => ({ runtimeS: 10, machine: 0, startS: null })),
    },
  };
}

const chain = onOneMachine([task('a', []), task('b', [0]), task('c', [1])]);
const fork = onOneMachine([
  task('root', []),
  task('x1', [0]),
  task('x2', [0]),
  task('x3', [0]),
  task('x4', [0]),
]);

function makespan(w: Workload, overheads: SimOverheads, maxCoresPerMachine?: number): number {
  const { platform, assignment } = recordedReplay(w, maxCoresPerMachine ? { maxCoresPerMachine } : {});
  return simulate(w, platform, assignment, { seed: 1, overheads }).makespanS;
}

describe('each overhead parameter on a recorded replay (hand-computed)', () => {
  it('without overheads a chain takes its runtimes and a fork its critical path', () => {
    expect(makespan(chain, {})).toBeCloseTo(30, 9);
    expect(makespan(fork, {})).toBeCloseTo(20, 9);
  });

  it('perTaskS delays every task once, so a chain of 3 pays it 3 times and a fork twice', () => {
    expect(makespan(chain, { perTaskS: 5 })).toBeCloseTo(45, 9);
    expect(makespan(fork, { perTaskS: 5 })).toBeCloseTo(30, 9);
  });

  it('perLevelS is paid once per DAG level, however wide the level', () => {
    expect(makespan(chain, { perLevelS: 7 })).toBeCloseTo(51, 9); // 3 levels × 7 + 30
    expect(makespan(fork, { perLevelS: 7 })).toBeCloseTo(34, 9); // 2 levels × 7 + 20
  });

  it('releaseRatePerS spaces releases: the 4 children of a fork start at 10, 12, 14, 16 s', () => {
    expect(makespan(fork, { releaseRatePerS: 0.5 })).toBeCloseTo(26, 9);
    // A chain's releases are 10 s apart anyway: the rate costs nothing there.
    expect(makespan(chain, { releaseRatePerS: 0.5 })).toBeCloseTo(30, 9);
  });

  it('maxCoresPerMachine limits the jobs a machine runs at once: 4 children on 2 slots take two rounds', () => {
    expect(makespan(fork, {}, 2)).toBeCloseTo(30, 9);
  });

  it('stagingBandwidthBps ships each task its inputs through one fair-shared channel', () => {
    // The root writes a 100 MB file the 4 children read; the root reads a 50 MB input nobody writes.
    const files = [
      { name: 'in', sizeBytes: 50e6 },
      { name: 'mid', sizeBytes: 100e6 },
    ];
    const tasks = fork.tasks.map((t, i) =>
      i === 0 ? { ...t, inputs: [0], outputs: [1] } : { ...t, inputs: [1] },
    );
    const w: Workload = { ...fork, files, tasks };
    // Root: 50 MB at 100 MB/s = 0.5 s, runs 10 s (ends 10.5). Children: 4 × 100 MB sharing 100 MB/s
    // end together at 10.5 + 4 s, run 10 s: 24.5 s. After perTaskS (2 s each level): 28.5 s.
    expect(makespan(w, { stagingBandwidthBps: 100e6 })).toBeCloseTo(24.5, 9);
    expect(makespan(w, { stagingBandwidthBps: 100e6, perTaskS: 2 })).toBeCloseTo(28.5, 9);
    // No channel: files on one recorded machine move for free.
    expect(makespan(w, {})).toBeCloseTo(20, 9);
  });
});

describe('runtimeSystemModelFor / overheadsFor', () => {
  it('matches Pegasus by major version, Makeflow and Nextflow by name, case-insensitively', () => {
    const id = (name: string, version: string): string => runtimeSystemModelFor({ name, version }).id;
    expect(id('Pegasus', '4.9.3')).toBe('pegasus-4.9');
    expect(id('pegasus', '4.8.0')).toBe('pegasus-4.9');
    expect(id('Pegasus', '5.0')).toBe('pegasus-5.0');
    expect(id('Pegasus WMS', '5.0.2')).toBe('pegasus-5.0');
    expect(id('Makeflow', '7.1.12')).toBe('makeflow');
    expect(id('makeflow', '7.4.0')).toBe('makeflow');
    expect(id('Nextflow', '23.04.1')).toBe('nextflow');
    expect(id('NEXTFLOW', 'v24.10.0')).toBe('nextflow');
  });

  it('takes the nearest major version for another Pegasus, the latest when the version is unreadable', () => {
    const id = (version: string): string => runtimeSystemModelFor({ name: 'Pegasus', version }).id;
    expect(id('3.1')).toBe('pegasus-4.9');
    expect(id('6.0')).toBe('pegasus-5.0');
    expect(id('unknown')).toBe('pegasus-5.0');
  });

  it('falls back to the generic model for an unknown runtime system', () => {
    expect(runtimeSystemModelFor({ name: 'Snakemake', version: '8.0' })).toBe(FALLBACK_RUNTIME_SYSTEM_MODEL);
    expect(runtimeSystemModelFor({ name: 'unknown', version: '' })).toBe(FALLBACK_RUNTIME_SYSTEM_MODEL);
  });

  it('returns the fitted overheads as a fresh object', () => {
    const ov = overheadsFor({ name: 'Nextflow', version: '23.04.1' });
    expect(ov).toEqual(RUNTIME_SYSTEM_MODELS.find((m) => m.id === 'nextflow')!.overheads);
    ov.perTaskS = 1e9;
    expect(overheadsFor({ name: 'Nextflow', version: '23.04.1' }).perTaskS).not.toBe(1e9);
  });

  it('holds plausible values: non-negative delays and rates, positive slot counts', () => {
    for (const m of [...RUNTIME_SYSTEM_MODELS, FALLBACK_RUNTIME_SYSTEM_MODEL]) {
      expect(m.overheads.perTaskS).toBeGreaterThanOrEqual(0);
      expect(m.overheads.perLevelS).toBeGreaterThanOrEqual(0);
      expect(m.overheads.releaseRatePerS).toBeGreaterThanOrEqual(0);
      expect(m.overheads.stagingBandwidthBps).toBeGreaterThanOrEqual(0);
      if (m.maxCoresPerMachine !== undefined) expect(m.maxCoresPerMachine).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(!existsSync(SHARED))('the fitted model on the shared WfCommons instances', () => {
  it('replays them within a median 20 % of their real makespans (the acceptance criterion)', () => {
    const errs: number[] = [];
    let bareUnder = 0;
    for (const f of readdirSync(SHARED).filter((x) => x.endsWith('.json') && !x.includes('schema'))) {
      const result = importWfCommons(readFileSync(join(SHARED, f), 'utf8'), { file: f });
      if (!result.ok) throw new Error(`${f} does not import`);
      const w = result.workload;
      const model = runtimeSystemModelFor(w.recorded!.runtimeSystem);
      const bare = recordedReplay(w);
      if (simulate(w, bare.platform, bare.assignment, { seed: 1 }).makespanS < w.recorded!.makespanS)
        bareUnder++;
      const { platform, assignment } = recordedReplay(
        w,
        model.maxCoresPerMachine ? { maxCoresPerMachine: model.maxCoresPerMachine } : {},
      );
      const sim = simulate(w, platform, assignment, { seed: 1, overheads: model.overheads }).makespanS;
      errs.push(Math.abs(sim - w.recorded!.makespanS) / w.recorded!.makespanS);
    }
    errs.sort((a, b) => a - b);
    expect(errs).toHaveLength(31);
    // Without overheads every replay is too short: the overheads are what is missing.
    expect(bareUnder).toBe(31);
    expect(errs[15]!).toBeLessThanOrEqual(0.2);
  });
});
