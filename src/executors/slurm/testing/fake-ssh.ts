/**
 * FakeSsh, a test double for OpenSSH (client and sshd at once): an `ssh` script that parses the
 * options OpenSSH takes, logs them, and runs the remote command line with `sh -c` on this machine —
 * which is what sshd does with it on the far side (it hands the command line to the user's shell).
 * A destination starting with `unreachable` fails like a refused connection (exit 255).
 *
 * No sshd runs on the machines the tests run on; with one, point `ssh:` at it instead.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the script into `dir`; returns its path and the file where each run logs its options. */
export function writeFakeSsh(dir: string): { path: string; argvLog: string } {
  const path = join(dir, 'fake-ssh');
  const argvLog = join(dir, 'ssh-argv.log');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      '# FakeSsh: a test double. Parses ssh options, logs them, runs the remote command with sh -c.',
      `log=${JSON.stringify(argvLog)}`,
      ': > "$log"',
      'while [ $# -gt 0 ]; do',
      '  case "$1" in',
      '    -o|-p|-i|-l) printf "%s %s\\n" "$1" "$2" >> "$log"; shift 2 ;;',
      '    --) shift; break ;;',
      '    -*) echo "fake-ssh: unknown option $1" >&2; exit 255 ;;',
      '    *) break ;;',
      '  esac',
      'done',
      'printf "host %s\\n" "$1" >> "$log"',
      'case "$1" in unreachable*|*@unreachable*) echo "ssh: connect to host: Connection refused" >&2; exit 255 ;; esac',
      'shift',
      // sshd joins the remaining words with spaces and gives the result to the user's shell.
      'exec sh -c "$*"',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return { path, argvLog };
}
