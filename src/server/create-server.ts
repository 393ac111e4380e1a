/**
 * The Fastify application of `strata server`: the `/api/v1` routes over a `StrataApi`, plus
 * `/healthz`, `/metrics` and `/openapi.json`. It does not listen: the caller does (tests use
 * `inject`), so that building the app and binding a port stay separate steps.
 *
 * Layout (each a plugin boundary, so that later additions stay in their box):
 *
 *   root ── error handling (one handler for every route), shared schemas, OpenAPI generator
 *    ├─ /healthz, /metrics, /openapi.json    open: probes and scrapers carry no credentials
 *    └─ /api/v1 (routes.ts)                  `onRequest` hook = the authentication slot; live events later
 *
 * @example
 * const metrics = createMetrics({ store, slots: () => engine.slots(), executor: executor.name });
 * const engine = new Engine({ store, executor, stateDir, observer: metrics.observer });
 * await engine.init();
 * await engine.adoptAll();
 * const app = await createServer({ api: new ControlPlane(engine, store), engine, store, metrics: metrics.registry });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import Fastify from 'fastify';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { Registry } from 'prom-client';
import type { Engine } from '../engine/engine.js';
import type { StrataApi } from '../engine/strata-api.js';
import type { Store } from '../store/store.js';
import { installErrorHandling, reportToStderr } from './error-handler.js';
import { REDACTING_LOGGER } from './log-redaction.js';
import { redactSecrets } from '../model/index.js';
import { createMetrics } from './metrics.js';
import { apiRoutes } from './routes.js';
import { addSharedSchemas, HealthResponse } from './schemas.js';

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
  /** Largest request body accepted, in bytes. Default 64 MiB (a big generated spec). */
  bodyLimit?: number;
  /** Authentication slot: runs before every `/api/v1` request. See routes.ts. */
  onApiRequest?: onRequestAsyncHookHandler;
}

export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { api, engine, store } = options;
  const app = Fastify({
    // Errors are logged with their credentials masked (log-redaction.ts).
    logger: options.logger ? REDACTING_LOGGER : false,
    bodyLimit: options.bodyLimit ?? 64 * 1024 * 1024,
  });
  app.setValidatorCompiler(requestValidators());
  acceptEmptyJsonBodies(app);

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
        { name: 'operations', description: 'health and metrics, for probes and scrapers' },
      ],
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
      schema: {
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

  await app.register(apiRoutes, {
    prefix: API_PREFIX,
    api,
    ...(options.onApiRequest ? { onRequest: options.onApiRequest } : {}),
  });

  return app;
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
