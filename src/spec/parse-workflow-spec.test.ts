import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, type TaskSpec, type WorkflowSpec } from '../model/index.js';
import { formatSpecError, parseWorkflowSpec, type ParseOptions } from './index.js';
import { readRepoFile } from './testing/repo-files.js';

/** Parses a spec that must be valid, failing the test with the formatted errors otherwise. */
function parseOk(text: string, options: Partial<ParseOptions> = {}): WorkflowSpec {
  const result = parseWorkflowSpec(text, { file: 'test.yaml', ...options });
  if (!result.ok) throw new Error(result.errors.map(formatSpecError).join('\n'));
  return result.spec;
}

function task(spec: WorkflowSpec, name: string): TaskSpec {
  const found = spec.tasks.find((t) => t.name === name);
  if (!found) throw new Error(`no task ${name} in ${spec.tasks.map((t) => t.name).join(', ')}`);
  return found;
}

const y = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('parseWorkflowSpec on valid specs', () => {
  it('reads flexible from a task or from defaults, the task’s own value winning; absent means not flexible', () => {
    const spec = parseOk(
      y(
        'name: wf',
        'defaults: { flexible: true }',
        'tasks:',
        '  - { name: a, shell: echo a }',
        '  - { name: b, shell: echo b, flexible: false }',
      ),
    );
    expect(task(spec, 'a').flexible).toBe(true);
    expect(task(spec, 'b').flexible).toBeUndefined();
    const plain = parseOk(y('name: wf', 'tasks:', '  - { name: a, shell: echo a }'));
    expect(task(plain, 'a')).not.toHaveProperty('flexible');
  });

  it('normalises a minimal task with every default filled in', () => {
    const spec = parseOk(y('name: hello', 'tasks:', '  - name: greet', '    command: [echo, hello]'));
    expect(spec).toEqual({
      name: 'hello',
      failurePolicy: 'fail-fast',
      tasks: [
        {
          name: 'greet',
          command: { argv: ['echo', 'hello'] },
          env: {},
          inputs: [],
          outputs: [],
          deps: [],
          resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
          retry: { ...DEFAULT_RETRY },
          validate: { outputsExist: true, outputsNonEmpty: false },
        },
      ],
    });
  });

  it('reads the same spec written as JSON', () => {
    const json = JSON.stringify({
      name: 'hello',
      failure: 'continue',
      tasks: [{ name: 'greet', shell: 'echo hi' }],
    });
    const spec = parseOk(json);
    expect(spec.failurePolicy).toBe('continue');
    expect(task(spec, 'greet').command).toEqual({ shell: 'echo hi' });
  });

  it('keeps numbers and booleans in argv and env as written', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: a',
        '    command: [sleep, 0.10, true, 1e3]',
        '    env: { N: 4, F: false, X: 0x1F }',
      ),
    );
    expect(task(spec, 'a').command).toEqual({ argv: ['sleep', '0.10', 'true', '1e3'] });
    expect(task(spec, 'a').env).toEqual({ N: '4', F: 'false', X: '0x1F' });
  });

  it('merges defaults into tasks: mappings key by key, the task winning', () => {
    const spec = parseOk(
      y(
        'name: w',
        'defaults:',
        '  workdir: work',
        '  env: { LC_ALL: C, THREADS: 1 }',
        '  resources: { cpus: 1, memory: 256Mi }',
        '  retries: { limit: 2, backoff: 5s }',
        '  timeout: 10m',
        '  validate: { outputs: non-empty, command: [test, -s, x] }',
        'tasks:',
        '  - name: plain',
        '    command: [run]',
        '  - name: custom',
        '    command: [run]',
        '    workdir: .',
        '    env: { THREADS: 4 }',
        '    resources: { cpus: 4 }',
        '    retries: 5',
        '    timeout: 30s',
        '    validate: { shell: test -s y }',
      ),
    );
    const plain = task(spec, 'plain');
    expect(plain.workdir).toBe('work');
    expect(plain.env).toEqual({ LC_ALL: 'C', THREADS: '1' });
    expect(plain.resources).toEqual({ cpus: 1, memoryBytes: 256 * 2 ** 20, gpus: 0 });
    expect(plain.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 3, initialDelayMs: 5000 });
    expect(plain.timeoutMs).toBe(600_000);
    expect(plain.validate).toEqual({
      outputsExist: true,
      outputsNonEmpty: true,
      command: { argv: ['test', '-s', 'x'] },
    });

    const custom = task(spec, 'custom');
    expect(custom.workdir).toBeUndefined();
    expect(custom.env).toEqual({ LC_ALL: 'C', THREADS: '4' });
    expect(custom.resources).toEqual({ cpus: 4, memoryBytes: 256 * 2 ** 20, gpus: 0 });
    expect(custom.retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 6, initialDelayMs: 5000 });
    expect(custom.timeoutMs).toBe(30_000);
    expect(custom.validate).toEqual({
      outputsExist: true,
      outputsNonEmpty: true,
      command: { shell: 'test -s y' },
    });
  });

  it('reads retries in the short form (retries after the first attempt) and the long form', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: none',
        '    command: [x]',
        '    retries: 0',
        '  - name: short',
        '    command: [x]',
        '    retries: 3',
        '  - name: long',
        '    command: [x]',
        '    retries: { limit: 4, backoff: 250ms, factor: 1.5, max_backoff: 2m, jitter: 0 }',
      ),
    );
    expect(task(spec, 'none').retry.maxAttempts).toBe(1);
    expect(task(spec, 'short').retry).toEqual({ ...DEFAULT_RETRY, maxAttempts: 4 });
    expect(task(spec, 'long').retry).toEqual({
      maxAttempts: 5,
      initialDelayMs: 250,
      factor: 1.5,
      maxDelayMs: 120_000,
      jitter: 0,
    });
  });

  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1m30.5s', 90_500],
    ['90', 90_000],
    ['0.25', 250],
  ])('reads the timeout %s as %i ms', (text, ms) => {
    const spec = parseOk(y('name: w', 'tasks:', '  - name: a', '    command: [x]', `    timeout: ${text}`));
    expect(task(spec, 'a').timeoutMs).toBe(ms);
  });

  it.each([
    ['1048576', 1_048_576],
    ['64k', 64_000],
    ['100M', 100_000_000],
    ['1G', 1_000_000_000],
    ['512Mi', 536_870_912],
    ['2Gi', 2_147_483_648],
    ['1.5Gi', 1_610_612_736],
    ['1Ti', 2 ** 40],
  ])('reads the memory %s as %i bytes', (text, bytes) => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: a',
        '    command: [x]',
        `    resources: { memory: ${text}, cpus: 0.25, gpus: 2 }`,
      ),
    );
    expect(task(spec, 'a').resources).toEqual({ cpus: 0.25, memoryBytes: bytes, gpus: 2 });
  });

  it('expands a foreach list into members named name[i] with placeholders replaced everywhere', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: conv',
        '    foreach: { list: [data/a.csv, data/b.tar.gz] }',
        "    command: [convert, '{{item}}', 'out/{{stem}}.parquet', '{{ name }}', '{{index}}']",
        "    env: { FILE: '{{basename}}' }",
        "    workdir: 'w/{{index}}'",
        "    inputs: ['../../{{item}}']",
        "    outputs: ['out/{{stem}}.parquet']",
        "    validate: { command: [test, -s, 'out/{{stem}}.parquet'] }",
      ),
    );
    expect(spec.tasks.map((t) => t.name)).toEqual(['conv[0]', 'conv[1]']);
    const second = task(spec, 'conv[1]');
    expect(second).toMatchObject({
      array: 'conv',
      command: { argv: ['convert', 'data/b.tar.gz', 'out/b.tar.parquet', 'conv', '1'] },
      env: { FILE: 'b.tar.gz' },
      workdir: 'w/1',
      inputs: ['../../data/b.tar.gz'],
      outputs: ['out/b.tar.parquet'],
      validate: { command: { argv: ['test', '-s', 'out/b.tar.parquet'] } },
    });
  });

  it('expands ranges: the end excluded, with a step, counting down', () => {
    const items = (range: string): string[] => {
      const spec = parseOk(
        y(
          'name: w',
          'tasks:',
          '  - name: r',
          `    foreach: { range: ${range} }`,
          "    command: [echo, '{{item}}']",
        ),
      );
      return spec.tasks.map((t) => (t.command as { argv: string[] }).argv[1] ?? '');
    };
    expect(items('[0, 3]')).toEqual(['0', '1', '2']);
    expect(items('[10, 0, -4]')).toEqual(['10', '6', '2']);
    expect(items('{ from: 1, to: 8, step: 3 }')).toEqual(['1', '4', '7']);
    expect(items('{ to: 2 }')).toEqual(['0', '1']);
  });

  it('expands a glob with the injected listFiles, sorted and without repeats', () => {
    const patterns: string[] = [];
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: g',
        "    foreach: { glob: 'data/*.csv' }",
        "    command: [wc, '{{item}}']",
      ),
      {
        listFiles: (pattern) => {
          patterns.push(pattern);
          return ['data/b.csv', 'data/a.csv', 'data/b.csv'];
        },
      },
    );
    expect(patterns).toEqual(['data/*.csv']);
    expect(spec.tasks.map((t) => [t.name, (t.command as { argv: string[] }).argv[1]])).toEqual([
      ['g[0]', 'data/a.csv'],
      ['g[1]', 'data/b.csv'],
    ]);
  });

  it('reports a listFiles failure as an error, not an exception', () => {
    const result = parseWorkflowSpec(
      y('name: w', 'tasks:', '  - name: g', "    foreach: { glob: 'x/*' }", '    command: [x]'),
      {
        file: 'w.yaml',
        listFiles: () => {
          throw new Error('EACCES: permission denied');
        },
      },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => [e.code, e.message])).toEqual([
        ['SPEC_GLOB_FAILED', 'could not expand glob "x/*": EACCES: permission denied'],
      ]);
    }
  });

  it('infers dependencies from files across workdirs; an input nobody writes is external', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: use',
        '    command: [x]',
        '    workdir: work',
        '    inputs: [parts.txt, /etc/hosts, ../raw.csv]',
        '  - name: make',
        '    command: [x]',
        '    outputs: [./work//sub/../parts.txt]',
      ),
    );
    expect(task(spec, 'use').deps).toEqual(['make']);
    expect(task(spec, 'make').outputs).toEqual(['work/parts.txt']);
    expect(task(spec, 'use').inputs).toEqual(['parts.txt', '/etc/hosts', '../raw.csv']);
  });

  it('resolves after: a task, a whole array, one member, and members pairwise', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: prep',
        '    foreach: { range: [0, 3] }',
        '    command: [x]',
        '  - name: train',
        '    foreach: { range: [0, 3] }',
        "    after: ['prep[{{index}}]']",
        '    command: [x]',
        '  - name: pick',
        "    after: 'train[2]'",
        '    command: [x]',
        '  - name: all',
        '    after: [train, pick, pick]',
        '    command: [x]',
      ),
    );
    expect(task(spec, 'train[1]').deps).toEqual(['prep[1]']);
    expect(task(spec, 'pick').deps).toEqual(['train[2]']);
    expect(task(spec, 'all').deps).toEqual(['train[0]', 'train[1]', 'train[2]', 'pick']);
  });

  it('lists deps as after first, then files, each once', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: a',
        '    command: [x]',
        '    outputs: [a.txt]',
        '  - name: b',
        '    command: [x]',
        '    outputs: [b.txt]',
        '  - name: c',
        '    command: [x]',
        '    after: [b]',
        '    inputs: [a.txt, b.txt]',
      ),
    );
    expect(task(spec, 'c').deps).toEqual(['b', 'a']);
  });

  it('orders tasks topologically, keeping declaration order where the dependencies allow', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: report',
        '    command: [x]',
        '    inputs: [sum.txt]',
        '  - name: independent',
        '    command: [x]',
        '  - name: sum',
        '    command: [x]',
        '    after: [load]',
        '    outputs: [sum.txt]',
        '  - name: load',
        '    command: [x]',
        '  - name: last',
        '    command: [x]',
      ),
    );
    expect(spec.tasks.map((t) => t.name)).toEqual(['independent', 'load', 'sum', 'report', 'last']);
    const position = new Map(spec.tasks.map((t, i) => [t.name, i]));
    for (const t of spec.tasks)
      for (const d of t.deps) expect(position.get(d)).toBeLessThan(position.get(t.name) ?? -1);
  });

  it('parses a 10,000-member foreach with its fan-in', () => {
    const spec = parseOk(readRepoFile('examples/fan-out-in.yaml'));
    expect(spec.tasks).toHaveLength(10_002);
    expect(spec.tasks[0]?.name).toBe('start');
    expect(spec.tasks[10_001]?.name).toBe('join');
    expect(task(spec, 'fan[9999]')).toMatchObject({
      array: 'fan',
      deps: ['start'],
      command: { argv: ['true'] },
    });
    const join = task(spec, 'join');
    expect(join.deps).toHaveLength(10_000);
    expect(join.deps[0]).toBe('fan[0]');
    expect(join.deps[9_999]).toBe('fan[9999]');
  });

  it('parses 10,000 members linked by files, each output distinct', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: split',
        '    command: [x]',
        '    outputs: [parts.txt]',
        '  - name: work',
        '    foreach: { range: [0, 10000] }',
        "    shell: 'echo {{item}} > out/{{index}}.txt'",
        '    inputs: [parts.txt]',
        "    outputs: ['out/{{index}}.txt']",
        '  - name: merge',
        '    inputs: [out/0.txt, out/9999.txt]',
        '    command: [x]',
      ),
    );
    expect(spec.tasks).toHaveLength(10_002);
    expect(task(spec, 'work[1234]')).toMatchObject({ deps: ['split'], outputs: ['out/1234.txt'] });
    expect(task(spec, 'merge').deps).toEqual(['work[0]', 'work[9999]']);
  });

  it('parses the quickstart example into the graph its comment draws', () => {
    const spec = parseOk(readRepoFile('examples/quickstart.yaml'));
    expect(spec.tasks.map((t) => [t.name, t.deps])).toEqual([
      ['prepare', []],
      ['count[0]', ['prepare']],
      ['count[1]', ['prepare']],
      ['count[2]', ['prepare']],
      ['count[3]', ['prepare']],
      ['merge', ['count[0]', 'count[1]', 'count[2]', 'count[3]']],
      ['frequencies', ['prepare']],
      ['report', ['merge', 'frequencies', 'prepare']],
    ]);
    expect(task(spec, 'prepare').workdir).toBeUndefined();
    expect(task(spec, 'report').workdir).toBe('work');
  });

  it('leaves brace uses that are not placeholders alone', () => {
    const spec = parseOk(
      y('name: w', 'tasks:', '  - name: a', "    shell: awk '{{print $1}}' x | tmpl '{{.Name}}'"),
    );
    expect(task(spec, 'a').command).toEqual({ shell: "awk '{{print $1}}' x | tmpl '{{.Name}}'" });
  });

  it('accepts a byte-order mark and CRLF line ends', () => {
    const spec = parseOk('\uFEFFname: w\r\ntasks:\r\n  - name: a\r\n    shell: x\r\n');
    expect(task(spec, 'a').command).toEqual({ shell: 'x' });
  });

  it('follows YAML anchors and aliases', () => {
    const spec = parseOk(
      y(
        'name: w',
        'tasks:',
        '  - name: a',
        '    command: &cmd [run, --fast]',
        '    resources: &big { cpus: 8 }',
        '  - name: b',
        '    command: *cmd',
        '    resources: *big',
      ),
    );
    expect(task(spec, 'b').command).toEqual({ argv: ['run', '--fast'] });
    expect(task(spec, 'b').resources.cpus).toBe(8);
  });
});

describe('env.inherit', () => {
  it('is read apart from the variables, joined with that of defaults; absent when none', () => {
    const spec = parseOk(
      y(
        'name: wf',
        'defaults:',
        '  env: { inherit: [OMP_*, HOME], A: 1 }',
        'tasks:',
        '  - name: a',
        '    command: [echo]',
        '    env: { inherit: [SLURM_JOB_ID, HOME], B: two }',
        '  - name: b',
        '    command: [echo]',
      ),
    );
    expect(task(spec, 'a')).toMatchObject({
      env: { A: '1', B: 'two' },
      envInherit: ['OMP_*', 'HOME', 'SLURM_JOB_ID'],
    });
    expect(task(spec, 'b')).toMatchObject({ env: { A: '1' }, envInherit: ['OMP_*', 'HOME'] });
    const plain = parseOk(y('name: wf', 'tasks:', '  - name: a', '    command: [echo]', '    env: { X: 1 }'));
    expect(task(plain, 'a').envInherit).toBeUndefined();
  });
});

describe('formatSpecError', () => {
  it('prints file:line:column, code, path, message and the hint on its own line', () => {
    expect(
      formatSpecError({
        code: 'SPEC_UNKNOWN_FIELD',
        message: 'unknown field "comand"',
        file: 'wf.yaml',
        line: 12,
        column: 7,
        path: 'tasks[2].comand',
        hint: 'did you mean "command"?',
      }),
    ).toBe(
      'wf.yaml:12:7 error SPEC_UNKNOWN_FIELD at tasks[2].comand: unknown field "comand"\n  hint: did you mean "command"?',
    );
  });

  it('leaves out an empty path and an empty hint', () => {
    expect(
      formatSpecError({
        code: 'SPEC_YAML_SYNTAX',
        message: 'bad',
        file: '<api>',
        line: 1,
        column: 1,
        path: '',
        hint: '',
      }),
    ).toBe('<api>:1:1 error SPEC_YAML_SYNTAX: bad');
  });
});
