/**
 * Where `strata server` reads and expands submitted specs: a small pool of worker threads (piscina),
 * so that a large spec or a glob over a large tree never holds the event loop that answers every
 * other request. Each job runs under the submit budgets (submit-budgets.ts); one that outlives the
 * time budget has its worker terminated (SUBMIT_TIMEOUT), one that outgrows the worker's heap kills
 * only that worker (SUBMIT_TOO_LARGE), and a full queue answers SUBMIT_BUSY rather than pile up.
 *
 * Never: parse or expand a submitted spec on the main thread of the server.
 *
 * @example
 * const pool = new SubmitPool({ budgets: submitBudgets({ tasks: 50_000 }), allowedDirs: ['/data'] });
 * const loaded = await pool.load({ text, file: 'api', baseDir: '/data/run1' });
 * await pool.close();
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { EngineError } from './errors.js';
import type { LoadedSpec } from './load-spec.js';
import type { SubmitInput } from './strata-api.js';
import {
  checkSpecBytes,
  expansionTimedOut,
  submitBudgets,
  type SubmitBudgets,
  type SubmitConfinement,
} from './submit-budgets.js';
import type { SubmitJob, SubmitJobResult } from './submit-worker.js';

export interface SubmitPoolOptions extends SubmitConfinement {
  budgets?: SubmitBudgets;
  /** Worker threads at most. Default 2 (or 1 on a one-core machine). */
  threads?: number;
  /** Jobs waiting for a worker at most; past it, SUBMIT_BUSY. Default 32. */
  maxQueue?: number;
  /** Heap of one worker, in MiB. Default 1024. */
  workerHeapMb?: number;
}

export class SubmitPool {
  readonly budgets: SubmitBudgets;
  private readonly pool: Piscina<SubmitJob, SubmitJobResult>;
  private readonly confinement: SubmitConfinement;

  constructor(options: SubmitPoolOptions = {}) {
    this.budgets = options.budgets ?? submitBudgets();
    this.confinement = {
      confineGlobs: options.confineGlobs ?? true,
      ...(options.allowedDirs ? { allowedDirs: [...options.allowedDirs] } : {}),
    };
    const threads = options.threads ?? Math.max(1, Math.min(2, availableParallelism()));
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
      maxQueue: options.maxQueue ?? 32,
      resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb ?? 1024 },
    });
  }

  /** Reads and expands `input` in a worker. Throws the EngineError a refusal stands for. */
  async load(input: SubmitInput): Promise<LoadedSpec> {
    checkSpecBytes(input.text, this.budgets); // before copying it to a worker
    const job: SubmitJob = {
      text: input.text,
      file: input.file,
      baseDir: input.baseDir,
      budgets: this.budgets,
      confineGlobs: this.confinement.confineGlobs ?? true,
      ...(this.confinement.allowedDirs ? { allowedDirs: [...this.confinement.allowedDirs] } : {}),
    };
    let result: SubmitJobResult;
    try {
      result = await this.pool.run(job, { signal: timeoutSignal(this.budgets.expansionMs) });
    } catch (e) {
      throw this.refusal(e);
    }
    if (result.ok) return result.loaded;
    const { code, message, hint, details } = result.error;
    throw new EngineError(code, message, hint, details);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** What a failed run means for the submitter; a bug in the worker goes on as it is. */
  private refusal(e: unknown): unknown {
    const err = e as { name?: string; code?: string; message?: string };
    if (err.name === 'AbortError') return expansionTimedOut(this.budgets);
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return new EngineError(
        'SUBMIT_TOO_LARGE',
        'reading and expanding the workflow needed more memory than a submit may use; it was stopped',
        'generate fewer, larger tasks, or submit smaller workflows',
      );
    }
    if (err.message === 'Task queue is at limit') {
      return new EngineError(
        'SUBMIT_BUSY',
        'the server is reading too many submitted workflows at once',
        'try again in a few seconds',
      );
    }
    return e;
  }
}

function timeoutSignal(ms: number): AbortSignal | null {
  return Number.isFinite(ms) ? AbortSignal.timeout(ms) : null;
}

/**
 * The worker's compiled file. Run from the sources (vitest imports this file as .ts), it is the one
 * in dist/, which the test suite builds first (test/global-setup.ts): a worker thread cannot load
 * TypeScript.
 */
function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts')
    ? new URL('../../dist/src/engine/submit-worker.js', here)
    : new URL('./submit-worker.js', here);
  return url.href;
}
