import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ERROR_CODES } from '../client/http-client.js';
import { ENGINE_ERROR_CODES } from '../engine/errors.js';
import { NoopExecutor } from '../executors/noop-executor.js';
import { SERVER_ERROR_CODES } from './error-handler.js';
import { finished, pollWorkflow, startTestServer } from './testing/server-harness.js';
import type { TestServer } from './testing/server-harness.js';

/** Every route the server has, as `METHOD /path` with Fastify's `:param` syntax. */
const ROUTES = [
  'POST /api/v1/workflows',
  'GET /api/v1/workflows',
  'GET /api/v1/workflows/:ref',
  'GET /api/v1/workflows/:ref/tasks',
  'GET /api/v1/workflows/:ref/tasks/:task',
  'GET /api/v1/workflows/:ref/tasks/:task/logs',
  'GET /api/v1/workflows/:ref/attempts',
  'POST /api/v1/workflows/:ref/cancel',
  'POST /api/v1/workflows/:ref/resume',
  'POST /api/v1/workflows/:ref/tasks/:task/retry',
  'GET /api/v1/workflows/:ref/events',
  'POST /api/v1/tokens',
  'GET /api/v1/tokens',
  'DELETE /api/v1/tokens/:id',
  'GET /api/v1/audit',
  'GET /healthz',
  'GET /metrics',
];

interface Operation {
  operationId?: string;
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>;
}

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const DOCS = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');

let server: TestServer;
let doc: OpenApiDocument;

beforeAll(async () => {
  server = await startTestServer(new NoopExecutor());
  const res = await server.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json<OpenApiDocument>();
});

afterAll(async () => {
  await server?.close();
});

/** `/api/v1/workflows/{ref}` → `/api/v1/workflows/:ref` */
const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function operations(): Array<{ route: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      route: `${method.toUpperCase()} ${fastifyPath(path)}`,
      path,
      op,
    })),
  );
}

/** Every `$ref` anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      k === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
    );
  }
  return [];
}

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema({ ...doc, $id: 'openapi' });
  return (component: string, data: unknown) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${component}`);
    if (!validate) throw new Error(`no component ${component}`);
    const ok = validate(data);
    return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

describe('/openapi.json', () => {
  it('is an OpenAPI 3.0 document listing exactly the routes of the server', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info).toMatchObject({ title: 'Strata API', version: 'v1' });
    expect(
      operations()
        .map((o) => o.route)
        .sort(),
    ).toEqual([...ROUTES].sort());
  });

  it('gives every operation a unique id, its path parameters, and a described success answer', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    for (const { route, path, op } of operations()) {
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(declared, route).toEqual(inPath);
      for (const p of op.parameters ?? [])
        if (p.in === 'path') expect(p.required, `${route} ${p.name}`).toBe(true);
      const success = Object.keys(op.responses).filter((code) => /^2\d\d$/.test(code));
      expect(success, route).toHaveLength(1);
      for (const [code, answer] of Object.entries(op.responses)) {
        expect(answer.description, `${route} ${code}`).toBeTruthy();
        expect(Object.keys(answer.content ?? {}), `${route} ${code}`).not.toHaveLength(0);
      }
    }
    const submit = doc.paths['/api/v1/workflows']!.post!;
    expect(submit.requestBody?.content['application/json']?.schema).toMatchObject({
      required: ['text', 'baseDir'],
      additionalProperties: false,
    });
  });

  it('resolves every $ref, and every component is a JSON Schema Ajv compiles', () => {
    for (const ref of refsIn(doc.paths).concat(refsIn(doc.components))) {
      const name = ref.replace('#/components/schemas/', '');
      expect(doc.components.schemas, ref).toHaveProperty(name);
    }
    const check = validator();
    for (const name of Object.keys(doc.components.schemas)) expect(() => check(name, {}), name).not.toThrow();
  });

  it('describes the answers the server really gives', async () => {
    const submitted = await server.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      payload: { text: 'name: d\ntasks:\n  - name: a\n    command: ["true"]\n', baseDir: server.dir },
    });
    const id = submitted.json<{ id: string }>().id;
    await pollWorkflow(server, id, finished);
    const get = async (url: string) => (await server.inject({ method: 'GET', url })).json<unknown>();
    const check = validator();

    expect(check('WorkflowView', submitted.json())).toEqual([]);
    expect(check('WorkflowView', await get(`/api/v1/workflows/${id}`))).toEqual([]);
    expect(check('TaskDetail', await get(`/api/v1/workflows/${id}/tasks/a`))).toEqual([]);
    expect(check('TaskRecordPage', await get(`/api/v1/workflows/${id}/tasks?limit=2`))).toEqual([]);
    expect(check('EventRecordPage', await get(`/api/v1/workflows/${id}/events`))).toEqual([]);
    expect(check('AttemptRecordPage', await get(`/api/v1/workflows/${id}/attempts`))).toEqual([]);
    expect(check('WorkflowViewPage', await get('/api/v1/workflows'))).toEqual([]);
    expect(check('HealthResponse', await get('/healthz'))).toEqual([]);
    expect(check('ErrorResponse', await get('/api/v1/workflows/nope'))).toEqual([]);
    // and the schemas are not so loose that anything passes
    expect(check('WorkflowView', { id })).not.toEqual([]);
  });
});

describe('docs/api.md', () => {
  it('documents every route', () => {
    for (const route of ROUTES) expect(DOCS, route).toContain(`### \`${route}\``);
    expect(DOCS).toContain('### `GET /openapi.json`');
  });

  it('documents every error code, and documents no code that does not exist', () => {
    const codes = [...ENGINE_ERROR_CODES, ...SERVER_ERROR_CODES, ...CLIENT_ERROR_CODES];
    const documented = [...DOCS.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it('documents every strata_ metric the server exports', async () => {
    const text = (await server.inject({ method: 'GET', url: '/metrics' })).body;
    const names = [...text.matchAll(/^# TYPE (strata_\w+) /gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThanOrEqual(8);
    const documented = [...DOCS.matchAll(/^\|\s*`(strata_\w+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...names].sort());
  });
});
