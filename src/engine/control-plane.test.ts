import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoopExecutor } from '../executors/noop-executor.js';
import type { EventRecord } from '../store/store.js';
import { createStrata } from './create-strata.js';
import type { Strata } from './create-strata.js';

const CHAIN = `name: chain
tasks:
  - { name: a, command: ["true"] }
  - { name: b, command: ["true"], after: [a] }
  - { name: c, command: ["true"], after: [b] }
`;

const SLEEPY = `name: sleepy
tasks:
  - { name: nap, command: ["sleep", "60"] }
`;

let dir: string;
let strata: Strata;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-control-plane-'));
  strata = await createStrata({
    store: `sqlite:${join(dir, 's.db')}`,
    stateDir: join(dir, 'state'),
    executor: new NoopExecutor({
      behaviour: (req) => (req.taskName === 'nap' ? { delayMs: 60_000 } : { delayMs: 5 }),
    }),
  });
});

afterEach(async () => {
  await strata.close();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(events: AsyncIterable<EventRecord>): Promise<EventRecord[]> {
  const seen: EventRecord[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('ControlPlane.watch', () => {
  it('gives every event of a run as it is committed and ends at the final state', async () => {
    const wf = await strata.api.submit({ text: CHAIN, file: 'chain.yaml', baseDir: dir });
    const seen = await collect(strata.api.watch(wf.id));
    expect((await strata.api.getWorkflow(wf.id)).state).toBe('succeeded');
    expect(seen).toEqual(await strata.store.listEvents({ workflowId: wf.id }));
    expect(seen.at(-1)).toMatchObject({ taskIdx: null, from: 'running', to: 'succeeded' });
    expect(seen.filter((e) => e.to === 'succeeded')).toHaveLength(4); // three tasks and the workflow
    expect(strata.engine.listenerCount('turn')).toBe(0);
  });

  it('starts after a given event, by id or name, and ends at once on a finished workflow', async () => {
    const wf = await strata.api.submit({ text: CHAIN, file: 'chain.yaml', baseDir: dir });
    await strata.engine.waitFor(wf.id);
    const all = await strata.store.listEvents({ workflowId: wf.id });
    const rest = await collect(strata.api.watch('chain', { afterSeq: all[2]!.seq }));
    expect(rest).toEqual(all.slice(3));
  });

  it('follows a workflow reopened after its final state until its new final state', async () => {
    const wf = await strata.api.submit({ text: SLEEPY, file: 'sleepy.yaml', baseDir: dir });
    await strata.api.cancel(wf.id);
    expect(await strata.engine.waitFor(wf.id)).toBe('cancelled');
    const last = (await strata.store.listEvents({ workflowId: wf.id })).at(-1)!;
    expect(last).toMatchObject({ taskIdx: null, to: 'cancelled' });
    await strata.api.resume(wf.id);
    const watching = collect(strata.api.watch(wf.id, { afterSeq: last.seq }));
    await strata.api.cancel(wf.id);
    const seen = await watching;
    expect(seen).toContainEqual(expect.objectContaining({ taskIdx: null, from: 'cancelled', to: 'running' }));
    expect(seen.at(-1)).toMatchObject({ taskIdx: null, from: 'running', to: 'cancelled' });
  });

  it('goes on while an interrupted workflow stays running, and ends quietly when aborted', async () => {
    const wf = await strata.api.submit({ text: SLEEPY, file: 'sleepy.yaml', baseDir: dir });
    const stop = new AbortController();
    const seen: EventRecord[] = [];
    for await (const event of strata.api.watch(wf.id, { signal: stop.signal })) {
      seen.push(event);
      if (event.to === 'running' && event.taskIdx === 0) {
        const interrupted = strata.engine.waitFor(wf.id);
        await strata.engine.interrupt(wf.id);
        expect(await interrupted).toBe('interrupted');
        setTimeout(() => stop.abort(), 50);
      }
    }
    expect(seen.map((e) => e.to)).toEqual(['running', 'queued', 'running', 'ready']);
    expect((await strata.api.getWorkflow(wf.id)).state).toBe('running');
    expect(strata.engine.listenerCount('turn')).toBe(0);
  });

  it('stops the stream when the caller breaks out of it', async () => {
    const wf = await strata.api.submit({ text: SLEEPY, file: 'sleepy.yaml', baseDir: dir });
    let first: EventRecord | undefined;
    for await (const event of strata.api.watch(wf.id)) {
      first = event;
      break;
    }
    expect(first).toMatchObject({ workflowId: wf.id, from: null, to: 'running' });
    expect(strata.engine.listenerCount('turn')).toBe(0);
    expect(strata.engine.listenerCount('error')).toBe(0);
    await strata.api.cancel(wf.id);
  });

  it('ends with the engine’s error when the engine stops on one', async () => {
    const wf = await strata.api.submit({ text: SLEEPY, file: 'sleepy.yaml', baseDir: dir });
    const watching = collect(strata.api.watch(wf.id));
    await new Promise((r) => setTimeout(r, 50));
    strata.engine.emit('error', new Error('the store went away'));
    await expect(watching).rejects.toThrow('the store went away');
    await strata.api.cancel(wf.id);
  });
});
