/**
 * The command layer. The local runner runs real commands. The SSH runner is tested against
 * FakeSsh, a test double: an `ssh` script that parses the options OpenSSH takes, records them, and
 * runs the remote command line with `sh -c` here, which is what sshd does with it on the far side
 * (it hands the command line to the user's shell). No sshd runs on this machine; with one, point
 * `ssh:` at it: the runner does not change.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCommandRunner, SshCommandRunner, sshOptionProblem } from './command-runner.js';
import { writeFakeSsh } from './testing/fake-ssh.js';
import { HOSTILE } from './testing/hostile-values.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-fake-ssh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** FakeSsh (a test double for OpenSSH's client + sshd): see testing/fake-ssh.ts. */
const { path: FAKE_SSH, argvLog } = writeFakeSsh(dir);

describe('LocalCommandRunner', () => {
  const runner = new LocalCommandRunner();

  it('runs argv without a shell, with stdin, and reports the exit code', async () => {
    const r = await runner.run(['sh', '-c', 'cat; printf "%s|" "$@"; exit 4', 'sh', ...HOSTILE], {
      stdin: 'in\n',
    });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe(`in\n${HOSTILE.map((a) => `${a}|`).join('')}`);
  });

  it('rejects when the program does not exist (nothing ran)', async () => {
    await expect(runner.run(['strata-no-such-program'])).rejects.toThrow(/ENOENT/);
  });

  it('reads a file, and says null for one that is missing', async () => {
    const path = join(dir, 'f.txt');
    writeFileSync(path, 'abc');
    expect(await runner.readFile(path)).toBe('abc');
    expect(await runner.readFile(join(dir, 'missing'))).toBeNull();
  });
});

describe('SshCommandRunner (against FakeSsh, a test double)', () => {
  const runner = new SshCommandRunner({
    host: 'login1.example.org',
    user: 'alice',
    port: 2222,
    identity: '/keys/id ed25519',
    options: ['ControlMaster=auto', 'ControlPersist=60'],
    ssh: FAKE_SSH,
  });

  it('delivers every argument byte-exact through the remote shell, running none of them', async () => {
    const r = await runner.run(['printf', '%s\\0', ...HOSTILE]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });

  it('passes stdin (the batch script) and the remote exit code through', async () => {
    const r = await runner.run(['sh', '-c', 'cat; exit 3'], { stdin: "#!/bin/sh\necho '$(x)'\n" });
    expect(r).toMatchObject({ code: 3, stdout: "#!/bin/sh\necho '$(x)'\n" });
    expect(r.unreachable).toBeUndefined();
  });

  it('gives ssh its options in batch mode, before the destination', async () => {
    await runner.run(['true']);
    expect(readFileSync(argvLog, 'utf8').split('\n')).toEqual([
      '-o BatchMode=yes',
      '-p 2222',
      '-i /keys/id ed25519',
      '-o ControlMaster=auto',
      '-o ControlPersist=60',
      'host alice@login1.example.org',
      '',
    ]);
    expect(runner.argvFor(['squeue', '--json']).slice(-2)).toEqual([
      'alice@login1.example.org',
      'squeue --json',
    ]);
  });

  it("reports ssh's own failure (exit 255) as unreachable, not as the command's result", async () => {
    const down = new SshCommandRunner({ host: 'unreachable', ssh: FAKE_SSH });
    const r = await down.run(['squeue', '--json']);
    expect(r.code).toBe(255);
    expect(r.unreachable).toBe(true);
  });

  it('reads a remote file', async () => {
    const path = join(dir, 'remote file.txt');
    writeFileSync(path, 'JobId=5 JobState=COMPLETED\n');
    expect(await runner.readFile(path)).toBe('JobId=5 JobState=COMPLETED\n');
    expect(await runner.readFile(join(dir, 'nope'))).toBeNull();
  });

  it('refuses settings ssh would read as options', () => {
    expect(sshOptionProblem({ host: '-oProxyCommand=touch /tmp/x' })).toMatch(/not a host/);
    expect(sshOptionProblem({ host: 'h', user: '-l' })).toMatch(/not a user/);
    expect(sshOptionProblem({ host: 'h', port: 0 })).toMatch(/not a TCP port/);
    expect(sshOptionProblem({ host: 'h', options: ['-x'] })).toMatch(/Name=value/);
    expect(sshOptionProblem({ host: 'login-1.example.org', user: 'a.b', port: 22 })).toBeNull();
    expect(() => new SshCommandRunner({ host: '-oProxyCommand=x' })).toThrow(/not a host/);
  });
});
