import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { AttemptOutcome, Command } from '../model/index.js';
import { detectCapacity, parseGpuIndexList } from '../host/detect-capacity.js';
import type { ExecutorEvent, LaunchRequest } from './executor.js';
import { LocalExecutor, type LocalExecutorOptions } from './local-executor.js';
import { isSameProcessRunning, parseProcStat, parseRusage, readProcStat } from './process-tools.js';
import { executorConformanceSuite } from './testing/executor-conformance.js';

const HAS_GNU_TIME = new LocalExecutor().accounting;

executorConformanceSuite('LocalExecutor', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'strata-local-conformance-'));
  const executor = new LocalExecutor({ killGraceMs: 1000, pollIntervalMs: 50 });
  return { executor, workdir, cleanup: () => rm(workdir, { recursive: true, force: true }) };
});

executorConformanceSuite('LocalExecutor without GNU time', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'strata-local-bare-conformance-'));
  const executor = new LocalExecutor({ killGraceMs: 1000, pollIntervalMs: 50, gnuTime: null });
  return { executor, workdir, cleanup: () => rm(workdir, { recursive: true, force: true }) };
});

let root: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'strata-local-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function request(command: Command, overrides: Partial<LaunchRequest> = {}): Promise<LaunchRequest> {
  const n = ++counter;
  const workdir = join(root, `task-${n}`);
  await mkdir(workdir, { recursive: true });
  return {
    attemptId: `local-test/${n}/1`,
    workflowId: 'local-test',
    taskName: `task-${n}`,
    attempt: 1,
    command,
    env: {},
    workdir,
    resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
    nodeId: 'local',
    gpuIds: [],
    logDir: join(root, 'logs', `task-${n}`),
    ...overrides,
  };
}

/** An executor whose events are kept per attempt, with a way to wait for an attempt's end. */
function watch(options: LocalExecutorOptions = {}) {
  const executor = new LocalExecutor({ pollIntervalMs: 50, ...options });
  const events: ExecutorEvent[] = [];
  executor.onEvent((event) => events.push(event));
  const finished = async (attemptId: string, withinMs = 30_000): Promise<AttemptOutcome> => {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const hit = events.find((e) => e.attemptId === attemptId && e.kind === 'finished');
      if (hit?.kind === 'finished') return hit.outcome;
      await sleep(20);
    }
    throw new Error(`attempt ${attemptId} did not finish within ${withinMs} ms`);
  };
  const started = (attemptId: string) => {
    const hit = events.find((e) => e.attemptId === attemptId && e.kind === 'started');
    if (hit?.kind !== 'started') throw new Error(`attempt ${attemptId} has no started event`);
    return hit;
  };
  /** Starts `req` and waits for its outcome. */
  const run = async (req: LaunchRequest, withinMs?: number): Promise<AttemptOutcome> => {
    await executor.start(req);
    return finished(req.attemptId, withinMs);
  };
  return { executor, events, finished, run, started };
}

/** Whether a process still runs (a zombie does not: it only waits to be reaped). */
async function running(pid: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== null && stat.state !== 'Z';
}

async function waitUntil(condition: () => Promise<boolean>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

/** The `gnuTime` option for a case run with GNU time (the default) and without it. */
const WITH_AND_WITHOUT_GNU_TIME = [
  ['with GNU time', undefined],
  ['without GNU time', null],
] as const;

describe('LocalExecutor accounting', () => {
  it.skipIf(!HAS_GNU_TIME)('records the peak RSS of a command that holds ~50 MB', async () => {
    const { executor, run } = watch();
    // `tail` keeps the last 10 lines; 50 MB without a newline is one line it must hold whole.
    const req = await request({ shell: 'head -c 50000000 /dev/zero | tail > /dev/null' });
    const outcome = await run(req);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.peakRssBytes).toBeGreaterThanOrEqual(40_000_000);
    await executor.close();
  });

  it.skipIf(!HAS_GNU_TIME)(
    'reports out of memory for a SIGKILL after reaching the memory asked for, not before',
    async () => {
      const { executor, run } = watch();
      // ~50 MB held, then a SIGKILL, as the kernel's OOM killer would send it.
      const hog = { shell: 'head -c 50000000 /dev/zero | tail > /dev/null; kill -9 $$' };
      const oom = await request(hog, { resources: { cpus: 1, memoryBytes: 10_000_000, gpus: 0 } });
      const outcome = await run(oom);
      expect(outcome).toMatchObject({ status: 'failed', signal: 'SIGKILL', outOfMemory: true });
      expect(outcome.message).toMatch(/out of memory/);
      // The same death within a larger request is not called out of memory.
      const roomy = await request(hog, { resources: { cpus: 1, memoryBytes: 4_000_000_000, gpus: 0 } });
      const other = await run(roomy);
      expect(other).toMatchObject({ status: 'failed', signal: 'SIGKILL' });
      expect(other.outOfMemory).toBeUndefined();
      await executor.close();
    },
  );

  it.skipIf(!HAS_GNU_TIME)('records the CPU time of a busy command', async () => {
    const { executor, run } = watch();
    const req = await request({ shell: 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done' });
    const outcome = await run(req);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.cpuTimeMs).toBeGreaterThan(50);
    expect(outcome.cpuTimeMs).toBeLessThanOrEqual(outcome.endedAt - (outcome.startedAt ?? 0) + 50);
    await executor.close();
  });

  it('reports null CPU time and peak RSS without GNU time', async () => {
    const { executor, run } = watch({ gnuTime: null });
    const req = await request({ argv: ['true'] });
    expect(await run(req)).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      cpuTimeMs: null,
      peakRssBytes: null,
    });
    await executor.close();
  });

  it.each(WITH_AND_WITHOUT_GNU_TIME)(
    'names the signal that killed a command (%s)',
    async (_label, gnuTime) => {
      const { executor, run } = watch({ gnuTime });
      const req = await request({ shell: 'kill -KILL $$' });
      expect(await run(req)).toMatchObject({
        status: 'failed',
        exitCode: null,
        signal: 'SIGKILL',
        message: 'killed by signal SIGKILL',
      });
      await executor.close();
    },
  );

  it.each(WITH_AND_WITHOUT_GNU_TIME)(
    'says "command not found" for a missing program (%s)',
    async (_label, gnuTime) => {
      const { executor, run } = watch({ gnuTime });
      const req = await request({ argv: ['strata-no-such-program'] });
      const outcome = await run(req);
      expect(outcome.status).toBe('failed');
      expect(outcome.message).toBe('command not found: strata-no-such-program');
      await executor.close();
    },
  );
});

describe('LocalExecutor environment', () => {
  it('exports the given GPUs as CUDA_VISIBLE_DEVICES, and an empty list when none', async () => {
    const { executor, finished, started } = watch();
    const show: Command = { shell: 'printf "[%s]" "${CUDA_VISIBLE_DEVICES-unset}"' };
    const withGpus = await request(show, { gpuIds: [0, 2], env: { CUDA_VISIBLE_DEVICES: '0,1,2,3' } });
    const without = await request(show);
    await executor.start(withGpus);
    await executor.start(without);
    await finished(withGpus.attemptId);
    await finished(without.attemptId);
    expect(await readFile(started(withGpus.attemptId).stdoutPath, 'utf8')).toBe('[0,2]');
    expect(await readFile(started(without.attemptId).stdoutPath, 'utf8')).toBe('[]');
    await executor.close();
  });

  it('gives a handle naming the process group leader and its start time', async () => {
    const { executor, finished, started } = watch();
    const req = await request({ shell: 'sleep 0.3' });
    await executor.start(req);
    const handle = JSON.parse(started(req.attemptId).handle) as Record<string, unknown>;
    expect(handle).toMatchObject({ logDir: req.logDir });
    const stat = await readProcStat(handle.pid as number);
    expect(stat).toMatchObject({ pid: handle.pid, pgrp: handle.pid, startTicks: handle.startTicks });
    await finished(req.attemptId);
    await executor.close();
  });
});

describe('LocalExecutor stopping', () => {
  it('kills grandchildren on cancel', async () => {
    const { executor, finished, started } = watch({ killGraceMs: 2000 });
    const req = await request({
      shell: 'sleep 100 & echo $! > pids; sleep 100 & echo $! >> pids; echo $$ >> pids; wait',
    });
    await executor.start(req);
    const pidsFile = join(req.workdir, 'pids');
    await waitUntil(async () => (await readFile(pidsFile, 'utf8').catch(() => '')).split('\n').length >= 4);
    const pids = (await readFile(pidsFile, 'utf8')).trim().split('\n').map(Number);
    pids.push((JSON.parse(started(req.attemptId).handle) as { pid: number }).pid);
    for (const pid of pids) expect(await running(pid)).toBe(true);
    await executor.cancel(req.attemptId, 'user asked');
    const outcome = await finished(req.attemptId);
    expect(outcome).toMatchObject({ status: 'cancelled', message: 'cancelled: user asked' });
    for (const pid of pids) expect(await running(pid)).toBe(false);
    await executor.close();
  });

  it('escalates to SIGKILL when the tree ignores SIGTERM', async () => {
    const { executor, run } = watch({ killGraceMs: 300 });
    // An ignored signal stays ignored in children: the whole tree shrugs SIGTERM off.
    const req = await request(
      { shell: "trap '' TERM; sleep 100 & echo $! > pids; echo $$ >> pids; wait" },
      { timeoutMs: 200 },
    );
    const outcome = await run(req);
    expect(outcome).toMatchObject({
      status: 'timed-out',
      signal: 'SIGKILL',
      message: 'timed out after 200 ms',
    });
    expect(outcome.endedAt - (outcome.startedAt ?? 0)).toBeGreaterThanOrEqual(450);
    const pids = (await readFile(join(req.workdir, 'pids'), 'utf8')).trim().split('\n').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await running(pid)).toBe(false);
    await executor.close();
  });

  it('leaves running attempts alone on close', async () => {
    const { executor, started } = watch();
    const req = await request({ argv: ['sleep', '30'] });
    await executor.start(req);
    const { pid } = JSON.parse(started(req.attemptId).handle) as { pid: number };
    await executor.close();
    await sleep(100);
    expect(await running(pid)).toBe(true);
    process.kill(-pid, 'SIGKILL');
  });

  it('refuses to start the same attempt twice at once', async () => {
    const { executor, finished } = watch();
    const req = await request({ argv: ['sleep', '0.2'] });
    await executor.start(req);
    await expect(executor.start(req)).rejects.toThrow(/already running/);
    await finished(req.attemptId);
    await executor.close();
  });
});

describe('detectCapacity', () => {
  it('keeps declared values and detects the rest', async () => {
    expect(await detectCapacity({ cpus: 3, memoryBytes: 1234, gpuIds: [5, 7] })).toEqual({
      cpus: 3,
      memoryBytes: 1234,
      gpuIds: [5, 7],
    });
    const detected = await detectCapacity({ gpuIds: [] });
    expect(detected).toEqual({ cpus: availableParallelism(), memoryBytes: totalmem(), gpuIds: [] });
  });

  it('gives the node the declared capacity and id', async () => {
    const executor = new LocalExecutor({ nodeId: 'bench-1', capacity: { cpus: 2, gpuIds: [0] } });
    const [node] = await executor.nodes();
    expect(node).toMatchObject({
      id: 'bench-1',
      executor: 'local',
      capacity: { cpus: 2, memoryBytes: totalmem(), gpuIds: [0] },
    });
  });

  it('reads the GPU index list of nvidia-smi', () => {
    expect(parseGpuIndexList('0\n1\n\n3\n')).toEqual([0, 1, 3]);
    expect(parseGpuIndexList('No devices were found\n')).toEqual([]);
  });
});

describe('process tools', () => {
  it('parses GNU time records of a success, a failure and a death by signal', () => {
    expect(parseRusage('strata-rusage exit=0 user=0.12 sys=0.03 maxrss_kib=1000 wall=0.50\n')).toEqual({
      exitCode: 0,
      signal: null,
      cpuTimeMs: 150,
      peakRssBytes: 1_024_000,
      wallMs: 500,
    });
    expect(
      parseRusage(
        'Command exited with non-zero status 3\nstrata-rusage exit=3 user=0.00 sys=0.00 maxrss_kib=1 wall=0.00\n',
      ),
    ).toMatchObject({ exitCode: 3, signal: null });
    expect(
      parseRusage(
        'Command terminated by signal 15\nstrata-rusage exit=0 user=0.00 sys=0.00 maxrss_kib=1 wall=0.00\n',
      ),
    ).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
    expect(parseRusage('')).toBeNull();
  });

  it('parses /proc/PID/stat even when the command name holds spaces and parentheses', () => {
    const line = '4242 (a (b) c) S 1 4240 4240 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 987654 1 2 3';
    expect(parseProcStat(line)).toEqual({ pid: 4242, state: 'S', pgrp: 4240, startTicks: 987654 });
  });
});

/**
 * Re-attachment after a crash. A real engine process is needed, so that it can be SIGKILLed: it is a
 * plain Node process that loads this folder's TypeScript through a tiny loader (TypeScript's own
 * `transpileModule`, a dev dependency), so that it runs exactly the code under test, not a build.
 */
describe('LocalExecutor re-attach after an engine crash', () => {
  let loaderDir: string;
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const executorModule = pathToFileURL(fileURLToPath(new URL('./local-executor.ts', import.meta.url))).href;

  beforeAll(async () => {
    loaderDir = await mkdtemp(join(tmpdir(), 'strata-doomed-engine-'));
    await writeFile(
      join(loaderDir, 'hooks.mjs'),
      `import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const ts = createRequire(${JSON.stringify(join(repoRoot, 'package.json'))})('typescript');
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const { outputText } = ts.transpileModule(readFileSync(fileURLToPath(url), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
`,
    );
    await writeFile(
      join(loaderDir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    await writeFile(
      join(loaderDir, 'engine.mjs'),
      `const [moduleUrl, json] = process.argv.slice(2);
const { req, options } = JSON.parse(json);
const { LocalExecutor } = await import(moduleUrl);
const executor = new LocalExecutor(options);
executor.onEvent((event) => {
  if (event.kind === 'started') process.stdout.write(JSON.stringify(event) + '\\n');
});
await executor.start(req);
setInterval(() => {}, 60_000); // an engine at work, until the test kills it
`,
    );
  });

  afterAll(async () => {
    await rm(loaderDir, { recursive: true, force: true });
  });

  /** Starts `req` in a separate engine process, SIGKILLs that engine, returns the handle it reported. */
  async function startInDoomedEngine(
    req: LaunchRequest,
    options: LocalExecutorOptions = {},
  ): Promise<string> {
    const engine = spawn(
      process.execPath,
      [
        '--import',
        join(loaderDir, 'register.mjs'),
        join(loaderDir, 'engine.mjs'),
        executorModule,
        JSON.stringify({ req, options }),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => engine.once('exit', resolve));
    let output = '';
    const handle = await new Promise<string>((resolve, reject) => {
      engine.stdout.setEncoding('utf8');
      engine.stdout.on('data', (chunk: string) => {
        output += chunk;
        const line = output.split('\n').find((l) => l.startsWith('{'));
        if (line && output.includes('\n')) resolve((JSON.parse(line) as { handle: string }).handle);
      });
      engine.once('exit', (code) =>
        reject(new Error(`the engine exited (${code}) before starting: ${output}`)),
      );
    });
    engine.kill('SIGKILL');
    await exited;
    return handle;
  }

  async function attemptEnded(handle: string): Promise<void> {
    const { pid, startTicks, logDir } = JSON.parse(handle) as {
      pid: number;
      startTicks: number;
      logDir: string;
    };
    await waitUntil(async () => !(await isSameProcessRunning(pid, startTicks)));
    await waitUntil(async () =>
      (await readFile(join(logDir, 'rusage'), 'utf8').catch(() => '')).includes('exit='),
    );
  }

  it.each([
    ['with the handle', true],
    ['without a handle (found through its environment)', false],
  ])('follows a running attempt to its end %s', async (_label, withHandle) => {
    const req = await request({ shell: 'sleep 2; echo done >> out.txt' });
    const handle = await startInDoomedEngine(req);
    const { pid, startTicks } = JSON.parse(handle) as { pid: number; startTicks: number };
    expect(await isSameProcessRunning(pid, startTicks)).toBe(true); // survived its engine

    const { executor, finished } = watch();
    expect(await executor.reattach(req, withHandle ? handle : null)).toBe('attached');
    const outcome = await finished(req.attemptId);
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0, signal: null });
    if (HAS_GNU_TIME) expect(outcome.cpuTimeMs).not.toBeNull();
    expect(outcome.endedAt - (outcome.startedAt ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(await readFile(join(req.workdir, 'out.txt'), 'utf8')).toBe('done\n');
    await executor.close();
  });

  it('still applies the timeout, counted from the original start', async () => {
    const req = await request({ argv: ['sleep', '60'] }, { timeoutMs: 1500 });
    const handle = await startInDoomedEngine(req, { killGraceMs: 500 });
    const { executor, finished } = watch({ killGraceMs: 500 });
    expect(await executor.reattach(req, handle)).toBe('attached');
    const outcome = await finished(req.attemptId);
    expect(outcome.status).toBe('timed-out');
    const ran = outcome.endedAt - (outcome.startedAt ?? 0);
    expect(ran).toBeGreaterThanOrEqual(1400);
    expect(ran).toBeLessThan(10_000);
    const { pid, startTicks } = JSON.parse(handle) as { pid: number; startTicks: number };
    expect(await isSameProcessRunning(pid, startTicks)).toBe(false);
    await executor.close();
  });

  it.skipIf(!HAS_GNU_TIME).each([
    ['with the handle', true],
    ['without a handle', false],
  ])(
    'reports an attempt that ended while nobody watched, from its GNU time record (%s)',
    async (_l, withHandle) => {
      // It leaves a process behind on purpose: the attempt is over all the same.
      const req = await request({ shell: 'sleep 60 & echo bye; exit 4' });
      const handle = await startInDoomedEngine(req);
      await attemptEnded(handle);
      const { pid } = JSON.parse(handle) as { pid: number };
      onTestFinished(() => {
        process.kill(-pid, 'SIGKILL');
      });

      const { executor, finished, events } = watch();
      expect(await executor.reattach(req, withHandle ? handle : null)).toBe('attached');
      const outcome = await finished(req.attemptId, 5000);
      expect(outcome).toMatchObject({ status: 'failed', exitCode: 4, message: 'exited with code 4' });
      expect(outcome.cpuTimeMs).not.toBeNull();
      expect(outcome.peakRssBytes).toBeGreaterThan(0);
      if (withHandle) expect(outcome.startedAt).toBe((JSON.parse(handle) as { startedAt: number }).startedAt);
      expect(events.filter((e) => e.attemptId === req.attemptId)).toHaveLength(1);
      await executor.close();
    },
  );

  it('leaves its trace before it reports started: <logDir>/pid holds the handle, with the host', async () => {
    const req = await request({ argv: ['sleep', '1'] });
    const handle = await startInDoomedEngine(req);
    const trace = JSON.parse(await readFile(join(req.logDir, 'pid'), 'utf8')) as Record<string, unknown>;
    expect(trace).toEqual(JSON.parse(handle));
    expect(trace.host).toBe(hostname());
  });

  it('follows a running attempt from its trace alone: no handle recorded, no environment to search', async () => {
    // `env -i` wipes the environment: no process of the attempt carries its id any more.
    const req = await request({ shell: "exec env -i /bin/sh -c 'sleep 2; echo done >> out.txt'" });
    const handle = await startInDoomedEngine(req, { gnuTime: null });
    const { pid, startTicks } = JSON.parse(handle) as { pid: number; startTicks: number };
    await sleep(300);
    expect(await isSameProcessRunning(pid, startTicks)).toBe(true);
    const { executor, finished } = watch({ gnuTime: null });
    expect(await executor.reattach(req, null)).toBe('attached');
    const outcome = await finished(req.attemptId);
    // Without GNU time its exit status died with its parent: the trace found it, its end is unknown.
    expect(['succeeded', 'lost']).toContain(outcome.status);
    expect(await readFile(join(req.workdir, 'out.txt'), 'utf8')).toBe('done\n');
    expect(outcome.endedAt - (outcome.startedAt ?? 0)).toBeGreaterThanOrEqual(1000);
    await executor.close();
  });

  it('answers lost at once for an attempt that never spawned (no log files)', async () => {
    const req = await request({ argv: ['true'] });
    const { executor } = watch();
    expect(await executor.reattach(req, null)).toBe('lost');
    await executor.close();
  });

  it('never follows the pid of a handle from another host; judges it by its GNU time record only', async () => {
    const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    onTestFinished(() => void other.kill('SIGKILL'));
    await sleep(100);
    const stat = await readProcStat(other.pid!);
    const req = await request({ argv: ['true'] });
    await mkdir(req.logDir, { recursive: true });
    const foreign = JSON.stringify({
      pid: other.pid,
      startTicks: stat!.startTicks,
      startedAt: Date.now(),
      logDir: req.logDir,
      host: 'elsewhere.example.org',
    });
    const { executor, finished } = watch();
    expect(await executor.reattach(req, foreign)).toBe('lost');
    expect(await running(other.pid!)).toBe(true); // a local process that happens to have that pid
    // With the state directory shared, the record the other host's GNU time wrote tells the end.
    await writeFile(
      join(req.logDir, 'rusage'),
      'strata-rusage exit=0 user=0.01 sys=0.00 maxrss_kib=1000 wall=1.00\n',
    );
    expect(await executor.reattach(req, foreign)).toBe('attached');
    expect(await finished(req.attemptId)).toMatchObject({ status: 'succeeded', exitCode: 0 });
    await executor.close();
  });

  it('answers lost for an attempt that ended unwatched without GNU time', async () => {
    const req = await request({ argv: ['true'] });
    const handle = await startInDoomedEngine(req, { gnuTime: null });
    const { pid, startTicks } = JSON.parse(handle) as { pid: number; startTicks: number };
    await waitUntil(async () => !(await isSameProcessRunning(pid, startTicks)));
    const { executor } = watch({ gnuTime: null });
    expect(await executor.reattach(req, handle)).toBe('lost');
    await executor.close();
  });
});
