/**
 * Issue 13, end to end: faults don't orphan work. Two real `strata server` processes share one real
 * PostgreSQL database (a fresh one per run), each with its own state directory. Four workflows of
 * 500 short shell tasks each run across them; each task appends its name to one ledger file
 * (O_APPEND). One server is SIGKILLed twice mid-run and restarted each time. The other takes its
 * workflows over (and the restarted one competes for them): every task must have run exactly once
 * (no ledger line twice, none missing), and every workflow must end succeeded — none dropped, none
 * left running under a dead engine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreTokenAdmin } from '../src/server/tokens.js';
import { openStore } from '../src/store/open-store.js';
import { startCli, type RunningCli } from './strata-cli.js';

const WORKFLOWS = 4;
const TASKS = 500;
const LEASE_TTL_MS = 2000;
const pgBase = process.env.STRATA_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const database = `strata_failover_${randomBytes(4).toString('hex')}`;
const dbUrl = (() => {
  const url = new URL(pgBase);
  url.pathname = `/${database}`;
  return url.toString();
})();

const dir = mkdtempSync(join(tmpdir(), 'strata-failover-'));
const ledgerFile = join(dir, 'ledger.txt');
const servers: RunningCli[] = [];

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgBase, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const s of servers) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `strata server` with its own home on the shared database; resolves with its URL. */
async function startServer(name: string): Promise<{ proc: RunningCli; url: string }> {
  const home = join(dir, `home-${name}`);
  const proc = startCli(
    [
      '--home',
      home,
      '--db',
      dbUrl,
      '--cpus',
      '4',
      'server',
      '--port',
      '0',
      '--lease-ttl',
      String(LEASE_TTL_MS),
    ],
    dir,
  );
  servers.push(proc);
  for (let i = 0; i < 600; i++) {
    const url = /listening on (http:\/\/\S+)/.exec(proc.output())?.[1];
    if (url) return { proc, url };
    if (proc.exitCode !== null) break;
    await sleep(50);
  }
  throw new Error(`server ${name} did not start: ${proc.output()}`);
}

async function kill(proc: RunningCli): Promise<void> {
  proc.kill('SIGKILL');
  await proc.result;
}

function ledger(): string[] {
  try {
    return readFileSync(ledgerFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await sleep(200);
  }
}

function spec(name: string): string {
  return [
    `name: ${name}`,
    'failure: continue',
    'defaults:',
    '  resources: { cpus: 0.25 }',
    'tasks:',
    '  - name: t',
    `    foreach: { range: [0, ${TASKS}] }`,
    `    shell: 'sleep 0.05; echo ${name}-t{{index}} >> ${ledgerFile}'`,
    '',
  ].join('\n');
}

/** An operator token in the shared store, made before the servers start. */
let token = '';

async function submit(url: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text: spec(name), file: `${name}.yaml`, baseDir: dir }),
  });
  const body = (await res.json()) as { id?: string };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id!;
}

describe('two servers on one PostgreSQL, one SIGKILLed twice', () => {
  it(`runs ${WORKFLOWS} × ${TASKS} tasks with every task run exactly once and every workflow succeeded`, async () => {
    await admin((c) => c.query(`CREATE DATABASE ${database}`));
    const tokens = await openStore({ url: dbUrl });
    try {
      token = (await new StoreTokenAdmin(tokens).createToken({ role: 'operator', name: 'failover-test' }))
        .token;
    } finally {
      await tokens.close();
    }
    const steady = await startServer('steady');
    let doomed = await startServer('doomed');
    const ids: string[] = [];
    for (let w = 0; w < WORKFLOWS; w++)
      ids.push(await submit(w % 2 === 0 ? doomed.url : steady.url, `w${w}`));

    const total = WORKFLOWS * TASKS;
    const killAt = [Math.floor(total * 0.2), Math.floor(total * 0.55)];
    for (const [k, lines] of killAt.entries()) {
      await until(`${lines} tasks ran`, () => ledger().length >= lines, 120_000);
      await kill(doomed.proc);
      // Restarted at once for the first kill, after a lease's time for the second: both the
      // immediate take-over of a dead local owner and the expiry path are exercised.
      if (k === 1) await sleep(LEASE_TTL_MS);
      doomed = await startServer(`doomed-${k + 1}`);
    }

    const store = await openStore({ url: dbUrl });
    try {
      await until(
        'every workflow ended',
        async () => (await store.listWorkflows({ states: ['running'] })).length === 0,
        150_000,
      );
      const workflows = await store.listWorkflows();
      expect(workflows.map((w) => w.state)).toEqual(Array(WORKFLOWS).fill('succeeded'));

      const lines = ledger();
      const expected = ids.flatMap((_, w) => Array.from({ length: TASKS }, (_, i) => `w${w}-t${i}`));
      const twice = lines.filter((l, i) => lines.indexOf(l) !== i);
      expect(twice, 'tasks that ran twice').toEqual([]);
      expect(new Set(lines)).toEqual(new Set(expected));
      expect(lines).toHaveLength(total);

      for (const id of ids) {
        const attempts = await store.listAttempts(id);
        const succeeded = attempts.filter((a) => a.status === 'succeeded');
        expect(succeeded).toHaveLength(TASKS);
        // A lost attempt is one that never ran (its ledger line would show otherwise).
        expect(attempts.filter((a) => !['succeeded', 'lost'].includes(a.status))).toEqual([]);
      }
    } finally {
      await store.close();
    }
    for (const s of [steady.proc, doomed.proc]) s.kill('SIGTERM');
    await Promise.all([steady.proc.result, doomed.proc.result]);
  }, 280_000);
});
