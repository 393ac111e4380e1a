/**
 * runToWfCommons: a Strata run written as WfFormat 1.5 reads back through importWfCommons with the
 * same DAG, files, runtimes, cores, CPU use and machines (hand-computed).
 */
import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec } from '../../spec/parse-workflow-spec.js';
import { importWfCommons } from './wfcommons.js';
import { runToWfCommons, type ExportAttempt } from './wfcommons-export.js';

function spec(yaml: string) {
  const r = parseWorkflowSpec(yaml, { file: 'wf.yaml', listFiles: () => [] });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.spec;
}

const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);
const ok = (startS: number, endS: number, cpuS: number | null, node = 'n1'): ExportAttempt => ({
  status: 'succeeded',
  node,
  startedAt: T0 + startS * 1000,
  endedAt: T0 + endS * 1000,
  cpuTimeMs: cpuS === null ? null : cpuS * 1000,
  peakRssBytes: 5e6,
});

describe('runToWfCommons', () => {
  const wf = spec(
    [
      'name: w',
      'tasks:',
      '  - { name: make, command: [gen, -n, "3"], outputs: [data.txt], resources: { cpus: 2 } }',
      '  - { name: use, shell: "wc -l data.txt > out/n.txt", inputs: [data.txt], outputs: [out/n.txt] }',
      '  - { name: never, command: ["true"], after: [use] }',
      '',
    ].join('\n'),
  );
  const deps = [[], [0], [1]];
  const attempts: ExportAttempt[][] = [
    // make: 10 s on 2 cores, 15 CPU-seconds = 150 % of one core = 75 % of its two.
    [ok(0, 10, 15)],
    // use: failed once, then 4 s with 1 CPU-second.
    [{ ...ok(10, 12, 1), status: 'failed' }, ok(13, 17, 1, 'n2')],
    // never: no succeeded attempt.
    [{ ...ok(17, 18, 0), status: 'failed' }],
  ];
  const instance = runToWfCommons({
    name: 'w',
    id: 'wf_1',
    createdAt: T0 - 2000,
    finishedAt: T0 + 20_000,
    tasks: wf.tasks.map((t, i) => ({ name: t.name, deps: deps[i]!, spec: t, attempts: attempts[i]! })),
    strataVersion: '0.1.0',
    fileSize: (p) => (p === 'data.txt' ? 1234 : undefined),
    machines: new Map([['n1', { cores: 8, speedMHz: 3000, memoryBytes: 2 ** 34 }]]),
  });

  it('reads back through the WfCommons importer with the same DAG, files and runtimes', () => {
    const r = importWfCommons(JSON.stringify(instance), { file: 'w.json' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const w = r.workload;
    expect(w.tasks.map((t) => [t.name, t.type, t.parents, t.cores])).toEqual([
      ['make', 'gen', [], 2],
      ['use', 'wc', [0], 1],
      // No execution entry, so no command: typed by its name.
      ['never', 'never', [1], 1],
    ]);
    expect(w.files).toEqual([
      { name: 'data.txt', sizeBytes: 1234 },
      { name: 'out/n.txt', sizeBytes: 0 },
    ]);
    // make ran 10 s on 2 cores of a 3000 MHz machine: 10 × 2 × 3000 / 2000 reference-core seconds.
    expect(w.tasks[0]!.work).toBeCloseTo(30, 9);
    expect(w.tasks[0]!.cpuUtilisation).toBeCloseTo(0.75, 12);
    // use's last succeeded attempt: 4 s, 25 % busy, on n2 (speed unknown: factor 1).
    expect(w.tasks[1]!.work).toBeCloseTo(4, 9);
    expect(w.tasks[1]!.cpuUtilisation).toBeCloseTo(0.25, 12);
    expect(w.tasks[2]!.work).toBe(0);
    expect(w.recorded).toMatchObject({
      makespanS: 22,
      runtimeSystem: { name: 'Strata', version: '0.1.0' },
      machines: [
        { name: 'n1', cores: 8, speedMHz: 3000, memoryBytes: 2 ** 34 },
        { name: 'n2', cores: 1, speedMHz: null, memoryBytes: null },
      ],
    });
    expect(w.recorded!.tasks.map((t) => [t.runtimeS, t.machine, t.startS])).toEqual([
      [10, 0, 0],
      [4, 1, 13],
      [0, null, null],
    ]);
    expect(r.warnings.join('\n')).toMatch(/1 task has no entry in workflow\.execution\.tasks/);
  });

  it('writes the commands, memory and a makespan from creation to finish', () => {
    const exec = (instance['workflow'] as { execution: { tasks: Array<Record<string, unknown>> } }).execution;
    expect(exec.tasks[0]).toMatchObject({
      id: 'make',
      command: { program: 'gen', arguments: ['-n', '3'] },
      coreCount: 2,
      avgCPU: 150,
      memoryInBytes: 5e6,
      executedAt: '2026-12-02T10:00:00.000Z',
    });
    expect(exec.tasks[1]).toMatchObject({
      command: { program: 'wc', arguments: ['wc -l data.txt > out/n.txt'] },
    });
    expect(exec.tasks).toHaveLength(2);
  });
});
