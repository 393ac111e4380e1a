/**
 * The submit budgets as command-line settings: `strata server` flags, each with an environment
 * variable of the same meaning, which the embedded commands (`run`, `submit`, `validate`) read too, so
 * that a spec `strata validate` accepts is one a server with the same settings accepts. Sizes take
 * quantities (`4Mi`, `64M`), times durations (`10s`); `none` lifts a budget.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { SubmitBudgets } from '../engine/submit-budgets.js';
import { parseDurationMs } from '../spec/durations.js';
import { parseMemoryBytes } from '../spec/quantities.js';
import { CliError } from './cli-error.js';

interface BudgetSetting {
  key: keyof SubmitBudgets;
  flag: string;
  env: string;
  what: string;
  parse: (text: string) => number | undefined;
}

const count = (text: string): number | undefined => {
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};
const bytes = (text: string): number | undefined => {
  const n = parseMemoryBytes(text);
  return n !== undefined && n > 0 ? n : undefined;
};
const duration = (text: string): number | undefined => {
  const n = parseDurationMs(text);
  return n !== undefined && n > 0 ? n : undefined;
};

const SETTINGS: readonly BudgetSetting[] = [
  {
    key: 'specBytes',
    flag: 'max-spec-bytes',
    env: 'STRATA_MAX_SPEC_BYTES',
    what: 'largest spec (default 4Mi)',
    parse: bytes,
  },
  {
    key: 'tasks',
    flag: 'max-tasks',
    env: 'STRATA_MAX_TASKS',
    what: 'most tasks a workflow may expand to (default 100000)',
    parse: count,
  },
  {
    key: 'globMatches',
    flag: 'max-glob-matches',
    env: 'STRATA_MAX_GLOB_MATCHES',
    what: 'most files one glob may match (default 10000)',
    parse: count,
  },
  {
    key: 'expansionMs',
    flag: 'max-expand-time',
    env: 'STRATA_MAX_EXPAND_MS',
    what: 'longest a submit may take to read and expand (default 10s)',
    parse: duration,
  },
  {
    key: 'storedSpecBytes',
    flag: 'max-stored-spec-bytes',
    env: 'STRATA_MAX_STORED_SPEC_BYTES',
    what: 'largest sum of stored task specs (default 32Mi)',
    parse: bytes,
  },
];

/** Adds the budget flags (and `--allow-dir`) to `strata server`. */
export function declareBudgetOptions(command: Command): Command {
  for (const s of SETTINGS) {
    command.addOption(new Option(`--${s.flag} <value>`, `${s.what}; none lifts it`).env(s.env));
  }
  return command.addOption(
    new Option(
      '--allow-dir <dir...>',
      "directories submitted workflows may run in (repeatable); default the server's working directory",
    ),
  );
}

/** The budgets the parsed flags of `strata server` set. */
export function budgetsFromOptions(opts: Record<string, unknown>): Partial<SubmitBudgets> {
  const out: Partial<SubmitBudgets> = {};
  for (const s of SETTINGS) {
    const value = opts[camel(s.flag)];
    if (typeof value === 'string') out[s.key] = budgetValue(s, value, `--${s.flag}`);
  }
  return out;
}

/** The budgets the environment sets, for the embedded commands. */
export function budgetsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SubmitBudgets> {
  const out: Partial<SubmitBudgets> = {};
  for (const s of SETTINGS) {
    const value = env[s.env];
    if (value !== undefined && value !== '') out[s.key] = budgetValue(s, value, s.env);
  }
  return out;
}

function budgetValue(s: BudgetSetting, text: string, where: string): number {
  if (text === 'none') return Infinity;
  const n = s.parse(text);
  if (n === undefined) {
    throw new CliError(
      'BAD_OPTION',
      `${where} must be a positive ${s.parse === duration ? 'duration (10s)' : s.parse === bytes ? 'size (4Mi)' : 'whole number'} or none, got ${text}`,
    );
  }
  return n;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}
