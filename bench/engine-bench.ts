/**
 * bench:engine — how fast the engine moves tasks through the store, and how close the local
 * executor comes to the machine's limit for starting processes.
 *
 * 1. A 10,000-task fan-out/fan-in workflow (1 → 9,998 → 1) through the real engine and SQLite store
 *    (and PostgreSQL when STRATA_BENCH_PG gives a connection string) with the in-process no-op
 *    executor: tasks per second from submit to the workflow's end, and peak RSS.
 * 2. 1,000 `true` processes through the engine with the local executor.
 * 3. In the same run, a bare loop spawning 1,000 `true` with child_process.spawn at the same
 *    concurrency: the physical limit of any local executor here.
 *
 * Prints a table, then one JSON line per store. Options: --tasks N, --procs N, --runs N.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import { LocalExecutor } from '../src/executors/local-executor.js';
import { NoopExecutor } from '../src/executors/noop-executor.js';
import type { Executor } from '../src/executors/executor.js';
import { DEFAULT_RETRY } from '../src/model/index.js';
import type { TaskSpec, WorkflowSpec } from '../src/model/index.js';
import { openStore } from '../src/store/open-store.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const TASKS = arg('tasks', 10_000);
const PROCS = arg('procs', 1000);
const RUNS = arg('runs', 3);
const CONCURRENCY = availableParallelism();

function task(name: string, deps: string[], cpus = 1): TaskSpec {
  return {
    name,
    command: { argv: ['true'] },
    env: {},
    inputs: [],
    outputs: [],
    deps,
    resources: { cpus, memoryBytes: 0, gpus: 0 },
    retry: DEFAULT_RETRY,
    validate: { outputsExist: true, outputsNonEmpty: false },
  };
}

function fanOutIn(n: number): WorkflowSpec {
  const middle = Array.from({ length: n - 2 }, (_, i) => task(`work[${i}]`, ['source']));
  return {
    name: 'fan-out-in',
    failurePolicy: 'fail-fast',
    tasks: [
      task('source', []),
      ...middle,
      task(
        'sink',
        middle.map((t) => t.name),
      ),
    ],
  };
}

function independent(n: number): WorkflowSpec {
  return {
    name: 'procs',
    failurePolicy: 'fail-fast',
    tasks: Array.from({ length: n }, (_, i) => task(`p[${i}]`, [])),
  };
}

async function runEngine(url: string, executor: Executor, spec: WorkflowSpec, dir: string, schema?: string) {
  const store = await openStore({ url, ...(schema ? { schema } : {}) });
  const engine = new Engine({ store, executor, stateDir: dir });
  await engine.init();
  const t0 = performance.now();
  const wf = await engine.submit(spec, { baseDir: dir, source: 'bench' });
  const state = await engine.waitFor(wf.id);
  const seconds = (performance.now() - t0) / 1000;
  if (state !== 'succeeded') throw new Error(`benchmark workflow ended ${state}`);
  const events = (await store.listEvents({ workflowId: wf.id, limit: 1_000_000 })).length;
  await engine.close();
  await executor.close();
  await store.close();
  return { seconds, events };
}

function bareSpawnLoop(n: number, concurrency: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let started = 0;
    let finished = 0;
    const next = () => {
      if (started >= n) return;
      started += 1;
      const child = spawn('true', [], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => {
        finished += 1;
        if (finished === n) resolve(n / ((performance.now() - t0) / 1000));
        else next();
      });
    };
    for (let i = 0; i < concurrency; i++) next();
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function storeRuns(label: string, url: (dir: string) => string, schema?: () => string) {
  const rates: number[] = [];
  let events = 0;
  for (let r = 0; r < RUNS; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
    try {
      const executor = new NoopExecutor();
      const res = await runEngine(url(dir), executor, fanOutIn(TASKS), dir, schema?.());
      rates.push(TASKS / res.seconds);
      events = res.events;
      console.log(
        `${label.padEnd(8)} run ${r + 1}: ${TASKS} tasks in ${res.seconds.toFixed(2)} s (${Math.round(TASKS / res.seconds)} tasks/s, ${res.events} events)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    (globalThis as { gc?: () => void }).gc?.();
  }
  return { rate: median(rates), events };
}

async function main(): Promise<void> {
  console.log(
    `bench:engine — ${TASKS}-task fan-out/fan-in, ${PROCS} processes, ${RUNS} runs, concurrency ${CONCURRENCY}\n`,
  );
  const sqlite = await storeRuns('sqlite', (dir) => `sqlite:${join(dir, 'strata.db')}`);
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  // Local executor vs bare spawn, interleaved so that both see the same machine load.
  const local: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    bare.push(await bareSpawnLoop(PROCS, CONCURRENCY));
    const dir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
    try {
      const executor = new LocalExecutor({ capacity: { cpus: CONCURRENCY } });
      const res = await runEngine(`sqlite:${join(dir, 'strata.db')}`, executor, independent(PROCS), dir);
      local.push(PROCS / res.seconds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `procs    run ${r + 1}: local executor ${Math.round(local.at(-1)!)}/s, bare spawn ${Math.round(bare.at(-1)!)}/s`,
    );
  }
  const localRate = median(local);
  const bareRate = median(bare);
  // Each local run is paired with the bare loop just before it: the median of the pairs' ratios is
  // less exposed to the machine's load changing between runs than the ratio of the two medians.
  const ratio = median(local.map((l, i) => l / bare[i]!));

  const pgUrl = process.env.STRATA_BENCH_PG;
  const pg = pgUrl
    ? await storeRuns(
        'postgres',
        () => pgUrl,
        () => `strata_bench_${process.pid}_${Date.now()}`,
      )
    : null;

  const rows: Array<[string, string]> = [
    ['store', 'sqlite'],
    ['tasks', String(TASKS)],
    ['engine tasks/s (median)', Math.round(sqlite.rate).toString()],
    ['events per run', String(sqlite.events)],
    ['peak RSS (MB, whole process)', peakRssMb.toFixed(0)],
    [`local executor tasks/s (concurrency ${CONCURRENCY})`, Math.round(localRate).toString()],
    ['bare spawn/s (same concurrency)', Math.round(bareRate).toString()],
    ['local / bare (median of paired runs)', ratio.toFixed(2)],
  ];
  if (pg) rows.push(['postgres engine tasks/s (median)', Math.round(pg.rate).toString()]);
  console.log('');
  for (const [k, v] of rows) console.log(`${k.padEnd(44)} ${v}`);
  console.log('');
  const common = {
    local_tasks_per_s: Math.round(localRate),
    spawn_baseline_per_s: Math.round(bareRate),
    local_vs_spawn: Number(ratio.toFixed(2)),
  };
  if (pg) {
    console.log(
      JSON.stringify({
        bench: 'engine',
        store: 'postgres',
        tasks: TASKS,
        tasks_per_s: Math.round(pg.rate),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        ...common,
      }),
    );
  }
  console.log(
    JSON.stringify({
      bench: 'engine',
      store: 'sqlite',
      tasks: TASKS,
      tasks_per_s: Math.round(sqlite.rate),
      peak_rss_mb: Math.round(peakRssMb),
      ...common,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
