/**
 * Keyset paging in the store's lists (part of the conformance suite, run against every back-end):
 * walking the pages of tasks, workflows, attempts and events gives every item exactly once, in the
 * list's order, including ties of the sort key and rows added between two pages.
 */
import { describe, expect, it } from 'vitest';
import { newAttemptRecord } from '../attempt-record.js';
import type { EventRecord, Store, TaskRecord } from '../store.js';
import { storedWorkflow } from './store-conformance.js';

const T0 = 1_735_000_000_123;

/** Every page of a list, `size` at a time, keyed by `next` from the last item of each page. */
async function walk<T, K>(read: (after: K | undefined) => Promise<T[]>, keyOf: (item: T) => K): Promise<T[]> {
  const out: T[] = [];
  let after: K | undefined;
  for (;;) {
    const page = await read(after);
    out.push(...page);
    const last = page.at(-1);
    if (last === undefined) return out;
    after = keyOf(last);
  }
}

export function pagingConformance(store: () => Store): void {
  describe('keyset paging', () => {
    it('tasks: pages after an idx give every task once, in idx order, with a state filter too', async () => {
      await storedWorkflow(store(), 'wf-p', 23);
      const all = await store().listTasks('wf-p');
      const paged = await walk<TaskRecord, number>(
        (after) =>
          store().listTasks('wf-p', { limit: 5, ...(after !== undefined ? { afterIdx: after } : {}) }),
        (t) => t.idx,
      );
      expect(paged.map((t) => t.idx)).toEqual(all.map((t) => t.idx));
      expect(paged).toHaveLength(23);
      const pending = await walk<TaskRecord, number>(
        (after) =>
          store().listTasks('wf-p', {
            states: ['pending'],
            limit: 4,
            ...(after !== undefined ? { afterIdx: after } : {}),
          }),
        (t) => t.idx,
      );
      expect(pending.map((t) => t.idx)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    });

    it('workflows: pages before (createdAt, id) give each once, newest first, ties at one time included', async () => {
      // Seven workflows, three of them created at the same millisecond: the id breaks the tie.
      const times = [T0, T0 + 1, T0 + 1, T0 + 1, T0 + 2, T0 + 3, T0 + 3];
      for (const [i, at] of times.entries()) await storedWorkflow(store(), `w${i}`, 1, at);
      const all = await store().listWorkflows();
      const seen: string[] = [];
      let before: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await store().listWorkflows({ limit: 2, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        seen.push(...page.map((w) => w.id));
        const last = page.at(-1)!;
        before = { createdAt: last.createdAt, id: last.id };
        if (seen.length === 4) await storedWorkflow(store(), 'late', 1, T0 + 10); // newer: not in later pages
      }
      expect(seen).toEqual(all.map((w) => w.id));
      expect(new Set(seen).size).toBe(7);
    });

    it('attempts: pages after (task idx, number) give each once, across tasks and for one task', async () => {
      await storedWorkflow(store(), 'wf-a', 4);
      const inserts = [];
      for (let idx = 0; idx < 4; idx++) {
        for (let number = 1; number <= 3; number++) {
          inserts.push({
            kind: 'insert' as const,
            attempt: newAttemptRecord({
              workflowId: 'wf-a',
              taskIdx: idx,
              number,
              executor: 'local',
              queuedAt: T0,
            }),
          });
        }
      }
      await store().commit({ attempts: inserts });
      const key = (a: { taskIdx: number; number: number }) => ({ taskIdx: a.taskIdx, number: a.number });
      const paged = await walk(
        (after) => store().listAttempts('wf-a', undefined, { limit: 5, ...(after ? { after } : {}) }),
        key,
      );
      expect(paged.map((a) => [a.taskIdx, a.number])).toEqual(
        (await store().listAttempts('wf-a')).map((a) => [a.taskIdx, a.number]),
      );
      expect(paged).toHaveLength(12);
      const ofTask2 = await walk(
        (after) => store().listAttempts('wf-a', 2, { limit: 2, ...(after ? { after } : {}) }),
        key,
      );
      expect(ofTask2.map((a) => a.number)).toEqual([1, 2, 3]);
    });

    it('events: pages after a seq give each once, in seq order', async () => {
      await storedWorkflow(store(), 'wf-e', 9);
      await store().commit({
        tasks: [{ workflowId: 'wf-e', idx: 0, from: 'ready', to: 'queued', at: T0 + 1, attempt: 1 }],
      });
      const all = await store().listEvents({ workflowId: 'wf-e' });
      const paged = await walk<EventRecord, number>(
        (after) => store().listEvents({ workflowId: 'wf-e', limit: 1, afterSeq: after ?? 0 }),
        (e) => e.seq,
      );
      expect(paged).toEqual(all);
    });
  });
}
