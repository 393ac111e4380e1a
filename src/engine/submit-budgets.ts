/**
 * The budgets a submitted workflow must keep, so that nothing a user sends can make the process that
 * reads it stall or swell: the spec's size, the tasks it expands to, the files one glob matches, the
 * time expansion may take, and the size of the task specs it would store. Also the confinement of a
 * server submit's files: its directory must lie under an allowed root, and its globs may not leave it.
 *
 * One set of checks for both paths: `strata server` runs them in its worker pool (submit-pool.ts),
 * the embedded CLI in its own process (load-spec.ts). Every refusal is an `EngineError` whose code
 * names the budget (docs/errors.md) and whose hint names the setting that lifts it (docs/cli.md).
 *
 * Never: hold a whole expanded workflow to measure it when a running count can stop early.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { WorkflowSpec } from '../model/index.js';
import { EngineError } from './errors.js';

export interface SubmitBudgets {
  /** Largest spec text, in bytes (UTF-8). */
  specBytes: number;
  /** Most tasks one workflow may expand to. */
  tasks: number;
  /** Most files one `foreach: { glob }` may match. */
  globMatches: number;
  /** Longest a server submit may take to parse and expand, in ms (its worker is then terminated). */
  expansionMs: number;
  /** Largest sum of the stored task specs (JSON, bytes): tasks × per-task spec. */
  storedSpecBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_SUBMIT_BUDGETS: Readonly<SubmitBudgets> = {
  specBytes: 4 * MiB,
  tasks: 100_000,
  globMatches: 10_000,
  expansionMs: 10_000,
  storedSpecBytes: 32 * MiB,
};

/**
 * Where a submit's files may be: `allowedDirs` are absolute roots its `baseDir` must lie under; when
 * `confineGlobs` is set, glob patterns must be relative and stay inside `baseDir` (no `..`, no
 * absolute pattern, symbolic links not followed).
 */
export interface SubmitConfinement {
  allowedDirs?: readonly string[];
  confineGlobs?: boolean;
}

/** The setting that lifts each budget, for hints: a `strata server` flag (or its environment variable). */
const SETTING: Record<keyof SubmitBudgets, string> = {
  specBytes: '--max-spec-bytes (STRATA_MAX_SPEC_BYTES)',
  tasks: '--max-tasks (STRATA_MAX_TASKS)',
  globMatches: '--max-glob-matches (STRATA_MAX_GLOB_MATCHES)',
  expansionMs: '--max-expand-time (STRATA_MAX_EXPAND_MS)',
  storedSpecBytes: '--max-stored-spec-bytes (STRATA_MAX_STORED_SPEC_BYTES)',
};

/** The budgets with `partial`'s values over the defaults. */
export function submitBudgets(partial: Partial<SubmitBudgets> = {}): SubmitBudgets {
  return { ...DEFAULT_SUBMIT_BUDGETS, ...partial };
}

export function checkSpecBytes(text: string, budgets: SubmitBudgets): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > budgets.specBytes) throw specTooLarge(bytes, budgets.specBytes);
}

/** SUBMIT_TOO_LARGE; without figures when the request body was cut off before it was read whole. */
export function specTooLarge(bytes: number | undefined, limit: number | undefined): EngineError {
  return new EngineError(
    'SUBMIT_TOO_LARGE',
    bytes === undefined || limit === undefined
      ? 'the request is larger than the workflow specs this server accepts'
      : `the workflow spec is ${bytes} bytes, more than the ${limit} bytes a submit may have`,
    `generate fewer, larger tasks (foreach expands arrays), or raise the budget with ${SETTING.specBytes}`,
  );
}

/** Refuses a workflow with more tasks, or bigger stored task specs, than the budgets allow. */
export function checkExpanded(spec: WorkflowSpec, budgets: SubmitBudgets): void {
  const n = spec.tasks.length;
  if (n > budgets.tasks) {
    throw new EngineError(
      'SUBMIT_TOO_MANY_TASKS',
      `workflow ${spec.name} expands to ${n} tasks, more than the ${budgets.tasks} a submit may have`,
      `split the work into fewer, larger tasks (each member handles a batch), or raise the budget with ${SETTING.tasks}`,
    );
  }
  let bytes = 0;
  for (const task of spec.tasks) {
    bytes += Buffer.byteLength(JSON.stringify(task), 'utf8');
    if (bytes > budgets.storedSpecBytes) {
      throw new EngineError(
        'SUBMIT_STORED_TOO_LARGE',
        `the task specs of workflow ${spec.name} would take more than the ${budgets.storedSpecBytes} bytes a submit may store ` +
          `(${n} tasks; reached at task ${task.name}, ${Math.round(bytes / MiB)} MiB so far)`,
        `large values repeated in every task (env, commands) are stored with each one: put them in a file the tasks read, or raise the budget with ${SETTING.storedSpecBytes}`,
      );
    }
  }
}

export function expansionTimedOut(budgets: SubmitBudgets): EngineError {
  return new EngineError(
    'SUBMIT_TIMEOUT',
    `reading and expanding the workflow took longer than ${budgets.expansionMs} ms; it was stopped`,
    `a glob over a large directory tree is the usual cause: narrow the pattern, or raise the budget with ${SETTING.expansionMs}`,
  );
}

/**
 * A `listFiles` for the parser that keeps the glob budget and the confinement. A glob over budget
 * throws (the parser reports SPEC_GLOB_FAILED at its position) and is remembered in `overflow`, so
 * that the caller can answer with SUBMIT_TOO_MANY_GLOB_MATCHES.
 */
export function budgetedGlob(
  baseDir: string,
  budgets: SubmitBudgets,
  confineGlobs: boolean,
): { listFiles: (pattern: string) => string[]; overflow: () => string | undefined } {
  let overflow: string | undefined;
  const listFiles = (pattern: string): string[] => {
    if (confineGlobs && (isAbsolute(pattern) || pattern.includes('..'))) {
      throw new Error(
        'on a server, a glob is a relative pattern inside the workflow directory (no absolute path, no `..`)',
      );
    }
    const files = globSync(pattern, {
      cwd: baseDir,
      onlyFiles: true,
      expandDirectories: false,
      followSymbolicLinks: !confineGlobs,
    });
    if (files.length > budgets.globMatches) {
      overflow = `glob ${JSON.stringify(pattern)} matches ${files.length} files, more than the ${budgets.globMatches} one glob may match`;
      throw new Error(`it matches ${files.length} files, more than the ${budgets.globMatches} allowed`);
    }
    return files.sort();
  };
  return { listFiles, overflow: () => overflow };
}

export function tooManyGlobMatches(message: string, details: unknown): EngineError {
  return new EngineError(
    'SUBMIT_TOO_MANY_GLOB_MATCHES',
    message,
    `narrow the pattern (a subdirectory, an extension), or raise the budget with ${SETTING.globMatches}`,
    details,
  );
}

/** Refuses a `baseDir` outside every allowed root (symbolic links resolved). Returns it resolved. */
export function confineBaseDir(baseDir: string, allowedDirs: readonly string[] | undefined): string {
  const dir = resolve(baseDir);
  if (allowedDirs === undefined) return dir;
  const real = realOrResolved(dir);
  const inside = allowedDirs.some((root) => {
    const rel = relative(realOrResolved(root), real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
  if (!inside) {
    throw new EngineError(
      'SUBMIT_DIR_NOT_ALLOWED',
      `the workflow directory ${dir} is outside the directories this server runs workflows in (${allowedDirs.join(', ')})`,
      'submit from a directory under one of them, or start the server with --allow-dir DIR',
    );
  }
  return dir;
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
