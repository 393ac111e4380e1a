/**
 * Issue 13: nothing a user sends stalls `strata server`. The real binary listens on loopback; while a
 * regex bomb is validated, a 10 MB spec is submitted and a glob over /usr is expanded, /healthz is
 * asked every 20 ms and must answer within 100 ms at the 99th percentile. This is a correctness bound
 * (the event loop is never held), not a speed figure: each attack alone held the old server's loop
 * for seconds (the regex 3.25 s at 25 characters — here 28, ×8; the 10 MB spec 21 s; the glob 5.5 s).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken, startCli, type RunningCli } from './strata-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-stalls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serverUrl(server: RunningCli): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const url = /listening on (http:\/\/\S+)/.exec(server.output())?.[1];
    if (url) return url;
    await sleep(50);
  }
  throw new Error(`the server did not start: ${server.output()}`);
}

/** Asks /healthz every `everyMs` until `stop` resolves; the time each answer took, in ms. */
async function pollHealth(url: string, everyMs: number, stop: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void stop.finally(() => (done = true));
  while (!done) {
    const t0 = performance.now();
    const res = await fetch(`${url}/healthz`);
    await res.text();
    expect(res.status).toBe(200);
    latencies.push(performance.now() - t0);
    await sleep(everyMs);
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** POSTs a submit body already serialised (a 10 MB `JSON.stringify` would hold this test's own loop). */
interface Answer {
  status: number;
  json: { id?: string; error?: { code: string } };
}

/** An operator token in the server's store, made before it starts. */
let token = '';

async function post(url: string, body: string): Promise<Answer> {
  const res = await fetch(`${url}/api/v1/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Answer['json'] };
}

const REGEX_BOMB = `name: bomb
tasks:
  - name: out
    shell: printf '${'a'.repeat(28)}b'
    validate: { stdout: '^(a|a)*$' }
`;

/** About 10 MB of YAML: 160,000 small tasks. */
function tenMegabyteSpec(): string {
  const lines = ['name: big', 'tasks:'];
  for (let i = 0; i < 160_000; i++)
    lines.push(`  - name: t${i}`, `    command: [echo, "${i}-pad-pad-pad-pad-pad"]`);
  return `${lines.join('\n')}\n`;
}

const HUGE_GLOB = `name: everything
tasks:
  - name: each
    foreach: { glob: '**/*' }
    command: [echo, '{{item}}']
`;

describe('strata server under attack', () => {
  it('answers /healthz within 100 ms at p99 while a regex bomb, a 10 MB spec and a glob over /usr are in flight', async () => {
    // Built before the clock starts: the test's own work is not the server's.
    const bigSpec = tenMegabyteSpec();
    expect(bigSpec.length).toBeGreaterThan(10_000_000);
    const bodies = [
      JSON.stringify({ text: REGEX_BOMB, file: 'bomb.yaml', baseDir: dir }),
      JSON.stringify({ text: bigSpec, file: 'big.yaml', baseDir: dir }),
      JSON.stringify({ text: HUGE_GLOB, file: 'glob.yaml', baseDir: '/usr' }),
    ] as const;
    writeFileSync(join(dir, 'bomb.yaml'), REGEX_BOMB);
    token = await createToken(dir, 'operator');
    const server = startCli(['server', '--port', '0', '--allow-dir', dir, '--allow-dir', '/usr'], dir);
    try {
      const url = await serverUrl(server);
      const attacks = (async () => {
        const [bomb, big, glob] = (await Promise.all(bodies.map((body) => post(url, body)))) as [
          Answer,
          Answer,
          Answer,
        ];
        expect(bomb.status).toBe(201);
        expect(big.status).toBe(413);
        expect(big.json.error?.code).toBe('SUBMIT_TOO_LARGE');
        expect(glob.status).toBe(413);
        expect(['SUBMIT_TOO_MANY_GLOB_MATCHES', 'SUBMIT_TIMEOUT']).toContain(glob.json.error?.code);
        // The bomb's validation: RE2 answers "no match" at once and the attempt fails.
        for (let i = 0; i < 300; i++) {
          const wf = (await (
            await fetch(`${url}/api/v1/workflows/${bomb.json.id ?? ''}`, {
              headers: { authorization: `Bearer ${token}` },
            })
          ).json()) as {
            state: string;
          };
          if (wf.state !== 'running') return wf;
          await sleep(50);
        }
        throw new Error('the regex bomb workflow did not finish');
      })();
      const latencies = await pollHealth(url, 20, attacks);
      const wf = await attacks;
      expect(wf.state).toBe('failed');
      const p99 = percentile(latencies, 99);
      console.log(
        `/healthz during the attack: ${latencies.length} answers, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
          `p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      expect(latencies.length).toBeGreaterThan(10);
      expect(p99).toBeLessThan(100);
    } finally {
      server.kill('SIGTERM');
      await server.result;
    }
  });
});
