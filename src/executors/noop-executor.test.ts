import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../model/index.js';
import type { ExecutorEvent, LaunchRequest } from './executor.js';
import { NoopExecutor, type NoopExecutorOptions } from './noop-executor.js';
import { executorConformanceSuite } from './testing/executor-conformance.js';

// It runs no command (capabilities.runsCommands is false): the suite checks its event contract only.
// Each attempt "runs" 100 ms, so that one is still running when the suite cancels it, as a real one is.
executorConformanceSuite('NoopExecutor', async () => {
  const workdir = await mkdtemp(join(tmpdir(), 'strata-noop-conformance-'));
  const executor = new NoopExecutor({ behaviour: () => ({ delayMs: 100 }) });
  return { executor, workdir, cleanup: () => rm(workdir, { recursive: true, force: true }) };
});

function request(n: number, overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    attemptId: `noop-test/${n}/1`,
    workflowId: 'noop-test',
    taskName: `task-${n}`,
    attempt: 1,
    command: { argv: ['true'] },
    env: {},
    workdir: '/nonexistent',
    resources: { cpus: 1, memoryBytes: 0, gpus: 0 },
    nodeId: 'noop',
    gpuIds: [],
    logDir: '/nonexistent/logs',
    ...overrides,
  };
}

function watch(options?: NoopExecutorOptions) {
  const executor = new NoopExecutor(options);
  const events: ExecutorEvent[] = [];
  executor.onEvent((event) => events.push(event));
  const outcomes = () => events.flatMap((e): AttemptOutcome[] => (e.kind === 'finished' ? [e.outcome] : []));
  return { executor, events, outcomes };
}

/**
 * Undelayed attempts finish in one setImmediate; an immediate queued after it runs after it. (A zero
 * timeout would not be enough: timers and immediates race outside I/O callbacks.)
 */
function afterBatch(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('NoopExecutor', () => {
  it('succeeds with exit 0 on the next turn, after a started event', async () => {
    const { executor, events } = watch();
    await executor.start(request(1));
    expect(events.map((e) => e.kind)).toEqual(['started']);
    await afterBatch();
    expect(events.map((e) => e.kind)).toEqual(['started', 'finished']);
    expect(events[1]).toMatchObject({
      attemptId: 'noop-test/1/1',
      outcome: { status: 'succeeded', exitCode: 0, signal: null },
    });
  });

  it('ends each attempt as its behaviour says', async () => {
    const { executor, outcomes } = watch({
      behaviour: (req) =>
        req.taskName === 'task-2' ? { status: 'failed', exitCode: 7 } : { status: 'failed' },
    });
    await executor.start(request(1));
    await executor.start(request(2));
    await afterBatch();
    expect(outcomes().map((o) => [o.status, o.exitCode])).toEqual([
      ['failed', 1],
      ['failed', 7],
    ]);
  });

  it('waits delayMs before finishing', async () => {
    const { executor, outcomes } = watch({ behaviour: () => ({ delayMs: 50 }) });
    await executor.start(request(1));
    await sleep(10);
    expect(outcomes()).toEqual([]);
    await sleep(100);
    expect(outcomes()).toHaveLength(1);
  });

  it('times out an attempt whose delay exceeds its timeout', async () => {
    const { executor, outcomes } = watch({ behaviour: () => ({ delayMs: 10_000 }) });
    await executor.start(request(1, { timeoutMs: 20 }));
    await sleep(100);
    expect(outcomes()).toMatchObject([{ status: 'timed-out', exitCode: null }]);
  });

  it.each([0, 10_000])('cancels a pending attempt exactly once (delay %i ms)', async (delayMs) => {
    const { executor, events, outcomes } = watch({ behaviour: () => ({ delayMs }) });
    await executor.start(request(1));
    await executor.cancel('noop-test/1/1', 'test');
    await executor.cancel('noop-test/1/1');
    await sleep(20);
    expect(outcomes()).toMatchObject([{ status: 'cancelled', message: 'cancelled: test' }]);
    expect(events).toHaveLength(2);
    await executor.close();
  });

  it('cannot re-attach anything', async () => {
    const { executor } = watch();
    expect(await executor.reattach()).toBe('lost');
  });

  it('offers one huge node by default, or the capacity it is given', async () => {
    expect((await new NoopExecutor().nodes())[0]?.capacity.cpus).toBe(1e9);
    const capacity = { cpus: 4, memoryBytes: 1024, gpuIds: [0, 1] };
    expect((await new NoopExecutor({ capacity }).nodes())[0]?.capacity).toEqual(capacity);
  });

  it('finishes 100,000 attempts started at once, each exactly once', async () => {
    const { executor, events } = watch();
    const total = 100_000;
    for (let i = 0; i < total; i++) await executor.start(request(i));
    await afterBatch();
    expect(events.filter((e) => e.kind === 'finished')).toHaveLength(total);
    expect(events).toHaveLength(2 * total);
  });
});
