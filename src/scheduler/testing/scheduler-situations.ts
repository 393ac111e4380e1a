/**
 * The situations the `Scheduler` conformance suite places in: seeded random ones (platforms, what
 * running tasks already hold, nodes down) to find what nobody thought of, and hand-made ones at the
 * edges (the last core, memory or GPU; GPUs held by running tasks; a node down) so that each promise
 * is met at its boundary. A situation carries the workload and platform too, because a planning
 * scheduler plans on them before it places (ready keys are task indices, node ids `type#index`, as
 * in the digital twin). Built afresh on every call: no case sees what another did to them.
 */
import type { NodeType, Platform, Workload, WorkloadTask } from '../../model/index.js';
import { Random } from '../../model/index.js';
import type { NodeView, ReadyTask } from '../scheduler.js';
import { nodeTypeBuilder, wtask } from './fixtures.js';

export interface SchedulerSituation {
  label: string;
  /** What a planning scheduler plans on; `ready` holds (some of) its tasks, keyed by index. */
  workload: Workload;
  platform: Platform;
  ready: ReadyTask[];
  nodes: NodeView[];
  now: number;
}

const GiB = 1024 ** 3;

const nodeType = nodeTypeBuilder({ idleW: 50, maxW: 200 });

/** Site `a` (constant carbon) and site `b` (a daily series, so that carbon-aware plans wait). */
function platformWith(nodeTypes: NodeType[]): Platform {
  return {
    name: 'conformance',
    sites: [
      { id: 'a', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 300 } },
      {
        id: 'b',
        kind: 'cloud',
        carbon: {
          kind: 'series',
          points: [
            { atS: 0, gPerKWh: 500 },
            { atS: 6 * 3600, gPerKWh: 20 },
          ],
          periodS: 86_400,
        },
      },
    ],
    nodeTypes,
    links: [{ from: 'a', to: 'b', bandwidthBps: 1e8, latencyS: 0.01, energyJPerByte: 0 }],
    data: {},
  };
}

/** What a node has free, where running tasks already hold part of it (default: all free). */
interface Held {
  cpus?: number;
  memoryBytes?: number;
  /** The GPU ids still free. */
  gpuIds?: number[];
}

/** One view per platform node, in platform order, less the nodes `down`. */
function viewsOf(platform: Platform, held: Record<string, Held> = {}, down: string[] = []): NodeView[] {
  const views: NodeView[] = [];
  for (const nt of platform.nodeTypes) {
    for (let k = 0; k < nt.count; k++) {
      const id = `${nt.id}#${k}`;
      if (down.includes(id)) continue;
      const gpuIds = Array.from({ length: nt.gpus }, (_, i) => i);
      const h = held[id] ?? {};
      views.push({
        id,
        capacity: { cpus: nt.cores, memoryBytes: nt.memoryBytes, gpuIds },
        free: {
          cpus: h.cpus ?? nt.cores,
          memoryBytes: h.memoryBytes ?? nt.memoryBytes,
          gpuIds: h.gpuIds ?? [...gpuIds],
        },
      });
    }
  }
  return views;
}

/** Task `t` of the workload as the engine offers it: keyed by its index. */
function readyTask(workload: Workload, t: number): ReadyTask {
  const task = workload.tasks[t]!;
  return { key: String(t), resources: { cpus: task.cores, memoryBytes: task.memoryBytes, gpus: task.gpus } };
}

/** A hand-made situation: all of `tasks` ready, in order, at time 0. */
function handMade(
  label: string,
  nodeTypes: NodeType[],
  tasks: WorkloadTask[],
  held: Record<string, Held> = {},
  down: string[] = [],
): SchedulerSituation {
  const platform = platformWith(nodeTypes);
  const workload: Workload = { name: label, tasks, files: [] };
  return {
    label,
    workload,
    platform,
    ready: tasks.map((_, t) => readyTask(workload, t)),
    nodes: viewsOf(platform, held, down),
    now: 0,
  };
}

const ones = (n: number, over: Partial<WorkloadTask> = {}): WorkloadTask[] =>
  Array.from({ length: n }, (_, i) => wtask(`t${i}`, over));

/** Situations at the edges of each promise. */
export function handMadeSituations(): SchedulerSituation[] {
  const cpu = nodeType('cpu', 'a', { count: 2, cores: 4, memoryBytes: 8 * GiB });
  const gpu = nodeType('gpu', 'a', { cores: 8, memoryBytes: 32 * GiB, gpus: 4, gpuSpeed: 1 });
  const unplanned = handMade('a task the plan does not know', [cpu], ones(2));
  unplanned.ready.push({ key: 'not-in-the-plan', resources: { cpus: 1, memoryBytes: 0, gpus: 0 } });
  return [
    handMade('more 1-core tasks than free cores', [cpu], ones(8), {
      'cpu#0': { cpus: 1 },
      'cpu#1': { cpus: 2 },
    }),
    handMade('memory runs out before cores', [cpu], ones(4, { memoryBytes: GiB }), {
      'cpu#0': { memoryBytes: 3 * GiB },
      'cpu#1': { cpus: 0 },
    }),
    handMade('GPUs held by running tasks are not free', [gpu], ones(3, { gpus: 1 }), {
      'gpu#0': { gpuIds: [1, 3] },
    }),
    handMade('a task needing more GPUs than are free waits', [gpu], [wtask('t', { gpus: 2 })], {
      'gpu#0': { gpuIds: [2] },
    }),
    handMade(
      'CPU-only and GPU tasks share a GPU node',
      [gpu],
      [wtask('c', { cores: 2 }), wtask('g', { gpus: 3 }), wtask('h', { gpus: 2 }), wtask('d', { cores: 2 })],
    ),
    handMade('a full node takes nothing', [cpu], ones(3), { 'cpu#0': { cpus: 0 }, 'cpu#1': { cpus: 0 } }),
    handMade('a node down (left out of the view) takes nothing', [cpu, gpu], ones(6, { cores: 2 }), {}, [
      'cpu#0',
      'gpu#0',
    ]),
    { ...handMade('nothing ready', [cpu], ones(2)), ready: [] },
    { ...handMade('no node on offer', [cpu], ones(2)), nodes: [] },
    unplanned,
  ];
}

/** A seeded random situation: 1–3 node types, some GPUs, nodes partly held or down, tasks ready at random. */
export function generatedSituation(seed: number): SchedulerSituation {
  const rng = new Random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
  const nodeTypes: NodeType[] = [];
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const gpus = rng.next() < 0.4 ? 1 + rng.int(4) : 0;
    nodeTypes.push(
      nodeType(`t${nodeTypes.length}`, pick(['a', 'b']), {
        count: 1 + rng.int(3),
        cores: pick([1, 2, 4, 8]),
        speed: pick([0.5, 1, 2]),
        memoryBytes: (1 + rng.int(16)) * GiB,
        gpus,
        gpuSpeed: gpus > 0 ? 1 : 0,
        maxW: 100 + rng.int(300),
        // Some types have a lower CPU frequency, which energy-minded plans pick for tasks with slack.
        ...(rng.next() < 0.4
          ? { cpuFrequencyHz: 2e9, dvfs: [{ frequencyHz: 1e9, speedFactor: 0.5, maxW: 80 }] }
          : {}),
      }),
    );
  }
  // Each task fits some node type when it is empty, as the engine guarantees before it offers one.
  const tasks: WorkloadTask[] = [];
  for (let t = 1 + rng.int(16); t > 0; t--) {
    const nt = pick(nodeTypes);
    tasks.push(
      wtask(`t${tasks.length}`, {
        work: 1 + rng.next() * 100,
        cores: 1 + rng.int(nt.cores),
        memoryBytes: rng.int(nt.memoryBytes + 1),
        gpus: nt.gpus > 0 && rng.next() < 0.5 ? 1 + rng.int(nt.gpus) : 0,
        flexible: rng.next() < 0.3,
        parents: tasks.length > 0 && rng.next() < 0.3 ? [rng.int(tasks.length)] : [],
      }),
    );
  }
  const platform = platformWith(nodeTypes);
  const workload: Workload = { name: `generated-${seed}`, tasks, files: [] };
  const held: Record<string, Held> = {};
  const down: string[] = [];
  for (const nt of nodeTypes) {
    for (let k = 0; k < nt.count; k++) {
      const id = `${nt.id}#${k}`;
      if (rng.next() < 0.15) down.push(id);
      // Half the nodes idle, the others partly held by running tasks.
      const busy = rng.next() < 0.5;
      held[id] = {
        cpus: busy ? rng.int(nt.cores + 1) : nt.cores,
        memoryBytes: busy ? rng.int(nt.memoryBytes + 1) : nt.memoryBytes,
        gpuIds: Array.from({ length: nt.gpus }, (_, i) => i).filter(() => rng.next() < 0.6),
      };
    }
  }
  const ready: ReadyTask[] = [];
  const order = tasks.map((_, t) => t);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const t of order) if (rng.next() < 0.7) ready.push(readyTask(workload, t));
  return {
    label: `generated situation ${seed}`,
    workload,
    platform,
    ready,
    nodes: viewsOf(platform, held, down),
    now: pick([0, rng.next() * 86_400]),
  };
}

/** The generated situations and then the hand-made ones. */
export function schedulerSituations(generated = 40): SchedulerSituation[] {
  return [...Array.from({ length: generated }, (_, i) => generatedSituation(i + 1)), ...handMadeSituations()];
}
