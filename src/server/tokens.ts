/**
 * API tokens: minting, hashing, verifying, and the embedded `TokenAdmin`.
 *
 * A token reads `strata_<id>_<secret>`: `id` (12 hex digits) is its key in the store and is not
 * secret (lists and audit events show it); `secret` (32 random bytes, base64url) is shown once, when
 * the token is made, and only its scrypt hash is stored, with a salt of its own. Verification finds
 * the record by id and compares hashes in constant time (`timingSafeEqual`).
 *
 * scrypt is slow on purpose (tens of ms): it runs on libuv's thread pool (the async `scrypt`), never
 * on the event loop, and `TokenVerifier` runs it once per token and process. It re-reads the token's
 * record at most every `recheckMs` (default 5 s), so that a revocation or an expiry takes effect
 * within that time on every server that shares the store.
 *
 * Never: store or log a secret; compare secrets with `===`; trust a cached record longer than
 * `recheckMs`.
 *
 * @example
 * const admin = new StoreTokenAdmin(store);
 * const { token } = await admin.createToken({ role: 'admin', name: 'alice' });
 * const principal = await new TokenVerifier(store).verify(token); // { id, name, role, label }
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import pLimit, { type LimitFunction } from 'p-limit';
import type { IssuedToken, NewTokenRequest, TokenAdmin, TokenView } from '../engine/token-admin.js';
import type { Role } from '../model/index.js';
import type { Store, TokenRecord } from '../store/store.js';
import { ApiError } from './error-handler.js';

const TOKEN_PATTERN = /^strata_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB, ~50 ms on a laptop core), 32-byte key. */
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

/** Who made a request: the token's record, and how audit events and workflows name it. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  /** `name (id)`: the actor of audit events and the `submittedBy` of workflows. */
  label: string;
}

/** `[id, secret]` of a well-formed token, or undefined. */
export function parseToken(token: string): [id: string, secret: string] | undefined {
  const m = TOKEN_PATTERN.exec(token);
  return m ? [m[1]!, m[2]!] : undefined;
}

function scryptAsync(secret: string, salt: Buffer, n: number, r: number, p: number, len: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, salt, len, { N: n, r, p, maxmem: 256 * n * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` of a secret, with a fresh 16-byte salt. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

/** Whether `secret` hashes to `stored` (constant-time comparison); false for a malformed hash. */
export async function secretMatches(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== SCRYPT.keyLength) return false;
  const key = await scryptAsync(secret, Buffer.from(salt, 'base64url'), +n, +r, +p, expected.length);
  return timingSafeEqual(key, expected);
}

/** The record without its hash. */
export function tokenView(record: TokenRecord): TokenView {
  const { hash: _hash, ...view } = record;
  return view;
}

/** `TokenAdmin` on the store directly: `strata token` without `--server`, and the admin routes. */
export class StoreTokenAdmin implements TokenAdmin {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  async createToken(request: NewTokenRequest): Promise<IssuedToken> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const record: TokenRecord = {
      id,
      name: request.name ?? `${request.role}-${id}`,
      role: request.role,
      hash: await hashSecret(secret),
      createdAt: this.clock(),
      expiresAt: request.expiresAt ?? null,
      revokedAt: null,
    };
    await this.store.createToken(record);
    return { token: `strata_${id}_${secret}`, ...tokenView(record) };
  }

  async listTokens(): Promise<TokenView[]> {
    return (await this.store.listTokens()).map(tokenView);
  }

  async revokeToken(id: string): Promise<TokenView> {
    const record = await this.store.revokeToken(id, this.clock());
    if (!record) {
      throw new ApiError(
        404,
        'TOKEN_NOT_FOUND',
        `no token with id ${JSON.stringify(id)}`,
        '`strata token list` shows the tokens and their ids',
      );
    }
    return tokenView(record);
  }
}

/** Whether a usable (not revoked, not expired) admin token exists: `strata server` says how to make one if not. */
export async function hasAdminToken(store: Store, now: number): Promise<boolean> {
  return (await store.listTokens()).some(
    (t) => t.role === 'admin' && t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now),
  );
}

export type Verdict =
  | { ok: true; principal: Principal }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired' | 'busy' };

interface CacheEntry {
  /** The stored hash the presented secret was checked against (undefined: it did not match). */
  hash: string | undefined;
  record: TokenRecord | undefined;
  checkedAt: number;
}

/**
 * Checks presented tokens against the store, with the cache described in the module header. Keys
 * are SHA-256 digests of presented tokens (the secrets are not kept as map keys); at most
 * `maxEntries` are kept, oldest dropped first.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<CacheEntry | 'busy'>>();
  private readonly recheckMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;
  /**
   * scrypt runs for secrets not verified before: at most `concurrentHashes` at once and
   * `queuedHashes` waiting. Beyond that a new secret is answered `busy` (429) without hashing, so a
   * flood of forged secrets for a known token id costs bounded CPU and never delays the tokens
   * already verified (they are answered from the cache).
   */
  private readonly hashing: LimitFunction;
  private readonly queuedHashes: number;

  constructor(
    private readonly store: Store,
    options: {
      recheckMs?: number;
      maxEntries?: number;
      clock?: () => number;
      concurrentHashes?: number;
      queuedHashes?: number;
    } = {},
  ) {
    this.recheckMs = options.recheckMs ?? 5000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? Date.now;
    this.hashing = pLimit(options.concurrentHashes ?? 2);
    this.queuedHashes = options.queuedHashes ?? 32;
  }

  async verify(presented: string): Promise<Verdict> {
    const parsed = parseToken(presented);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const key = createHash('sha256').update(presented).digest('base64url');
    const now = this.clock();
    let entry = this.cache.get(key);
    if (!entry || now - entry.checkedAt >= this.recheckMs) {
      let pending = this.inFlight.get(key);
      if (!pending) {
        pending = this.check(parsed, entry, now).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      const checked = await pending;
      if (checked === 'busy') return { ok: false, reason: 'busy' };
      entry = checked;
      this.remember(key, entry);
    }
    const { record, hash } = entry;
    if (!record || hash === undefined || hash !== record.hash) return { ok: false, reason: 'unknown' };
    if (record.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (record.expiresAt !== null && record.expiresAt <= now) return { ok: false, reason: 'expired' };
    const { id, name, role } = record;
    return { ok: true, principal: { id, name, role, label: `${name} (${id})` } };
  }

  /** Forgets what it knows of token `id` (this server revoked it: no need to wait `recheckMs`). */
  forget(id: string): void {
    for (const [key, entry] of this.cache) if (entry.record?.id === id) this.cache.delete(key);
  }

  /** Reads the record; runs scrypt only when the stored hash is not the one verified before. */
  private async check(
    [id, secret]: [string, string],
    before: CacheEntry | undefined,
    now: number,
  ): Promise<CacheEntry | 'busy'> {
    const record = await this.store.getToken(id);
    if (!record) return { hash: undefined, record: undefined, checkedAt: now };
    if (before?.hash !== undefined && before.hash === record.hash)
      return { hash: record.hash, record, checkedAt: now };
    if (this.hashing.pendingCount >= this.queuedHashes) return 'busy';
    const matches = await this.hashing(() => secretMatches(secret, record.hash));
    return { hash: matches ? record.hash : undefined, record, checkedAt: now };
  }

  private remember(key: string, entry: CacheEntry): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
