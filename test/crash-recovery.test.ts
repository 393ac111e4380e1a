/**
 * The durability promise, end to end: a 200-task workflow of real processes; the engine process is
 * killed with SIGKILL at random moments (at least 5 times) and restarted with `strata resume` each
 * time; the run converges, every task succeeded exactly once, and none that had succeeded ran again.
 * Each task appends its name to a shared ledger file, so a task run twice would show up there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { startCli } from './strata-cli.js';

const TASKS = 200;
const KILLS = 5;

const dir = mkdtempSync(join(tmpdir(), 'strata-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('crash recovery', () => {
  it(`survives ${KILLS} SIGKILLs of the engine with every task run exactly once`, async () => {
    writeFileSync(
      join(dir, 'crash.yaml'),
      [
        'name: crash',
        'defaults:',
        '  resources: { cpus: 0.5 }',
        'tasks:',
        '  - name: t',
        `    foreach: { range: [0, ${TASKS}] }`,
        "    shell: 'sleep 0.2; echo t{{index}} >> ledger.txt'",
        '',
      ].join('\n'),
    );
    const home = join(dir, '.strata');
    const args = ['--home', home, '--cpus', '2'];

    let proc = startCli([...args, 'run', 'crash.yaml', '--no-progress'], dir);
    // The first kill waits until the workflow is stored (its id is printed when it starts).
    for (let i = 0; i < 200 && !/wf-\S+ crash: 200 tasks/.test(proc.output()); i++) await sleep(50);

    let kills = 0;
    // A random but reproducible schedule of kill moments.
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    while (kills < KILLS) {
      await sleep(400 + random() * 900);
      if (proc.exitCode !== null) break;
      proc.kill('SIGKILL');
      await proc.result;
      kills += 1;
      proc = startCli([...args, 'resume', '--no-progress'], dir);
    }
    const final = await proc.result;
    expect(kills, 'the workflow finished before it could be killed 5 times').toBe(KILLS);
    expect(final.stderr + final.stdout).toMatch(/succeeded: 200 succeeded/);
    expect(final.code).toBe(0);

    const ledger = readFileSync(join(dir, 'ledger.txt'), 'utf8').trim().split('\n');
    expect(ledger).toHaveLength(TASKS);
    expect(new Set(ledger).size).toBe(TASKS);
    expect(new Set(ledger)).toEqual(new Set(Array.from({ length: TASKS }, (_, i) => `t${i}`)));

    const store = await openStore({ url: `sqlite:${join(home, 'strata.db')}` });
    try {
      const [wf] = await store.listWorkflows();
      expect(wf?.state).toBe('succeeded');
      const tasks = await store.listTasks(wf!.id);
      expect(tasks.every((t) => t.state === 'succeeded')).toBe(true);
      const attempts = await store.listAttempts(wf!.id);
      for (const t of tasks) {
        const mine = attempts.filter((a) => a.taskIdx === t.idx);
        const succeeded = mine.filter((a) => a.status === 'succeeded');
        expect(succeeded, `${t.name} succeeded more than once`).toHaveLength(1);
        // Nothing ran after the success; earlier attempts, if any, were lost (never ran) or cancelled.
        expect(mine.at(-1)?.status).toBe('succeeded');
        for (const a of mine.slice(0, -1)) expect(['lost', 'cancelled']).toContain(a.status);
      }
    } finally {
      await store.close();
    }
  }, 180_000);
});
