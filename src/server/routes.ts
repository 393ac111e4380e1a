/**
 * The `/api/v1` routes: `StrataApi` over HTTP, one route per method, each with its JSON Schemas
 * (schemas.ts). Handlers only translate — URL and body in, `StrataApi` call, view out — so the HTTP
 * API and the embedded CLI can never disagree about what a request means.
 *
 * Each route names the least role a token needs (`config.role`, checked by auth.ts; a route without
 * one stops the server from starting) and, if it changes anything, asks for an audit event
 * (`config.audit`). Authentication runs in the enclosing API plugin (create-server.ts).
 * A live event stream (SSE or WebSocket on `/api/v1/workflows/:ref/events/live`, fed by the engine's
 * `turn` event) belongs here too when it comes.
 */
import { isAbsolute } from 'node:path';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, onRequestAsyncHookHandler } from 'fastify';
import { LOG_TRUNCATED_HEADER, type StrataApi, type WorkflowView } from '../engine/strata-api.js';
import { ApiError } from './error-handler.js';
import {
  AttemptListQuery,
  conflictResponses,
  errorResponses,
  EventListQuery,
  LogQuery,
  SubmitBody,
  TaskListQuery,
  TaskParams,
  WorkflowListQuery,
  WorkflowParams,
} from './schemas.js';

export interface ApiRoutesOptions {
  api: StrataApi;
  /**
   * Runs before every `/api/v1` request (not `/healthz`, `/metrics` or `/openapi.json`): the slot
   * for authentication. Throw `new ApiError(401, 'UNAUTHORIZED', ...)` to refuse a request.
   */
  onRequest?: onRequestAsyncHookHandler;
}

const TAGS = ['workflows'];
const WORKFLOW = Type.Ref('WorkflowView');

export const apiRoutes: FastifyPluginAsync<ApiRoutesOptions> = async (app, { api, onRequest }) => {
  if (onRequest) app.addHook('onRequest', onRequest);

  submitAndReadRoutes(app, api);
  controlAndEventRoutes(app, api);
};

/** Submitting a workflow and reading workflows, tasks and logs. */
function submitAndReadRoutes(app: FastifyInstance, api: StrataApi): void {
  app.post<{ Body: SubmitBody }>(
    '/workflows',
    {
      config: { role: 'operator', audit: true },
      schema: {
        operationId: 'submitWorkflow',
        summary: 'Submit a workflow spec; it starts running at once',
        tags: TAGS,
        body: SubmitBody,
        response: { 201: WORKFLOW, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { text, file, baseDir } = request.body;
      if (!isAbsolute(baseDir)) {
        throw new ApiError(
          400,
          'BAD_REQUEST',
          `body.baseDir must be an absolute path, got ${JSON.stringify(baseDir)}`,
          "send the absolute directory, on the server's machine, that the spec's relative paths resolve against",
        );
      }
      const submittedBy = request.principal?.label;
      const view = await api.submit({
        text,
        file: file ?? 'api',
        baseDir,
        ...(submittedBy !== undefined ? { submittedBy } : {}),
      });
      return reply.status(201).send(view);
    },
  );

  app.get<{ Querystring: WorkflowListQuery }>(
    '/workflows',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listWorkflows',
        summary: 'List workflows, newest first',
        tags: TAGS,
        querystring: WorkflowListQuery,
        response: { 200: Type.Ref('WorkflowViewPage'), ...errorResponses },
      },
    },
    async (request) => {
      const { state, ...page } = request.query;
      return api.listWorkflows({ ...(state !== undefined ? { states: state } : {}), ...page });
    },
  );

  app.get<{ Params: WorkflowParams }>(
    '/workflows/:ref',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getWorkflow',
        summary: 'One workflow, by id or name, with its task counts',
        tags: TAGS,
        params: WorkflowParams,
        response: { 200: WORKFLOW, ...errorResponses },
      },
    },
    async (request) => api.getWorkflow(request.params.ref),
  );

  app.get<{ Params: WorkflowParams; Querystring: TaskListQuery }>(
    '/workflows/:ref/tasks',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listTasks',
        summary: "A workflow's tasks, in spec order",
        tags: TAGS,
        params: WorkflowParams,
        querystring: TaskListQuery,
        response: { 200: Type.Ref('TaskRecordPage'), ...errorResponses },
      },
    },
    async (request) => {
      const { state, ...page } = request.query;
      return api.listTasks(request.params.ref, {
        ...(state !== undefined ? { states: state } : {}),
        ...page,
      });
    },
  );

  app.get<{ Params: WorkflowParams; Querystring: AttemptListQuery }>(
    '/workflows/:ref/attempts',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listAttempts',
        summary: "A workflow's attempts (or one task's), by task then attempt number",
        tags: TAGS,
        params: WorkflowParams,
        querystring: AttemptListQuery,
        response: { 200: Type.Ref('AttemptRecordPage'), ...errorResponses },
      },
    },
    async (request) => api.listAttempts(request.params.ref, request.query),
  );

  app.get<{ Params: TaskParams }>(
    '/workflows/:ref/tasks/:task',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'getTask',
        summary: 'One task with all its attempts',
        tags: TAGS,
        params: TaskParams,
        response: { 200: Type.Ref('TaskDetail'), ...errorResponses },
      },
    },
    async (request) => api.getTask(request.params.ref, request.params.task),
  );

  app.get<{ Params: TaskParams; Querystring: LogQuery }>(
    '/workflows/:ref/tasks/:task/logs',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'readTaskLog',
        summary: `The end of an attempt's stdout or stderr (header ${LOG_TRUNCATED_HEADER}: true when cut)`,
        tags: TAGS,
        params: TaskParams,
        querystring: LogQuery,
        response: {
          200: {
            description: 'the log text (empty when the attempt wrote nothing)',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { stream, attempt, tail } = request.query;
      const log = await api.readLog(request.params.ref, request.params.task, {
        stream: stream ?? 'stdout',
        ...(attempt !== undefined ? { attempt } : {}),
        ...(tail !== undefined ? { tailBytes: tail } : {}),
      });
      return reply
        .type('text/plain; charset=utf-8')
        .header(LOG_TRUNCATED_HEADER, String(log.truncated))
        .send(log.text);
    },
  );
}

/**
 * A POST that acts on a workflow (cancel, resume, retry) and answers with its view; 409 when the
 * workflow's state does not allow it.
 */
function actionRoute<P extends WorkflowParams>(
  app: FastifyInstance,
  path: string,
  params: TSchema,
  operationId: string,
  summary: string,
  act: (params: P) => Promise<WorkflowView>,
): void {
  app.post<{ Params: P }>(
    path,
    {
      config: { role: 'operator', audit: true },
      schema: {
        operationId,
        summary,
        tags: TAGS,
        params,
        response: { 200: WORKFLOW, ...conflictResponses },
      },
    },
    // Fastify's request typing does not reduce for a generic P; `params` validated it as P.
    async (request) => act(request.params as P),
  );
}

/** Cancel, resume and retry, and the event list that clients poll. */
function controlAndEventRoutes(app: FastifyInstance, api: StrataApi): void {
  actionRoute(
    app,
    '/workflows/:ref/cancel',
    WorkflowParams,
    'cancelWorkflow',
    'Cancel a workflow: tasks not started are cancelled, running attempts killed',
    (params: WorkflowParams) => api.cancel(params.ref),
  );
  actionRoute(
    app,
    '/workflows/:ref/resume',
    WorkflowParams,
    'resumeWorkflow',
    'Run every failed, cancelled or upstream-failed task of a workflow again',
    (params: WorkflowParams) => api.resume(params.ref),
  );
  actionRoute(
    app,
    '/workflows/:ref/tasks/:task/retry',
    TaskParams,
    'retryTask',
    'Run a failed, cancelled or upstream-failed task again, with those downstream of it',
    (params: TaskParams) => api.retry(params.ref, params.task),
  );

  app.get<{ Params: WorkflowParams; Querystring: EventListQuery }>(
    '/workflows/:ref/events',
    {
      config: { role: 'viewer' },
      schema: {
        operationId: 'listEvents',
        summary: "A workflow's state transitions, oldest first (poll with `after` = last seq seen)",
        tags: TAGS,
        params: WorkflowParams,
        querystring: EventListQuery,
        response: { 200: Type.Ref('EventRecordPage'), ...errorResponses },
      },
    },
    async (request) => {
      const { after, ...page } = request.query;
      return api.listEvents(request.params.ref, {
        ...(after !== undefined ? { afterSeq: after } : {}),
        ...page,
      });
    },
  );
}
