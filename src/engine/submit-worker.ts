/**
 * The worker of the submit pool (submit-pool.ts): reads and expands one workflow spec with its
 * budgets, off the server's event loop. A refusal comes back as data (an `EngineError`'s fields do
 * not survive the thread boundary as an exception); anything else thrown is a bug and goes as is.
 */
import { EngineError, type EngineErrorCode } from './errors.js';
import { loadSpecText, type LoadedSpec } from './load-spec.js';
import type { SubmitBudgets } from './submit-budgets.js';

export interface SubmitJob {
  text: string;
  file: string;
  baseDir: string;
  budgets: SubmitBudgets;
  allowedDirs?: string[];
  confineGlobs: boolean;
}

export type SubmitJobResult =
  | { ok: true; loaded: LoadedSpec }
  | { ok: false; error: { code: EngineErrorCode; message: string; hint?: string; details?: unknown } };

export default function loadInWorker(job: SubmitJob): SubmitJobResult {
  try {
    const loaded = loadSpecText(
      job.text,
      { file: job.file, baseDir: job.baseDir },
      {
        budgets: job.budgets,
        confineGlobs: job.confineGlobs,
        ...(job.allowedDirs ? { allowedDirs: job.allowedDirs } : {}),
      },
    );
    return { ok: true, loaded };
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    return {
      ok: false,
      error: {
        code: e.code,
        message: e.message,
        ...(e.hint !== undefined ? { hint: e.hint } : {}),
        ...(e.details !== undefined ? { details: e.details } : {}),
      },
    };
  }
}
