/**
 * Tasks get only what they should, through the real `strata` CLI: a task that runs `env` sees the
 * base variables, its spec's `env`, the names its `env.inherit` lists and Strata's own variables —
 * none of the server's secrets (`STRATA_DB`, `PGPASSWORD`, ...). The local executor is checked
 * exactly; a Slurm job (real slurmctld/slurmd, like test/slurm.test.ts) also sees Slurm's own
 * variables, so there the secrets' absence and the task's variables are checked. Then the modes of
 * what a run creates: state folder and log folders 0700, database and logs 0600.
 */
import { statSync, existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalSlurm, requireSlurm } from '../src/executors/slurm/testing/local-slurm.js';
import { runCli } from './strata-cli.js';

/** The single-host Slurm of scripts/slurm/start-slurm.sh as a platform site. */
const LOCAL_SLURM_PLATFORM = join(import.meta.dirname, 'fixtures', 'platforms', 'local-slurm.yaml');

/** The server's environment: secrets that must not reach a task, and names a task inherits. */
const SERVER_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/home/strata-test-home',
  USER: 'strata-test-user',
  LANG: 'C.UTF-8',
  TMPDIR: tmpdir(),
  STRATA_DB: 'postgres://strata:db-secret@db.example/strata',
  PGPASSWORD: 'pg-secret',
  SECRET_X: 'x-secret',
  KEEP_ME: 'kept',
  OMP_A: 'omp-a',
  OMP_B: 'omp-b',
};
const SECRETS = ['STRATA_DB', 'PGPASSWORD', 'SECRET_X'];

const WORKFLOW = [
  'name: env-probe',
  'defaults:',
  '  env: { inherit: [OMP_*], FROM_DEFAULTS: d }',
  'tasks:',
  '  - name: probe',
  '    command: [env]',
  '    env: { inherit: [KEEP_ME, NOT_SET_ANYWHERE], SPEC_VAR: "a b", PATH: "/spec/bin:/usr/bin:/bin" }',
  '',
].join('\n');

/** `env` output as a mapping (values may not hold newlines here). */
function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Runs the workflow with the CLI (`flags` pick the executor) and returns the task's environment. */
async function probeEnv(cwd: string, flags: string[]): Promise<Record<string, string>> {
  await writeFile(join(cwd, 'wf.yaml'), WORKFLOW);
  const env = { ...onlyServerEnv(), ...SERVER_ENV };
  const run = await runCli([...flags, 'run', 'wf.yaml', '--no-progress'], cwd, env);
  expect(run.stdout + run.stderr).toMatch(/succeeded/);
  expect(run.code).toBe(0);
  const logs = await runCli([...flags, 'logs', 'probe'], cwd, env);
  expect(logs.code).toBe(0);
  return parseEnv(logs.stdout);
}

/** The test's own environment stays the server's too: every one of its other variables must not leak. */
function onlyServerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, STRATA_TEST_LEAK_CANARY: 'canary' };
}

function expectTaskVariables(seen: Record<string, string>): void {
  for (const name of SECRETS) expect(seen[name], name).toBeUndefined();
  expect(seen.STRATA_TEST_LEAK_CANARY).toBeUndefined();
  expect(seen.NOT_SET_ANYWHERE).toBeUndefined();
  expect(seen).toMatchObject({
    KEEP_ME: 'kept',
    OMP_A: 'omp-a',
    OMP_B: 'omp-b',
    FROM_DEFAULTS: 'd',
    SPEC_VAR: 'a b',
    PATH: '/spec/bin:/usr/bin:/bin',
    STRATA_TASK: 'probe',
    STRATA_ATTEMPT: '1',
  });
  expect(seen.STRATA_WORKFLOW_ID).toMatch(/\S/);
  expect(seen.STRATA_ATTEMPT_ID).toMatch(/\S/);
}

describe('task environment and file modes (local executor, real processes)', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'strata-task-env-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('a task sees the base, its env, the inherited names and Strata variables, nothing else', async () => {
    const home = join(cwd, '.strata');
    const seen = await probeEnv(cwd, ['--home', home, '--db', `sqlite:${join(home, 'strata.db')}`]);
    expectTaskVariables(seen);
    expect(seen).toMatchObject({
      HOME: SERVER_ENV.HOME,
      USER: SERVER_ENV.USER,
      LANG: SERVER_ENV.LANG,
      TMPDIR: SERVER_ENV.TMPDIR,
      CUDA_VISIBLE_DEVICES: '',
    });
    expect(Object.keys(seen).sort()).toEqual(
      [
        ...['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR'],
        ...['KEEP_ME', 'OMP_A', 'OMP_B', 'FROM_DEFAULTS', 'SPEC_VAR'],
        ...[
          'STRATA_ATTEMPT_ID',
          'STRATA_WORKFLOW_ID',
          'STRATA_TASK',
          'STRATA_ATTEMPT',
          'CUDA_VISIBLE_DEVICES',
        ],
      ].sort(),
    );
  });

  it('creates the state folder, log folders 0700 and the database, its WAL and the logs 0600', () => {
    const home = join(cwd, '.strata');
    const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
    expect(mode(home)).toBe('700');
    for (const name of ['strata.db', 'strata.db-wal', 'strata.db-shm']) {
      if (name === 'strata.db' || existsSync(join(home, name)))
        expect(mode(join(home, name)), name).toBe('600');
    }
    const logs = join(home, 'logs');
    expect(mode(logs)).toBe('700');
    const [workflowDir] = readdirSync(logs);
    expect(mode(join(logs, workflowDir!))).toBe('700');
    const attemptDir = join(logs, workflowDir!, 'probe.1');
    expect(mode(attemptDir)).toBe('700');
    const files = readdirSync(attemptDir);
    expect(files).toEqual(expect.arrayContaining(['stdout.log', 'stderr.log']));
    for (const file of files) expect(mode(join(attemptDir, file)), file).toBe('600');
  });
});

const slurm = ensureLocalSlurm();
const slurmCase = slurm.ok || requireSlurm() ? describe : describe.skip;

slurmCase(
  `task environment of a Slurm job (real Slurm${slurm.ok ? '' : `; unavailable: ${slurm.ok ? '' : slurm.reason}`})`,
  () => {
    let cwd: string;
    beforeAll(async () => {
      cwd = await mkdtemp(join(tmpdir(), 'strata-task-env-slurm-'));
    });
    afterAll(async () => {
      await rm(cwd, { recursive: true, force: true });
    });

    it(
      'sbatch --export=NONE: the job sees the task variables and none of the server secrets',
      { timeout: 120_000 },
      async () => {
        if (!slurm.ok) throw new Error(`STRATA_REQUIRE_SLURM=1 but ${slurm.reason}`);
        await mkdir(join(cwd, 'slurm'), { recursive: true });
        await copyFile(LOCAL_SLURM_PLATFORM, join(cwd, 'platform.yaml'));
        const home = join(cwd, '.strata');
        const flags = ['--home', home, '--db', `sqlite:${join(home, 'strata.db')}`];
        const seen = await probeEnv(cwd, [...flags, '--platform', 'platform.yaml', '--site', 'cluster']);
        expectTaskVariables(seen);
        expect(seen.SLURM_JOB_ID).toMatch(/^\d+$/);
        // srun inside the task passes the task's environment on, not --export=NONE's nothing.
        expect(seen.SLURM_EXPORT_ENV).toBe('ALL');
        const attempt = join(home, 'logs', readdirSync(join(home, 'logs'))[0]!, 'probe.1');
        expect((statSync(attempt).mode & 0o777).toString(8)).toBe('700');
        expect((statSync(join(attempt, 'stdout.log')).mode & 0o777).toString(8)).toBe('600');
      },
    );
  },
);
