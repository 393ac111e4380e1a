import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HOSTILE } from './testing/hostile-values.js';
import { isShellVariableName, shellCommandLine, shellQuote, UnquotableError } from './shell-quote.js';

const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => spawnSync(s, ['-c', 'true']).status === 0);

describe('shellQuote', () => {
  it.each(shells)('gives %s each value back byte-exact, one word each, running nothing', (shell) => {
    const script = `printf '%s\\0' ${shellCommandLine(HOSTILE)}`;
    const result = spawnSync(shell, ['-c', script], { cwd: '/', encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(shellQuote('sbatch')).toBe('sbatch');
    expect(shellQuote('--partition=debug')).toBe('--partition=debug');
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('refuses a NUL byte, which no shell word can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(UnquotableError);
  });

  it('knows which names a POSIX shell can export', () => {
    expect(isShellVariableName('PATH')).toBe(true);
    expect(isShellVariableName('_x1')).toBe(true);
    expect(isShellVariableName('1x')).toBe(false);
    expect(isShellVariableName('A-B')).toBe(false);
    expect(isShellVariableName('A=B')).toBe(false);
    expect(isShellVariableName('')).toBe(false);
  });
});
