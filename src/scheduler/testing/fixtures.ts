/** Small builders shared by the scheduler and simulator tests. */
import type { NodeType, Platform, Workload, WorkloadTask } from '../../model/index.js';

/**
 * A task builder: `name` plus the defaults (type `t`, 8 reference-core seconds on 1 core, no
 * memory, GPUs, files or parents), then `defaults`, then the per-call `over`.
 */
export function taskBuilder(
  defaults: Partial<WorkloadTask> = {},
): (name: string, over?: Partial<WorkloadTask>) => WorkloadTask {
  return (name, over = {}) => ({
    name,
    type: 't',
    work: 8,
    cores: 1,
    memoryBytes: 0,
    gpus: 0,
    inputs: [],
    outputs: [],
    parents: [],
    ...defaults,
    ...over,
  });
}

/** A task of type `t`: 8 reference-core seconds on 1 core unless `over` says otherwise. */
export const wtask = taskBuilder();

/**
 * A node-type builder: `id` at `site`, one 1-core node of speed 1 with 16 GiB, no GPUs and no
 * power draw, then `defaults`, then the per-call `over`.
 */
export function nodeTypeBuilder(
  defaults: Partial<NodeType> = {},
): (id: string, site: string, over?: Partial<NodeType>) => NodeType {
  return (id, site, over = {}) => ({
    id,
    site,
    count: 1,
    cores: 1,
    speed: 1,
    memoryBytes: 2 ** 34,
    gpus: 0,
    gpuSpeed: 0,
    idleW: 0,
    maxW: 0,
    ...defaults,
    ...over,
  });
}

/**
 * A deterministic random layered DAG: `layers` layers, 1–3 parents in the layer above, 1–4 cores;
 * task t writes file `f<t>` of up to `maxFileBytes`.
 */
export function layeredWorkload(n: number, layers: number, seed: number, maxFileBytes: number): Workload {
  let s = seed;
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const perLayer = Math.ceil(n / layers);
  const tasks: WorkloadTask[] = [];
  const files: Workload['files'] = [];
  for (let t = 0; t < n; t++) {
    const layer = Math.floor(t / perLayer);
    const parents = new Set<number>();
    if (layer > 0) {
      const k = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < k; i++) parents.add((layer - 1) * perLayer + Math.floor(rand() * perLayer));
    }
    files.push({ name: `f${t}`, sizeBytes: Math.floor(rand() * maxFileBytes) });
    tasks.push(
      wtask(`t${t}`, {
        work: 10 + rand() * 1000,
        cores: [1, 1, 2, 4][Math.floor(rand() * 4)]!,
        parents: [...parents],
        inputs: [...parents],
        outputs: [t],
      }),
    );
  }
  return { name: 'layered', tasks, files };
}

/**
 * Site A (cloud, 300 g/kWh): one 2-core node of speed 1 (`slow`); site B (hpc, 50 g/kWh): two
 * 1-core nodes of speed 2 (`fast`, changed by `fast`); 100 B/s + 1 s from `link[0]` to `link[1]`;
 * file `in` at A.
 */
export function twoSitePlatform(
  name: string,
  link: readonly [from: string, to: string],
  fast: Partial<NodeType> = {},
): Platform {
  return {
    name,
    sites: [
      { id: 'A', kind: 'cloud', carbon: { kind: 'constant', gPerKWh: 300 } },
      { id: 'B', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 50 } },
    ],
    nodeTypes: [
      {
        id: 'slow',
        site: 'A',
        count: 1,
        cores: 2,
        speed: 1,
        memoryBytes: 1000,
        gpus: 0,
        gpuSpeed: 0,
        idleW: 50,
        maxW: 150,
      },
      {
        id: 'fast',
        site: 'B',
        count: 2,
        cores: 1,
        speed: 2,
        memoryBytes: 1000,
        gpus: 0,
        gpuSpeed: 0,
        idleW: 100,
        maxW: 400,
        ...fast,
      },
    ],
    links: [{ from: link[0], to: link[1], bandwidthBps: 100, latencyS: 1, energyJPerByte: 0 }],
    data: { in: 'A' },
  };
}

/** A platform of these node types, one `hpc` site per distinct site id, carbon 0, no links. */
export function platformOf(nodeTypes: NodeType[], over: Partial<Platform> = {}): Platform {
  const sites = [...new Set(nodeTypes.map((t) => t.site))];
  return {
    name: 'test',
    sites: sites.map((id) => ({ id, kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 0 } })),
    nodeTypes,
    links: [],
    data: {},
    ...over,
  };
}

/** A workload of these tasks and files of these sizes (named f0, f1, ...). */
export function wl(tasks: WorkloadTask[], fileSizes: number[] = []): Workload {
  return { name: 'w', tasks, files: fileSizes.map((s, i) => ({ name: `f${i}`, sizeBytes: s })) };
}

/**
 * A DVFS case worked by hand: one 4-core node, 20 W idle / 100 W at full load at 2 GHz, and at
 * 1 GHz (half speed) 40 W (20 + 80 × 0.5²), on a site at `gPerKWh`; and a fork-join
 * a (10 s) → (b 100 s, c 20 s) → d (10 s): b is on the critical path, c has 80 s of slack.
 */
export function dvfsForkJoin(gPerKWh = 100): { platform: Platform; workload: Workload } {
  return {
    platform: {
      name: 'dvfs',
      sites: [{ id: 's', kind: 'hpc', carbon: { kind: 'constant', gPerKWh } }],
      nodeTypes: [
        {
          id: 'n',
          site: 's',
          count: 1,
          cores: 4,
          speed: 1,
          memoryBytes: 2 ** 34,
          gpus: 0,
          gpuSpeed: 0,
          idleW: 20,
          maxW: 100,
          cpuFrequencyHz: 2e9,
          dvfs: [{ frequencyHz: 1e9, speedFactor: 0.5, maxW: 40 }],
        },
      ],
      links: [],
      data: {},
    },
    workload: {
      name: 'fork-join',
      files: [],
      tasks: [
        wtask('a', { work: 10 }),
        wtask('b', { work: 100, parents: [0] }),
        wtask('c', { work: 20, parents: [0] }),
        wtask('d', { work: 10, parents: [1, 2] }),
      ],
    },
  };
}
