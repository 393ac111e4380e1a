/**
 * Tokens, roles, the audit trail and the browser guard on the real app (`app.inject`), with the
 * probes that found the server open: an anonymous submit of `shell: ...`, the same under a rebinding
 * Host, and a cross-origin `text/plain` POST with no body to cancel and resume.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from '../engine/pages.js';
import type { WorkflowView } from '../engine/strata-api.js';
import type { Executor } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local-executor.js';
import { NoopExecutor } from '../executors/noop-executor.js';
import type { EventRecord } from '../store/store.js';
import { installApiAuth } from './auth.js';
import { finished, pollWorkflow, startTestServer, submit } from './testing/server-harness.js';
import type { TestServer, TestServerOptions } from './testing/server-harness.js';
import { TokenVerifier } from './tokens.js';

const SLOW = `name: slow
tasks:
  - name: nap
    command: ["sleep", "30"]
`;

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** `nap` runs a minute (until cancelled); every other task ends at once. */
async function start(options: TestServerOptions = {}, executor?: Executor): Promise<TestServer> {
  const slowNaps = new NoopExecutor({
    behaviour: (req) => (req.taskName === 'nap' ? { delayMs: 60_000 } : {}),
  });
  server = await startTestServer(executor ?? slowNaps, options);
  return server;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const JSON_TYPE = { 'content-type': 'application/json' };

describe('every API route declares its role', () => {
  it('lists a role for every /api/v1 route of the OpenAPI document: GETs viewer, changes operator, tokens admin', async () => {
    const s = await start();
    const roles = new Map(s.app.apiRouteRoles.map((r) => [`${r.method} ${r.url}`, r.role]));
    const doc = (await s.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const apiRoutes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
    expect(apiRoutes.length).toBeGreaterThanOrEqual(14);
    for (const route of apiRoutes) {
      const role = roles.get(route);
      const expected = /tokens|audit/.test(route) ? 'admin' : route.startsWith('GET') ? 'viewer' : 'operator';
      expect(role, route).toBe(expected);
    }
  });

  it('refuses to start with a route that declares none', async () => {
    const app = Fastify();
    const boot = async () => {
      await app.register(async (api) => {
        installApiAuth(api, { verifier: new TokenVerifier(null as never), store: null as never });
        api.get('/closed', { config: { role: 'viewer' } }, async () => 'fine');
        api.get('/open', async () => 'oops');
      });
      await app.ready();
    };
    await expect(boot()).rejects.toThrow(/API route GET \/open declares no role/);
    await app.close().catch(() => undefined);
  });
});

describe('bearer tokens', () => {
  it('answers 401 UNAUTHORIZED without a token, with a malformed one and with an unknown one', async () => {
    const s = await start();
    const tries = [
      {},
      { authorization: 'Basic YWxpY2U6c2VjcmV0' },
      bearer('not-a-token'),
      bearer(`strata_0123456789ab_${'A'.repeat(43)}`),
      bearer(s.token.slice(0, -1) + (s.token.endsWith('A') ? 'B' : 'A')), // right id, wrong secret
    ];
    for (const headers of tries) {
      const res = await s.app.inject({ method: 'GET', url: '/api/v1/workflows', headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="strata"');
    }
    expect((await s.inject({ method: 'GET', url: '/api/v1/workflows' })).statusCode).toBe(200);
  });

  it('gives each role its routes and answers 403 FORBIDDEN above it', async () => {
    const s = await start();
    const viewer = await s.tokenFor('viewer', 'watcher');
    const operator = await s.tokenFor('operator', 'ci');
    const wf = await submit(s, SLOW);
    const as = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      s.app.inject({
        method,
        url,
        headers: { ...bearer(token), ...(method === 'POST' ? JSON_TYPE : {}) },
        ...(payload ? { payload } : {}),
      });
    const spec = { text: 'name: x\ntasks:\n  - name: a\n    command: ["true"]\n', baseDir: s.dir };

    for (const url of [
      '/api/v1/workflows',
      `/api/v1/workflows/${wf.id}`,
      `/api/v1/workflows/${wf.id}/events`,
    ]) {
      expect((await as(viewer, 'GET', url)).statusCode, url).toBe(200);
    }
    const denied = await as(viewer, 'POST', '/api/v1/workflows', spec);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/operator/) },
    });
    expect((await as(viewer, 'POST', `/api/v1/workflows/${wf.id}/cancel`)).statusCode).toBe(403);
    expect((await as(viewer, 'GET', '/api/v1/tokens')).statusCode).toBe(403);

    expect((await as(operator, 'POST', '/api/v1/workflows', spec)).statusCode).toBe(201);
    expect((await as(operator, 'POST', `/api/v1/workflows/${wf.id}/cancel`)).statusCode).toBe(200);
    expect((await as(operator, 'POST', `/api/v1/workflows/${wf.id}/resume`)).statusCode).toBe(200);
    expect((await as(operator, 'GET', '/api/v1/tokens')).statusCode).toBe(403);
    expect((await as(operator, 'POST', '/api/v1/tokens', { role: 'admin' })).statusCode).toBe(403);
    expect((await as(operator, 'GET', '/api/v1/audit')).statusCode).toBe(403);

    expect((await as(s.token, 'GET', '/api/v1/tokens')).statusCode).toBe(200);
    expect((await as(s.token, 'GET', '/api/v1/audit')).statusCode).toBe(200);
    await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/cancel` });
  });

  it('refuses a token revoked through the API at once, and one revoked in the store within the recheck time', async () => {
    const s = await start({ tokenRecheckMs: 200 });
    const a = await s.tokenFor('viewer', 'a');
    const b = await s.tokenFor('viewer', 'b');
    const get = (token: string) =>
      s.app.inject({ method: 'GET', url: '/api/v1/workflows', headers: bearer(token) });
    expect((await get(a)).statusCode).toBe(200);
    expect((await get(b)).statusCode).toBe(200);

    const idOf = (token: string) => token.split('_')[1]!;
    const revoked = await s.inject({ method: 'DELETE', url: `/api/v1/tokens/${idOf(a)}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id: idOf(a), name: 'a', revokedAt: expect.any(Number) });
    expect(revoked.json()).not.toHaveProperty('hash');
    const refused = await get(a);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { message: 'the bearer token was revoked' } });

    // Revoked by another process (`strata token revoke` on the store): this server notices on its
    // next look at the record, at most tokenRecheckMs later.
    await s.store.revokeToken(idOf(b), Date.now());
    await sleep(250);
    expect((await get(b)).statusCode).toBe(401);

    const missing = await s.inject({ method: 'DELETE', url: '/api/v1/tokens/0123456789ab' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'TOKEN_NOT_FOUND' } });
  });

  it('refuses an expired token', async () => {
    const s = await start();
    const res = await s.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { role: 'admin', name: 'short', expiresAt: Date.now() - 1 },
    });
    expect(res.statusCode).toBe(201);
    const { token } = res.json<{ token: string }>();
    const refused = await s.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(token) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: { message: 'the bearer token has expired' } });
  });

  it('makes tokens through the API (admin), whose secret works and is never listed', async () => {
    const s = await start();
    const made = await s.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { role: 'operator', name: 'bot' },
    });
    expect(made.statusCode).toBe(201);
    const issued = made.json<{ token: string; id: string }>();
    expect(issued.token).toMatch(new RegExp(`^strata_${issued.id}_[A-Za-z0-9_-]{43}$`));
    const listed = (await s.inject({ method: 'GET', url: '/api/v1/tokens' })).body;
    expect(listed).toContain(issued.id);
    expect(listed).not.toContain(issued.token.split('_').slice(2).join('_'));
    expect(listed).not.toContain('scrypt');
    const bad = await s.inject({ method: 'POST', url: '/api/v1/tokens', payload: { role: 'root' } });
    expect(bad.statusCode).toBe(400);
    const used = await s.app.inject({
      method: 'GET',
      url: '/api/v1/workflows',
      headers: bearer(issued.token),
    });
    expect(used.statusCode).toBe(200);
  });

  it('keeps /healthz and /metrics open, unless /metrics is protected', async () => {
    const open = await start();
    expect((await open.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await open.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    await open.close();
    const s = await start({ protectMetrics: true });
    expect((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const viewer = await s.tokenFor('viewer');
    const scraped = await s.app.inject({ method: 'GET', url: '/metrics', headers: bearer(viewer) });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('strata_workflows');
    expect((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('who did what', () => {
  it('records the submitter on the workflow and an audit event for every state-changing request', async () => {
    const s = await start();
    const operator = await s.tokenFor('operator', 'ci');
    const submitted = await s.app.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      headers: { ...bearer(operator), ...JSON_TYPE },
      payload: { text: SLOW, baseDir: s.dir },
    });
    const wf = submitted.json<WorkflowView>();
    const ci = `ci (${operator.split('_')[1]})`;
    expect(wf.submittedBy).toBe(ci);
    await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/cancel` });
    await pollWorkflow(s, wf.id, finished);
    await s.inject({ method: 'POST', url: `/api/v1/workflows/${wf.id}/cancel` }); // 409: audited too
    expect((await s.inject({ method: 'GET', url: `/api/v1/workflows/${wf.id}` })).json()).toMatchObject({
      submittedBy: ci,
    });

    const events = (await s.inject({ method: 'GET', url: `/api/v1/workflows/${wf.id}/events` })).json<{
      items: EventRecord[];
    }>().items;
    const audit = events.filter((e) => e.kind === 'audit');
    expect(audit.map((e) => [e.actor, e.to, e.reason])).toEqual([
      [ci, 'submitWorkflow', `workflow ${wf.id} → 201`],
      [`harness (${s.token.split('_')[1]})`, 'cancelWorkflow', `workflow ${wf.id} → 200`],
    ]);
    const all = (await s.inject({ method: 'GET', url: '/api/v1/audit' })).json<{ items: EventRecord[] }>()
      .items;
    expect(all.map((e) => e.to)).toEqual(['submitWorkflow', 'cancelWorkflow', 'cancelWorkflow']);
    expect(all[2]?.reason).toBe(`workflow ${wf.id} → 409 WORKFLOW_FINISHED`);

    const made = await s.inject({ method: 'POST', url: '/api/v1/tokens', payload: { role: 'viewer' } });
    const id = made.json<{ id: string }>().id;
    await s.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}` });
    const tokenEvents = (await s.inject({ method: 'GET', url: `/api/v1/audit?after=${all[2]!.seq}` })).json<{
      items: EventRecord[];
    }>().items;
    // One at a time, the cursor walks the same events.
    const first = (await s.inject({ method: 'GET', url: '/api/v1/audit?limit=1' })).json<Page<EventRecord>>();
    expect(first.items.map((e) => e.seq)).toEqual([all[0]!.seq]);
    const second = (
      await s.inject({ method: 'GET', url: `/api/v1/audit?limit=1&cursor=${first.nextCursor ?? ''}` })
    ).json<Page<EventRecord>>();
    expect(second.items.map((e) => e.seq)).toEqual([all[1]!.seq]);
    expect(tokenEvents.map((e) => [e.workflowId, e.to, e.reason])).toEqual([
      ['', 'createToken', `token ${id} → 201`],
      ['', 'revokeToken', `token ${id} → 200`],
    ]);
    // Reads are not audited, and neither are requests refused before authentication.
    await s.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: JSON_TYPE,
      payload: { role: 'admin' },
    });
    expect(await s.store.listAudit({ afterSeq: tokenEvents[1]!.seq })).toEqual([]);
  });
});

describe('browsers', () => {
  it('probe: an anonymous submit of a shell command is 401 and runs nothing', async () => {
    const s = await start({}, new LocalExecutor({ capacity: { cpus: 1 } }));
    const marker = join(s.dir, 'ran');
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      headers: JSON_TYPE,
      payload: { text: `name: probe\ntasks:\n  - name: a\n    shell: id > ${marker}\n`, baseDir: s.dir },
    });
    expect(res.statusCode).toBe(401);
    await sleep(300);
    expect(existsSync(marker)).toBe(false);
    expect(await s.store.listWorkflows()).toEqual([]);
  });

  it('probe: a rebinding Host is 421 HOST_NOT_ALLOWED on every route, token or not; loopback names and public names pass', async () => {
    const s = await start({ publicNames: ['strata.example.org'] });
    const evil = { host: 'rebind.evil.example' };
    for (const url of ['/healthz', '/metrics', '/openapi.json', '/api/v1/workflows']) {
      const res = await s.inject({ method: 'GET', url, headers: evil });
      expect(res.statusCode, url).toBe(421);
      expect(res.json(), url).toMatchObject({ error: { code: 'HOST_NOT_ALLOWED' } });
    }
    const post = await s.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      headers: evil,
      payload: { text: 'name: p\ntasks:\n  - name: a\n    shell: id\n', baseDir: s.dir },
    });
    expect(post.statusCode).toBe(421);
    for (const host of [
      'localhost',
      'localhost:8080',
      '127.0.0.1:1',
      '[::1]:8080',
      'STRATA.example.org:443',
    ]) {
      expect((await s.inject({ method: 'GET', url: '/healthz', headers: { host } })).statusCode, host).toBe(
        200,
      );
    }
    expect(await s.store.listWorkflows()).toEqual([]);
  });

  it('probe: a cross-origin text/plain POST with no body to cancel and resume reaches neither', async () => {
    const s = await start();
    const wf = await submit(s, SLOW);
    for (const action of ['cancel', 'resume']) {
      const url = `/api/v1/workflows/${wf.id}/${action}`;
      const crossSite = await s.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      });
      expect(crossSite.statusCode, action).toBe(403);
      expect(crossSite.json()).toMatchObject({ error: { code: 'ORIGIN_NOT_ALLOWED' } });
      // Without Origin (a form, a curl): the content type alone refuses it, token or not.
      for (const headers of [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
      ]) {
        const res = await s.inject({ method: 'POST', url, headers, payload: '' });
        expect(res.statusCode, `${action} ${headers['content-type']}`).toBe(415);
        expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      }
      const none = await s.app.inject({ method: 'POST', url, headers: bearer(s.token) });
      expect(none.statusCode).toBe(415);
    }
    expect((await s.inject({ method: 'GET', url: `/api/v1/workflows/${wf.id}` })).json()).toMatchObject({
      state: 'running',
    });
    // The server's own origin may; JSON with an empty body is fine.
    const own = await s.inject({
      method: 'POST',
      url: `/api/v1/workflows/${wf.id}/cancel`,
      headers: { origin: 'http://localhost', host: 'localhost' },
    });
    expect(own.statusCode).toBe(200);
  });

  it('allows a configured CORS origin (preflight and request) and no other', async () => {
    const s = await start({ corsOrigins: ['https://dash.example.org'] });
    const preflight = await s.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/workflows',
      headers: {
        origin: 'https://dash.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://dash.example.org');
    const wf = await submit(s, SLOW);
    const cancel = await s.inject({
      method: 'POST',
      url: `/api/v1/workflows/${wf.id}/cancel`,
      headers: { origin: 'https://dash.example.org' },
    });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.headers['access-control-allow-origin']).toBe('https://dash.example.org');
    const other = await s.inject({
      method: 'GET',
      url: '/api/v1/workflows',
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers unless configured, and security headers on every answer', async () => {
    const s = await start();
    for (const url of ['/healthz', '/api/v1/workflows', '/api/v1/nope']) {
      const res = await s.inject({ method: 'GET', url, headers: { origin: 'https://evil.example' } });
      expect(res.headers['access-control-allow-origin'], url).toBeUndefined();
      expect(res.headers, url).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
        'x-request-id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
    }
    expect((await s.inject({ method: 'GET', url: '/api/v1/workflows' })).headers['cache-control']).toBe(
      'no-store',
    );
  });
});
