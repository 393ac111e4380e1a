/**
 * Runs the conformance suite against the real PostgreSQL server (STRATA_TEST_PG, default
 * postgres://postgres@127.0.0.1:5432/test). Every store gets a fresh schema named after this file's
 * random prefix, dropped afterwards. An unreachable server fails every test (each opens a store); the
 * suite never skips.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newAttemptRecord } from './attempt-record.js';
import { StoreConflictError, StoreUrlError } from './errors.js';
import { MIGRATIONS } from './migrations.js';
import { openStore } from './open-store.js';
import { PostgresStore } from './postgres-store.js';
import type { Store } from './store.js';
import { makeWorkflow, storeConformanceSuite, storedWorkflow } from './testing/store-conformance.js';

const url = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `strata_test_${randomBytes(4).toString('hex')}`;
let n = 0;
let admin: pg.Client | undefined;
let adminConnecting: Promise<pg.Client> | undefined;

/** Connects once; when the server is unreachable every later call fails at once with the same message. */
function adminClient(): Promise<pg.Client> {
  adminConnecting ??= (async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL is not reachable at ${url} (${(error as Error).message}). The PostgreSQL store tests ` +
          'need a real server: start it, or point STRATA_TEST_PG at one. They fail rather than skip.',
        { cause: error },
      );
    }
    admin = client;
    return client;
  })();
  return adminConnecting;
}

function nextSchema(): string {
  return `${prefix}_${n++}`;
}

async function openFresh(schema = nextSchema()): Promise<PostgresStore> {
  await adminClient();
  const store = new PostgresStore({ connectionString: url, schema });
  await store.migrate();
  return store;
}

async function dropSchema(schema: string): Promise<void> {
  await (await adminClient()).query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

afterAll(async () => {
  if (!admin) return;
  const left = await admin.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
    [`${prefix}%`],
  );
  for (const row of left.rows) await dropSchema(row.nspname);
  await admin.end();
});

storeConformanceSuite(
  'PostgresStore',
  () => openFresh(),
  async (store: Store) => {
    await store.close();
    await dropSchema((store as PostgresStore).schema);
  },
);

describe('PostgresStore specifics', () => {
  it('creates its schema, keeps its tables there and not in public', async () => {
    const schema = nextSchema();
    const store = await openFresh(schema);
    const tables = await (
      await adminClient()
    ).query<{ table_schema: string; table_name: string }>(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('workflows', 'tasks', 'attempts', 'events', 'schema_migrations') AND table_schema = $1 ORDER BY table_name",
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'attempts',
      'events',
      'schema_migrations',
      'tasks',
      'workflows',
    ]);
    await store.close();
    await dropSchema(schema);
  });

  it('records every migration once in schema_migrations, however often migrate() runs', async () => {
    const schema = nextSchema();
    const store = await openFresh(schema);
    await store.migrate();
    await store.close();
    const again = await openFresh(schema);
    await again.migrate();
    expect(await again.appliedMigrations()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    );
    const rows = await (
      await adminClient()
    ).query(`SELECT version, applied_at FROM "${schema}".schema_migrations`);
    expect(rows.rows).toHaveLength(MIGRATIONS.length);
    await again.close();
    await dropSchema(schema);
  });

  it('three processes migrating a fresh schema at once create it exactly once', async () => {
    const schema = nextSchema();
    const stores = [0, 1, 2].map(() => new PostgresStore({ connectionString: url, schema }));
    await Promise.all(stores.map((s) => s.migrate()));
    expect(await stores[0]!.appliedMigrations()).toHaveLength(MIGRATIONS.length);
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(schema);
  });

  it('refuses a database whose schema is newer than this build, and says so', async () => {
    const schema = nextSchema();
    await (await openFresh(schema)).close();
    await (
      await adminClient()
    ).query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (999, 'future')`);
    const store = new PostgresStore({ connectionString: url, schema });
    await expect(store.migrate()).rejects.toThrow(/version 999.*Upgrade Strata/s);
    await store.close();
    await dropSchema(schema);
  });

  it('two stores (two pools, as two replicas) racing on one task: exactly one wins', async () => {
    const schema = nextSchema();
    const a = await openFresh(schema);
    const b = await openFresh(schema);
    const { workflow, tasks } = makeWorkflow('wf-1', 200);
    for (const t of tasks) t.state = 'ready';
    await a.createWorkflow(workflow, tasks);
    for (let round = 0; round < 5; round++) {
      const wf = `race-${round}`;
      const w = makeWorkflow(wf, 100);
      for (const t of w.tasks) t.state = 'ready';
      await a.createWorkflow(w.workflow, w.tasks);
      const move = (to: 'queued' | 'cancelled') =>
        w.tasks.map((t) => ({ workflowId: wf, idx: t.idx, from: 'ready' as const, to, at: 10, attempt: 1 }));
      const results = await Promise.allSettled([
        a.commit({ tasks: move('queued') }),
        b.commit({ tasks: move('cancelled') }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(lost?.reason).toBeInstanceOf(StoreConflictError);
      const counts = await b.countTasksByState(wf);
      expect(Object.values(counts)).toEqual([100]);
      expect(await a.listEvents({ workflowId: wf })).toHaveLength(101);
    }
    await Promise.all([a.close(), b.close()]);
    await dropSchema(schema);
  });

  it('applies several changes to the same task in one change set in order', async () => {
    const store = await openFresh();
    await storedWorkflow(store, 'wf-1', 2);
    await store.commit({
      attempts: [
        {
          kind: 'insert',
          attempt: newAttemptRecord({
            workflowId: 'wf-1',
            taskIdx: 0,
            number: 1,
            executor: 'local',
            queuedAt: 1,
          }),
        },
        { kind: 'update', workflowId: 'wf-1', taskIdx: 0, number: 1, status: 'running', node: 'n1' },
        { kind: 'update', workflowId: 'wf-1', taskIdx: 0, number: 1, status: 'succeeded', startedAt: 4 },
      ],
      tasks: [
        { workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 1, attempt: 1 },
        { workflowId: 'wf-1', idx: 1, from: 'pending', to: 'ready', at: 1 },
        { workflowId: 'wf-1', idx: 0, from: 'queued', to: 'running', at: 2 },
        { workflowId: 'wf-1', idx: 0, from: 'running', to: 'ready', at: 3, readyAt: 50 },
        { workflowId: 'wf-1', idx: 0, from: 'ready', to: 'queued', at: 4, attempt: 2 },
      ],
    });
    expect(await store.getTask('wf-1', 0)).toMatchObject({
      state: 'queued',
      attempt: 2,
      readyAt: 50,
      updatedAt: 4,
    });
    expect((await store.listAttempts('wf-1'))[0]).toMatchObject({
      status: 'succeeded',
      node: 'n1',
      startedAt: 4,
    });
    expect((await store.listEvents()).slice(1).map((e) => [e.taskIdx, e.to, e.attempt])).toEqual([
      [0, 'queued', 1],
      [1, 'ready', 0],
      [0, 'running', 1],
      [0, 'ready', 1],
      [0, 'queued', 2],
    ]);
    await expect(
      store.commit({
        tasks: [
          { workflowId: 'wf-1', idx: 1, from: 'ready', to: 'queued', at: 5, attempt: 1 },
          { workflowId: 'wf-1', idx: 1, from: 'ready', to: 'cancelled', at: 6 },
        ],
      }),
    ).rejects.toThrow(/is queued, not ready/);
    expect((await store.getTask('wf-1', 1))?.state).toBe('ready');
    await store.close();
    await dropSchema(store.schema);
  });

  it('keeps options the URL carries and still uses its schema, mixed case included', async () => {
    const schema = `${nextSchema()}_MiXed`;
    const withOptions = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c statement_timeout=4321')}`;
    const store = (await openStore({ url: withOptions, schema })) as PostgresStore;
    await storedWorkflow(store, 'wf-1', 1);
    const pool = (store as unknown as { pool: pg.Pool }).pool;
    const settings = await pool.query<{ search_path: string; statement_timeout: string }>(
      "SELECT current_setting('search_path') AS search_path, current_setting('statement_timeout') AS statement_timeout",
    );
    expect(settings.rows[0]).toEqual({ search_path: `"${schema}"`, statement_timeout: '4321ms' });
    const count = await (await adminClient()).query(`SELECT count(*)::int AS n FROM "${schema}".workflows`);
    expect(count.rows[0]).toEqual({ n: 1 });
    await store.close();
    await dropSchema(schema);
  });

  it('refuses a schema name it cannot quote safely', () => {
    expect(() => new PostgresStore({ connectionString: url, schema: 'bad"; DROP' })).toThrow(StoreUrlError);
  });

  it('an unreachable server gives a clear error without the password', async () => {
    const error = await openStore({ url: 'postgres://strata:s3cret@127.0.0.1:1/strata' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(
      /Cannot connect to PostgreSQL at postgres:\/\/strata:\*\*\*@127\.0\.0\.1:1\/strata/,
    );
    expect(error?.message).not.toMatch(/s3cret/);
  });
});
