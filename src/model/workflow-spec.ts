/**
 * The normalised workflow: what the spec parser produces after defaults, `foreach` expansion and
 * dependency inference, and what the engine stores. Users never write this form directly; the
 * YAML/JSON format is documented in docs/workflow-format.md.
 */
import type { FailurePolicy } from './states.js';
import type { Resources } from './resources.js';

/** An argv list (no shell), or an explicit shell string run with `/bin/sh -c`. */
export type Command = { argv: string[] } | { shell: string };

export interface RetryPolicy {
  /** Total attempts allowed, including the first (1 = no retry). */
  maxAttempts: number;
  /** Delay before the 2nd attempt; later delays grow by `factor`, capped at `maxDelayMs`. */
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  /** Fraction (0..1) of the delay drawn at random and added or removed ("full jitter" when 1). */
  jitter: number;
}

export interface ValidationSpec {
  /** Every declared output must exist after a successful exit. */
  outputsExist: boolean;
  /** Every declared output must be non-empty. */
  outputsNonEmpty: boolean;
  /** A regular expression (JavaScript syntax) that stdout must match. */
  stdoutMatches?: string;
  /** A validator command; exit 0 means valid. Runs in the task's workdir with the task's env. */
  command?: Command;
}

export interface TaskSpec {
  /** Unique within the workflow; members of a `foreach` array are named `name[i]`. */
  name: string;
  /** The array a task was expanded from, when it was (`name` without the index). */
  array?: string;
  command: Command;
  env: Record<string, string>;
  /**
   * Variables of the server's environment the task inherits (`env.inherit`): names, or prefixes
   * ending in `*`. Absent = none; see task-env.ts for the whole environment.
   */
  envInherit?: string[];
  /** Working directory, relative to the workflow file's directory unless absolute. */
  workdir?: string;
  /** Files read and written, relative to `workdir`. */
  inputs: string[];
  outputs: string[];
  /** Names of tasks this one runs after: explicit `after` plus those inferred from files. */
  deps: string[];
  resources: Resources;
  timeoutMs?: number;
  retry: RetryPolicy;
  validate: ValidationSpec;
  /**
   * The task may wait for greener hours or run at a greener site when a carbon-aware policy plans
   * it (the digital twin, `strata simulate`); the engine's own placement ignores it. Absent = false.
   */
  flexible?: boolean;
}

export interface WorkflowSpec {
  name: string;
  failurePolicy: FailurePolicy;
  /** Tasks in a topological order (every task after all its deps). */
  tasks: TaskSpec[];
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = {
  maxAttempts: 1,
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 300_000,
  jitter: 0.5,
};

/**
 * Delay before attempt `nextAttempt` (2 = first retry): exponential backoff with jitter.
 * `random` is injected (0 ≤ r < 1) so that the simulator stays deterministic.
 *
 * @example
 * retryDelayMs(DEFAULT_RETRY, 2, () => 0.5) // 1000
 */
export function retryDelayMs(policy: RetryPolicy, nextAttempt: number, random: () => number): number {
  const exp = Math.max(0, nextAttempt - 2);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.factor, exp));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + 2 * spread * random()));
}
