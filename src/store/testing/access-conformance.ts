/**
 * The part of the store conformance suite about access control: API tokens (create, find, list,
 * revoke), the submitter of a workflow, and audit events in the event log. Called from
 * `storeConformanceSuite`, so both back-ends run it.
 */
import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../errors.js';
import type { Store, TokenRecord } from '../store.js';
import { makeWorkflow } from './store-conformance.js';

const T0 = 1_735_000_000_123;

function token(id: string, extra: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id,
    name: `name of ${id}`,
    role: 'operator',
    hash: `scrypt$16384$8$1$salt-${id}$hash-${id}`,
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    ...extra,
  };
}

export function accessConformanceTests(store: () => Store): void {
  describe('tokens', () => {
    it('stores a token and reads it back exactly by id; an unknown id is undefined', async () => {
      const t = token('a1b2c3d4e5f6', { role: 'admin', expiresAt: T0 + 86_400_000 });
      await store().createToken(t);
      expect(await store().getToken(t.id)).toStrictEqual(t);
      expect(await store().getToken('ffffffffffff')).toBeUndefined();
    });

    it('refuses a second token with the same id (StoreConflictError) and keeps the first', async () => {
      await store().createToken(token('abc', { name: 'first' }));
      await expect(store().createToken(token('abc', { name: 'second' }))).rejects.toThrow(StoreConflictError);
      expect((await store().getToken('abc'))?.name).toBe('first');
    });

    it('lists tokens oldest first, revoked ones included', async () => {
      await store().createToken(token('t2', { createdAt: T0 + 2 }));
      await store().createToken(token('t1', { createdAt: T0 + 1, role: 'viewer' }));
      await store().createToken(token('t3', { createdAt: T0 + 3, revokedAt: T0 + 4 }));
      expect((await store().listTokens()).map((t) => [t.id, t.role, t.revokedAt])).toEqual([
        ['t1', 'viewer', null],
        ['t2', 'operator', null],
        ['t3', 'operator', T0 + 4],
      ]);
    });

    it('revokes a token once: a second revocation keeps the first time; an unknown id gives undefined', async () => {
      await store().createToken(token('t1'));
      expect(await store().revokeToken('t1', T0 + 10)).toStrictEqual(token('t1', { revokedAt: T0 + 10 }));
      expect((await store().revokeToken('t1', T0 + 20))?.revokedAt).toBe(T0 + 10);
      expect((await store().getToken('t1'))?.revokedAt).toBe(T0 + 10);
      expect(await store().revokeToken('nope', T0)).toBeUndefined();
    });
  });

  describe('submitter and audit events', () => {
    it('records who submitted a workflow, `local` unless told', async () => {
      const a = makeWorkflow('wf-a', 1);
      const b = makeWorkflow('wf-b', 1, T0 + 1);
      expect((await store().createWorkflow(a.workflow, a.tasks)).submittedBy).toBe('local');
      const created = await store().createWorkflow({ ...b.workflow, submittedBy: 'ci (t1)' }, b.tasks);
      expect(created.submittedBy).toBe('ci (t1)');
      expect(await store().getWorkflow('wf-b')).toStrictEqual(created);
      expect((await store().listWorkflows()).map((w) => w.submittedBy)).toEqual(['ci (t1)', 'local']);
    });

    it('appends audit events to the one event log in seq order; listAudit gives only them', async () => {
      const a = makeWorkflow('wf-a', 1);
      await store().createWorkflow(a.workflow, a.tasks);
      const audit = await store().appendAudit({
        workflowId: 'wf-a',
        actor: 'ci (t1)',
        action: 'cancel',
        detail: 'wf-a → 200',
        at: T0 + 5,
      });
      const tokenAudit = await store().appendAudit({
        workflowId: '',
        actor: 'root (t0)',
        action: 'token-create',
        detail: 'token t9 (viewer) → 201',
        at: T0 + 6,
      });
      expect(audit).toStrictEqual({
        seq: audit.seq,
        workflowId: 'wf-a',
        taskIdx: null,
        attempt: null,
        from: null,
        to: 'cancel',
        at: T0 + 5,
        reason: 'wf-a → 200',
        kind: 'audit',
        actor: 'ci (t1)',
      });
      const all = await store().listEvents();
      expect(all.map((e) => e.kind ?? 'transition')).toEqual(['transition', 'audit', 'audit']);
      expect(all[1]).toStrictEqual(audit);
      expect(tokenAudit.seq).toBeGreaterThan(audit.seq);
      expect(await store().listEvents({ workflowId: 'wf-a' })).toStrictEqual(all.slice(0, 2));
      expect(await store().listAudit()).toStrictEqual([audit, tokenAudit]);
      expect(await store().listAudit({ afterSeq: audit.seq })).toStrictEqual([tokenAudit]);
      expect(await store().listAudit({ limit: 1 })).toStrictEqual([audit]);
    });
  });
}
