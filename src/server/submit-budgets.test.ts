/**
 * The submit budgets and the confinement of a server submit, each refused with its own code, through
 * a real listening server (`startServer`: its worker pool, its body limit) and the HTTP client.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../client/http-client.js';
import { EngineError } from '../engine/errors.js';
import { allPages, cursorOf } from '../engine/pages.js';
import { NoopExecutor } from '../executors/noop-executor.js';
import { startServer, type RunningServer } from './start-server.js';
import { StoreTokenAdmin } from './tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-budgets-'));
const work = join(dir, 'work');
let server: RunningServer;
let client: HttpClient;

beforeAll(async () => {
  mkdirSync(join(work, 'in'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(work, 'in', `f${i}.txt`), 'x');
  server = await startServer({
    storeUrl: `sqlite:${dir}/s.db`,
    stateDir: join(dir, 'state'),
    port: 0,
    executor: new NoopExecutor(),
    budgets: { specBytes: 4096, tasks: 300, globMatches: 3, storedSpecBytes: 200_000 },
    allowedDirs: [work],
  });
  const { token } = await new StoreTokenAdmin(server.store).createToken({
    role: 'operator',
    name: 'budgets',
  });
  client = new HttpClient(server.url, { token });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const y = (...lines: string[]) => `${lines.join('\n')}\n`;

async function refusal(text: string, baseDir = work): Promise<EngineError> {
  const error = await client.submit({ text, file: 'w.yaml', baseDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('submit budgets on a server', () => {
  it('refuses a spec over its byte budget (SUBMIT_TOO_LARGE), read whole or cut off while it streams', async () => {
    const padded = y('name: w', 'tasks:', '  - name: a', '    command: [x]', `# ${'p'.repeat(5000)}`);
    expect(await refusal(padded)).toMatchObject({ code: 'SUBMIT_TOO_LARGE', httpStatus: 413 });
    const huge = y('name: w', 'tasks:', '  - name: a', '    command: [x]', `# ${'p'.repeat(200_000)}`);
    expect(await refusal(huge)).toMatchObject({ code: 'SUBMIT_TOO_LARGE', httpStatus: 413 });
  });

  it('refuses more tasks than the budget (SUBMIT_TOO_MANY_TASKS)', async () => {
    const e = await refusal(
      y('name: w', 'tasks:', '  - name: a', '    foreach: { range: [0, 301] }', '    command: [x]'),
    );
    expect(e).toMatchObject({ code: 'SUBMIT_TOO_MANY_TASKS', httpStatus: 413 });
    expect(e.message).toContain('301 tasks, more than the 300');
  });

  it('refuses a glob over its match budget (SUBMIT_TOO_MANY_GLOB_MATCHES), with the glob position', async () => {
    const e = await refusal(
      y('name: w', 'tasks:', '  - name: a', "    foreach: { glob: 'in/*.txt' }", '    command: [x]'),
    );
    expect(e).toMatchObject({ code: 'SUBMIT_TOO_MANY_GLOB_MATCHES', httpStatus: 413 });
    expect(e.details).toEqual([expect.objectContaining({ code: 'SPEC_GLOB_FAILED', line: 4 })]);
  });

  it('refuses task specs over the stored-size budget (SUBMIT_STORED_TOO_LARGE): a large env in every member', async () => {
    const env = `    env: { BIG: '${'e'.repeat(3000)}' }`;
    const e = await refusal(
      y('name: w', 'tasks:', '  - name: a', '    foreach: { range: [0, 100] }', env, '    command: [x]'),
    );
    expect(e).toMatchObject({ code: 'SUBMIT_STORED_TOO_LARGE', httpStatus: 413 });
  });

  it('refuses a workflow directory outside the allowed roots (SUBMIT_DIR_NOT_ALLOWED)', async () => {
    const e = await refusal(y('name: w', 'tasks:', '  - name: a', '    command: [x]'), dir);
    expect(e).toMatchObject({ code: 'SUBMIT_DIR_NOT_ALLOWED', httpStatus: 403 });
  });

  it('keeps globs inside the workflow directory: `..` and absolute patterns are refused', async () => {
    for (const pattern of ['../*', '/etc/*']) {
      const e = await refusal(
        y('name: w', 'tasks:', '  - name: a', `    foreach: { glob: '${pattern}' }`, '    command: [x]'),
      );
      expect(e.code, pattern).toBe('SPEC_INVALID');
      expect(e.details, pattern).toEqual([expect.objectContaining({ code: 'SPEC_GLOB_FAILED' })]);
    }
  });

  it('refuses a stdout pattern with a backreference at validation (SPEC_BAD_REGEX)', async () => {
    const e = await refusal(
      y('name: w', 'tasks:', '  - name: a', '    command: [x]', "    validate: { stdout: '(a)\\1' }"),
    );
    expect(e.code).toBe('SPEC_INVALID');
    expect(e.details).toEqual([
      expect.objectContaining({ code: 'SPEC_BAD_REGEX', line: 5, path: 'tasks[0].validate.stdout' }),
    ]);
  });

  it('accepts a spec within every budget, and pages its tasks: each once, in order', async () => {
    const wf = await client.submit({
      text: y('name: ok', 'tasks:', '  - name: a', '    foreach: { range: [0, 250] }', '    command: [x]'),
      file: 'ok.yaml',
      baseDir: work,
    });
    const pages: number[] = [];
    const tasks = await allPages(async (cursor, limit) => {
      const page = await client.listTasks(wf.id, { limit: Math.min(limit, 100), ...cursorOf(cursor) });
      pages.push(page.items.length);
      return page;
    });
    expect(pages).toEqual([100, 100, 50]);
    expect(tasks.map((t) => t.idx)).toEqual(Array.from({ length: 250 }, (_, i) => i));
  });
});

describe('submit budgets: the time budget', () => {
  it('stops an expansion that outlives its time budget and terminates its worker (SUBMIT_TIMEOUT)', async () => {
    const slow = await startServer({
      storeUrl: `sqlite:${dir}/t.db`,
      stateDir: join(dir, 'state-t'),
      port: 0,
      executor: new NoopExecutor(),
      budgets: { expansionMs: 50, globMatches: Infinity, tasks: Infinity, storedSpecBytes: Infinity },
    });
    try {
      const { token } = await new StoreTokenAdmin(slow.store).createToken({ role: 'operator' });
      const error = await new HttpClient(slow.url, { token })
        .submit({
          text: y('name: w', 'tasks:', '  - name: a', "    foreach: { glob: '**/*' }", '    command: [x]'),
          file: 'w.yaml',
          baseDir: '/usr',
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toMatchObject({ code: 'SUBMIT_TIMEOUT', httpStatus: 413 });
    } finally {
      await slow.close();
    }
  });
});
