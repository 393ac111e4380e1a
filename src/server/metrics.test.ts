import { afterEach, describe, expect, it } from 'vitest';
import { NoopExecutor } from '../executors/noop-executor.js';
import type { TaskChange } from '../store/store.js';
import type { Store } from '../store/store.js';
import { createMetrics } from './metrics.js';
import { CHAIN, finished, pollWorkflow, startTestServer, submit } from './testing/server-harness.js';
import type { TestServer } from './testing/server-harness.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The value of one sample line (`name{labels} value`) of a Prometheus text exposition; undefined if absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(s: TestServer): Promise<string> {
  const res = await s.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
}

describe('/metrics', () => {
  it('reports tasks, workflows, transitions, attempt timings and slots after a run', async () => {
    server = await startTestServer(new NoopExecutor());
    const { id } = await submit(server, CHAIN);
    await pollWorkflow(server, id, finished);
    const text = await scrape(server);

    expect(sample(text, 'strata_tasks{state="succeeded"}')).toBe(6);
    expect(sample(text, 'strata_tasks{state="failed"}')).toBe(0);
    expect(sample(text, 'strata_tasks{state="upstream-failed"}')).toBe(0);
    expect(sample(text, 'strata_workflows{state="succeeded"}')).toBe(1);
    expect(sample(text, 'strata_workflows{state="running"}')).toBe(0);

    expect(sample(text, 'strata_task_transitions_total{from="ready",to="queued"}')).toBe(6);
    expect(sample(text, 'strata_task_transitions_total{from="queued",to="running"}')).toBe(6);
    expect(sample(text, 'strata_task_transitions_total{from="running",to="succeeded"}')).toBe(6);
    expect(sample(text, 'strata_task_transitions_total{from="pending",to="ready"}')).toBe(5);

    expect(sample(text, 'strata_attempt_queue_wait_seconds_count')).toBe(6);
    expect(sample(text, 'strata_attempt_queue_wait_seconds_bucket{le="+Inf"}')).toBe(6);
    expect(sample(text, 'strata_attempt_run_seconds_count{status="succeeded"}')).toBe(6);
    expect(sample(text, 'strata_attempt_run_seconds_sum{status="succeeded"}')).toBeGreaterThanOrEqual(0);

    expect(sample(text, 'strata_executor_slots{executor="noop"}')).toBe(1e9);
    expect(sample(text, 'strata_executor_slots_used{executor="noop"}')).toBe(0);
    expect(sample(text, 'strata_attempts_in_flight')).toBe(0);

    // Node's process metrics ride along.
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('shows CPUs in use and attempts in flight while a task runs, and cancelled attempts by status', async () => {
    server = await startTestServer(
      new NoopExecutor({ behaviour: (req) => (req.taskName === 'slow' ? { delayMs: 60_000 } : {}) }),
    );
    const s = server;
    const { id } = await submit(
      s,
      'name: slow-wf\ntasks:\n  - name: slow\n    command: ["true"]\n    resources: { cpus: 2 }\n',
    );
    await pollWorkflow(s, id, (v) => v.counts.running === 1);

    const during = await scrape(s);
    expect(sample(during, 'strata_executor_slots_used{executor="noop"}')).toBe(2);
    expect(sample(during, 'strata_attempts_in_flight')).toBe(1);
    expect(sample(during, 'strata_tasks{state="running"}')).toBe(1);
    expect(sample(during, 'strata_workflows{state="running"}')).toBe(1);

    await s.inject({ method: 'POST', url: `/api/v1/workflows/${id}/cancel` });
    await pollWorkflow(s, id, finished);
    const after = await scrape(s);
    expect(sample(after, 'strata_executor_slots_used{executor="noop"}')).toBe(0);
    expect(sample(after, 'strata_attempt_run_seconds_count{status="cancelled"}')).toBe(1);
    expect(sample(after, 'strata_task_transitions_total{from="running",to="cancelled"}')).toBe(1);
    expect(sample(after, 'strata_workflows{state="cancelled"}')).toBe(1);
  });
});

describe('createMetrics', () => {
  it('folds a committed batch into one increment per (from, to) pair', async () => {
    server = await startTestServer(new NoopExecutor());
    const { registry, observer } = createMetrics({
      store: server.store,
      slots: () => ({ usedCpus: 0, totalCpus: 4, inFlight: 0 }),
      executor: 'local',
      processMetrics: false,
    });
    const change = (i: number, from: TaskChange['from'], to: TaskChange['to']): TaskChange => ({
      workflowId: 'wf',
      idx: i,
      from,
      to,
      at: 0,
    });
    const tasks = Array.from({ length: 10_000 }, (_, i) =>
      i % 10 < 7 ? change(i, 'ready', 'queued') : change(i, 'running', 'succeeded'),
    );
    observer.committed?.({ tasks, workflows: [] });
    observer.committed?.({ tasks: tasks.slice(0, 10), workflows: [] });
    observer.committed?.({ tasks: [], workflows: [] });
    const text = await registry.metrics();
    expect(sample(text, 'strata_task_transitions_total{from="ready",to="queued"}')).toBe(7007);
    expect(sample(text, 'strata_task_transitions_total{from="running",to="succeeded"}')).toBe(3003);
    expect(sample(text, 'strata_executor_slots{executor="local"}')).toBe(4);
    expect(text).not.toContain('process_cpu_user_seconds_total');
  });

  it('records attempt timings in seconds, and skips the ones an attempt that never started lacks', async () => {
    server = await startTestServer(new NoopExecutor());
    const { registry, observer } = createMetrics({
      store: server.store,
      slots: () => ({ usedCpus: 0, totalCpus: 1, inFlight: 0 }),
      executor: 'local',
      processMetrics: false,
    });
    observer.attemptEnded?.({
      workflowId: 'wf',
      task: 'a',
      status: 'failed',
      queueWaitMs: 2000,
      runMs: 90_000,
    });
    observer.attemptEnded?.({
      workflowId: 'wf',
      task: 'b',
      status: 'cancelled',
      queueWaitMs: null,
      runMs: null,
    });
    const text = await registry.metrics();
    expect(sample(text, 'strata_attempt_queue_wait_seconds_sum')).toBe(2);
    expect(sample(text, 'strata_attempt_queue_wait_seconds_count')).toBe(1);
    expect(sample(text, 'strata_attempt_queue_wait_seconds_bucket{le="1"}')).toBe(0);
    expect(sample(text, 'strata_attempt_queue_wait_seconds_bucket{le="5"}')).toBe(1);
    expect(sample(text, 'strata_attempt_run_seconds_sum{status="failed"}')).toBe(90);
    expect(sample(text, 'strata_attempt_run_seconds_count{status="cancelled"}')).toBeUndefined();
  });

  it('can be scraped before the engine exists: the slot gauges stay empty', async () => {
    server = await startTestServer(new NoopExecutor());
    const { registry } = createMetrics({
      store: server.store,
      slots: () => {
        throw new Error('engine not built yet');
      },
      executor: 'local',
      processMetrics: false,
    });
    const text = await registry.metrics();
    expect(sample(text, 'strata_tasks{state="succeeded"}')).toBe(0);
    expect(text).not.toContain('strata_executor_slots_used{');
    expect(text).toContain('# TYPE strata_executor_slots_used gauge');
  });

  it('counts workflows with the store’s grouped count when it has one', async () => {
    server = await startTestServer(new NoopExecutor());
    const counting: Store & { countWorkflowsByState(): Promise<Record<string, number>> } = Object.assign(
      Object.create(server.store) as Store,
      { countWorkflowsByState: async () => ({ running: 3, failed: 1 }) },
    );
    const { registry } = createMetrics({
      store: counting,
      slots: () => ({ usedCpus: 0, totalCpus: 1, inFlight: 0 }),
      executor: 'local',
      processMetrics: false,
    });
    const text = await registry.metrics();
    expect(sample(text, 'strata_workflows{state="running"}')).toBe(3);
    expect(sample(text, 'strata_workflows{state="failed"}')).toBe(1);
    expect(sample(text, 'strata_workflows{state="succeeded"}')).toBe(0);
  });
});
