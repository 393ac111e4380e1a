/**
 * Authentication, roles and the audit trail of the `/api/v1` routes.
 *
 * - Every API route declares the role it needs in its config (`config: { role: 'viewer' }`); a route
 *   registered without one makes the server fail to start (`onRoute`), so a new route can never be
 *   open by omission.
 * - Each request must carry `Authorization: Bearer <token>`: 401 UNAUTHORIZED without a valid,
 *   unexpired, unrevoked token; 403 FORBIDDEN when its role is below the route's.
 * - A route with `config.audit` (every state-changing one) appends an audit event (actor, action =
 *   the route's operationId, target and status) to the store's event log before its answer leaves.
 *
 * @example
 * await app.register(async (api) => {
 *   installApiAuth(api, { verifier: new TokenVerifier(store), store });
 *   api.get('/things', { config: { role: 'viewer' } }, handler);
 * }, { prefix: '/api/v1' });
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { coerceError, roleAllows, type Role } from '../model/index.js';
import type { Store } from '../store/store.js';
import { ApiError } from './error-handler.js';
import type { Principal, TokenVerifier } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a token needs for this route (every `/api/v1` route must say). */
    role?: Role;
    /** Write an audit event for each request that passed authentication. */
    audit?: boolean;
  }
  interface FastifyRequest {
    /** The token's holder, once authenticated. */
    principal?: Principal;
    /** What the answer said, for the audit event: the id it names, or the error code. */
    auditFacts?: { id?: string; code?: string };
  }
}

/** A route of the API and the role it needs, as declared (collected for tests and docs). */
export interface RouteRole {
  method: string;
  url: string;
  role: Role | undefined;
}

export interface ApiAuthOptions {
  verifier: TokenVerifier;
  store: Store;
  /** Filled with each route as it is registered. */
  routes?: RouteRole[];
  clock?: () => number;
}

const REASONS = {
  malformed: 'the bearer token is not a Strata token (strata_<id>_<secret>)',
  unknown: 'the bearer token is not valid',
  revoked: 'the bearer token was revoked',
  expired: 'the bearer token has expired',
} as const;

/** The principal of `request`'s bearer token; throws 401 UNAUTHORIZED when there is none that is valid. */
export async function authenticate(
  verifier: TokenVerifier,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Principal> {
  const refuse = (message: string): ApiError => {
    void reply.header('www-authenticate', 'Bearer realm="strata"');
    return new ApiError(
      401,
      'UNAUTHORIZED',
      message,
      'send Authorization: Bearer <token> (the CLI reads STRATA_TOKEN or ~/.config/strata/config.json); ' +
        '`strata token create` on the server makes one',
    );
  };
  const header = request.headers.authorization;
  if (header === undefined) throw refuse('this request needs a bearer token');
  const m = /^Bearer +(\S+)$/i.exec(header);
  if (!m) throw refuse('the Authorization header must read "Bearer <token>"');
  const verdict = await verifier.verify(m[1]!);
  if (!verdict.ok && verdict.reason === 'busy') {
    void reply.header('retry-after', '1');
    throw new ApiError(
      429,
      'TOO_MANY_REQUESTS',
      'too many new tokens are being checked at once',
      'try again in a second; a token already verified is not affected',
    );
  }
  if (!verdict.ok) throw refuse(REASONS[verdict.reason as keyof typeof REASONS]);
  request.principal = verdict.principal;
  return verdict.principal;
}

/** Throws 403 FORBIDDEN unless `principal` holds `needed` or a stronger role. */
export function authorize(principal: Principal, needed: Role): void {
  if (!roleAllows(principal.role, needed)) {
    throw new ApiError(
      403,
      'FORBIDDEN',
      `this needs a token with the ${needed} role; ${principal.label} is a ${principal.role} token`,
      'ask an admin for a token with that role (`strata token create --role ...`)',
    );
  }
}

/** An `onRequest` hook for a single route outside the API (e.g. `/metrics` with --protect-metrics). */
export function requireRole(verifier: TokenVerifier, role: Role): onRequestAsyncHookHandler {
  return async (request, reply) => authorize(await authenticate(verifier, request, reply), role);
}

/** Installs the checks above on `app` (the API's plugin context): see the module header. */
export function installApiAuth(app: FastifyInstance, options: ApiAuthOptions): void {
  const { verifier, store } = options;
  const clock = options.clock ?? Date.now;

  app.addHook('onRoute', (route) => {
    const role = route.config?.role;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) options.routes?.push({ method, url: route.url, role });
    if (role === undefined) {
      throw new Error(
        `API route ${methods.join(',')} ${route.url} declares no role: add config: { role: 'viewer' | 'operator' | 'admin' }`,
      );
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const principal = await authenticate(verifier, request, reply);
    const needed = request.routeOptions.config.role;
    // Unreachable (onRoute refuses such a route); refusing is the safe answer if it ever is not.
    if (needed === undefined) throw new ApiError(403, 'FORBIDDEN', 'this route declares no role');
    authorize(principal, needed);
  });

  app.addHook('preSerialization', async (request: FastifyRequest, _reply, payload: unknown) => {
    if (request.routeOptions.config.audit && payload && typeof payload === 'object') {
      const p = payload as { id?: unknown; error?: { code?: unknown } };
      request.auditFacts = {
        ...(typeof p.id === 'string' ? { id: p.id } : {}),
        ...(typeof p.error?.code === 'string' ? { code: p.error.code } : {}),
      };
    }
    return payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const principal = request.principal;
    if (!request.routeOptions.config.audit || !principal) return payload;
    try {
      await store.appendAudit(auditEvent(request, reply.statusCode, principal, clock()));
    } catch (e) {
      request.log.error({ err: e }, 'could not write the audit event');
      process.stderr.write(
        `strata server: audit event of request ${request.id} not written: ${coerceError(e).message}\n`,
      );
    }
    return payload;
  });
}

/** The audit event of an answered request: who, what (operationId), on what, and how it ended. */
function auditEvent(request: FastifyRequest, status: number, principal: Principal, at: number) {
  const action = request.routeOptions.schema?.operationId ?? `${request.method} ${request.routeOptions.url}`;
  const params = (request.params ?? {}) as Record<string, string>;
  const facts = request.auditFacts ?? {};
  const onTokens = action.toLowerCase().includes('token');
  const target = onTokens
    ? `token ${params.id ?? facts.id ?? '?'}`
    : `workflow ${facts.id ?? params.ref ?? '(new)'}` +
      (params.task !== undefined ? ` task ${params.task}` : '');
  return {
    workflowId: onTokens ? '' : (facts.id ?? ''),
    actor: principal.label,
    action,
    detail: `${target} → ${status}${facts.code ? ` ${facts.code}` : ''}`,
    at,
  };
}
