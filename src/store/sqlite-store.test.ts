import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreConflictError } from './errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';
import { BULK_TASKS } from './sqlite-bulk.js';
import { makeWorkflow, storeConformanceSuite, storedWorkflow } from './testing/store-conformance.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-sqlite-store-'));
let n = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openFile(file = path.join(dir, `store-${n++}.db`)): Promise<SqliteStore> {
  const store = new SqliteStore(file);
  await store.migrate();
  return store;
}

storeConformanceSuite('SqliteStore on a file', () => openFile());

describe('SqliteStore specifics', () => {
  it('works on :memory:', async () => {
    const store = new SqliteStore(':memory:');
    await store.migrate();
    await storedWorkflow(store, 'wf-1', 2);
    await store.commit({
      tasks: [{ workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 }],
    });
    expect((await store.getTask('wf-1', 0))?.state).toBe('queued');
    expect(await store.listEvents()).toHaveLength(2);
    await store.close();
  });

  it('opens with WAL, synchronous = NORMAL, a short busy_timeout (retried, see sqlite-busy.ts) and foreign keys on', async () => {
    const store = await openFile();
    // The connection is private on purpose; the test reads its pragmas through it all the same.
    const db = (store as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(250);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    await store.close();
  });

  it('a write waits, without blocking the event loop, for a write lock another connection holds longer than busy_timeout', async () => {
    const file = path.join(dir, `locked-${n++}.db`);
    const store = await openFile(file);
    await storedWorkflow(store, 'wf-1', 1);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 50);
    setTimeout(() => other.exec('COMMIT'), 1500);
    await store.commit({
      tasks: [{ workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 }],
    });
    clearInterval(ticker);
    expect((await store.getTask('wf-1', 0))?.state).toBe('queued');
    // The event loop kept turning while the commit waited (a blocking wait would have let none through).
    expect(ticks).toBeGreaterThan(3);
    other.close();
    await store.close();
  });

  it('a write lock held past the retry budget fails the write with SQLITE_BUSY, writing nothing', async () => {
    const file = path.join(dir, `locked-${n++}.db`);
    await (await openFile(file)).close();
    const store = new SqliteStore(file, { busy: { busyTimeoutMs: 50, budgetMs: 300 } });
    await storedWorkflow(store, 'wf-1', 1);
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const change = { workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 } as const;
    await expect(store.commit({ tasks: [change] })).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    other.exec('ROLLBACK');
    other.close();
    expect((await store.getTask('wf-1', 0))?.state).toBe('ready');
    await store.close();
  });

  it('stores a workflow of BULK_TASKS tasks or more in steps: the event loop turns, other writes wait their turn', async () => {
    const store = await openFile();
    await storedWorkflow(store, 'small', 1);
    const big = makeWorkflow('big', BULK_TASKS * 2);
    let turns = 0;
    const counting = (async () => {
      for (let i = 0; i < 1000 && turns >= 0; i++) {
        await new Promise((r) => setImmediate(r));
        turns++;
      }
    })();
    const creating = store.createWorkflow(big.workflow, big.tasks);
    // A write on the main connection while the bulk transaction holds the lock: retried, not lost.
    const committing = store.commit({
      tasks: [{ workflowId: 'small', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 }],
    });
    const created = await creating;
    const turnsDuringCreate = turns;
    await committing;
    turns = -1_000_000;
    await counting;
    expect(created).toMatchObject({ id: 'big', state: 'running' });
    expect(turnsDuringCreate).toBeGreaterThan(3); // a single synchronous transaction allows none
    expect(await store.countTasksByState('big')).toEqual({ ready: 1, pending: BULK_TASKS * 2 - 1 });
    expect((await store.getTask('small', 0))?.state).toBe('queued');
    await store.close();
  });

  it('rolls a bulk write back whole when it fails (a workflow id that exists): no task of it is kept', async () => {
    const store = await openFile();
    const first = makeWorkflow('dup', 3);
    await store.createWorkflow(first.workflow, first.tasks);
    const again = makeWorkflow('dup', BULK_TASKS);
    await expect(store.createWorkflow(again.workflow, again.tasks)).rejects.toBeInstanceOf(
      StoreConflictError,
    );
    expect(await store.countTasksByState('dup')).toEqual({ ready: 1, pending: 2 });
    // The bulk connection is usable again after the rollback.
    const other = makeWorkflow('other', BULK_TASKS);
    await store.createWorkflow(other.workflow, other.tasks);
    expect((await store.getWorkflow('other'))?.state).toBe('running');
    await store.close();
  });

  it('records every migration once in schema_migrations, however often migrate() runs', async () => {
    const file = path.join(dir, 'migrations.db');
    const store = await openFile(file);
    await store.migrate();
    await store.close();
    const again = await openFile(file);
    expect(await again.appliedMigrations()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    await again.close();
    const raw = new Database(file, { readonly: true });
    const rows = raw.prepare('SELECT version, name, applied_at FROM schema_migrations').all() as Array<{
      version: number;
      applied_at: string;
    }>;
    raw.close();
    expect(rows.map((r) => r.version)).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    expect(rows.every((r) => r.applied_at.length > 0)).toBe(true);
  });

  it('refuses a database whose schema is newer than this build, and says so', async () => {
    const file = path.join(dir, 'newer.db');
    await (await openFile(file)).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')").run();
    raw.close();
    const store = new SqliteStore(file);
    await expect(store.migrate()).rejects.toThrow(/version 999.*Upgrade Strata/s);
    await store.close();
  });

  it('keeps everything across close and reopen', async () => {
    const file = path.join(dir, 'reopen.db');
    const store = await openFile(file);
    const { workflow } = await storedWorkflow(store, 'wf-1', 3);
    await store.commit({
      tasks: [{ workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 5, attempt: 1 }],
    });
    await store.close();
    const reopened = await openFile(file);
    expect(await reopened.getWorkflow('wf-1')).toMatchObject({ taskCount: 3, spec: workflow.spec });
    expect((await reopened.getTask('wf-1', 0))?.state).toBe('queued');
    expect(await reopened.listEvents()).toHaveLength(2);
    await reopened.close();
  });

  it('applies several changes to the same task in one change set in order, events with the right attempts', async () => {
    const store = await openFile();
    await storedWorkflow(store, 'wf-1', 1);
    await store.commit({
      tasks: [
        { workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 },
        { workflowId: 'wf-1', idx: 0, from: 'queued', to: 'running', at: 2 },
        { workflowId: 'wf-1', idx: 0, from: 'running', to: 'ready', at: 3, readyAt: 50 },
        { workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 4, attempt: 2 },
        { workflowId: 'wf-1', idx: 0, from: 'queued', to: 'running', at: 5 },
      ],
    });
    expect(await store.getTask('wf-1', 0)).toMatchObject({
      state: 'running',
      attempt: 2,
      readyAt: 50,
      updatedAt: 5,
    });
    expect((await store.listEvents()).slice(1).map((e) => [e.to, e.attempt])).toEqual([
      ['queued', 1],
      ['running', 1],
      ['ready', 1],
      ['queued', 2],
      ['running', 2],
    ]);
    await store.close();
  });

  describe('two connections on one file (a CLI next to a server)', () => {
    async function pair(): Promise<[Store, Store]> {
      const file = path.join(dir, `shared-${n++}.db`);
      const a = await openFile(file);
      const b = await openFile(file);
      await storedWorkflow(a, 'wf-1', 2);
      return [a, b];
    }

    it("sees the other's writes, and a stale from is a conflict across connections", async () => {
      const [a, b] = await pair();
      expect((await b.getWorkflow('wf-1'))?.taskCount).toBe(2);
      await a.commit({
        tasks: [{ workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 }],
      });
      await expect(
        b.commit({ tasks: [{ workflowId: 'wf-1', idx: 0, from: 'ready', to: 'cancelled', at: 2 }] }),
      ).rejects.toBeInstanceOf(StoreConflictError);
      expect((await b.getTask('wf-1', 0))?.state).toBe('queued');
      await Promise.all([a.close(), b.close()]);
    });

    it('leases decide which connection drives a workflow', async () => {
      const [a, b] = await pair();
      expect(await a.acquireLease('wf-1', 'cli', 1000, 500)).toBe(true);
      expect(await b.acquireLease('wf-1', 'server', 1200, 500)).toBe(false);
      expect(await b.acquireLease('wf-1', 'server', 1500, 500)).toBe(true);
      expect((await a.getWorkflow('wf-1'))?.leaseOwner).toBe('server');
      await Promise.all([a.close(), b.close()]);
    });
  });
});
