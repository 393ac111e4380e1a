/**
 * Lease fencing, part of the store conformance suite (`storeConformanceSuite` calls it): a commit
 * made on behalf of an engine (`ChangeSet.owner`) is refused, whole, for a workflow whose lease that
 * engine no longer holds; `renewLeases` says which leases the engine still holds.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { newAttemptRecord } from '../attempt-record.js';
import { StoreLeaseLostError } from '../errors.js';
import type { ChangeSet, Store } from '../store.js';
import { storedWorkflow } from './store-conformance.js';

const T0 = 1_735_000_000_123;
const TTL = 1000;

/** ready → queued of task 0 with its attempt row: the first write an engine makes. */
function queueFirst(workflowId: string, owner?: string): ChangeSet {
  return {
    ...(owner === undefined ? {} : { owner }),
    attempts: [
      {
        kind: 'insert',
        attempt: newAttemptRecord({ workflowId, taskIdx: 0, number: 1, executor: 'local', queuedAt: T0 + 1 }),
      },
    ],
    tasks: [{ workflowId, idx: 0, from: 'ready', to: 'queued', at: T0 + 1, attempt: 1 }],
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

export function leaseFencingCases(store: () => Store): void {
  describe('lease fencing', () => {
    beforeEach(async () => {
      for (const id of ['wf-1', 'wf-2', 'wf-3']) await storedWorkflow(store(), id, 1);
    });

    async function expectUntouched(workflowId: string): Promise<void> {
      expect((await store().getTask(workflowId, 0))?.state).toBe('ready');
      expect(await store().listAttempts(workflowId)).toEqual([]);
      expect((await store().listEvents({ workflowId })).map((e) => e.reason)).toEqual(['submitted']);
    }

    it('a commit by the lease holder is written', async () => {
      expect(await store().acquireLease('wf-1', 'engine-a', T0, TTL)).toBe(true);
      await store().commit(queueFirst('wf-1', 'engine-a'));
      expect((await store().getTask('wf-1', 0))?.state).toBe('queued');
    });

    it('a commit by an engine whose lease was taken over is refused with STORE_LEASE_LOST, nothing written', async () => {
      await store().acquireLease('wf-1', 'engine-a', T0, TTL);
      expect(await store().acquireLease('wf-1', 'engine-b', T0 + TTL, TTL)).toBe(true);
      const error = await rejection(store().commit(queueFirst('wf-1', 'engine-a')));
      expect(error).toBeInstanceOf(StoreLeaseLostError);
      expect((error as StoreLeaseLostError).code).toBe('STORE_LEASE_LOST');
      expect((error as StoreLeaseLostError).workflowIds).toEqual(['wf-1']);
      await expectUntouched('wf-1');
    });

    it('a commit touching a held and a lost workflow writes neither and names only the lost one', async () => {
      await store().acquireLease('wf-1', 'engine-a', T0, TTL);
      await store().acquireLease('wf-2', 'engine-b', T0, TTL);
      const both = queueFirst('wf-1', 'engine-a');
      const other = queueFirst('wf-2');
      both.attempts!.push(...other.attempts!);
      both.tasks!.push(...other.tasks!);
      const error = await rejection(store().commit(both));
      expect((error as StoreLeaseLostError).workflowIds).toEqual(['wf-2']);
      await expectUntouched('wf-1');
      await expectUntouched('wf-2');
    });

    it('a released lease, or one never taken, fences too; workflow changes are fenced like task changes', async () => {
      await store().acquireLease('wf-1', 'engine-a', T0, TTL);
      await store().releaseLease('wf-1', 'engine-a');
      expect(await rejection(store().commit(queueFirst('wf-1', 'engine-a')))).toBeInstanceOf(
        StoreLeaseLostError,
      );
      const cancel: ChangeSet = {
        owner: 'engine-a',
        workflows: [{ id: 'wf-3', from: 'running', to: 'cancelled', at: T0 + 2 }],
      };
      expect(await rejection(store().commit(cancel))).toBeInstanceOf(StoreLeaseLostError);
      expect((await store().getWorkflow('wf-3'))?.state).toBe('running');
    });

    it('an expired lease nobody took is still its owner’s to write with', async () => {
      await store().acquireLease('wf-1', 'engine-a', T0, TTL);
      await store().commit({ ...queueFirst('wf-1', 'engine-a') });
      expect((await store().getTask('wf-1', 0))?.state).toBe('queued');
    });

    it('a commit without an owner is not fenced', async () => {
      await store().acquireLease('wf-1', 'engine-b', T0, TTL);
      await store().commit(queueFirst('wf-1'));
      expect((await store().getTask('wf-1', 0))?.state).toBe('queued');
    });

    it('renewLeases returns the workflows the owner still holds', async () => {
      await store().acquireLease('wf-1', 'engine-a', T0, TTL);
      await store().acquireLease('wf-2', 'engine-a', T0, TTL);
      await store().acquireLease('wf-3', 'engine-b', T0, TTL);
      expect((await store().renewLeases('engine-a', T0 + 10, TTL)).sort()).toEqual(['wf-1', 'wf-2']);
      // engine-b takes wf-2 over once it expired: engine-a learns it at its next renewal.
      expect(await store().acquireLease('wf-2', 'engine-b', T0 + 10 + TTL, TTL)).toBe(true);
      expect(await store().renewLeases('engine-a', T0 + 20 + TTL, TTL)).toEqual(['wf-1']);
      expect(await store().renewLeases('engine-c', T0, TTL)).toEqual([]);
    });

    it('a take-over racing a commit: the commit is written before it, or refused', async () => {
      for (let round = 0; round < 5; round++) {
        const id = `wf-race-${round}`;
        await storedWorkflow(store(), id, 1);
        await store().acquireLease(id, 'engine-a', T0, TTL);
        const [commit, taken] = await Promise.allSettled([
          store().commit(queueFirst(id, 'engine-a')),
          store().acquireLease(id, 'engine-b', T0 + TTL, TTL),
        ]);
        expect(taken).toEqual({ status: 'fulfilled', value: true });
        const state = (await store().getTask(id, 0))?.state;
        if (commit.status === 'fulfilled') expect(state).toBe('queued');
        else {
          expect(commit.reason).toBeInstanceOf(StoreLeaseLostError);
          await expectUntouched(id);
        }
      }
    });
  });
}
