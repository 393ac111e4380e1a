/**
 * A task's environment: what a command started by Strata sees, whatever the executor. Never the
 * server's whole environment (which holds `STRATA_DB`, `PGPASSWORD`, tokens...), only:
 *
 * 1. a minimal base — `PATH`, `HOME`, `USER`, `LANG`, `TMPDIR` — taken from the server's environment
 *    where set; `PATH`, `HOME` and `USER` have defaults (`LANG` and `TMPDIR` are then left unset:
 *    the C locale and `/tmp`);
 * 2. the names the spec lists in `env.inherit` (exact names, or a prefix ending in `*` such as
 *    `OMP_*`), copied from the server's environment where it has them (a name it lacks stays unset);
 * 3. the spec's `env` values (they win over 1 and 2);
 * 4. Strata's own variables, added by the executor (`STRATA_*`, `CUDA_VISIBLE_DEVICES`; they win).
 *
 * Pure: the server's environment and the account's defaults come in as arguments.
 *
 * @example
 * taskEnvironment({ PATH: '/bin', PGPASSWORD: 'x', OMP_X: '1' }, { env: { A: '1' }, envInherit: ['OMP_*'] }, fallback)
 * // { PATH: '/bin', HOME: fallback.HOME, USER: fallback.USER, OMP_X: '1', A: '1' }
 */

/** The variables every task gets from the server's environment (with `TASK_ENV_DEFAULTS` where unset). */
export const TASK_BASE_ENV = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR'] as const;

/** `PATH` when the server has none (the FHS directories every Unix has). */
export const DEFAULT_TASK_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * An `env.inherit` item: a variable name, or a name prefix followed by `*` (`SLURM_*`, `OMP_*`); never
 * `*` alone (inheriting everything is what this guards against).
 */
export const ENV_INHERIT_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*\\*?$';

/** The reserved key of `env` that lists inherited names (`env: { inherit: [NAME, ...] }`). */
export const ENV_INHERIT_KEY = 'inherit';

/** Where the base comes from when the server's environment lacks a name: the account Strata runs as. */
export interface TaskEnvFallback {
  HOME: string;
  USER: string;
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ServerEnv = Readonly<Record<string, string | undefined>>;

/** The variables of `server` that `patterns` select (`NAME`, or `PREFIX*`). */
export function inheritedEnv(server: ServerEnv, patterns: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else if (server[pattern] !== undefined) out[pattern] = server[pattern];
  }
  if (prefixes.length > 0) {
    for (const [name, value] of Object.entries(server)) {
      // Only names a POSIX shell can export (not `BASH_FUNC_f%%`, `a.b`): a batch script sets them.
      if (value !== undefined && prefixes.some((p) => name.startsWith(p)) && SHELL_NAME.test(name)) {
        out[name] = value;
      }
    }
  }
  return out;
}

/** The environment of a task (without Strata's own variables, which the executor adds). */
export function taskEnvironment(
  server: ServerEnv,
  task: { env: Readonly<Record<string, string>>; envInherit?: readonly string[] | undefined },
  fallback: TaskEnvFallback,
): Record<string, string> {
  const base: Record<string, string> = {
    PATH: server.PATH || DEFAULT_TASK_PATH,
    HOME: server.HOME || fallback.HOME,
    USER: server.USER || fallback.USER,
  };
  for (const name of ['LANG', 'TMPDIR'] as const) {
    const value = server[name];
    if (value) base[name] = value;
  }
  return { ...base, ...inheritedEnv(server, task.envInherit ?? []), ...task.env };
}
