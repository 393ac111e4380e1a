import { describe, expect, it } from 'vitest';
import { DEFAULT_TASK_PATH, inheritedEnv, taskEnvironment } from './task-env.js';

const fallback = { HOME: '/home/acct', USER: 'acct' };

describe('taskEnvironment', () => {
  it('takes the base from the server, the inherited names, then the spec env; nothing else', () => {
    const server = {
      PATH: '/srv/bin',
      HOME: '/srv',
      USER: 'srv',
      LANG: 'en_GB.UTF-8',
      TMPDIR: '/scratch',
      PGPASSWORD: 'pw',
      STRATA_DB: 'postgres://u:pw@h/db',
      OMP_NUM_THREADS: '4',
      KEEP: 'k',
    };
    expect(
      taskEnvironment(server, { env: { A: '1', LANG: 'C' }, envInherit: ['KEEP', 'OMP_*'] }, fallback),
    ).toEqual({
      PATH: '/srv/bin',
      HOME: '/srv',
      USER: 'srv',
      LANG: 'C',
      TMPDIR: '/scratch',
      KEEP: 'k',
      OMP_NUM_THREADS: '4',
      A: '1',
    });
  });

  it('defaults PATH, HOME and USER; leaves LANG and TMPDIR unset when the server has none', () => {
    expect(taskEnvironment({ SECRET: 's', LANG: '' }, { env: {} }, fallback)).toEqual({
      PATH: DEFAULT_TASK_PATH,
      HOME: '/home/acct',
      USER: 'acct',
    });
  });
});

describe('inheritedEnv', () => {
  it.each([
    { patterns: ['A'], want: { A: 'a' } },
    { patterns: ['MISSING'], want: {} },
    { patterns: ['OMP_*'], want: { OMP_X: 'x', OMP_Y: 'y' } },
    { patterns: ['OMP_X', 'OMP_*'], want: { OMP_X: 'x', OMP_Y: 'y' } },
    // Names a shell cannot export are never inherited through a prefix.
    { patterns: ['BASH_FUNC_*'], want: {} },
    { patterns: [], want: {} },
  ])('$patterns', ({ patterns, want }) => {
    const server = { A: 'a', OMP_X: 'x', OMP_Y: 'y', 'BASH_FUNC_f%%': '() { :; }', B: undefined };
    expect(inheritedEnv(server, patterns)).toEqual(want);
  });
});
