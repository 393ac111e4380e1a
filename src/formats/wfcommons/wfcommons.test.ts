/**
 * WfCommons import: real instances (the fixtures always, every shared instance when
 * ../shared/data/wfcommons is there) against the figures published with them, the work
 * normalisation on hand-computed cases, the 1.4 layout, and what `recorded` keeps of the run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workload } from '../../model/workload.js';
import { importWfCommons, normaliseRuntimeSystem, taskType } from './wfcommons.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'wfcommons');
const SHARED = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'wfcommons');
const HAVE_SHARED = existsSync(join(SHARED, 'README.md'));

function load(dir: string, file: string): { workload: Workload; warnings: string[] } {
  const result = importWfCommons(readFileSync(join(dir, file), 'utf8'), { file });
  if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result;
}

const edges = (w: Workload): number => w.tasks.reduce((n, t) => n + t.parents.length, 0);
const types = (w: Workload): number => new Set(w.tasks.map((t) => t.type)).size;

interface Row {
  file: string;
  tasks: number;
  files: number;
  edges: number;
  types: number;
  makespan: number;
  nodes: number;
  runtimeSystem: string;
}

/** The "Files" table of the shared README: the figures published with the instances. */
function readmeRows(readme: string): Row[] {
  const rows: Row[] = [];
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | file | path | runtime system | tasks | files | edges | levels | types | makespan s | nodes | bytes |
    if (cells.length !== 13 || !cells[1]?.endsWith('.json')) continue;
    rows.push({
      file: cells[1],
      runtimeSystem: cells[3] ?? '',
      tasks: Number(cells[4]),
      files: Number(cells[5]),
      edges: Number(cells[6]),
      types: Number(cells[8]),
      makespan: Number(cells[9]),
      nodes: Number(cells[10]),
    });
  }
  return rows;
}

describe('shared WfCommons instances', () => {
  const title = HAVE_SHARED
    ? 'imports all 31 shared instances with the task, file, edge, type, machine counts and makespans of their README'
    : `imports the shared instances (SKIPPED: ${SHARED} is absent on this machine; the fixtures cover the rest)`;
  it.skipIf(!HAVE_SHARED)(title, () => {
    const rows = readmeRows(readFileSync(join(SHARED, 'README.md'), 'utf8'));
    const files = readdirSync(SHARED).filter((f) => f.endsWith('.json') && f !== 'wfcommons-schema.json');
    expect(rows.map((r) => r.file).sort()).toEqual(files.sort());
    expect(rows).toHaveLength(31);
    for (const row of rows) {
      const { workload: w } = load(SHARED, row.file);
      const got = {
        file: row.file,
        tasks: w.tasks.length,
        files: w.files.length,
        edges: edges(w),
        types: types(w),
        makespan: w.recorded?.makespanS,
        nodes: w.recorded?.machines.length,
        runtimeSystem: `${w.recorded?.runtimeSystem.name} ${w.recorded?.runtimeSystem.version}`,
      };
      // The README writes Makeflow's version as recorded ("7.1.12."); the import drops the stray dot.
      expect(got).toEqual({ ...row, runtimeSystem: row.runtimeSystem.replace(/\.$/, '') });
      expect(w.recorded?.tasks).toHaveLength(w.tasks.length);
      // Every task's work is finite and not negative, and every task maps to one of the machines.
      for (const [i, t] of w.tasks.entries()) {
        expect(Number.isFinite(t.work) && t.work >= 0).toBe(true);
        expect(w.recorded?.tasks[i]?.machine).not.toBeNull();
      }
    }
  });
});

describe('fixtures', () => {
  it('are unmodified copies of the shared instances (SHA-256 of the README)', () => {
    const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
    const copies = [
      'helloworld-chain-5-chameleon.json',
      'srasearch-chameleon-10a-001.json',
      'sarek-dirt02-001.json',
    ];
    for (const file of copies) {
      const sum = createHash('sha256')
        .update(readFileSync(join(FIXTURES, file)))
        .digest('hex');
      expect(readme).toContain(`\`${sum}\``);
    }
  });

  it('imports helloworld-chain-5: a 5-task chain, one machine at 1200 MHz, work normalised to 2000 MHz', () => {
    const { workload: w, warnings } = load(FIXTURES, 'helloworld-chain-5-chameleon.json');
    expect(warnings).toEqual([]);
    expect(w.name).toBe('chain-5-5000-0.6-100000000-cascadelake-1-0-1683736566.json');
    expect(w.tasks.map((t) => t.parents)).toEqual([[], [0], [1], [2], [3]]);
    expect(w.files).toHaveLength(6);
    expect(w.files[0]).toEqual({ name: 'chain_00000001_input.txt', sizeBytes: 16666667 });
    const first = w.tasks[0]!;
    expect(first).toEqual({
      name: 'cpuhog_chain_00000001',
      type: 'cpuhog',
      // 100.376 s on 1 core of a 1200 MHz machine = 100.376 × 1200 / 2000 reference-core seconds.
      work: 100.376 * (1200 / 2000),
      cores: 1,
      // avgCPU 59.9884 % of its one core.
      cpuUtilisation: 0.599884,
      memoryBytes: 87824,
      gpus: 0,
      inputs: [0],
      outputs: [1],
      parents: [],
    });
    expect(first.work).toBeCloseTo(60.2256, 10);
    expect(w.recorded).toEqual({
      makespanS: 661,
      runtimeSystem: { name: 'Pegasus', version: '5.0' },
      machines: [{ name: 'ubuntu', cores: 64, speedMHz: 1200, memoryBytes: 196483612 }],
      tasks: [
        { runtimeS: 100.376, machine: 0, startS: null },
        { runtimeS: 100.12, machine: 0, startS: null },
        { runtimeS: 99.396, machine: 0, startS: null },
        { runtimeS: 100.886, machine: 0, startS: null },
        { runtimeS: 100.462, machine: 0, startS: null },
      ],
    });
  });

  it('takes the reference speed from the options', () => {
    const text = readFileSync(join(FIXTURES, 'helloworld-chain-5-chameleon.json'), 'utf8');
    const r = importWfCommons(text, { file: 'x', referenceMHz: 1200 });
    expect(r.ok && r.workload.tasks[0]?.work).toBe(100.376);
  });

  it('falls back to 2000 MHz, with a warning, for a reference speed that is not one', () => {
    const text = readFileSync(join(FIXTURES, 'helloworld-chain-5-chameleon.json'), 'utf8');
    const r = importWfCommons(text, { file: 'x', referenceMHz: 0 });
    expect(r.ok && r.workload.tasks[0]?.work).toBe(100.376 * (1200 / 2000));
    expect(r.ok && r.warnings).toEqual(['referenceMHz 0 is not a speed; 2000 MHz used']);
  });

  it('imports srasearch-10a with its four programs and its makespan', () => {
    const { workload: w } = load(FIXTURES, 'srasearch-chameleon-10a-001.json');
    expect([w.tasks.length, w.files.length, edges(w)]).toEqual([22, 48, 30]);
    expect([...new Set(w.tasks.map((t) => t.type))].sort()).toEqual([
      'bowtie2',
      'bowtie2-build',
      'fasterq-dump',
      'merge',
    ]);
    expect(w.recorded?.makespanS).toBe(3488);
    expect(w.recorded?.machines).toEqual([
      { name: 'worker-4', cores: 48, speedMHz: 1274, memoryBytes: expect.any(Number) as number },
    ]);
  });

  it('imports a Nextflow instance: process names as types, ids as names, the only machine assumed', () => {
    const { workload: w, warnings } = load(FIXTURES, 'sarek-dirt02-001.json');
    expect([w.tasks.length, w.files.length, edges(w), types(w)]).toEqual([26, 82, 50, 24]);
    expect(w.tasks[0]?.name).toBe('NFCORE_SAREK.SAREK.PREPARE_GENOME.GATK4_CREATESEQUENCEDICTIONARY_8');
    expect(w.tasks[0]?.type).toBe('GATK4_CREATESEQUENCEDICTIONARY');
    expect(new Set(w.tasks.map((t) => t.name)).size).toBe(26);
    expect(warnings).toEqual([
      '26 tasks name no machine; the instance lists one machine, "dirt02", so they are taken to have run there',
    ]);
    expect(w.recorded?.tasks.every((t) => t.machine === 0)).toBe(true);
    // dirt02 is listed at 2400 MHz: work = runtime × cores × 1.2.
    const recorded = w.recorded?.tasks ?? [];
    const i = recorded.findIndex((t) => t.runtimeS > 0);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(w.tasks[i]?.work).toBeCloseTo((recorded[i]?.runtimeS ?? NaN) * 1.2, 9);
    // Tasks that took 0 s are kept, with work 0.
    expect(w.tasks.some((t, k) => w.recorded?.tasks[k]?.runtimeS === 0 && t.work === 0)).toBe(true);
  });
});

describe('WfFormat 1.4', () => {
  it('imports the hand-made diamond with hand-computed work, files by path + name, parents by name or id', () => {
    const { workload: w, warnings } = load(FIXTURES, 'handmade-diamond-1.4.json');
    expect(w.name).toBe('handmade-diamond');
    expect(w.files).toEqual([
      { name: 'in.dat', sizeBytes: 1000 },
      { name: 'a.dat', sizeBytes: 400 },
      { name: 'b.dat', sizeBytes: 600 },
      { name: 'out/a.out', sizeBytes: 40 },
      { name: 'out/b.out', sizeBytes: 60 },
      { name: 'result.dat', sizeBytes: 100 },
    ]);
    expect(
      w.tasks.map((t) => [t.name, t.type, t.work, t.cores, t.memoryBytes, t.parents, t.inputs, t.outputs]),
    ).toEqual([
      ['split_ID0000001', 'split', 30, 2, 1048576, [], [0], [1, 2]],
      ['work_ID0000002', 'work', 10, 1, 0, [0], [1], [3]],
      ['work_ID0000003', 'work', 30, 1, 0, [0], [2], [4]],
      ['merge_ID0000004', 'merge', 0, 1, 2048, [1, 2], [3, 4], [5]],
    ]);
    expect(warnings).toEqual([
      '1 task ran on machines of unknown CPU speed ("nospeed"); their work is runtime × cores (speed factor 1)',
    ]);
    // avgCPU is in percent of one core: 150 % over 2 cores is 0.75; 250 % on 1 core is capped at 1
    // (it ran more threads than its cores); no avgCPU leaves it unset (CPU-bound).
    expect(w.tasks.map((t) => t.cpuUtilisation)).toEqual([0.75, 1, undefined, undefined]);
    expect(w.recorded).toEqual({
      makespanS: 75.5,
      runtimeSystem: { name: 'Pegasus', version: '4.9.3' },
      machines: [
        { name: 'fast', cores: 48, speedMHz: 3000, memoryBytes: 137438953472 },
        { name: 'slow', cores: 8, speedMHz: 1000, memoryBytes: 17179869184 },
        { name: 'nospeed', cores: 4, speedMHz: null, memoryBytes: null },
      ],
      tasks: [
        { runtimeS: 10, machine: 0, startS: null },
        { runtimeS: 20, machine: 1, startS: null },
        { runtimeS: 30, machine: 2, startS: null },
        { runtimeS: 0, machine: 0, startS: null },
      ],
    });
  });
});

/** A small 1.5 instance, built in the test so that each case changes one thing. */
function v15(overrides: { execTasks?: unknown[]; machines?: unknown[]; specTasks?: unknown[] } = {}): string {
  return JSON.stringify({
    name: 'mini',
    schemaVersion: '1.5',
    runtimeSystem: { name: 'Makeflow', version: '7.1.12.' },
    workflow: {
      specification: {
        tasks: overrides.specTasks ?? [
          { name: 'a', id: 'a', parents: [], children: ['b'], inputFiles: [], outputFiles: ['f'] },
          { name: 'b', id: 'b', parents: [], children: [], inputFiles: ['f'], outputFiles: [] },
        ],
        files: [{ id: 'f', sizeInBytes: 5 }],
      },
      execution: {
        makespanInSeconds: 9,
        executedAt: '2020-12-26T01:35:40+00:00',
        tasks: overrides.execTasks ?? [
          {
            id: 'a',
            runtimeInSeconds: 2,
            coreCount: 4,
            machines: ['m1'],
            executedAt: '2020-12-26T01:35:45+00:00',
          },
          { id: 'b', runtimeInSeconds: 3, machines: ['m2'], executedAt: '2020-12-26T01:35:50.5+00:00' },
        ],
        machines: overrides.machines ?? [
          { nodeName: 'm1', cpu: { coreCount: 8, speedInMHz: 4000 } },
          { nodeName: 'm2', cpu: { coreCount: 8 } },
        ],
      },
    },
  });
}

describe('WfFormat 1.5 details', () => {
  it('derives parents from children, starts from task executedAt, and warns once about unknown speeds', () => {
    const r = importWfCommons(v15(), { file: 'mini.json' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.workload.tasks.map((t) => [t.type, t.work, t.parents])).toEqual([
      ['a', 2 * 4 * 2, []],
      ['b', 3, [0]],
    ]);
    expect(r.workload.recorded?.tasks).toEqual([
      { runtimeS: 2, machine: 0, startS: 0 },
      { runtimeS: 3, machine: 1, startS: 5.5 },
    ]);
    expect(r.workload.recorded?.runtimeSystem).toEqual({ name: 'Makeflow', version: '7.1.12' });
    expect(r.warnings).toEqual([
      '1 task ran on machines of unknown CPU speed ("m2"); their work is runtime × cores (speed factor 1)',
    ]);
  });

  it('keeps a task whose machine is not listed, with speed factor 1 and a warning', () => {
    const r = importWfCommons(
      v15({
        execTasks: [
          { id: 'a', runtimeInSeconds: 2, machines: ['ghost'] },
          { id: 'b', runtimeInSeconds: 1 },
        ],
      }),
      { file: 'x' },
    );
    expect(r.ok && r.workload.recorded?.tasks.map((t) => t.machine)).toEqual([null, null]);
    expect(r.ok && r.warnings).toEqual([
      '1 task names no machine the instance lists; their work is runtime × cores (speed factor 1)',
      '1 task ran on machines not in the machine list ("ghost"); their work is runtime × cores (speed factor 1)',
    ]);
  });

  it('imports a specification without an execution: work 0, no recorded run, a warning', () => {
    const doc = JSON.parse(v15()) as { workflow: Record<string, unknown> };
    delete doc.workflow['execution'];
    const r = importWfCommons(JSON.stringify(doc), { file: 'x' });
    expect(r.ok && r.workload.recorded).toBeUndefined();
    expect(r.ok && r.workload.tasks.map((t) => t.work)).toEqual([0, 0]);
    expect(r.ok && r.warnings).toEqual([
      'the instance records no execution: every task has work 0 and there is no recorded run',
    ]);
  });

  it('reads 1.6 like 1.5 (it only adds optional fields)', () => {
    const r = importWfCommons(v15().replace('"1.5"', '"1.6"'), { file: 'x' });
    expect(r.ok && r.workload.tasks).toHaveLength(2);
  });
});

describe('task types and runtime systems', () => {
  it.each([
    [{ name: 'cpuhog_chain_00000001', program: 'cpuhog', category: undefined }, false, 'cpuhog'],
    [
      { name: 'mProject_ID0000001', program: '/opt/montage/bin/mProject', category: undefined },
      false,
      'mProject',
    ],
    [{ name: 'mProject_ID0000001', program: undefined, category: undefined }, false, 'mProject'],
    [{ name: 'x_ID01', program: 'set -e\nrun.sh', category: 'prep' }, false, 'prep'],
    [
      { name: 'NFCORE_SAREK.SAREK.FASTQC', program: 'fastqc --threads 2', category: undefined },
      true,
      'FASTQC',
    ],
  ])('%j (Nextflow: %s) has type %s', (task, nextflow, type) => {
    expect(taskType(task, nextflow)).toBe(type);
  });

  it('normalises runtime system versions', () => {
    expect(normaliseRuntimeSystem({ name: ' Makeflow ', version: '7.1.12.' })).toEqual({
      name: 'Makeflow',
      version: '7.1.12',
    });
    expect(normaliseRuntimeSystem({ name: 'Nextflow', version: 'v23.04.1' })).toEqual({
      name: 'Nextflow',
      version: '23.04.1',
    });
    expect(normaliseRuntimeSystem(undefined)).toEqual({ name: 'unknown', version: '' });
  });
});
