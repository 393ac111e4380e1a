import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUrlError } from './errors.js';
import { defaultStoreUrl, openStore, parseStoreUrl } from './open-store.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import { makeWorkflow } from './testing/store-conformance.js';

const dir = mkdtempSync(path.join(tmpdir(), 'strata-open-store-'));
const pgUrl = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseStoreUrl', () => {
  it.each([
    ['sqlite:/var/lib/strata/strata.db', '/var/lib/strata/strata.db'],
    ['sqlite:///var/lib/strata/strata.db', '/var/lib/strata/strata.db'],
    ['sqlite:rel/strata.db', path.resolve('rel/strata.db')],
    ['sqlite:rel/no-extension', path.resolve('rel/no-extension')],
    ['sqlite::memory:', ':memory:'],
    ['/tmp/x/strata.db', '/tmp/x/strata.db'],
    ['data/strata.sqlite', path.resolve('data/strata.sqlite')],
    ['data/strata.SQLITE3', path.resolve('data/strata.SQLITE3')],
  ])('reads %s as the SQLite file %s', (url, file) => {
    expect(parseStoreUrl(url)).toEqual({ dialect: 'sqlite', path: file });
  });

  it.each(['postgres://u@h:5432/db', 'postgresql://u:p@h/db?sslmode=require', 'POSTGRES://h/db'])(
    'reads %s as PostgreSQL',
    (url) => {
      expect(parseStoreUrl(url)).toEqual({ dialect: 'postgres', connectionString: url });
    },
  );

  it.each([
    'mysql://root@localhost/db',
    'strata.txt',
    '',
    'sqlite:',
    'redis://localhost',
    'file:///tmp/a.db',
  ])('refuses %j with a StoreUrlError listing the accepted forms', (url) => {
    const error = (() => {
      try {
        parseStoreUrl(url);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StoreUrlError);
    expect((error as StoreUrlError).code).toBe('STORE_BAD_URL');
    expect((error as StoreUrlError).message).toMatch(/sqlite:PATH.*sqlite::memory:.*\.db.*postgres:\/\//s);
  });

  it('does not echo a password in its message', () => {
    expect(() => parseStoreUrl('mysql://root:hunter2@db/x')).toThrow(/mysql:\/\/root:\*\*\*@db\/x/);
    expect(() => parseStoreUrl('mysql://root:hunter2@db/x')).not.toThrow(/hunter2/);
  });
});

describe('openStore', () => {
  it('opens a migrated SQLite store, creating the missing directory', async () => {
    const file = path.join(dir, 'deep', 'er', 'strata.db');
    const store = await openStore({ url: `sqlite:${file}` });
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.dialect).toBe('sqlite');
    expect(existsSync(file)).toBe(true);
    const { workflow, tasks } = makeWorkflow('wf-1', 2);
    await store.createWorkflow(workflow, tasks);
    await store.close();
    const again = await openStore({ url: file });
    expect((await again.getWorkflow('wf-1'))?.taskCount).toBe(2);
    await again.close();
  });

  it('opens sqlite::memory:', async () => {
    const store = await openStore({ url: 'sqlite::memory:' });
    expect(store.dialect).toBe('sqlite');
    expect(await store.listWorkflows()).toEqual([]);
    await store.close();
  });

  it('opens PostgreSQL by postgres:// and postgresql:// in the schema asked for, creating it', async () => {
    const schema = `strata_open_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    try {
      const first = await openStore({ url: pgUrl, schema });
      expect(first).toBeInstanceOf(PostgresStore);
      expect(first.dialect).toBe('postgres');
      const { workflow, tasks } = makeWorkflow('wf-1', 1);
      await first.createWorkflow(workflow, tasks);
      await first.close();
      const second = await openStore({ url: pgUrl.replace(/^postgres:/, 'postgresql:'), schema });
      expect((await second.getWorkflow('wf-1'))?.taskCount).toBe(1);
      await second.close();
      const found = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
      expect(found.rowCount).toBe(1);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });

  it('rejects a bad URL before opening anything', async () => {
    await expect(openStore({ url: 'mongodb://x/y' })).rejects.toBeInstanceOf(StoreUrlError);
  });
});

describe('defaultStoreUrl', () => {
  it('uses STRATA_HOME when set', () => {
    expect(defaultStoreUrl({ STRATA_HOME: '/srv/strata' }, '/home/me/flows')).toBe(
      'sqlite:/srv/strata/strata.db',
    );
  });

  it('falls back to .strata in the working directory when STRATA_HOME is unset or empty', () => {
    expect(defaultStoreUrl({}, '/home/me/flows')).toBe('sqlite:/home/me/flows/.strata/strata.db');
    expect(defaultStoreUrl({ STRATA_HOME: '' }, '/home/me/flows')).toBe(
      'sqlite:/home/me/flows/.strata/strata.db',
    );
  });

  it('gives a URL openStore accepts', () => {
    expect(parseStoreUrl(defaultStoreUrl({}, '/w'))).toEqual({
      dialect: 'sqlite',
      path: '/w/.strata/strata.db',
    });
  });
});
