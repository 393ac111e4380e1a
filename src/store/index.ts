/**
 * The store layer: everything the engine persists, behind the `Store` interface, on SQLite (the
 * embedded default) or PostgreSQL. Schema and durability notes: docs/store.md.
 *
 * @example
 * import { openStore, defaultStoreUrl } from '../store/index.js';
 * const store = await openStore({ url: defaultStoreUrl(process.env, process.cwd()) });
 * await store.createWorkflow(workflow, tasks);
 * await store.close();
 */
export type {
  AttemptRecord,
  AttemptWrite,
  ChangeSet,
  EventFilter,
  EventRecord,
  NewTask,
  NewWorkflow,
  Store,
  TaskChange,
  TaskFilter,
  TaskRecord,
  WorkflowChange,
  WorkflowFilter,
  WorkflowRecord,
} from './store.js';
export { StoreConflictError, StoreUrlError } from './errors.js';
export { newAttemptRecord, newTaskRecord } from './attempt-record.js';
export type { NewAttemptFields } from './attempt-record.js';
export { openStore, defaultStoreUrl, parseStoreUrl } from './open-store.js';
export type { OpenStoreOptions, StoreTarget } from './open-store.js';
export { SqliteStore } from './sqlite-store.js';
export { PostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './postgres-store.js';
export { LATEST_SCHEMA_VERSION } from './migrations.js';
