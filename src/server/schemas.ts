/**
 * JSON Schemas (TypeBox) of everything the HTTP API takes and returns. They do three jobs at once:
 * Fastify validates requests with them, serialises responses with them, and @fastify/swagger turns
 * them into /openapi.json — so the documentation cannot drift from what the server does.
 *
 * The response schemas mirror the store's records (src/store/store.ts) and `StrataApi`'s views
 * (src/engine/strata-api.ts), which stay the single source of truth: a test checks that a response
 * equals what the embedded `ControlPlane` returns, field for field. Shared schemas carry an `$id`
 * and are registered once (`addSharedSchemas`), so that they appear as OpenAPI components.
 *
 * Never: loosen a request schema to "any object"; every request field is named and typed here.
 */
import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../engine/pages.js';
import { MAX_LOG_TAIL_BYTES } from '../engine/strata-api.js';
import { ATTEMPT_STATUSES, TASK_STATES, WORKFLOW_STATES } from '../model/index.js';

/** A string limited to `values`, as one `enum` (clearer errors and OpenAPI than a union of literals). */
function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** `schema` or null (OpenAPI 3.0 `nullable`, which fast-json-stringify and Ajv both understand). */
function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

const EpochMs = (description: string) => Type.Integer({ description: `${description} (epoch milliseconds)` });

export const TaskStateSchema = StringEnum(TASK_STATES, { description: 'state of a task' });
export const WorkflowStateSchema = StringEnum(WORKFLOW_STATES, { description: 'state of a workflow' });

// ---------------------------------------------------------------- shared response schemas

export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({
          description: 'stable error code, see docs/api.md',
          examples: ['WORKFLOW_NOT_FOUND'],
        }),
        message: Type.String({ description: 'what went wrong, for people' }),
        hint: Type.Optional(Type.String({ description: 'how to fix it' })),
        details: Type.Optional(
          Type.Unsafe<unknown>({
            description: 'machine-readable details; for SPEC_INVALID the list of SpecError',
          }),
        ),
        requestId: Type.Optional(
          Type.String({ description: "on 500 INTERNAL: the id under which the server's log has the error" }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'ErrorResponse', additionalProperties: false, description: 'the body of every error answer' },
);

export const TaskCounts = Type.Object(
  Object.fromEntries(TASK_STATES.map((s) => [s, Type.Integer({ minimum: 0 })])) as Record<
    (typeof TASK_STATES)[number],
    ReturnType<typeof Type.Integer>
  >,
  { $id: 'TaskCounts', additionalProperties: false, description: 'number of tasks in each state' },
);

export const WorkflowView = Type.Object(
  {
    id: Type.String({ examples: ['wf-m3k2x1-9f2c4a1b'] }),
    name: Type.String(),
    state: WorkflowStateSchema,
    failurePolicy: StringEnum(['fail-fast', 'continue'] as const),
    baseDir: Type.String({ description: 'absolute directory relative paths of the spec resolve against' }),
    source: Type.String({ description: 'where the spec came from (a file path, or `api`)' }),
    taskCount: Type.Integer({ minimum: 0 }),
    createdAt: EpochMs('submission time'),
    updatedAt: EpochMs('last change'),
    finishedAt: Nullable(EpochMs('when it reached a final state')),
    leaseOwner: Nullable(Type.String({ description: 'the engine instance driving it' })),
    leaseExpiresAt: Nullable(EpochMs('until when that lease holds')),
    submittedBy: Type.String({
      description: 'who submitted it: `name (token id)`, or `local` (embedded CLI)',
    }),
    counts: Type.Ref('TaskCounts'),
  },
  {
    $id: 'WorkflowView',
    additionalProperties: false,
    description: 'a workflow without its spec, with task counts',
  },
);

const CommandSchema = Type.Object(
  {
    argv: Type.Optional(Type.Array(Type.String())),
    shell: Type.Optional(Type.String()),
  },
  { description: 'exactly one of `argv` (no shell) or `shell` (run with /bin/sh -c)' },
);

/**
 * The normalised task spec. Its own fields are described; fields the model adds later pass through
 * (`additionalProperties: true`) rather than being dropped silently by the serialiser.
 */
export const TaskSpecSchema = Type.Object(
  {
    name: Type.String(),
    array: Type.Optional(Type.String()),
    command: CommandSchema,
    env: Type.Record(Type.String(), Type.String()),
    workdir: Type.Optional(Type.String()),
    inputs: Type.Array(Type.String()),
    outputs: Type.Array(Type.String()),
    deps: Type.Array(Type.String()),
    resources: Type.Object(
      { cpus: Type.Number(), memoryBytes: Type.Number(), gpus: Type.Integer() },
      { additionalProperties: true },
    ),
    timeoutMs: Type.Optional(Type.Number()),
    retry: Type.Object(
      {
        maxAttempts: Type.Integer(),
        initialDelayMs: Type.Number(),
        factor: Type.Number(),
        maxDelayMs: Type.Number(),
        jitter: Type.Number(),
      },
      { additionalProperties: true },
    ),
    validate: Type.Object(
      {
        outputsExist: Type.Boolean(),
        outputsNonEmpty: Type.Boolean(),
        stdoutMatches: Type.Optional(Type.String()),
        command: Type.Optional(CommandSchema),
      },
      { additionalProperties: true },
    ),
  },
  {
    $id: 'TaskSpec',
    additionalProperties: true,
    description: 'the normalised task, as the parser produced it',
  },
);

export const TaskRecord = Type.Object(
  {
    workflowId: Type.String(),
    idx: Type.Integer({ minimum: 0, description: 'position in the spec; (workflowId, idx) is the key' }),
    name: Type.String({ examples: ['work[3]'] }),
    state: TaskStateSchema,
    attempt: Type.Integer({ minimum: 0, description: 'number of the latest attempt (0 before the first)' }),
    readyAt: Type.Integer({ description: 'earliest dispatch time (retry backoff), 0 = at once' }),
    retryBase: Type.Integer({
      minimum: 0,
      description: 'attempts up to this one do not count against retries',
    }),
    deps: Type.Array(Type.Integer({ minimum: 0 }), {
      description: 'indices of the tasks this one depends on',
    }),
    spec: Type.Ref('TaskSpec'),
    updatedAt: EpochMs('last change'),
    memoryBytes: Nullable(
      Type.Integer({
        minimum: 0,
        description:
          'memory the next attempt asks for, raised after an out-of-memory failure; null = the spec',
      }),
    ),
  },
  { $id: 'TaskRecord', additionalProperties: false },
);

export const AttemptRecord = Type.Object(
  {
    workflowId: Type.String(),
    taskIdx: Type.Integer({ minimum: 0 }),
    number: Type.Integer({ minimum: 1 }),
    status: StringEnum(ATTEMPT_STATUSES),
    executor: Type.String(),
    node: Nullable(Type.String()),
    handle: Nullable(Type.String({ description: 'executor-specific JSON to find the attempt again' })),
    queuedAt: EpochMs('dispatch time'),
    startedAt: Nullable(EpochMs('start')),
    endedAt: Nullable(EpochMs('end')),
    exitCode: Nullable(Type.Integer()),
    signal: Nullable(Type.String()),
    cpuTimeMs: Nullable(Type.Number()),
    peakRssBytes: Nullable(Type.Number()),
    stdoutPath: Nullable(Type.String()),
    stderrPath: Nullable(Type.String()),
    message: Nullable(Type.String()),
  },
  { $id: 'AttemptRecord', additionalProperties: false },
);

export const TaskDetail = Type.Object(
  {
    task: Type.Ref('TaskRecord'),
    attempts: Type.Array(Type.Ref('AttemptRecord')),
  },
  { $id: 'TaskDetail', additionalProperties: false },
);

export const EventRecord = Type.Object(
  {
    seq: Type.Integer({ description: 'strictly increasing position in the event log' }),
    workflowId: Type.String(),
    taskIdx: Nullable(Type.Integer({ description: 'null for workflow-level events' })),
    attempt: Nullable(Type.Integer()),
    from: Nullable(Type.String({ description: 'null for the event that creates the workflow' })),
    to: Type.String(),
    at: EpochMs('when'),
    reason: Nullable(Type.String()),
    kind: Type.Optional(
      StringEnum(['audit'] as const, {
        description:
          'audit events only: then `to` is the action (an operationId), `reason` its target and status',
      }),
    ),
    actor: Type.Optional(Type.String({ description: 'audit events only: the token, `name (id)`' })),
  },
  { $id: 'EventRecord', additionalProperties: false },
);

export const HealthResponse = Type.Object(
  {
    status: StringEnum(['ok', 'unavailable'] as const),
    store: Type.String({ description: 'store dialect: sqlite or postgres' }),
    workflowsDriven: Type.Optional(
      Type.Integer({ description: 'running workflows this engine holds the lease on' }),
    ),
    message: Type.Optional(Type.String({ description: 'why it is unavailable (store or engine)' })),
  },
  { $id: 'HealthResponse', additionalProperties: false },
);

/** One page of a list: its items and the cursor of the next page (null on the last). */
function PageOf(item: string, description: string) {
  return Type.Object(
    {
      items: Type.Array(Type.Ref(item)),
      nextCursor: Nullable(
        Type.String({ description: 'pass as `cursor` to get the next page; null on the last page' }),
      ),
    },
    { $id: `${item}Page`, additionalProperties: false, description },
  );
}

export const WorkflowPage = PageOf('WorkflowView', 'a page of workflows, newest first');
export const TaskPage = PageOf('TaskRecord', "a page of a workflow's tasks, in spec order");
export const AttemptPage = PageOf('AttemptRecord', 'a page of attempts, by task idx then number');
export const EventPage = PageOf('EventRecord', 'a page of events, oldest first');

/** Registers every schema with an `$id`, so that routes can `Type.Ref` them and OpenAPI lists them once. */
export function addSharedSchemas(app: FastifyInstance): void {
  for (const schema of [
    ErrorResponse,
    TaskCounts,
    WorkflowView,
    TaskSpecSchema,
    TaskRecord,
    AttemptRecord,
    TaskDetail,
    EventRecord,
    HealthResponse,
    WorkflowPage,
    TaskPage,
    AttemptPage,
    EventPage,
  ]) {
    app.addSchema(schema);
  }
}

// ---------------------------------------------------------------- requests

/** The paging parameters every list takes (src/engine/pages.ts). */
const paging = {
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      description: `items in the page: default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 1024,
      description: 'the `nextCursor` of the previous page, unchanged',
    }),
  ),
};

export const SubmitBody = Type.Object(
  {
    text: Type.String({ minLength: 1, description: 'the workflow spec, YAML or JSON text' }),
    file: Type.Optional(
      Type.String({ minLength: 1, description: 'where it came from, for messages; default `api`' }),
    ),
    baseDir: Type.String({
      minLength: 1,
      description:
        "absolute directory (on the server's machine) that relative paths in the spec resolve against",
    }),
  },
  { additionalProperties: false },
);
export type SubmitBody = Static<typeof SubmitBody>;

export const WorkflowListQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Array(WorkflowStateSchema, {
        description: 'only workflows in these states (repeat the parameter)',
      }),
    ),
    ...paging,
  },
  { additionalProperties: false },
);
export type WorkflowListQuery = Static<typeof WorkflowListQuery>;

export const WorkflowParams = Type.Object(
  { ref: Type.String({ minLength: 1, description: 'workflow id, or name (the most recent of that name)' }) },
  { additionalProperties: false },
);
export type WorkflowParams = Static<typeof WorkflowParams>;

export const TaskParams = Type.Object(
  {
    ref: Type.String({ minLength: 1, description: 'workflow id, or name (the most recent of that name)' }),
    task: Type.String({ minLength: 1, description: 'task name, URL-encoded (`work%5B3%5D` for `work[3]`)' }),
  },
  { additionalProperties: false },
);
export type TaskParams = Static<typeof TaskParams>;

export const TaskListQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Array(TaskStateSchema, { description: 'only tasks in these states (repeat the parameter)' }),
    ),
    ...paging,
  },
  { additionalProperties: false },
);
export type TaskListQuery = Static<typeof TaskListQuery>;

export const LogQuery = Type.Object(
  {
    stream: Type.Optional(StringEnum(['stdout', 'stderr'] as const, { description: 'default stdout' })),
    attempt: Type.Optional(Type.Integer({ minimum: 1, description: 'default: the latest attempt' })),
    tail: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_LOG_TAIL_BYTES,
        description: `at most this many bytes from the end; default and at most ${MAX_LOG_TAIL_BYTES} (1 MiB)`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type LogQuery = Static<typeof LogQuery>;

export const EventListQuery = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'only events with seq greater than this' })),
    ...paging,
  },
  { additionalProperties: false },
);
export type EventListQuery = Static<typeof EventListQuery>;

export const AttemptListQuery = Type.Object(
  {
    task: Type.Optional(Type.String({ minLength: 1, description: "only this task's attempts (its name)" })),
    ...paging,
  },
  { additionalProperties: false },
);
export type AttemptListQuery = Static<typeof AttemptListQuery>;

/** Error answers every API route may give; routes add their own 2xx. */
export const errorResponses = {
  400: Type.Ref('ErrorResponse', { description: 'the request is invalid (BAD_REQUEST, SPEC_INVALID ...)' }),
  404: Type.Ref('ErrorResponse', { description: 'no such workflow or task' }),
  500: Type.Ref('ErrorResponse', { description: 'the server failed (INTERNAL)' }),
};

/** Error answers of routes that change a workflow. */
export const conflictResponses = {
  ...errorResponses,
  409: Type.Ref('ErrorResponse', { description: 'not possible in the current state' }),
};
