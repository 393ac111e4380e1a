/**
 * Following a workflow in the foreground (`run`, `retry`, `resume`): one path for embedded and
 * remote runs, through `StrataApi.watch()`, with a live progress line and the final report. The only
 * difference between the two is what Ctrl-C means: here the engine runs in this process, so the
 * first Ctrl-C stops the workflow's attempts (a second leaves them running and exits); against a
 * server, Ctrl-C only stops watching and the server keeps running the workflow.
 */
import type { Engine } from '../engine/engine.js';
import type { StrataApi, WorkflowView } from '../engine/strata-api.js';
import { coerceError, type WorkflowState } from '../model/index.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './cli-error.js';
import type { GlobalOptions } from './global-options.js';
import { Progress } from './progress.js';
import { latestWorkflow, withApi } from './with-api.js';

/** Least time between two reads of the counts while events stream in. */
const REFRESH_MS = 200;

export interface FollowOptions {
  json?: boolean;
  progress: boolean;
}

/**
 * Shows a workflow's progress until it reaches a final state, then reports it (exit 0 succeeded,
 * 1 failed or cancelled). `engine` is the engine driving it in this process, if one does: Ctrl-C
 * stops the workflow there (exit 130, `strata resume` continues); without one, Ctrl-C stops watching.
 */
export async function followWorkflow(
  api: StrataApi,
  first: WorkflowView,
  opts: FollowOptions,
  engine?: Engine,
): Promise<number> {
  const progress = new Progress(first, { bar: opts.progress && process.stderr.isTTY === true && !opts.json });
  const ctrlC = engine ? stopEngine(engine, first.id) : stopWatching;
  const watching = new AbortController();
  let shown = '';
  const show = (counts: WorkflowView['counts']) => {
    const key = JSON.stringify(counts);
    if (key !== shown) progress.update(counts); // the rate alone changing is no news
    shown = key;
  };
  const refresh = throttled(async () => show((await api.getWorkflow(first.id)).counts));
  let interrupts = 0;
  let stopping: Promise<void> = Promise.resolve();
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) return ctrlC.again(progress);
    stopping = ctrlC.first(progress).finally(() => watching.abort());
    stopping.catch(() => undefined); // awaited once the stream ends; not an unhandled rejection before
  };
  for (const signal of ctrlC.signals) process.on(signal, onSignal);
  try {
    for await (const _event of api.watch(first.id, { signal: watching.signal })) refresh.poke();
    await stopping;
    await refresh.flush();
  } finally {
    for (const signal of ctrlC.signals) process.off(signal, onSignal);
    refresh.cancel();
  }
  const final = await api.getWorkflow(first.id);
  show(final.counts);
  progress.stop();
  if (final.state === 'running') return ctrlC.stopped(final, opts.json);
  return report(final, final.state, opts.json);
}

/** `retry` and `resume`: reopens a workflow (default: the most recent), then follows it. */
export function reopenAndFollow(
  g: GlobalOptions,
  ref: string | undefined,
  reopen: (api: StrataApi, ref: string) => Promise<WorkflowView>,
  opts: FollowOptions,
): Promise<number> {
  return withApi(g, async (api, env) => {
    // Embedded, adopting an interrupted or crashed workflow re-attaches what still runs; then the
    // request reopens it.
    const wf = await reopen(api, ref ?? (await latestWorkflow(api)));
    return followWorkflow(api, wf, opts, env?.engine);
  });
}

/** What Ctrl-C does while following. */
interface CtrlC {
  signals: NodeJS.Signals[];
  /** The first one; following ends once it resolves. */
  first(progress: Progress): Promise<void>;
  /** Each one after the first. */
  again(progress: Progress): void;
  /** The report when following ended with the workflow still running. */
  stopped(wf: WorkflowView, json: boolean | undefined): number;
}

/** The engine runs here: stop the workflow's attempts and leave it resumable. */
function stopEngine(engine: Engine, id: string): CtrlC {
  return {
    signals: ['SIGINT', 'SIGTERM'],
    async first(progress) {
      progress.note('stopping: killing running tasks (Ctrl-C again to leave them running and exit now)');
      const stopped = engine.waitFor(id);
      await engine.interrupt(id);
      await stopped;
    },
    again(progress) {
      progress.stop();
      process.stderr.write(`left running tasks alone; \`strata resume ${id}\` re-attaches them\n`);
      process.exit(EXIT_INTERRUPTED);
    },
    stopped: (wf, json) => report(wf, 'interrupted', json),
  };
}

/** A server runs it: stop watching only. */
const stopWatching: CtrlC = {
  signals: ['SIGINT'],
  first: () => Promise.resolve(),
  again: () => undefined,
  stopped(wf) {
    process.stderr.write(
      `stopped watching; the server keeps running ${wf.id} (\`strata status ${wf.id}\`)\n`,
    );
    return EXIT_INTERRUPTED;
  },
};

function report(wf: WorkflowView, state: WorkflowState | 'interrupted', json: boolean | undefined): number {
  if (json) console.log(JSON.stringify({ ...wf, outcome: state }, null, 2));
  else if (state === 'interrupted') {
    console.error(`${wf.id} interrupted — \`strata resume ${wf.id}\` continues where it stopped`);
  } else {
    const c = wf.counts;
    const line = `${wf.id} ${state}: ${c.succeeded} succeeded, ${c.failed} failed, ${c['upstream-failed']} upstream-failed, ${c.cancelled} cancelled`;
    if (state === 'succeeded') console.log(line);
    else console.error(`${line}\n  see \`strata status ${wf.id}\` and \`strata logs TASK -w ${wf.id}\``);
  }
  if (state === 'interrupted') return EXIT_INTERRUPTED;
  return state === 'succeeded' ? EXIT_OK : EXIT_FAILED;
}

/**
 * Runs `fn` at the first poke, then at most once per REFRESH_MS while pokes come, and once more
 * after the last poke of a burst: a turn of thousands of events costs one read of the counts.
 */
function throttled(fn: () => Promise<void>) {
  let timer: NodeJS.Timeout | null = null;
  let pending = false;
  let running: Promise<void> = Promise.resolve();
  let failure: unknown;
  const fire = () => {
    pending = false;
    running = running.then(fn).catch((e: unknown) => void (failure ??= e));
    timer = setTimeout(() => {
      timer = null;
      if (pending) fire();
    }, REFRESH_MS);
  };
  const cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    pending = false;
  };
  return {
    poke(): void {
      if (timer) pending = true;
      else fire();
    },
    /** Waits for a read under way; throws what a read threw. */
    async flush(): Promise<void> {
      cancel();
      await running;
      if (failure !== undefined) throw coerceError(failure);
    },
    cancel,
  };
}
