import { describe, expect, it } from 'vitest';
import { parseWorkflowSpec } from './parse-workflow-spec.js';
import { programOf, specToWorkload } from './spec-to-workload.js';

function spec(yaml: string) {
  const r = parseWorkflowSpec(yaml, { file: 'wf.yaml', listFiles: () => [] });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.spec;
}

describe('specToWorkload', () => {
  const wf = spec(
    [
      'name: w',
      'tasks:',
      '  - { name: a, command: [/usr/bin/align, x], inputs: [ref.fa], outputs: [a.bam], resources: { cpus: 4 } }',
      '  - { name: b, shell: "sort -k1 a.bam > b.txt", inputs: [a.bam], outputs: [b.txt] }',
      '  - { name: c, command: [report], workdir: out, inputs: [../b.txt, ../ref.fa] }',
      '',
    ].join('\n'),
  );

  it('types tasks by program, estimates work per type, and links tasks through files', () => {
    const asked: string[] = [];
    const { workload, priors } = specToWorkload(
      wf,
      (f) => {
        asked.push(`${f.type}:${f.inputBytes}:${f.cores}`);
        return { runtimeS: f.type === 'align' ? 100 : 10, prior: f.type === 'report' };
      },
      { inputBytes: (path) => (path === 'ref.fa' ? 3e9 : 999) },
    );
    expect(asked).toEqual(['align:3000000000:4', 'sort:0:1', 'report:3000000000:1']);
    expect(priors).toBe(1);
    expect(workload.tasks.map((t) => [t.name, t.type, t.work, t.cores, t.parents])).toEqual([
      ['a', 'align', 400, 4, []],
      ['b', 'sort', 10, 1, [0]],
      ['c', 'report', 10, 1, [1]],
    ]);
    // ../ref.fa from workdir out is ref.fa: one file, read by a and c; outputs have no size yet.
    expect(workload.files).toEqual([
      { name: 'ref.fa', sizeBytes: 3e9 },
      { name: 'a.bam', sizeBytes: 0 },
      { name: 'b.txt', sizeBytes: 0 },
    ]);
    expect(workload.tasks[2]!.inputs).toEqual([2, 0]);
  });

  it('marks the tasks the spec calls flexible, for carbon-aware planning', () => {
    const flexible = spec(
      [
        'name: f',
        'tasks:',
        '  - { name: a, shell: echo a, flexible: true }',
        '  - { name: b, shell: echo b }',
        '',
      ].join('\n'),
    );
    const { workload } = specToWorkload(flexible, () => ({ runtimeS: 1, prior: false }));
    expect(workload.tasks.map((t) => t.flexible ?? false)).toEqual([true, false]);
  });

  it('carries an estimated CPU utilisation, and none where the estimate has none', () => {
    const { workload } = specToWorkload(wf, (f) => ({
      runtimeS: 1,
      prior: false,
      ...(f.type === 'sort' ? { cpuUtilisation: 0.3 } : {}),
    }));
    expect(workload.tasks.map((t) => t.cpuUtilisation)).toEqual([undefined, 0.3, undefined]);
  });

  it('names the program of argv and of shell commands by its base name', () => {
    expect(wf.tasks.map(programOf)).toEqual(['align', 'sort', 'report']);
  });
});
