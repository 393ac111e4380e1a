/**
 * The HTTP API under property-based fuzzing (fast-check, fixed seed, bounded count; see
 * spec/testing/fuzz-settings.ts for a longer run): for every operation in the server's own
 * /openapi.json, requests whose path parameters, query strings and bodies are generated from that
 * operation's schemas with hostile values at every level — plus bodies that are not JSON, wrong
 * content types, and real workflow specs — sent over a real socket to a real server (SQLite store,
 * the no-op executor so that no generated command runs). No request may crash it or get a 500, and
 * every refusal carries the documented error shape with a stable code.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoopExecutor } from '../executors/noop-executor.js';
import { fuzzParameters } from '../spec/testing/fuzz-settings.js';
import { readRepoFile } from '../spec/testing/repo-files.js';
import {
  hostileValue,
  junkValue,
  pointerResolver,
  type JsonSchema,
} from '../spec/testing/schema-arbitrary.js';
import { startTestServer, submit, type TestServer } from './testing/server-harness.js';

interface Operation {
  method: string;
  path: string;
  pathParams: Array<{ name: string; schema: JsonSchema }>;
  query: Array<{ name: string; schema: JsonSchema }>;
  body?: JsonSchema;
}

interface FuzzRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

let server: TestServer;
let base: string;
let operations: Operation[];
let openapi: JsonSchema;
let knownWorkflow: string;
const tally = { cases: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  server = await startTestServer(new NoopExecutor());
  const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  base = address;
  knownWorkflow = (await submit(server, readRepoFile('examples/quickstart.yaml'))).id;
  const res = await fetch(`${base}/openapi.json`, { headers: authHeaders() });
  openapi = (await res.json()) as JsonSchema;
  operations = operationsOf(openapi);
}, 60_000);

afterAll(async () => {
  const statuses = [...tally.byStatus.entries()].sort((a, b) => a[0] - b[0]);
  console.log(
    `API fuzz: ${tally.cases} requests; by status ${statuses.map(([s, n]) => `${s}×${n}`).join(' ')}`,
  );
  await server?.close();
});

/** Headers every request carries (credentials, when the server asks for them). */
function authHeaders(): Record<string, string> {
  return { authorization: `Bearer ${server.token}` };
}

function operationsOf(doc: JsonSchema): Operation[] {
  const out: Operation[] = [];
  const resolve = pointerResolver(doc);
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, JsonSchema>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = ((op.parameters ?? []) as JsonSchema[]).map((p) =>
        typeof p.$ref === 'string' ? (resolve(p.$ref) ?? p) : p,
      );
      const named = (where: string) =>
        params
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name as string, schema: (p.schema ?? {}) as JsonSchema }));
      const content = (op.requestBody as JsonSchema | undefined)?.content as
        Record<string, JsonSchema> | undefined;
      const body = content?.['application/json']?.schema as JsonSchema | undefined;
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: named('path'),
        query: named('query'),
        ...(body ? { body } : {}),
      });
    }
  }
  return out;
}

/** Text in place of a path segment: a real workflow now and then, else generated or hostile. */
function segment(schema: JsonSchema): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(knownWorkflow),
    fc.constantFrom('quickstart', 'prepare', 'report', '1', '0'),
    hostileValue(schema, { resolve: pointerResolver(openapi) }).map((v) =>
      typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
    ),
  );
}

function queryValue(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : (JSON.stringify(x) ?? '')));
  return [typeof v === 'string' ? v : (JSON.stringify(v) ?? '')];
}

/** Workflow specs worth submitting: the examples, and documents generated from the spec schema. */
function specText(): fc.Arbitrary<string> {
  const schema = JSON.parse(readRepoFile('schemas/workflow.schema.json')) as JsonSchema;
  return fc.oneof(
    fc.constantFrom(readRepoFile('examples/quickstart.yaml'), readRepoFile('examples/fan-out-in.yaml')),
    hostileValue(schema, { resolve: pointerResolver(schema) }, 0.05).map((doc) => {
      try {
        return stringify(doc, { aliasDuplicateObjects: false });
      } catch {
        return JSON.stringify(doc) ?? 'null';
      }
    }),
  );
}

function bodyOf(op: Operation): fc.Arbitrary<{ text?: string; type?: string }> {
  const json = (v: unknown) => ({ text: JSON.stringify(v) ?? 'null', type: 'application/json' });
  const schemaBody = op.body
    ? hostileValue(op.body, { resolve: pointerResolver(openapi) }).map(json)
    : fc.constant({});
  const withSpec =
    op.body && op.path.endsWith('/workflows')
      ? fc
          .record({
            text: specText(),
            baseDir: fc.constantFrom(server.dir, '/', 'relative', '/nonexistent/x'),
          })
          .map(json)
      : schemaBody;
  return fc.oneof(
    { arbitrary: schemaBody, weight: 4 },
    { arbitrary: withSpec, weight: 3 },
    { arbitrary: junkValue.map(json), weight: 1 },
    {
      arbitrary: fc.record({
        text: fc.oneof(
          fc.string(),
          fc.constantFrom('{', '{"a":', '[]', 'null', '\u0000', '{"__proto__":{"x":1}}'),
        ),
        type: fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
      }),
      weight: 1,
    },
    { arbitrary: fc.constant({}), weight: 1 },
  );
}

function requestOf(op: Operation): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...op.pathParams.map((p) => segment(p.schema)));
  const query = fc.tuple(
    ...op.query.map((q) =>
      fc
        .option(hostileValue(q.schema, { resolve: pointerResolver(openapi) }), { freq: 2 })
        .map((v) => [q.name, v] as const),
    ),
    fc.option(fc.tuple(fc.constantFrom('junk', '__proto__', 'limit'), fc.string()), { freq: 4 }),
  );
  return fc.tuple(params, query, bodyOf(op)).map(([values, queryPairs, body]) => {
    let path = op.path;
    op.pathParams.forEach((p, i) => {
      path = path.replace(`{${p.name}}`, encodeURIComponent(values[i] ?? ''));
    });
    const search = new URLSearchParams();
    for (const pair of queryPairs) {
      if (pair === null) continue;
      const [name, v] = pair as readonly [string, unknown];
      if (v === null && op.query.some((q) => q.name === name)) continue;
      for (const text of queryValue(v)) search.append(name, text);
    }
    const qs = search.toString();
    const headers: Record<string, string> = { ...authHeaders() };
    if (body.type) headers['content-type'] = body.type;
    return {
      url: `${base}${path}${qs ? `?${qs}` : ''}`,
      method: op.method,
      headers,
      ...(body.text !== undefined && op.method !== 'GET' && op.method !== 'HEAD' ? { body: body.text } : {}),
    };
  });
}

async function send(req: FuzzRequest): Promise<void> {
  const res = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
  const text = await res.text();
  tally.cases++;
  tally.byStatus.set(res.status, (tally.byStatus.get(res.status) ?? 0) + 1);
  const what = `${req.method} ${req.url} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code === 'string' && ERROR_CODE.test(body.error.code), what).toBe(true);
    expect(typeof body.error?.message, what).toBe('string');
  }
}

describe('HTTP API fuzzing', () => {
  // Found by the fuzzer (seed 7): the router's own refusals bypassed the error handler.
  it("refuses a path parameter over the router's length limit with the documented error body", async () => {
    await send({ url: `${base}/api/v1/workflows/${'x'.repeat(500)}`, method: 'GET', headers: authHeaders() });
    expect(tally.byStatus.get(414)).toBe(1);
  });

  it('answers every generated request to every operation without a 500, each refusal with a code', async () => {
    expect(operations.length).toBeGreaterThan(5);
    for (const op of operations) {
      await fc.assert(fc.asyncProperty(requestOf(op), send), fuzzParameters(40));
    }
    // The server and its engine came through it.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(server.engineErrors).toEqual([]);
    // Requests were both accepted and refused: the generator reaches past validation.
    const statuses = [...tally.byStatus.keys()];
    expect(statuses.some((s) => s < 300)).toBe(true);
    expect(statuses.some((s) => s >= 400)).toBe(true);
  }, 600_000);
});
