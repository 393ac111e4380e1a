/**
 * Faults must not orphan work (issue 13): an engine that loses a lease stops driving that workflow
 * alone; a store held locked by another process is waited for, not fatal; an engine that does fail
 * gives its workflows up to a healthy engine within one lease time to live, and no task runs twice.
 * Real SQLite files, real processes (the local executor), a real second process holding the lock.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../executors/local-executor.js';
import { NoopExecutor } from '../executors/noop-executor.js';
import { DEFAULT_RETRY } from '../model/index.js';
import type { TaskSpec, WorkflowSpec } from '../model/index.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { Engine } from './engine.js';
import type { DroppedEvent } from './engine.js';

let dir: string;
let dbFile: string;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-engine-faults-'));
  dbFile = join(dir, 'strata.db');
  await openSqlite();
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

async function openSqlite(busy?: { busyTimeoutMs: number; budgetMs: number }): Promise<Store> {
  const store = new SqliteStore(dbFile, busy ? { busy } : {});
  await store.migrate();
  closers.push(() => store.close());
  return store;
}

function shellTask(name: string, shell: string): TaskSpec {
  return {
    name,
    command: { shell },
    env: {},
    inputs: [],
    outputs: [],
    deps: [],
    resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
    retry: { ...DEFAULT_RETRY, maxAttempts: 1 },
    validate: { outputsExist: true, outputsNonEmpty: false },
  };
}

/** `n` tasks, each sleeping `seconds` then appending its name to ledger.txt (O_APPEND). */
function ledgerWorkflow(n: number, seconds: number): WorkflowSpec {
  const tasks = Array.from({ length: n }, (_, i) =>
    shellTask(`t${i}`, `sleep ${seconds}; echo t${i} >> ledger.txt`),
  );
  return { name: 'ledger', failurePolicy: 'continue', tasks };
}

function ledger(): string[] {
  return readFileSync(join(dir, 'ledger.txt'), 'utf8').trim().split('\n');
}

async function startEngine(
  store: Store,
  options: { executor?: 'local' | 'noop'; leaseTtlMs?: number; owner?: string } = {},
): Promise<Engine> {
  const executor =
    options.executor === 'noop'
      ? new NoopExecutor({
          capacity: { cpus: 100, memoryBytes: 1e12, gpuIds: [] },
          behaviour: () => ({ delayMs: 400 }),
        })
      : new LocalExecutor({ capacity: { cpus: 2 }, pollIntervalMs: 50 });
  const engine = new Engine({
    store,
    executor,
    stateDir: join(dir, '.strata'),
    ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.owner ? { owner: options.owner } : {}),
  });
  await engine.init();
  closers.push(async () => {
    await engine.close();
    await executor.close();
  });
  return engine;
}

/** Another process takes the SQLite write lock, holds it `ms`, then commits; resolves once it holds it. */
async function holdWriteLock(ms: number): Promise<{ released: Promise<void> }> {
  const script =
    "const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN IMMEDIATE');" +
    `console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script, dbFile], {
    cwd: resolve(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const done = new Promise<void>((res) => child.on('close', () => res()));
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) res();
    });
    child.once('close', () => rej(new Error('the lock holder exited before taking the lock')));
  });
  return { released: done };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(25);
  }
}

describe('Engine faults', () => {
  it('a commit refused by lease fencing drops that workflow alone; its attempt is not recorded by the old owner', async () => {
    const store = await openSqlite();
    const engine = await startEngine(store, { executor: 'noop', leaseTtlMs: 60_000 });
    const dropped: DroppedEvent[] = [];
    engine.on('dropped', (d) => dropped.push(d));
    const spec = { name: 'two', failurePolicy: 'continue' as const, tasks: [shellTask('a', 'true')] };
    const lost = await engine.submit(spec, { baseDir: dir, source: 'test' });
    const kept = await engine.submit(spec, { baseDir: dir, source: 'test' });
    const lostEnd = engine.waitFor(lost.id);
    // Another engine takes the lease over while the attempt runs (400 ms).
    expect(await store.acquireLease(lost.id, 'elsewhere:1:1', Date.now(), 60_000, engine.owner)).toBe(true);
    expect(await engine.waitFor(kept.id)).toBe('succeeded');
    expect(await lostEnd).toBe('interrupted');
    expect(dropped).toEqual([
      { workflowId: lost.id, reason: expect.stringMatching(/no longer holds the lease/) },
    ]);
    expect(engine.drivenWorkflows()).toBe(0);
    const record = await store.getWorkflow(lost.id);
    expect(record).toMatchObject({ state: 'running', leaseOwner: 'elsewhere:1:1' });
    // Its start was written before the take-over, its end never by the engine that lost the lease:
    // the new owner re-attaches it.
    expect((await store.listAttempts(lost.id)).map((a) => a.status)).toEqual(['running']);
    expect((await store.getTask(lost.id, 0))?.state).toBe('running');
  });

  it('a lease found taken over at renewal drops that workflow before it commits anything more', async () => {
    const store = await openSqlite();
    const engine = await startEngine(store, { executor: 'noop', leaseTtlMs: 300 });
    const dropped: DroppedEvent[] = [];
    engine.on('dropped', (d) => dropped.push(d));
    const spec = { name: 'slow', failurePolicy: 'continue' as const, tasks: [shellTask('a', 'true')] };
    const wf = await engine.submit(spec, { baseDir: dir, source: 'test' });
    expect(await store.acquireLease(wf.id, 'elsewhere:1:1', Date.now(), 60_000, engine.owner)).toBe(true);
    expect(await engine.waitFor(wf.id)).toBe('interrupted');
    expect(dropped[0]?.reason).toMatch(/taken over|no longer holds/);
    expect((await store.getWorkflow(wf.id))?.leaseOwner).toBe('elsewhere:1:1');
  });

  it('survives another process holding the SQLite write lock for 8 s; every task runs once', async () => {
    const store = await openSqlite();
    const engine = await startEngine(store, { leaseTtlMs: 3000 });
    const errors: Error[] = [];
    engine.on('error', (e) => errors.push(e));
    const wf = await engine.submit(ledgerWorkflow(12, 0.3), { baseDir: dir, source: 'test' });
    await until('a task ran', async () => ((await store.countTasksByState(wf.id)).succeeded ?? 0) > 0);
    const { released } = await holdWriteLock(8000);
    // A submit waits for the lock too, and is driven once it is stored.
    const second = engine.submit(
      { name: 'second', failurePolicy: 'continue', tasks: [shellTask('x', 'true')] },
      { baseDir: dir, source: 'test' },
    );
    await released;
    expect(await engine.waitFor(wf.id)).toBe('succeeded');
    expect(await engine.waitFor((await second).id)).toBe('succeeded');
    expect(errors).toEqual([]);
    expect(ledger().sort()).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}`).sort());
  }, 60_000);

  it("a dead engine's workflows are adopted by a healthy engine within one lease TTL", async () => {
    const TTL = 3000;
    // The failing engine's store gives up on a lock after 300 ms; the healthy one waits.
    const weakStore = await openSqlite({ busyTimeoutMs: 50, budgetMs: 300 });
    const failing = await startEngine(weakStore, { leaseTtlMs: TTL });
    let failedAt = 0;
    failing.on('error', () => (failedAt ||= Date.now()));
    const wf = await failing.submit(ledgerWorkflow(10, 0.4), { baseDir: dir, source: 'test' });
    await until('a task ran', async () => ((await weakStore.countTasksByState(wf.id)).succeeded ?? 0) > 0);

    const { released } = await holdWriteLock(1500);
    await until('the first engine failed', () => failedAt > 0);
    await expect(
      failing.submit(ledgerWorkflow(1, 0), { baseDir: dir, source: 'test' }),
    ).rejects.toMatchObject({
      code: 'ENGINE_FAILED',
    });
    await released;

    const healthy = await startEngine(await openSqlite(), { leaseTtlMs: TTL });
    let adoptedAt = 0;
    await until(
      'the healthy engine adopted the workflow',
      async () => {
        if ((await healthy.adoptAll()).includes(wf.id)) adoptedAt = Date.now();
        return adoptedAt > 0;
      },
      3 * TTL,
    );
    // Within one time to live of the failure (plus one polling round of this test).
    expect(adoptedAt - failedAt).toBeLessThanOrEqual(TTL + 500);
    expect(await healthy.waitFor(wf.id)).toBe('succeeded');
    expect(ledger().sort()).toEqual(Array.from({ length: 10 }, (_, i) => `t${i}`).sort());
    const attempts = await weakStore.listAttempts(wf.id);
    expect(attempts.filter((a) => a.status === 'lost')).toEqual([]);
  }, 60_000);

  it('makes a workdir again when it was deleted after an earlier run used it (no stale cache of made folders)', async () => {
    const store = await openSqlite();
    const engine = await startEngine(store);
    const work = join(dir, 'work');
    const spec: WorkflowSpec = {
      name: 'twice',
      failurePolicy: 'fail-fast',
      tasks: [{ ...shellTask('w', 'echo hi > out.txt'), workdir: 'work/sub', outputs: ['out.txt'] }],
    };
    const first = await engine.submit(spec, { baseDir: dir, source: 'test' });
    expect(await engine.waitFor(first.id)).toBe('succeeded');
    rmSync(work, { recursive: true, force: true });
    const second = await engine.submit(spec, { baseDir: dir, source: 'test' });
    expect(await engine.waitFor(second.id)).toBe('succeeded');
    expect(readFileSync(join(work, 'sub', 'out.txt'), 'utf8')).toBe('hi\n');
  }, 60_000);
});
