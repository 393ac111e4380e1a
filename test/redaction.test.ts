/**
 * Credentials never reach output: the real `strata` CLI given store URLs with passwords in every
 * form prints errors (and, with STRATA_DEBUG, stacks) without them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './strata-cli.js';

describe('the CLI prints no credentials', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'strata-redaction-'));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  // Port 1 on 127.0.0.1: nothing listens, the connection is refused at once.
  it.each([
    ['postgres://u:pw-one@127.0.0.1:1/db', ['pw-one']],
    ['postgres://u@127.0.0.1:1/db?password=pw-two', ['pw-two']],
    ['postgresql://u@127.0.0.1:1/db?sslpassword=pw-three&password=pw-four', ['pw-three', 'pw-four']],
    ['postgres://u:p%40ss-five@127.0.0.1:1/db', ['ss-five', 'p%40']],
    ['postgres://u:top/secret-six@127.0.0.1:1/db', ['secret-six']],
    ['alice:top/secret-seven@h', ['secret-seven']],
  ])('--db %s', async (url, secrets) => {
    for (const debug of ['', '1']) {
      const run = await runCli(['--db', url, 'status'], cwd, { STRATA_DEBUG: debug });
      const output = run.stdout + run.stderr;
      expect(run.code).not.toBe(0);
      expect(output).toMatch(/PostgreSQL|store/);
      for (const secret of secrets) expect(output).not.toContain(secret);
    }
  });

  it('STRATA_DB in the environment: the same', async () => {
    const run = await runCli(['status'], cwd, { STRATA_DB: 'postgres://u:pw-env@127.0.0.1:1/db' });
    expect(run.stderr).toContain('postgres://u:***@127.0.0.1:1/db');
    expect(run.stderr).not.toContain('pw-env');
  });
});
