/**
 * The conformance suite every online `Scheduler` passes (run from
 * src/scheduler/online/scheduler-conformance.test.ts for every policy the registry knows): the
 * promises of scheduler.ts that the engine and the digital twin act on without checking them. They
 * launch what `place` returns as it is, so a node given more than it has free, a GPU given twice, a
 * key that names no ready task or a node not on offer (a node down is left out of the view: the
 * views cannot say "down" otherwise) would run wrong rather than fail. Each case builds its own
 * situations (scheduler-situations.ts) and its own scheduler, so the cases run in any order.
 *
 * @example
 * schedulerConformance('FirstFitPolicy', () => new FirstFitPolicy());
 * schedulerConformance('heft, plan-guided', (context) => onlineScheduler('heft', context)!);
 */
import { describe, expect, it } from 'vitest';
import type { Platform, Workload } from '../../model/index.js';
import type { NodeView, Placement, ReadyTask, Scheduler } from '../scheduler.js';
import { schedulerSituations, type SchedulerSituation } from './scheduler-situations.js';

/** A fresh scheduler for a situation; a planning one plans on its workload and platform. */
export type SchedulerFactory = (context: { workload: Workload; platform: Platform }) => Scheduler;

function placeIn(make: SchedulerFactory, s: SchedulerSituation): Placement[] {
  return make({ workload: s.workload, platform: s.platform }).place(s.ready, s.nodes, s.now);
}

/**
 * Every situation (as it was before the call: a scheduler that wrote to its inputs must not move the
 * yardstick) with what a fresh scheduler placed in it.
 */
function placedEverywhere(make: SchedulerFactory): Array<{ s: SchedulerSituation; placements: Placement[] }> {
  return schedulerSituations().map((s) => ({ s: structuredClone(s), placements: placeIn(make, s) }));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The placements of one call grouped by the node they went to. */
function byNode(placements: readonly Placement[]): Map<string, Placement[]> {
  const out = new Map<string, Placement[]>();
  for (const p of placements) {
    const list = out.get(p.nodeId) ?? [];
    list.push(p);
    out.set(p.nodeId, list);
  }
  return out;
}

function resourcesOf(s: SchedulerSituation, key: string): ReadyTask['resources'] {
  const task = s.ready.find((r) => r.key === key);
  expect(task, `${s.label}: placement of ${key}, which is not ready`).toBeDefined();
  return task!.resources;
}

function nodeOf(s: SchedulerSituation, id: string): NodeView {
  const node = s.nodes.find((n) => n.id === id);
  expect(node, `${s.label}: placement on ${id}, which is not on offer`).toBeDefined();
  return node!;
}

export function schedulerConformance(name: string, make: SchedulerFactory): void {
  describe(`${name} scheduler conformance`, () => {
    it('never gives a node more CPUs or memory than it has free, nor than its capacity with what is in use', () => {
      for (const { s, placements } of placedEverywhere(make)) {
        for (const [id, onNode] of byNode(placements)) {
          const node = nodeOf(s, id);
          let cpus = 0;
          let memoryBytes = 0;
          for (const p of onNode) {
            cpus += resourcesOf(s, p.key).cpus;
            memoryBytes += resourcesOf(s, p.key).memoryBytes;
          }
          const what = `${s.label}: ${onNode.map((p) => p.key).join(', ')} on ${id}`;
          expect(cpus, `${what}: CPUs`).toBeLessThanOrEqual(node.free.cpus);
          expect(memoryBytes, `${what}: memory`).toBeLessThanOrEqual(node.free.memoryBytes);
          const usedCpus = node.capacity.cpus - node.free.cpus;
          const usedMemory = node.capacity.memoryBytes - node.free.memoryBytes;
          expect(usedCpus + cpus, `${what}: CPUs in use and placed`).toBeLessThanOrEqual(node.capacity.cpus);
          expect(usedMemory + memoryBytes, `${what}: memory in use and placed`).toBeLessThanOrEqual(
            node.capacity.memoryBytes,
          );
        }
      }
    });

    it('gives a task the GPUs it asks for, only free ones, and each GPU to one task at a time', () => {
      for (const { s, placements } of placedEverywhere(make)) {
        for (const [id, onNode] of byNode(placements)) {
          const free = new Set(nodeOf(s, id).free.gpuIds);
          const given = new Set<number>();
          for (const p of onNode) {
            const what = `${s.label}: ${p.key} on ${id} gets GPUs [${p.gpuIds.join(', ')}]`;
            expect(p.gpuIds.length, `${what}, asks for ${resourcesOf(s, p.key).gpus}`).toBe(
              resourcesOf(s, p.key).gpus,
            );
            for (const g of p.gpuIds) {
              expect(free.has(g), `${what}: GPU ${g} is not free`).toBe(true);
              expect(given.has(g), `${what}: GPU ${g} already given in this call`).toBe(false);
              given.add(g);
            }
          }
        }
      }
    });

    it('does not mutate the ready tasks or the node views it is given', () => {
      for (const s of schedulerSituations()) {
        const before = structuredClone({ ready: s.ready, nodes: s.nodes });
        // Frozen: a write throws (ES modules are strict) and names the culprit in its stack.
        deepFreeze(s.ready);
        deepFreeze(s.nodes);
        expect(() => placeIn(make, s), s.label).not.toThrow();
        expect({ ready: s.ready, nodes: s.nodes }, s.label).toEqual(before);
      }
    });

    it('names each ready task at most once, and only nodes on offer (never one down)', () => {
      for (const { s, placements } of placedEverywhere(make)) {
        const keys = placements.map((p) => p.key);
        expect(new Set(keys).size, `${s.label}: keys ${keys.join(', ')}`).toBe(keys.length);
        for (const p of placements) {
          resourcesOf(s, p.key);
          nodeOf(s, p.nodeId);
          if (p.cpuFrequencyHz !== undefined)
            expect(p.cpuFrequencyHz, `${s.label}: ${p.key}'s CPU frequency`).toBeGreaterThan(0);
        }
      }
    });

    it('places the same way given the same inputs, whether asked again or anew', () => {
      for (const s of schedulerSituations()) {
        const scheduler = make({ workload: s.workload, platform: s.platform });
        const first = scheduler.place(s.ready, s.nodes, s.now);
        expect(scheduler.place(s.ready, s.nodes, s.now), `${s.label}: asked again`).toEqual(first);
        expect(placeIn(make, s), `${s.label}: a new scheduler`).toEqual(first);
      }
    });

    it('when it holds tasks back, names a time after now to be asked again', () => {
      for (const s of schedulerSituations()) {
        const scheduler = make({ workload: s.workload, platform: s.platform });
        scheduler.place(s.ready, s.nodes, s.now);
        const wake = scheduler.nextWakeAt?.(s.now);
        if (wake !== undefined) expect(wake, s.label).toBeGreaterThan(s.now);
      }
    });

    it('gives every placement a reason a person can read: non-empty, and the same once written as JSON', () => {
      for (const { s, placements } of placedEverywhere(make)) {
        for (const p of placements) {
          const what = `${s.label}: ${p.key}'s reason ${JSON.stringify(p.reason)}`;
          expect(Object.keys(p.reason).length, what).toBeGreaterThan(0);
          for (const [k, v] of Object.entries(p.reason)) {
            expect(k, what).not.toBe('');
            // `strata simulate --placements` writes reasons as JSON: NaN or Infinity would become null.
            expect(typeof v === 'string' ? v !== '' : Number.isFinite(v), `${what}: ${k}`).toBe(true);
          }
        }
      }
    });

    it('places tasks, GPU tasks among them, when there is room (the cases above are not vacuous)', () => {
      const all = placedEverywhere(make).flatMap(({ placements }) => placements);
      expect(all.length).toBeGreaterThan(0);
      expect(all.some((p) => p.gpuIds.length > 0)).toBe(true);
    });
  });
}
