/**
 * The store's lists as `StrataApi` pages (pages.ts): each reads one item more than the page, by
 * keyset (idx, seq, (createdAt, id), (task idx, number)) rather than offset, so that a page costs the
 * same at the end of a million-task workflow as at its start.
 */
import type { TaskState } from '../model/index.js';
import type { AttemptRecord, EventRecord, Store, TaskRecord, WorkflowRecord } from '../store/store.js';
import { decodeCursor, encodeCursor, pageOf, pageSize, type Page } from './pages.js';
import type { PageRequest } from './strata-api.js';

export function pageOfWorkflows(
  store: Store,
  filter: { states?: WorkflowRecord['state'][] } & PageRequest,
): Promise<Page<WorkflowRecord>> {
  const before =
    filter.cursor !== undefined ? decodeCursor(filter.cursor, 'workflows', ['n', 's']) : undefined;
  return pageOf(
    pageSize(filter.limit),
    (limit) =>
      store.listWorkflows({
        limit,
        ...(filter.states ? { states: filter.states } : {}),
        ...(before ? { before: { createdAt: before[0] as number, id: before[1] as string } } : {}),
      }),
    (last) => encodeCursor('workflows', [last.createdAt, last.id]),
  );
}

export function pageOfTasks(
  store: Store,
  workflowId: string,
  filter: { states?: TaskState[] } & PageRequest,
): Promise<Page<TaskRecord>> {
  const after = filter.cursor !== undefined ? decodeCursor(filter.cursor, 'tasks', ['n']) : undefined;
  return pageOf(
    pageSize(filter.limit),
    (limit) =>
      store.listTasks(workflowId, {
        limit,
        ...(filter.states ? { states: filter.states } : {}),
        ...(after ? { afterIdx: after[0] as number } : {}),
      }),
    (last) => encodeCursor('tasks', [last.idx]),
  );
}

export function pageOfAttempts(
  store: Store,
  workflowId: string,
  taskIdx: number | undefined,
  filter: PageRequest,
): Promise<Page<AttemptRecord>> {
  const after = filter.cursor !== undefined ? decodeCursor(filter.cursor, 'attempts', ['n', 'n']) : undefined;
  return pageOf(
    pageSize(filter.limit),
    (limit) =>
      store.listAttempts(workflowId, taskIdx, {
        limit,
        ...(after ? { after: { taskIdx: after[0] as number, number: after[1] as number } } : {}),
      }),
    (last) => encodeCursor('attempts', [last.taskIdx, last.number]),
  );
}

/** Events after `afterSeq`, or after the cursor when one is given. */
export function pageOfEvents(
  store: Store,
  workflowId: string,
  filter: { afterSeq?: number } & PageRequest,
): Promise<Page<EventRecord>> {
  return pageBySeq('events', filter, (afterSeq, limit) => store.listEvents({ workflowId, afterSeq, limit }));
}

/** Audit events (every workflow's and the token routes'), after `afterSeq` or the cursor. */
export function pageOfAudit(
  store: Store,
  filter: { afterSeq?: number } & PageRequest,
): Promise<Page<EventRecord>> {
  return pageBySeq('audit', filter, (afterSeq, limit) => store.listAudit({ afterSeq, limit }));
}

/** A page of an event list ordered by `seq`: after the cursor's seq, else after `afterSeq`. */
function pageBySeq(
  kind: 'events' | 'audit',
  filter: { afterSeq?: number } & PageRequest,
  read: (afterSeq: number, limit: number) => Promise<EventRecord[]>,
): Promise<Page<EventRecord>> {
  const afterSeq =
    filter.cursor !== undefined
      ? (decodeCursor(filter.cursor, kind, ['n'])[0] as number)
      : (filter.afterSeq ?? 0);
  return pageOf(
    pageSize(filter.limit),
    (limit) => read(afterSeq, limit),
    (last) => encodeCursor(kind, [last.seq]),
  );
}
