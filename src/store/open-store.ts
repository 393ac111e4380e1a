/**
 * Opening a store from a `--db` URL: the one place that knows which URL means which back-end.
 * The store it returns is migrated and ready to use.
 *
 * @example
 * const store = await openStore({ url: defaultStoreUrl(process.env, process.cwd()) });
 * const pgStore = await openStore({ url: 'postgres://strata@db.example.org/strata', schema: 'prod' });
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { StoreUrlError } from './errors.js';
import { PostgresStore } from './postgres-store.js';
import { redactUrl } from './postgres-url.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  url: string;
  /** PostgreSQL schema to use (created if missing); default 'public'. Ignored for SQLite. */
  schema?: string;
}

/** What a store URL points at. */
export type StoreTarget =
  | { dialect: 'sqlite'; /** An absolute path, or `:memory:`. */ path: string }
  | { dialect: 'postgres'; connectionString: string };

const ACCEPTED_FORMS =
  'Use sqlite:PATH (e.g. sqlite:.strata/strata.db), sqlite::memory:, a file path ending in .db, .sqlite ' +
  'or .sqlite3, or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (postgresql:// works too).';

/**
 * Reads a store URL; throws `StoreUrlError` saying which forms are accepted when it is none of them.
 *
 * @example
 * parseStoreUrl('sqlite::memory:') // { dialect: 'sqlite', path: ':memory:' }
 */
export function parseStoreUrl(url: string): StoreTarget {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', connectionString: trimmed };
  if (/^sqlite:/i.test(trimmed)) {
    let file = trimmed.slice('sqlite:'.length);
    if (file === ':memory:') return { dialect: 'sqlite', path: ':memory:' };
    // sqlite:///abs/path.db, the form other tools write, means /abs/path.db.
    if (file.startsWith('//')) file = file.slice(2);
    if (file === '') {
      throw new StoreUrlError(`Store URL "${url}" names no database file. ${ACCEPTED_FORMS}`);
    }
    return { dialect: 'sqlite', path: path.resolve(file) };
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && /\.(db|sqlite3?)$/i.test(trimmed)) {
    return { dialect: 'sqlite', path: path.resolve(trimmed) };
  }
  throw new StoreUrlError(`Cannot open a store at "${redactUrl(url)}". ${ACCEPTED_FORMS}`);
}

/**
 * Creates the SQLite file (0600; SQLite gives its -wal and -shm files the same mode) and its missing
 * directories (0700) before SQLite would create them with the umask's modes. An existing file keeps
 * its mode.
 */
function createPrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
}

/**
 * Opens the store a URL names, creating the SQLite file (0600) and its directory (0700) if missing, and applies pending
 * migrations before returning it.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const target = parseStoreUrl(options.url);
  let store: SqliteStore | PostgresStore;
  if (target.dialect === 'sqlite') {
    if (target.path !== ':memory:') createPrivateFile(target.path);
    store = new SqliteStore(target.path);
  } else {
    store = new PostgresStore(
      options.schema === undefined
        ? { connectionString: target.connectionString }
        : { connectionString: target.connectionString, schema: options.schema },
    );
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * The store used when none is given: `sqlite:$STRATA_HOME/strata.db`, or `sqlite:<cwd>/.strata/strata.db`
 * when STRATA_HOME is unset or empty.
 *
 * @example
 * defaultStoreUrl({}, '/home/me/flows') // 'sqlite:/home/me/flows/.strata/strata.db'
 */
export function defaultStoreUrl(env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env.STRATA_HOME || path.join(cwd, '.strata');
  return `sqlite:${path.join(home, 'strata.db')}`;
}
