import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LaunchRequest } from '../executor.js';
import { parseRusage } from '../process-tools.js';
import {
  batchComment,
  batchScript,
  commentFits,
  jobName,
  parseBatchComment,
  requestProblem,
  sbatchArgv,
  shapeKey,
} from './batch-script.js';
import { HOSTILE } from './testing/hostile-values.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-batch-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function req(n: number, overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    attemptId: `wf-1/${n}/1`,
    workflowId: 'wf-1',
    taskName: `fan[${n}]`,
    attempt: 1,
    command: { argv: ['true'] },
    env: {},
    workdir: dir,
    resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
    nodeId: 'slurm',
    gpuIds: [],
    logDir: join(dir, 'logs', String(n)),
    ...overrides,
  };
}

describe('batchScript', () => {
  it('runs the attempt of its array index, values byte-exact (run here with sh, as slurmd would)', () => {
    const reqs = [
      req(0, { command: { argv: ['printf', 'zero'] } }),
      req(1, {
        taskName: HOSTILE.join(' '),
        command: { argv: ['sh', '-c', 'printf "%s\\0" "$@" "$E" "$STRATA_TASK"', 'sh', ...HOSTILE] },
        env: { E: HOSTILE.join('\n') },
      }),
    ];
    const script = batchScript(reqs);
    const run = spawnSync('sh', ['-s'], { input: script, env: { ...process.env, SLURM_ARRAY_TASK_ID: '1' } });
    expect(run.status).toBe(0);
    const out = readFileSync(join(dir, 'logs', '1', 'stdout.log'), 'utf8')
      .split('\0')
      .slice(0, -1);
    expect(out).toEqual([...HOSTILE, HOSTILE.join('\n'), HOSTILE.join(' ')]);
  });

  it.skipIf(!existsSync('/usr/bin/time'))(
    'runs the command under GNU time where the node has it: CPU time, memory, its own exit or signal',
    () => {
      const run = (n: number, command: LaunchRequest['command'], gnuTime?: string | null) => {
        const script = batchScript([req(n, { command })], gnuTime);
        return spawnSync('sh', ['-s'], { input: script }).status;
      };
      const rusage = (n: number) => parseRusage(readFileSync(join(dir, 'logs', String(n), 'rusage'), 'utf8'));
      expect(run(10, { argv: ['sh', '-c', 'exit 3'] })).toBe(3);
      expect(rusage(10)).toMatchObject({ exitCode: 3, signal: null });
      // Killed by a signal: the job exits 128 + 9 (what Slurm sees), the file keeps the signal.
      expect(run(11, { shell: 'kill -KILL $$' })).toBe(137);
      expect(rusage(11)).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
      expect(run(12, { argv: ['true'] })).toBe(0);
      expect(rusage(12)!.peakRssBytes).toBeGreaterThan(0);
      // Where the binary is missing on the node, or turned off, the command runs bare.
      expect(run(13, { argv: ['sh', '-c', 'exit 4'] }, '/no/such/time')).toBe(4);
      expect(run(14, { argv: ['true'] }, null)).toBe(0);
      expect(existsSync(join(dir, 'logs', '13', 'rusage'))).toBe(false);
      expect(existsSync(join(dir, 'logs', '14', 'rusage'))).toBe(false);
    },
  );

  it('writes why it could not start into the log directory', () => {
    const missing = join(dir, "no such 'dir'");
    const script = batchScript([req(2, { workdir: missing })]);
    expect(spawnSync('sh', ['-s'], { input: script }).status).toBe(1);
    expect(readFileSync(join(dir, 'logs', '2', 'strata-launch-error'), 'utf8')).toBe(
      `working directory does not exist: ${missing}\n`,
    );
  });
});

describe('sbatch command line', () => {
  it('maps resources, time limit and site settings onto sbatch options, one array for many', () => {
    const reqs = [0, 1, 2].map((n) =>
      req(n, { resources: { cpus: 1.5, memoryBytes: 3 * 2 ** 30, gpus: 2 }, timeoutMs: 90_000 }),
    );
    const argv = sbatchArgv({
      name: jobName(reqs),
      comment: batchComment('tok', reqs),
      reqs,
      partition: 'gpu',
      account: 'proj',
      qos: 'high',
      extraArgs: ['--constraint=a100'],
    });
    expect(argv).toEqual([
      'sbatch',
      '--parsable',
      '--job-name=strata.fan_3_',
      '--comment=strata tok wf-1/ 0/1,1/1,2/1',
      '--output=/dev/null',
      '--error=/dev/null',
      '--no-requeue',
      '--export=NONE',
      '--nodes=1',
      '--ntasks=1',
      '--cpus-per-task=2',
      '--mem=3072M',
      '--gres=gpu:2',
      '--time=3',
      '--partition=gpu',
      '--account=proj',
      '--qos=high',
      '--array=0-2',
      '--constraint=a100',
    ]);
  });

  it('sanitises job names', () => {
    expect(jobName([req(0, { taskName: "a'b $(x)\n;c" })])).toBe('strata.a_b___x___c');
  });

  it('round-trips the ids in the comment, and knows when it is too long for Slurm', () => {
    const reqs = [req(3), req(4, { attemptId: 'wf-1/4 ,x/2' })];
    const parsed = parseBatchComment(batchComment('t0k', reqs));
    expect(parsed?.token).toBe('t0k');
    expect(parsed?.attemptIds).toEqual(['wf-1/3/1', 'wf-1/4%20%2Cx/2']);
    expect(commentFits('t', reqs)).toBe(true);
    expect(
      commentFits(
        't',
        Array.from({ length: 400 }, (_, n) => req(n + 1000)),
      ),
    ).toBe(false);
  });

  it('groups attempts by workflow, resources and time limit', () => {
    expect(shapeKey(req(0))).toBe(shapeKey(req(1)));
    expect(shapeKey(req(0))).not.toBe(shapeKey(req(1, { timeoutMs: 1000 })));
    expect(shapeKey(req(0))).not.toBe(shapeKey(req(1, { workflowId: 'other' })));
  });

  it('refuses what cannot be exported or passed', () => {
    expect(requestProblem(req(0, { env: { 'A-B': 'x' } }))).toMatch(/cannot be exported/);
    expect(requestProblem(req(0, { command: { argv: ['a\0b'] } }))).toMatch(/NUL/);
    expect(requestProblem(req(0, { command: { argv: [] } }))).toMatch(/empty command/);
    expect(requestProblem(req(0))).toBeNull();
  });
});
