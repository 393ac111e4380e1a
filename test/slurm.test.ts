/**
 * The Slurm executor against real Slurm daemons (slurmctld + slurmd + munge on this machine, started
 * by scripts/slurm/start-slurm.sh when installed but not running): the shared executor conformance
 * suite, then end-to-end runs through the engine — a 50-task DAG with a job array and a retried
 * task, an outage of slurmctld in the middle of a run, and hostile task names, arguments and
 * environment values.
 *
 * Never skipped silently: without Slurm, CI (STRATA_REQUIRE_SLURM=1, set by .ci/run) fails here; on
 * a developer machine without Slurm the suite is reported as skipped, with the reason in its name.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/engine/engine.js';
import { loadSpecText } from '../src/engine/load-spec.js';
import type { ExecutorEvent, LaunchRequest } from '../src/executors/executor.js';
import {
  LocalCommandRunner,
  SlurmExecutor,
  type CommandResult,
  type CommandRunner,
  type RunOptions,
  type SshOptions,
} from '../src/executors/slurm/index.js';
import {
  controllerAnswers,
  ensureLocalSlurm,
  requireSlurm,
  startController,
  stopController,
} from '../src/executors/slurm/testing/local-slurm.js';
import { writeFakeSsh } from '../src/executors/slurm/testing/fake-ssh.js';
import { startLocalSshd } from '../src/executors/slurm/testing/local-sshd.js';
import { executorConformanceSuite } from '../src/executors/testing/executor-conformance.js';
import type { AttemptOutcome } from '../src/model/index.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { runCli, startCli } from './strata-cli.js';

/** The single-host Slurm of scripts/slurm/start-slurm.sh as a platform site. */
const LOCAL_SLURM_PLATFORM = join(import.meta.dirname, 'fixtures', 'platforms', 'local-slurm.yaml');

const slurm = ensureLocalSlurm();

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

/**
 * A test double around the real command runner: squeue stops listing the given jobs, as it does
 * `MinJobAge` after their end (5 minutes here: too long to wait for in a test). Everything else,
 * sacct and the job completion log included, is the real thing.
 */
class ForgetfulSqueue implements CommandRunner {
  readonly where = 'local (forgetful squeue)';
  constructor(
    private readonly inner: CommandRunner,
    private readonly forgotten: ReadonlySet<string>,
  ) {}

  async run(argv: readonly string[], options?: RunOptions): Promise<CommandResult> {
    const result = await this.inner.run(argv, options);
    if (argv[0] !== 'squeue' || result.code !== 0) return result;
    const doc = JSON.parse(result.stdout) as { jobs: Array<{ job_id: number }> };
    doc.jobs = doc.jobs.filter((j) => !this.forgotten.has(String(j.job_id)));
    return { ...result, stdout: JSON.stringify(doc) };
  }

  readFile(path: string, maxBytes?: number): Promise<string | null> {
    return this.inner.readFile(path, maxBytes);
  }
}

/** `scontrol update nodename=N state=down|resume`; resume waits until the node is idle again. */
function setNodeState(node: string, state: 'down' | 'resume'): void {
  const args = [
    'update',
    `nodename=${node}`,
    `state=${state}`,
    ...(state === 'down' ? ['reason=strata-test'] : []),
  ];
  spawnSync('scontrol', args, { encoding: 'utf8' });
  if (state === 'resume') {
    for (let i = 0; i < 60; i++) {
      const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
      if (/^idle/m.test(r.stdout)) return;
      spawnSync('sleep', ['0.5']);
    }
  }
}

if (!slurm.ok && requireSlurm()) {
  describe('Slurm (required: STRATA_REQUIRE_SLURM=1)', () => {
    it('is available', () => {
      throw new Error(`STRATA_REQUIRE_SLURM=1 but ${slurm.reason}`);
    });
  });
} else if (!slurm.ok) {
  console.warn(`\n*** Slurm integration tests SKIPPED: ${slurm.reason} ***\n`);
  describe.skip(`SKIPPED (Slurm unavailable: ${slurm.reason}) — SlurmExecutor integration`, () => {
    it('needs real Slurm daemons', () => {});
  });
} else {
  const stateDir = slurm.stateDir;

  executorConformanceSuite('SlurmExecutor (real slurmctld/slurmd)', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'strata-slurm-conformance-'));
    const executor = new SlurmExecutor({ pollIntervalMs: 300 });
    return { executor, workdir, cleanup: () => rm(workdir, { recursive: true, force: true }) };
  });

  describe('SlurmExecutor through the engine (real Slurm)', () => {
    let dir: string;
    let store: Store;
    const open: Array<{ close(): Promise<void> }> = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'strata-slurm-engine-'));
      store = await openStore({ url: `sqlite:${join(dir, 'strata.db')}` });
    });

    afterAll(async () => {
      // Whatever happened, the controller is left running for whoever comes next.
      if (!controllerAnswers()) startController(stateDir);
      for (const o of open.reverse()) await o.close().catch(() => {});
      await store?.close();
      await rm(dir, { recursive: true, force: true });
    });

    async function engineOn(executor: SlurmExecutor): Promise<Engine> {
      const engine = new Engine({ store, executor, stateDir: join(dir, 'state') });
      await engine.init();
      open.push(executor, engine);
      return engine;
    }

    async function submit(engine: Engine, name: string, yaml: string) {
      const baseDir = join(dir, name);
      await mkdir(baseDir, { recursive: true });
      const loaded = loadSpecText(yaml, { file: `${name}.yaml`, baseDir });
      return { wf: await engine.submit(loaded.spec, { baseDir, source: loaded.source }), baseDir };
    }

    it(
      'runs a 50-task DAG with a job array and a task that fails once, logs included',
      { timeout: 240_000 },
      async () => {
        const executor = new SlurmExecutor({ pollIntervalMs: 300 });
        const engine = await engineOn(executor);
        const yaml = [
          'name: dag50',
          'tasks:',
          '  - name: prep',
          "    shell: 'echo prep >> ledger.txt; echo prepared'",
          '  - name: fan',
          '    foreach: { range: [0, 40] }',
          '    after: [prep]',
          "    shell: 'echo fan{{index}} >> ledger.txt; echo out-{{index}}; echo err-{{index}} >&2'",
          '  - name: flaky',
          '    after: [prep]',
          '    retries: { limit: 2, backoff: 1s, jitter: 0 }',
          // Fails on its first run only: the marker file survives into the retry.
          "    shell: 'echo flaky-$STRATA_ATTEMPT >> ledger.txt; if [ ! -e flaky.once ]; then touch flaky.once; echo first run fails >&2; exit 7; fi; echo flaky ok'",
          '  - name: mid',
          '    foreach: { range: [0, 6] }',
          '    after: [flaky]',
          "    shell: 'echo mid{{index}} >> ledger.txt'",
          '  - name: stats',
          '    after: [fan]',
          "    shell: 'echo stats >> ledger.txt'",
          '  - name: join',
          '    after: [stats, mid]',
          "    shell: 'echo join >> ledger.txt; echo all done'",
          '',
        ].join('\n');
        const t0 = Date.now();
        const { wf, baseDir } = await submit(engine, 'dag50', yaml);
        const final = await engine.waitFor(wf.id);
        if (final !== 'succeeded') console.log(await store.listAttempts(wf.id));
        expect(final).toBe('succeeded');
        const elapsedMs = Date.now() - t0;

        const tasks = await store.listTasks(wf.id);
        expect(tasks).toHaveLength(50);
        expect(tasks.filter((t) => t.state !== 'succeeded').map((t) => t.name)).toEqual([]);

        // Every task ran exactly once, but flaky, which ran twice (attempt 1 failed with exit 7).
        const ledger = (await readFile(join(baseDir, 'ledger.txt'), 'utf8')).trim().split('\n').sort();
        const expected = [
          'prep',
          'stats',
          'join',
          'flaky-1',
          'flaky-2',
          ...Array.from({ length: 40 }, (_, i) => `fan${i}`),
          ...Array.from({ length: 6 }, (_, i) => `mid${i}`),
        ].sort();
        expect(ledger).toEqual(expected);
        const attempts = await store.listAttempts(wf.id);
        const flakyIdx = tasks.find((t) => t.name === 'flaky')!.idx;
        const flaky = attempts.filter((a) => a.taskIdx === flakyIdx);
        expect(flaky.map((a) => [a.status, a.exitCode])).toEqual([
          ['failed', 7],
          ['succeeded', 0],
        ]);
        expect(attempts).toHaveLength(51);
        // GNU time in the batch script measured every attempt (CI installs it on the node):
        // CPU time and peak memory, as the local executor records them.
        for (const a of attempts) {
          expect(a.cpuTimeMs, `${a.taskIdx}/${a.number}`).not.toBeNull();
          expect(a.peakRssBytes, `${a.taskIdx}/${a.number}`).toBeGreaterThan(0);
        }

        // The logs are Strata's: the engine recorded the files the jobs wrote.
        for (const t of tasks) {
          const fan = /^fan\[(\d+)\]$/.exec(t.name);
          if (!fan) continue;
          const [a] = attempts.filter((x) => x.taskIdx === t.idx);
          expect(await readFile(a!.stdoutPath!, 'utf8')).toBe(`out-${fan[1]}\n`);
          expect(await readFile(a!.stderrPath!, 'utf8')).toBe(`err-${fan[1]}\n`);
        }
        const [firstFlaky] = flaky;
        expect(await readFile(firstFlaky!.stderrPath!, 'utf8')).toBe('first run fails\n');

        // The 40 members of fan went as one Slurm job array (handles `<array>_<index>`).
        const fanArrays = new Set(
          attempts
            .filter((a) => tasks[a.taskIdx]!.name.startsWith('fan['))
            .map((a) => (JSON.parse(a.handle!) as { slurmJob: string }).slurmJob.split('_')[0]),
        );
        expect(fanArrays.size).toBe(1);
        const stats = executor.stats;
        expect(stats.arrays).toBeGreaterThanOrEqual(1);
        expect(stats.sbatch).toBeLessThan(20);
        // Batched polling: one squeue per poll, never one per job.
        expect(stats.squeue).toBeLessThan(elapsedMs / 300 + 20);
        console.log(`50-task DAG on Slurm: ${elapsedMs} ms`, stats);
      },
    );

    it(
      'cancels a running workflow with one scancel for all its jobs, running or queued in Slurm',
      { timeout: 240_000 },
      async () => {
        const executor = new SlurmExecutor({ pollIntervalMs: 300 });
        const engine = await engineOn(executor);
        const yaml = [
          'name: cancel-all',
          'tasks:',
          '  - name: long',
          '    foreach: { range: [0, 12] }',
          "    shell: 'echo started >> ledger-{{index}}.txt; sleep 120; echo late >> ledger-{{index}}.txt'",
          '',
        ].join('\n');
        const { wf, baseDir } = await submit(engine, 'cancel-all', yaml);
        // Running in Slurm is not yet running the command (with --export=NONE, slurmd first loads the
        // user's login environment): wait until one has written its ledger.
        // Up to 90 s: with --export=NONE, slurmd loads the user's login environment before each job,
        // which on a loaded machine takes seconds a job.
        for (let i = 0; i < 900; i++) {
          if (readdirSync(baseDir).some((f) => f.startsWith('ledger'))) break;
          await sleep(100);
        }
        // Every member in Slurm (its job id recorded): one still being submitted cannot be in the same
        // scancel, and would get one of its own once its id is known.
        for (let i = 0; i < 300; i++) {
          const attempts = await store.listAttempts(wf.id);
          if (attempts.length === 12 && attempts.every((a) => a.handle !== null)) break;
          await sleep(100);
        }
        const before = executor.stats.scancel;
        await engine.cancel(wf.id);
        expect(await engine.waitFor(wf.id)).toBe('cancelled');
        expect(executor.stats.scancel - before).toBe(1);
        const tasks = await store.listTasks(wf.id);
        expect(tasks.map((t) => t.state)).toEqual(tasks.map(() => 'cancelled'));
        // Nothing of them runs on in Slurm.
        const left = spawnSync('squeue', ['-h', '-o', '%k'], { encoding: 'utf8' }).stdout;
        expect(left.split('\n').filter((c) => c.includes(wf.id))).toEqual([]);
        expect(readdirSync(baseDir).filter((f) => f.startsWith('ledger')).length).toBeGreaterThan(0);
        for (const f of readdirSync(baseDir).filter((n) => n.startsWith('ledger'))) {
          expect(await readFile(join(baseDir, f), 'utf8')).toBe('started\n');
        }
      },
    );

    it(
      'rides out a slurmctld outage mid-run: no task lost, none run twice',
      { timeout: 240_000 },
      async () => {
        const executor = new SlurmExecutor({ pollIntervalMs: 300 });
        const engine = await engineOn(executor);
        const n = 12;
        const yaml = [
          'name: outage',
          'tasks:',
          '  - name: w',
          `    foreach: { range: [0, ${n}] }`,
          "    shell: 'sleep 3; echo w{{index}}-$STRATA_ATTEMPT_ID >> ledger.txt'",
          '  - name: after',
          '    after: [w]',
          "    shell: 'echo after-$STRATA_ATTEMPT_ID >> ledger.txt'",
          '',
        ].join('\n');
        const { wf, baseDir } = await submit(engine, 'outage', yaml);
        // Stop the controller once jobs run (and some have ended), so it misses ends and starts.
        for (let i = 0; i < 300; i++) {
          const tasks = await store.listTasks(wf.id);
          if (tasks.filter((t) => t.state === 'succeeded').length >= 2) break;
          await sleep(100);
        }
        stopController(stateDir);
        expect(controllerAnswers()).toBe(false);
        const outageStart = Date.now();
        // A workflow submitted during the outage: its sbatch cannot reach the controller.
        const late = await submit(
          engine,
          'outage-late',
          [
            'name: outage-late',
            'tasks:',
            '  - name: l',
            '    foreach: { range: [0, 3] }',
            "    shell: 'echo l{{index}}-$STRATA_ATTEMPT_ID >> ledger.txt'",
            '',
          ].join('\n'),
        );
        await sleep(12_000);
        // Nothing was reported failed or lost while the controller was away.
        const during = [...(await store.listAttempts(wf.id)), ...(await store.listAttempts(late.wf.id))];
        expect(during.filter((a) => !['queued', 'running', 'succeeded'].includes(a.status))).toEqual([]);
        startController(stateDir);
        const outageMs = Date.now() - outageStart;

        expect(await engine.waitFor(wf.id)).toBe('succeeded');
        const ledger = (await readFile(join(baseDir, 'ledger.txt'), 'utf8')).trim().split('\n');
        expect(ledger).toHaveLength(n + 1);
        expect(new Set(ledger.map((l) => l.split('-')[0])).size).toBe(n + 1);
        const attempts = await store.listAttempts(wf.id);
        // One attempt per task, all succeeded: nothing was lost, retried or run twice.
        expect(attempts).toHaveLength(n + 1);
        expect(attempts.every((a) => a.status === 'succeeded' && a.number === 1)).toBe(true);
        // The late workflow went in once the controller was back, each task once.
        expect(await engine.waitFor(late.wf.id)).toBe('succeeded');
        const lateLedger = (await readFile(join(late.baseDir, 'ledger.txt'), 'utf8')).trim().split('\n');
        expect(lateLedger.map((l) => l.split('-')[0]).sort()).toEqual(['l0', 'l1', 'l2']);
        expect((await store.listAttempts(late.wf.id)).map((a) => [a.status, a.number])).toEqual([
          ['succeeded', 1],
          ['succeeded', 1],
          ['succeeded', 1],
        ]);
        console.log(`outage of ${outageMs} ms survived`, executor.stats);
      },
    );
  });

  describe('SlurmExecutor states and re-attachment (real Slurm)', () => {
    let dir: string;
    let store: Store;
    const open: Array<{ close(): Promise<void> }> = [];

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'strata-slurm-states-'));
      store = await openStore({ url: `sqlite:${join(dir, 'strata.db')}` });
    });

    afterAll(async () => {
      for (const o of open.reverse()) await o.close().catch(() => {});
      await store?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it(
      'reads a NODE_FAIL as lost, and the engine retries it for free (retries: 0)',
      { timeout: 240_000 },
      async () => {
        const executor = new SlurmExecutor({ pollIntervalMs: 300 });
        const engine = new Engine({ store, executor, stateDir: join(dir, 'state') });
        await engine.init();
        open.push(executor, engine);
        const baseDir = join(dir, 'nodefail');
        await mkdir(baseDir, { recursive: true });
        const yaml = [
          'name: nodefail',
          'tasks:',
          '  - name: victim',
          // Attempt 1 waits for the node to fail under it; attempt 2 is quick.
          "    shell: 'echo run-$STRATA_ATTEMPT >> ledger.txt; if [ $STRATA_ATTEMPT = 1 ]; then sleep 60; fi'",
          '',
        ].join('\n');
        const loaded = loadSpecText(yaml, { file: 'nodefail.yaml', baseDir });
        const wf = await engine.submit(loaded.spec, { baseDir, source: loaded.source });
        // Up to 90 s for the job to run its command (slurmd loads the login environment first).
        for (let i = 0; i < 900 && !existsSync(join(baseDir, 'ledger.txt')); i++) await sleep(100);
        const node = (await readFile('/proc/sys/kernel/hostname', 'utf8')).trim().split('.')[0]!;
        setNodeState(node, 'down');
        try {
          // The retry can only run once the node is back: bring it back when the loss is recorded.
          for (let i = 0; i < 300; i++) {
            if ((await store.listAttempts(wf.id)).some((a) => a.status === 'lost')) break;
            await sleep(100);
          }
        } finally {
          setNodeState(node, 'resume');
        }
        expect(await engine.waitFor(wf.id)).toBe('succeeded');
        const attempts = await store.listAttempts(wf.id);
        expect(attempts.map((a) => a.status)).toEqual(['lost', 'succeeded']);
        expect(attempts[0]!.message).toMatch(/NODE_FAIL/);
        expect((await readFile(join(baseDir, 'ledger.txt'), 'utf8')).split('\n')).toEqual([
          'run-1',
          'run-2',
          '',
        ]);
      },
    );

    it(
      'lets a new executor re-attach jobs of a closed one: by handle, and without handle by comment',
      { timeout: 120_000 },
      async () => {
        const workdir = join(dir, 'reattach');
        await mkdir(workdir, { recursive: true });
        const first = new SlurmExecutor({ pollIntervalMs: 300 });
        const seen: ExecutorEvent[] = [];
        first.onEvent((e) => seen.push(e));
        const reqs: LaunchRequest[] = [0, 1].map((k) => ({
          attemptId: `reattach-${randomUUID().slice(0, 6)}/${k}/1`,
          workflowId: 'reattach',
          taskName: `r${k}`,
          attempt: 1,
          command: { shell: `sleep 3; echo done-${k}` },
          env: {},
          workdir,
          resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
          nodeId: 'slurm',
          gpuIds: [],
          logDir: join(dir, 'reattach-logs', String(k)),
        }));
        await Promise.all(reqs.map((r) => first.start(r)));
        let handle: string | null = null;
        for (let i = 0; i < 300 && handle === null; i++) {
          const started = seen.find((e) => e.kind === 'started' && e.attemptId === reqs[0]!.attemptId);
          if (started?.kind === 'started') handle = started.handle;
          else await sleep(100);
        }
        expect(handle).not.toBeNull();
        await first.close(); // the engine "dies": its jobs keep running in Slurm

        const second = new SlurmExecutor({ pollIntervalMs: 300 });
        const events: ExecutorEvent[] = [];
        second.onEvent((e) => events.push(e));
        expect(await second.reattach(reqs[0]!, handle)).toBe('attached');
        expect(await second.reattach(reqs[1]!, null)).toBe('attached'); // found by its comment
        const finished = async (id: string) => {
          for (let i = 0; i < 600; i++) {
            const f = events.find((e) => e.kind === 'finished' && e.attemptId === id);
            if (f?.kind === 'finished') return f.outcome;
            await sleep(100);
          }
          throw new Error(`${id} never finished`);
        };
        expect((await finished(reqs[0]!.attemptId)).status).toBe('succeeded');
        expect((await finished(reqs[1]!.attemptId)).status).toBe('succeeded');
        // The one re-attached by handle was already known as started: no second `started`.
        expect(events.filter((e) => e.kind === 'started' && e.attemptId === reqs[0]!.attemptId)).toEqual([]);
        expect(await readFile(join(dir, 'reattach-logs', '1', 'stdout.log'), 'utf8')).toBe('done-1\n');
        await second.close();
      },
    );

    it(
      'reads the end of a job squeue has forgotten from the job completion log (or sacct when accounting is on)',
      { timeout: 120_000 },
      async () => {
        const workdir = join(dir, 'aged');
        await mkdir(workdir, { recursive: true });
        const first = new SlurmExecutor({ pollIntervalMs: 300 });
        const seen: ExecutorEvent[] = [];
        first.onEvent((e) => seen.push(e));
        const req: LaunchRequest = {
          attemptId: `aged-${randomUUID().slice(0, 6)}/0/1`,
          workflowId: 'aged',
          taskName: 'aged',
          attempt: 1,
          command: { shell: 'echo bye; exit 3' },
          env: {},
          workdir,
          resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
          nodeId: 'slurm',
          gpuIds: [],
          logDir: join(dir, 'aged-logs'),
        };
        await first.start(req);
        for (let i = 0; i < 600 && !seen.some((e) => e.kind === 'finished'); i++) await sleep(100);
        await first.close();
        const started = seen.find((e) => e.kind === 'started');
        if (started?.kind !== 'started') throw new Error('the job never started');
        const jobId = (JSON.parse(started.handle) as { slurmJob: string }).slurmJob;

        // As if the engine had been down for longer than MinJobAge: squeue no longer lists the job.
        const runner = new ForgetfulSqueue(new LocalCommandRunner(), new Set([jobId]));
        const second = new SlurmExecutor({ pollIntervalMs: 300, runner, missingPollsBeforeLost: 30 });
        const events: ExecutorEvent[] = [];
        second.onEvent((e) => events.push(e));
        try {
          expect(await second.reattach(req, started.handle)).toBe('attached');
          let outcome: AttemptOutcome | undefined;
          for (let i = 0; i < 600 && !outcome; i++) {
            const f = events.find((e) => e.kind === 'finished');
            if (f?.kind === 'finished') outcome = f.outcome;
            else await sleep(100);
          }
          expect(outcome).toMatchObject({ status: 'failed', exitCode: 3 });
          expect(second.stats.completionLookups).toBeGreaterThanOrEqual(1);
        } finally {
          await second.close();
        }
      },
    );

    it(
      'runs a workflow from the CLI on a platform site, survives a SIGKILL of the engine, and resumes it',
      { timeout: 180_000 },
      async () => {
        const cwd = join(dir, 'cli');
        await mkdir(cwd, { recursive: true });
        await copyFile(LOCAL_SLURM_PLATFORM, join(cwd, 'platform.yaml'));
        await writeFile(
          join(cwd, 'wf.yaml'),
          [
            'name: cli-slurm',
            'tasks:',
            '  - name: t',
            '    foreach: { range: [0, 8] }',
            "    shell: 'sleep 2; echo t{{index}} >> ledger.txt; echo out-{{index}}'",
            '',
          ].join('\n'),
        );
        const flags = ['--home', join(cwd, '.strata'), '--platform', 'platform.yaml', '--site', 'cluster'];
        const run = startCli([...flags, 'run', 'wf.yaml', '--no-progress'], cwd);
        for (let i = 0; i < 300 && !existsSync(join(cwd, 'ledger.txt')); i++) await sleep(100);
        run.kill('SIGKILL'); // jobs are running or queued in Slurm
        await run.result;
        const resumed = await runCli([...flags, 'resume', '--no-progress'], cwd);
        expect(resumed.stdout + resumed.stderr).toMatch(/succeeded: 8 succeeded/);
        expect(resumed.code).toBe(0);
        const ledger = (await readFile(join(cwd, 'ledger.txt'), 'utf8')).trim().split('\n').sort();
        expect(ledger).toEqual(Array.from({ length: 8 }, (_, i) => `t${i}`).sort());
        const logs = await runCli([...flags, 'logs', 't[3]'], cwd);
        expect(logs.stdout).toBe('out-3\n');
      },
    );
  });

  describe('SlurmExecutor over SSH (a real sshd on 127.0.0.1 when installed, else the FakeSsh double with a warning; CI requires the real one)', () => {
    let transport: { ssh: SshOptions; stop(): Promise<void>; real: boolean } | undefined;
    const sshDir = mkdtempSync(join(tmpdir(), 'strata-sshd-'));

    beforeAll(async () => {
      const sshd = await startLocalSshd(sshDir);
      if (typeof sshd === 'string') {
        // Without openssh-server (CI installs it) the transport is FakeSsh, a test double: said loudly.
        console.warn(`*** SSH tests use FakeSsh (a test double), not a real sshd: ${sshd} ***`);
        const fake = writeFakeSsh(sshDir);
        transport = {
          ssh: { host: 'login1.test', user: 'alice', port: 2222, ssh: fake.path },
          stop: async () => {},
          real: false,
        };
      } else {
        transport = { ...sshd, real: true };
      }
    });

    afterAll(async () => {
      await transport?.stop();
      rmSync(sshDir, { recursive: true, force: true });
    });

    it(
      'submits, watches and reads back a job through ssh to a login node, values byte-exact',
      { timeout: 120_000 },
      async () => {
        if (requireSlurm() && !transport!.real) throw new Error('CI must test SSH against a real sshd');
        const dir = await mkdtemp(join(tmpdir(), 'strata-slurm-ssh-'));
        const executor = new SlurmExecutor({ pollIntervalMs: 300, ssh: transport!.ssh });
        const events: ExecutorEvent[] = [];
        executor.onEvent((e) => events.push(e));
        try {
          const values = ['$(touch pwned)', "it's", 'a\nb', '`touch pwned`; x'];
          const req: LaunchRequest = {
            attemptId: `ssh-${randomUUID().slice(0, 6)}/0/1`,
            workflowId: 'ssh',
            taskName: 'over ssh',
            attempt: 1,
            command: { argv: ['printf', '%s\\0', ...values, '$E'] },
            env: { E: values.join('|') },
            workdir: dir,
            resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
            nodeId: 'slurm',
            gpuIds: [],
            logDir: join(dir, 'logs'),
          };
          await executor.start(req);
          let outcome: AttemptOutcome | undefined;
          for (let i = 0; i < 600 && !outcome; i++) {
            const f = events.find((e) => e.kind === 'finished');
            if (f?.kind === 'finished') outcome = f.outcome;
            else await sleep(100);
          }
          expect(outcome?.status).toBe('succeeded');
          expect((await readFile(join(dir, 'logs', 'stdout.log'), 'utf8')).split('\0')).toEqual([
            ...values,
            '$E',
            '',
          ]);
          expect(readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
          expect(executor.stats.squeue).toBeGreaterThan(0);
          console.log(`Slurm over ${transport!.real ? 'a real sshd' : 'FakeSsh'}:`, executor.stats);
        } finally {
          await executor.close();
          await rm(dir, { recursive: true, force: true });
        }
      },
    );

    it('keeps an attempt queued, not failed, while the login node cannot be reached', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'strata-slurm-ssh-down-'));
      // A real ssh to a port nobody listens on (connection refused, exit 255), or FakeSsh's equivalent.
      const ssh: SshOptions = transport!.real
        ? {
            ...transport!.ssh,
            port: await closedPort(),
            options: [...transport!.ssh.options!, 'ConnectTimeout=5'],
          }
        : { host: 'unreachable', ssh: writeFakeSsh(dir).path };
      const executor = new SlurmExecutor({ pollIntervalMs: 200, ssh });
      const events: ExecutorEvent[] = [];
      executor.onEvent((e) => events.push(e));
      try {
        await executor.start({
          attemptId: 'ssh-down/0/1',
          workflowId: 'ssh-down',
          taskName: 't',
          attempt: 1,
          command: { argv: ['true'] },
          env: {},
          workdir: dir,
          resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
          nodeId: 'slurm',
          gpuIds: [],
          logDir: join(dir, 'logs'),
        });
        await sleep(2000);
        // It tried (and keeps trying: every poll asks again), and reported nothing it had not seen.
        expect(executor.stats.sbatch).toBeGreaterThanOrEqual(1);
        expect(executor.stats.squeue).toBeGreaterThanOrEqual(2);
        expect(events).toEqual([]);
      } finally {
        await executor.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('SlurmExecutor with hostile input (real Slurm)', () => {
    it(
      'runs names, arguments and environment values with quotes, $(), backticks, newlines and ; byte-exact, executing none of them',
      { timeout: 120_000 },
      async () => {
        const dir = await mkdtemp(join(tmpdir(), 'strata-slurm-hostile-'));
        const executor = new SlurmExecutor({ pollIntervalMs: 300 });
        const events: ExecutorEvent[] = [];
        executor.onEvent((e) => events.push(e));
        try {
          // Each hostile value would create a `pwned-*` file in the working directory if a shell ran it.
          const hostile = [
            `$(touch pwned-dollar)`,
            '`touch pwned-backtick`',
            `'; touch pwned-semicolon; echo '`,
            `"; touch pwned-dq; echo "`,
            'line one\ntouch pwned-newline\n',
            '; touch pwned-semi2 &',
            `it's "quoted" \\ back\\slash $HOME \${PATH} * ? [a] ~ | & > out <in`,
            '-rf --help',
            'tab\there é ∑ 🎉',
            '',
          ];
          const reqs: LaunchRequest[] = [];
          for (let k = 0; k < 3; k++) {
            const taskName = `${hostile[k]}\n'$(touch pwned-name${k})'; \`touch pwned-name-bt${k}\``;
            const workdir = join(dir, `task ${k} $(touch pwned-dir)`);
            await mkdir(workdir, { recursive: true });
            reqs.push({
              attemptId: `hostile-${randomUUID().slice(0, 6)}/${k}/1`,
              workflowId: 'hostile',
              taskName,
              attempt: 1,
              // k = 0, 1: argv form (same shape: one job array); k = 2: the shell form, alone.
              command:
                k < 2
                  ? {
                      argv: [
                        'sh',
                        '-c',
                        'printf "%s\\0" "$@"; printf "%s\\0" "$V0" "$V1" "$V2" "$STRATA_TASK"',
                        'sh',
                        ...hostile,
                      ],
                    }
                  : { shell: 'printf "%s\\0" "$V0" "$V1" "$V2" "$STRATA_TASK"' },
              env: { V0: hostile[0]!, V1: hostile[4]!, V2: hostile.join('|') },
              workdir,
              resources: { cpus: 1, memoryBytes: k === 2 ? 64 * 1048576 : 0, gpus: 0 },
              nodeId: 'slurm',
              gpuIds: [],
              logDir: join(dir, 'logs', `a${k} $(touch pwned-log)`),
            });
          }
          await Promise.all(reqs.map((r) => executor.start(r)));
          const outcomes = new Map<string, AttemptOutcome>();
          for (let i = 0; i < 600 && outcomes.size < reqs.length; i++) {
            for (const e of events) if (e.kind === 'finished') outcomes.set(e.attemptId, e.outcome);
            await sleep(100);
          }
          for (const [k, req] of reqs.entries()) {
            expect(outcomes.get(req.attemptId)?.status, `attempt ${k}`).toBe('succeeded');
            const started = events.find(
              (e): e is Extract<ExecutorEvent, { kind: 'started' }> =>
                e.kind === 'started' && e.attemptId === req.attemptId,
            );
            const got = (await readFile(started!.stdoutPath, 'utf8')).split('\0');
            got.pop(); // after the last NUL
            const env = [hostile[0]!, hostile[4]!, hostile.join('|'), req.taskName];
            expect(got).toEqual(k < 2 ? [...hostile, ...env] : env);
          }
          // The first two went as one array.
          expect(executor.stats.arrays).toBe(1);
          // Nothing was executed that should not have been, anywhere under the test directory.
          const pwned: string[] = [];
          const walk = (d: string) => {
            for (const e of readdirSync(d, { withFileTypes: true })) {
              if (e.name.startsWith('pwned')) pwned.push(join(d, e.name));
              if (e.isDirectory()) walk(join(d, e.name));
            }
          };
          walk(dir);
          expect(pwned).toEqual([]);
          expect(existsSync(join(process.cwd(), 'pwned-dollar'))).toBe(false);
        } finally {
          await executor.close();
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  });
}
