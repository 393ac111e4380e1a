/**
 * The I/O shell around the pure spec parser: reads a workflow file, expands `foreach: { glob }`
 * against the file system, and turns the parser's errors into one `EngineError` (code SPEC_INVALID)
 * whose details list every problem with file:line:column, so that the CLI prints them and the
 * server returns them. It keeps the submit budgets (submit-budgets.ts) on the way: `strata server`
 * runs it in a worker (submit-worker.ts), the embedded CLI here in its own process.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { WorkflowSpec } from '../model/index.js';
import { formatSpecError, parseWorkflowSpec } from '../spec/index.js';
import type { SpecError } from '../spec/index.js';
import { EngineError } from './errors.js';
import {
  budgetedGlob,
  checkExpanded,
  checkSpecBytes,
  confineBaseDir,
  submitBudgets,
  tooManyGlobMatches,
  type SubmitBudgets,
  type SubmitConfinement,
} from './submit-budgets.js';

export interface LoadedSpec {
  spec: WorkflowSpec;
  /** Absolute directory the workflow's relative paths are resolved against. */
  baseDir: string;
  /** Shown in messages and kept with the workflow. */
  source: string;
}

export interface LoadOptions extends SubmitConfinement {
  /** Default `DEFAULT_SUBMIT_BUDGETS`; `UNLIMITED_BUDGETS` for specs that are not submitted. */
  budgets?: SubmitBudgets;
}

/** No budget at all: for specs that are read but never stored (the simulator's). */
export const UNLIMITED_BUDGETS: Readonly<SubmitBudgets> = {
  specBytes: Infinity,
  tasks: Infinity,
  globMatches: Infinity,
  expansionMs: Infinity,
  storedSpecBytes: Infinity,
};

/**
 * Parses workflow text; `baseDir` is where globs are expanded. Throws EngineError SPEC_INVALID, or
 * the SUBMIT_ code of a budget it exceeds. The expansion time budget is the caller's to keep (a
 * worker that can be terminated); here it runs to its end.
 */
export function loadSpecText(
  text: string,
  where: { file: string; baseDir: string },
  options: LoadOptions = {},
): LoadedSpec {
  const budgets = options.budgets ?? submitBudgets();
  checkSpecBytes(text, budgets);
  const baseDir = confineBaseDir(where.baseDir, options.allowedDirs);
  const glob = budgetedGlob(baseDir, budgets, options.confineGlobs ?? false);
  const result = parseWorkflowSpec(text, { file: where.file, listFiles: glob.listFiles });
  if (!result.ok) {
    const overflow = glob.overflow();
    throw overflow !== undefined ? tooManyGlobMatches(overflow, result.errors) : specInvalid(result.errors);
  }
  checkExpanded(result.spec, budgets);
  return { spec: result.spec, baseDir, source: where.file };
}

/** Reads and parses a workflow file. Throws EngineError SPEC_FILE_UNREADABLE or SPEC_INVALID. */
export function loadSpecFile(path: string, options: LoadOptions = {}): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new EngineError(
      'SPEC_FILE_UNREADABLE',
      `cannot read workflow file ${path}: ${reason}`,
      'check the path',
    );
  }
  return loadSpecText(text, { file: path, baseDir: dirname(resolve(path)) }, options);
}

/** One error for every problem a parser found in an input file (a workflow, a platform, an instance). */
export function specInvalid(
  errors: SpecError[],
  what: { noun: string; doc: string } = { noun: 'workflow', doc: 'docs/workflow-format.md' },
): EngineError {
  const n = errors.length;
  return new EngineError(
    'SPEC_INVALID',
    `the ${what.noun} has ${n} error${n === 1 ? '' : 's'}:\n${errors.map(formatSpecError).join('\n')}`,
    `fix the errors listed; ${what.doc} describes the format`,
    errors,
  );
}
