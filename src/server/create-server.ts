/**
 * The Fastify application of `strata server`: the `/api/v1` routes over a `StrataApi`, plus
 * `/healthz`, `/metrics` and `/openapi.json`. It does not listen: the caller does (tests use
 * `inject`), so that building the app and binding a port stay separate steps.
 *
 * Layout (each a plugin boundary, so that later additions stay in their box):
 *
 *   root ── browser guard (Host allowlist, Origin, JSON only, security headers: browser-guard.ts),
 *    │      error handling (one handler for every route), shared schemas, OpenAPI generator, CORS if asked
 *    ├─ /healthz, /metrics, /openapi.json    open: probes and scrapers carry no credentials
 *    │                                       (/metrics needs a viewer token with `protectMetrics`)
 *    └─ /api/v1                              bearer tokens and roles (auth.ts) over every route:
 *        ├─ routes.ts                        workflows; `onApiRequest` runs after authentication
 *        └─ token-routes.ts                  tokens and the audit log (admin)
 *
 * @example
 * const metrics = createMetrics({ store, slots: () => engine.slots(), executor: executor.name });
 * const engine = new Engine({ store, executor, stateDir, observer: metrics.observer });
 * await engine.init();
 * await engine.adoptAll();
 * const app = await createServer({ api: new ControlPlane(engine, store), engine, store, metrics: metrics.registry });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import type { Engine } from '../engine/engine.js';
import type { StrataApi } from '../engine/strata-api.js';
import { DEFAULT_SUBMIT_BUDGETS } from '../engine/submit-budgets.js';
import type { Store } from '../store/store.js';
import { installApiAuth, requireRole } from './auth.js';
import type { RouteRole } from './auth.js';
import { installBrowserGuard } from './browser-guard.js';
import { installErrorHandling, reportToStderr, toErrorAnswer } from './error-handler.js';
import { REDACTING_LOGGER } from './log-redaction.js';
import { redactSecrets } from '../model/index.js';
import { createMetrics } from './metrics.js';
import { apiRoutes } from './routes.js';
import { addSharedSchemas, HealthResponse } from './schemas.js';
import { tokenRoutes } from './token-routes.js';
import { StoreTokenAdmin, TokenVerifier } from './tokens.js';

export const API_PREFIX = '/api/v1';

export interface ServerOptions {
  /** What the routes call: the embedded `ControlPlane` around `engine` and `store`. */
  api: StrataApi;
  engine: Engine;
  store: Store;
  /**
   * The registry `createMetrics` made (its observer passed to `engine`). Without it the server makes
   * one of its own that can only report levels (tasks, workflows, slots): transitions and attempt
   * timings need the observer, which must be given to the engine when it is built.
   */
  metrics?: Registry;
  /** Executor name for the slot gauges of a server-made registry. Default `unknown`. */
  executorName?: string;
  /**
   * Log requests and errors with pino (Fastify's logger). Default false: then only failures of the
   * server itself (500 INTERNAL) are written, to stderr.
   */
  logger?: boolean;
  /**
   * Largest spec a submit may carry, in bytes (the `specBytes` submit budget); default 4 MiB. The
   * request body limit follows from it (twice that, as JSON escapes text, plus 64 KiB), so that a
   * body far over the budget is refused while it streams in, not after it was read and parsed.
   */
  maxSpecBytes?: number;
  /** Largest request body accepted, in bytes; default from `maxSpecBytes`. */
  bodyLimit?: number;
  /** Runs before every `/api/v1` request, after authentication. See routes.ts. */
  onApiRequest?: onRequestAsyncHookHandler;
  /** Host names (or addresses) besides loopback that clients use (`--public-name`); see browser-guard.ts. */
  publicNames?: readonly string[];
  /** The address the server listens on, allowed as a Host unless a wildcard. */
  listenHost?: string;
  /** Origins allowed to call the API from a browser (`--cors-origin`); CORS is off without them. */
  corsOrigins?: readonly string[];
  /** /metrics needs a viewer token (`--protect-metrics`). Default false: scrapers carry none. */
  protectMetrics?: boolean;
  /** Serve HTTPS with this certificate and key (PEM). */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** How long a verified token's record is trusted before it is read again (revocation delay). Default 5 s. */
  tokenRecheckMs?: number;
}

/** The Fastify app of `createServer`, with what it knows of its API routes. */
export type StrataServerApp = FastifyInstance & {
  /** Each `/api/v1` route and the role it declared (filled as routes register). */
  apiRouteRoles: readonly RouteRole[];
  tokenVerifier: TokenVerifier;
};

export async function createServer(options: ServerOptions): Promise<StrataServerApp> {
  const { api, engine, store } = options;
  // The https variant of the instance has another server type; the routes do not depend on it.
  const app = Fastify({
    // Errors are logged with their credentials masked (log-redaction.ts).
    logger: options.logger ? REDACTING_LOGGER : false,
    bodyLimit: options.bodyLimit ?? bodyLimitFor(options.maxSpecBytes ?? DEFAULT_SUBMIT_BUDGETS.specBytes),
    // Errors the router raises before any handler runs (a malformed URL, a path parameter over
    // maxParamLength) get the same error body as every other refusal.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toErrorAnswer(error);
      void reply.status(status).type('application/json; charset=utf-8').send(body);
    },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(requestValidators());
  acceptEmptyJsonBodies(app);
  installBrowserGuard(app, {
    ...(options.publicNames ? { publicNames: options.publicNames } : {}),
    ...(options.listenHost !== undefined ? { listenHost: options.listenHost } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  });
  if (options.corsOrigins?.length) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type'],
    });
  }
  const verifier = new TokenVerifier(store, {
    ...(options.tokenRecheckMs !== undefined ? { recheckMs: options.tokenRecheckMs } : {}),
  });
  const routeRoles: RouteRole[] = [];

  installErrorHandling(
    app,
    options.logger ? (error, request) => request.log.error({ err: error }, 'request failed') : reportToStderr,
  );
  addSharedSchemas(app);

  // A fatal engine error (the store failed mid-commit) stops the engine: memory and store may
  // disagree, and only a restart recovers. Listening here keeps it from crashing the process as an
  // unhandled 'error' event; /healthz then answers 503 so that a supervisor restarts the server.
  let engineFailure: Error | null = null;
  const onEngineError = (e: Error): void => {
    engineFailure ??= e;
    if (options.logger) {
      app.log.error({ err: e }, 'the engine stopped after an error; restart the server to recover');
    } else {
      const detail = redactSecrets(e.stack ?? e.message);
      process.stderr.write(`strata server: the engine stopped after an error: ${detail}\n`);
    }
  };
  engine.on('error', onEngineError);
  app.addHook('onClose', async () => {
    engine.off('error', onEngineError);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Strata API',
        version: 'v1',
        description:
          'Submit and watch workflows on a Strata server. Errors answer `{ error: { code, message, hint?, details? } }`; docs/api.md lists the codes.',
      },
      tags: [
        { name: 'workflows', description: 'workflows, their tasks, attempts, logs and events' },
        { name: 'tokens', description: 'API tokens and the audit log (admin role)' },
        { name: 'operations', description: 'health and metrics, for probes and scrapers' },
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'strata_<id>_<secret>' } },
      },
      security: [{ bearer: [] }],
    },
    // Components keep the names of their `$id` (WorkflowView, TaskRecord ...) instead of def-0, def-1.
    refResolver: {
      buildLocalReference(json, _baseUri, _fragment, i) {
        return typeof json.$id === 'string' ? json.$id : `def-${i}`;
      },
    },
  });

  const metrics =
    options.metrics ??
    createMetrics({ store, slots: () => engine.slots(), executor: options.executorName ?? 'unknown' })
      .registry;

  app.get(
    '/healthz',
    {
      schema: {
        security: [],
        operationId: 'health',
        summary: 'Whether the server, its engine and its store work',
        tags: ['operations'],
        response: { 200: HealthResponse, 503: HealthResponse },
      },
    },
    async (request, reply) => {
      if (engineFailure) {
        const message = `the engine stopped after an error: ${engineFailure.message}; restart the server`;
        return reply.status(503).send({ status: 'unavailable', store: store.dialect, message });
      }
      try {
        // The cheapest read the contract offers: one row of the event log, by primary key.
        await store.listEvents({ limit: 1 });
      } catch (e) {
        request.log.error({ err: e }, 'health check: the store did not answer');
        const message = e instanceof Error ? e.message : String(e);
        return reply.status(503).send({ status: 'unavailable', store: store.dialect, message });
      }
      const driven = workflowsDriven(engine);
      return {
        status: 'ok',
        store: store.dialect,
        ...(driven !== undefined ? { workflowsDriven: driven } : {}),
      };
    },
  );

  app.get(
    '/metrics',
    {
      ...(options.protectMetrics ? { onRequest: requireRole(verifier, 'viewer') } : {}),
      schema: {
        ...(options.protectMetrics ? {} : { security: [] }),
        operationId: 'metrics',
        summary: 'Prometheus metrics (text exposition format)',
        tags: ['operations'],
        response: {
          200: {
            description: 'metrics in the Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_request, reply) => {
      const text = await metrics.metrics();
      return reply.type(metrics.contentType).send(text);
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (apiApp) => {
      installApiAuth(apiApp, { verifier, store, routes: routeRoles });
      await apiApp.register(apiRoutes, {
        api,
        ...(options.onApiRequest ? { onRequest: options.onApiRequest } : {}),
      });
      await apiApp.register(tokenRoutes, { admin: new StoreTokenAdmin(store), verifier, store });
    },
    { prefix: API_PREFIX },
  );

  return Object.assign(app, { apiRouteRoles: routeRoles, tokenVerifier: verifier });
}

/** The request body limit for specs of at most `specBytes`: JSON escaping may double text. */
function bodyLimitFor(specBytes: number): number {
  const limit = 2 * specBytes + 64 * 1024;
  return Number.isFinite(limit) ? Math.min(limit, 1024 * 1024 * 1024) : 1024 * 1024 * 1024;
}

/**
 * `POST .../cancel` takes no body, but many clients label an empty one `application/json`; Fastify's
 * parser refuses that. An empty body is read as no body (a route that needs one then says
 * `body must be object`); anything else goes to Fastify's own parser, with its prototype-poisoning guard.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') {
      done(null, undefined);
      return;
    }
    // Fastify's JSON parser answers through `done`; its return value carries nothing.
    void parseJson(request, text, done);
  });
}

/**
 * Validators of request parts. Both refuse unknown fields rather than drop them silently. Query
 * strings and path parameters are text, so they are coerced (`limit=5` → 5, a single `state=x` →
 * ['x']); JSON bodies are not: `{"text": 5}` is a mistake to report, not a string to invent.
 */
function requestValidators() {
  const common = { removeAdditional: false, useDefaults: true, allErrors: false, strict: true } as const;
  const forBody = new Ajv({ ...common, coerceTypes: false });
  const forText = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? forBody : forText).compile(schema);
}

/**
 * How many workflows the engine drives now, when the engine can tell (a `drivenWorkflows()` method,
 * proposed for engine.ts); undefined otherwise, and /healthz then leaves the field out.
 */
function workflowsDriven(engine: Engine): number | undefined {
  const candidate = engine as Engine & { drivenWorkflows?: () => number };
  return typeof candidate.drivenWorkflows === 'function' ? candidate.drivenWorkflows() : undefined;
}
