/**
 * The I/O shell around the pure spec parser: reads a workflow file, expands `foreach: { glob }`
 * against the file system, and turns the parser's errors into one `EngineError` (code SPEC_INVALID)
 * whose details list every problem with file:line:column, so that the CLI prints them and the
 * server returns them.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import type { WorkflowSpec } from '../model/index.js';
import { formatSpecError, parseWorkflowSpec } from '../spec/index.js';
import type { SpecError } from '../spec/index.js';
import { EngineError } from './errors.js';

export interface LoadedSpec {
  spec: WorkflowSpec;
  /** Absolute directory the workflow's relative paths are resolved against. */
  baseDir: string;
  /** Shown in messages and kept with the workflow. */
  source: string;
}

/** Parses workflow text; `baseDir` is where globs are expanded. Throws EngineError SPEC_INVALID. */
export function loadSpecText(text: string, where: { file: string; baseDir: string }): LoadedSpec {
  const baseDir = resolve(where.baseDir);
  const result = parseWorkflowSpec(text, {
    file: where.file,
    listFiles: (pattern) =>
      globSync(pattern, { cwd: baseDir, onlyFiles: true, expandDirectories: false }).sort(),
  });
  if (!result.ok) throw specInvalid(result.errors);
  return { spec: result.spec, baseDir, source: where.file };
}

/** Reads and parses a workflow file. Throws EngineError SPEC_FILE_UNREADABLE or SPEC_INVALID. */
export function loadSpecFile(path: string): LoadedSpec {
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
  return loadSpecText(text, { file: path, baseDir: dirname(resolve(path)) });
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
