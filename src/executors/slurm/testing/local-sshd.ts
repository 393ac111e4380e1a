/**
 * A real OpenSSH server on 127.0.0.1 for the tests of the SSH command layer: its own host key,
 * client key, configuration and port in a temporary directory; stopped by its pid. Needs root (sshd
 * insists on it for privilege separation) and the `openssh-server` package; `startLocalSshd`
 * answers why not when it cannot run one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SshOptions } from '../command-runner.js';

export interface LocalSshd {
  /** What a `SshCommandRunner` needs to log in as the current user. */
  ssh: SshOptions;
  stop(): Promise<void>;
}

const SSHD = '/usr/sbin/sshd';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startLocalSshd(dir: string): Promise<LocalSshd | string> {
  if (!existsSync(SSHD)) return 'openssh-server is not installed (/usr/sbin/sshd)';
  if (process.getuid?.() !== 0) return 'sshd needs root';
  const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
  for (const [file, type] of [
    ['host_key', 'ed25519'],
    ['client_key', 'ed25519'],
  ] as const) {
    const made = spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', join(dir, file)], {
      encoding: 'utf8',
    });
    if (made.status !== 0) return `ssh-keygen failed: ${made.stderr}`;
  }
  const pub = spawnSync('cat', [join(dir, 'client_key.pub')], { encoding: 'utf8' }).stdout;
  writeFileSync(join(dir, 'authorized_keys'), pub, { mode: 0o600 });
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const ssh: SshOptions = {
    host: '127.0.0.1',
    user,
    port,
    identity: join(dir, 'client_key'),
    options: ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR'],
  };
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  };
  // Ready once a login works.
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) return `sshd exited: ${log.trim()}`;
    const probe = spawnSync(
      'ssh',
      [
        '-o',
        'BatchMode=yes',
        '-p',
        String(port),
        '-i',
        ssh.identity!,
        ...ssh.options!.flatMap((o) => ['-o', o]),
        `${user}@127.0.0.1`,
        'true',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    if (probe.status === 0) return { ssh, stop };
    await sleep(100);
  }
  await stop();
  return `cannot log in to the local sshd: ${log.trim()}`;
}
