import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { hashSecret, parseToken, secretMatches, StoreTokenAdmin, TokenVerifier } from './tokens.js';

describe('token secrets', () => {
  it('hashes with scrypt and a salt of its own each time; only the same secret matches', async () => {
    const a = await hashSecret('s3cret');
    const b = await hashSecret('s3cret');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await secretMatches('s3cret', a)).toBe(true);
    expect(await secretMatches('s3cret', b)).toBe(true);
    expect(await secretMatches('s3creT', a)).toBe(false);
    expect(await secretMatches('s3cret', 'md5$abc')).toBe(false);
    expect(await secretMatches('s3cret', a.slice(0, -4))).toBe(false); // shorter hash: no throw
  });

  it('parses strata_<id>_<secret>, secrets with _ and - included', () => {
    const secret = `a_b-${'x'.repeat(39)}`;
    expect(parseToken(`strata_0123456789ab_${secret}`)).toEqual(['0123456789ab', secret]);
    for (const bad of ['', 'strata_0123456789ab', `strata_XYZ_${secret}`, `strata_0123456789ab_${secret}x`]) {
      expect(parseToken(bad), bad).toBeUndefined();
    }
  });
});

describe('TokenVerifier', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strata-tokens-'));
    store = await openStore({ url: `sqlite:${dir}/s.db` });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bounds the scrypt work of forged secrets: beyond the queue they are busy, unhashed; a verified token still passes', async () => {
    const admin = new StoreTokenAdmin(store);
    const { token } = await admin.createToken({ role: 'viewer', name: 'real' });
    const verifier = new TokenVerifier(store, { concurrentHashes: 1, queuedHashes: 2 });
    expect((await verifier.verify(token)).ok).toBe(true); // verified before the flood
    const [, id] = token.split('_');
    const forged = Array.from({ length: 12 }, (_, i) => `strata_${id}_${String(i).padStart(43, 'x')}`);
    const floods = forged.map((f) => verifier.verify(f));
    // While the flood is being hashed, the verified token is answered from the cache.
    expect((await verifier.verify(token)).ok).toBe(true);
    const reasons = (await Promise.all(floods)).map((v) => (v.ok ? 'ok' : v.reason));
    expect(reasons.filter((r) => r === 'unknown').length).toBeGreaterThanOrEqual(1);
    expect(reasons.filter((r) => r === 'busy').length).toBeGreaterThanOrEqual(6);
    expect(reasons).not.toContain('ok');
  });

  it('trusts a verified token for recheckMs, then reads its record again and sees a revocation', async () => {
    let now = 1_000_000;
    const admin = new StoreTokenAdmin(store, () => now);
    const { token, id } = await admin.createToken({ role: 'operator', name: 'ci' });
    const verifier = new TokenVerifier(store, { recheckMs: 5000, clock: () => now });
    const reads = vi.spyOn(store, 'getToken');

    expect(await verifier.verify(token)).toEqual({
      ok: true,
      principal: { id, name: 'ci', role: 'operator', label: `ci (${id})` },
    });
    await admin.revokeToken(id); // by another process, say: this verifier is not told
    now += 4999;
    expect((await verifier.verify(token)).ok).toBe(true);
    expect(reads).toHaveBeenCalledTimes(1);
    now += 1;
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'revoked' });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('refuses an expired token at once, even while its record is trusted', async () => {
    let now = 1_000_000;
    const { token } = await new StoreTokenAdmin(store, () => now).createToken({
      role: 'viewer',
      expiresAt: now + 1000,
    });
    const verifier = new TokenVerifier(store, { recheckMs: 60_000, clock: () => now });
    expect((await verifier.verify(token)).ok).toBe(true);
    now += 1000;
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('reads the record once for concurrent first uses, and refuses a wrong secret for a real id', async () => {
    const { token } = await new StoreTokenAdmin(store).createToken({ role: 'viewer' });
    const verifier = new TokenVerifier(store);
    const reads = vi.spyOn(store, 'getToken');
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => verifier.verify(token)));
    expect(verdicts.every((v) => v.ok)).toBe(true);
    expect(reads).toHaveBeenCalledTimes(1);
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'unknown' });
    expect(await verifier.verify('strata_ffffffffffff_' + 'A'.repeat(43))).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await verifier.verify('Bearer nonsense')).toEqual({ ok: false, reason: 'malformed' });
  });
});
