/**
 * The discrete-event digital twin: runs a workload on a platform under a fixed assignment of tasks
 * to nodes (`simulate`), or driving the engine's online `Scheduler` (`simulateOnline`: the same event
 * loop, placements asked for as tasks become ready), and reports makespan, energy, carbon, bytes
 * moved and failures. Deterministic: the same inputs and seed give the same report. Semantics are
 * described in docs/simulator.md.
 *
 * Why it looks the way it does: a million tasks on ten thousand nodes must run in seconds, so all
 * per-task and per-node state sits in typed arrays, children in CSR arrays, events in a typed-array
 * heap, and the event loop allocates nothing per event. It must never read the clock or draw
 * randomness except from the seeded `Random` streams.
 *
 * @example
 * const report = simulate(workload, platform, { nodeOf: new Int32Array(n) }, { seed: 1 });
 * report.makespanS;
 * simulateOnline(workload, platform, new FirstFitPolicy(), { seed: 1 }).makespanS;
 */
import { DEFAULT_RETRY, nodeOffsets, retryDelayMs } from '../model/index.js';
import {
  busyFraction,
  busyStretch,
  dvfsLevelCount,
  levelMaxW,
  levelSpeedFactor,
  nodeIdlePowerW,
} from '../energy/index.js';
import type { Platform, RetryPolicy, Workload } from '../model/index.js';
import type { NodeView, ReadyTask, Scheduler } from '../scheduler/scheduler.js';
import { CarbonIntensityIntegral } from '../energy/carbon-intensity-integral.js';
import { EventQueue } from './event-queue.js';
import { MinHeap } from './min-heap.js';
import { Random } from './random.js';
import type { SimReport } from './report.js';
import { SimError } from './sim-error.js';
import { FairShareNetwork } from './transfers.js';

export interface Assignment {
  /** Global node index (see nodeOffsets) for each task. */
  nodeOf: Int32Array;
  /** Order among tasks ready on the same node: lower first (e.g. minus the HEFT upward rank). Default: task index. */
  priority?: Float64Array;
  /** Earliest start per task in seconds (carbon-aware policies delay flexible work). Optional. */
  notBefore?: Float64Array;
  /**
   * DVFS level per task on its node's type (0 = nominal frequency, k = `nodeType.dvfs[k − 1]`): the
   * busy share of the task's run (`WorkloadTask.cpuUtilisation`) goes `speedFactor` times as fast and
   * its cores draw that level's power. Default: all 0.
   */
  level?: Uint8Array;
}

export interface SimFailureOptions {
  /** Mean time between crashes of one node, in seconds (exponential); none = nodes never crash. */
  nodeMtbfS?: number;
  /** How long a crashed node stays down (default 600 s). */
  repairS?: number;
  /** Probability that an attempt is a straggler (default 0). */
  stragglerProbability?: number;
  /** How many times longer a straggler runs (default 3). */
  stragglerSlowdown?: number;
}

export interface SimOverheads {
  /** Added before every attempt is queued on its node (the workflow manager's per-task cost). */
  perTaskS?: number;
  /** At most this many task releases per second over the whole workflow (0/none = unlimited). */
  releaseRatePerS?: number;
  /** The first task of each DAG level to become ready waits this long; the level's other tasks not beyond. */
  perLevelS?: number;
  /**
   * Every task's input files (all of them, whoever wrote them) are copied to it through one channel
   * of this many bytes per second, shared fairly by the tasks staging at once, after the per-task
   * delay and before it queues — a workflow manager that ships each job its inputs from the submit
   * host (Pegasus's condorio / nonsharedfs modes). Once per task (not again on retries). None = no
   * staging channel.
   */
  stagingBandwidthBps?: number;
}

export interface SimOptions {
  seed: number;
  /** Default: the model's DEFAULT_RETRY with maxAttempts 3. */
  retry?: RetryPolicy;
  failures?: SimFailureOptions;
  /** Per-task overhead added by the workflow manager (used later by the fitted runtime-system model). */
  overheads?: SimOverheads;
  /** Seconds from which the carbon series is read (0 = series start). */
  startAtS?: number;
  /** Record per-task start/finish/node/energy in `report.trace`. */
  trace?: boolean;
}

export const SIM_DEFAULT_RETRY: Readonly<RetryPolicy> = { ...DEFAULT_RETRY, maxAttempts: 3 };

// Event types.
const EV_FINISH = 1; // a: task, b: attempt generation
const EV_LINK = 2; // a: link, b: link version — the next transfer completion on a link
const EV_ARRIVE = 3; // a: transfer — bytes arrived, latency elapsed
const EV_RELEASE = 4; // a: task — release delayed by overheads: stage its inputs
const EV_ENQUEUE = 5; // a: task — inputs at the node (+ overheads, notBefore): queue on the node
const EV_RETRY = 6; // a: task — retry delay over: queue again
const EV_CRASH = 7; // a: node
const EV_REPAIR = 8; // a: node
const EV_STAGED = 9; // a: 0, b: staging-channel version — the next staging completion
const EV_WAKE = 10; // online: the scheduler asked to place again at this time (Scheduler.nextWakeAt)

// Task states.
const PENDING = 0;
const DONE = 1;
const FAILED = 2;
const SKIPPED = 3;

const J_PER_KWH = 3.6e6;

/** Plays a static plan: every task on `assignment.nodeOf[t]`, queued there in priority order. */
export function simulate(
  workload: Workload,
  platform: Platform,
  assignment: Assignment,
  options: SimOptions,
): SimReport {
  return run(workload, platform, assignment, null, options);
}

/**
 * Online mode: no plan; tasks whose dependencies are done are offered, batched per instant, to
 * `scheduler.place` (the engine's contract) with views of the nodes that have free cores, and
 * re-offered when capacity frees up. A placement holds the node's resources from the moment it is
 * made (inputs then stage to the node's site) until the attempt ends. See docs/simulator.md.
 */
export function simulateOnline(
  workload: Workload,
  platform: Platform,
  scheduler: Scheduler,
  options: SimOptions,
): SimReport {
  return run(workload, platform, null, scheduler, options);
}

/** The shared event loop: exactly one of `assignment` (static) and `scheduler` (online) is given. */
function run(
  workload: Workload,
  platform: Platform,
  assignment: Assignment | null,
  scheduler: Scheduler | null,
  options: SimOptions,
): SimReport {
  const tasks = workload.tasks;
  const files = workload.files;
  const n = tasks.length;
  const nFiles = files.length;

  // ---- Platform: sites, nodes, links -------------------------------------------------------------
  const S = platform.sites.length;
  const siteIndex = new Map<string, number>();
  platform.sites.forEach((s, i) => siteIndex.set(s.id, i));
  const siteOf = (id: string, where: string): number => {
    const i = siteIndex.get(id);
    if (i === undefined) {
      throw new SimError('SIM_BAD_PLATFORM', `${where} names site "${id}", which the platform does not have`);
    }
    return i;
  };
  const offsets = nodeOffsets(platform);
  const N = offsets[platform.nodeTypes.length]!;
  const nodeSite = new Int32Array(N);
  const nodeCores = new Float64Array(N);
  const nodeSpeed = new Float64Array(N);
  const nodeMem = new Float64Array(N);
  const nodeGpus = new Float64Array(N);
  const nodeIdleW = new Float64Array(N); // whole node, GPUs included
  const hostIdleW = new Float64Array(N); // shared out by cores
  const gpuIdleW = new Float64Array(N); // per GPU, when given apart (else 0: folded into the host's)
  const gpuSpanW = new Float64Array(N);
  const nodeType = new Int32Array(N);
  // DVFS: per node type, each level's speed factor and host power span (level 0 = nominal).
  const typeLevelSpeed = platform.nodeTypes.map((t) =>
    Float64Array.from({ length: dvfsLevelCount(t) }, (_, l) => levelSpeedFactor(t, l)),
  );
  const typeLevelSpanW = platform.nodeTypes.map((t) =>
    Float64Array.from({ length: dvfsLevelCount(t) }, (_, l) => levelMaxW(t, l) - t.idleW),
  );
  platform.nodeTypes.forEach((t, ti) => {
    const site = siteOf(t.site, `node type "${t.id}"`);
    if (!(t.cores > 0) || !(t.speed > 0)) {
      throw new SimError('SIM_BAD_PLATFORM', `node type "${t.id}" needs cores > 0 and speed > 0`);
    }
    for (let k = offsets[ti]!; k < offsets[ti + 1]!; k++) {
      nodeType[k] = ti;
      nodeSite[k] = site;
      nodeCores[k] = t.cores;
      nodeSpeed[k] = t.speed;
      nodeMem[k] = t.memoryBytes;
      nodeGpus[k] = t.gpus;
      nodeIdleW[k] = nodeIdlePowerW(t);
      hostIdleW[k] = t.idleW;
      if (t.gpuPower) {
        gpuIdleW[k] = t.gpuPower.idleW;
        gpuSpanW[k] = t.gpuPower.maxW - t.gpuPower.idleW;
      }
    }
  });
  const freeCores = Float64Array.from(nodeCores);
  const freeMem = Float64Array.from(nodeMem);
  const freeGpus = Float64Array.from(nodeGpus);
  const down = new Uint8Array(N);

  // One link per site pair (the first listed wins); links are symmetric and shared by both directions.
  const linkOf = new Int32Array(S * S).fill(-1);
  const L = platform.links.length;
  const linkBw = new Float64Array(L);
  const linkLatency = new Float64Array(L);
  const linkJPerByte = new Float64Array(L);
  platform.links.forEach((l, i) => {
    const a = siteOf(l.from, `link ${l.from}–${l.to}`);
    const b = siteOf(l.to, `link ${l.from}–${l.to}`);
    if (!(l.bandwidthBps > 0)) {
      throw new SimError('SIM_BAD_PLATFORM', `link ${l.from}–${l.to} needs bandwidthBps > 0`);
    }
    linkBw[i] = l.bandwidthBps;
    linkLatency[i] = l.latencyS;
    linkJPerByte[i] = l.energyJPerByte;
    if (linkOf[a * S + b] === -1) linkOf[a * S + b] = i;
    if (linkOf[b * S + a] === -1) linkOf[b * S + a] = i;
  });
  const intra = platform.intraSite;
  const carbon = platform.sites.map((s) => new CarbonIntensityIntegral(s.carbon));
  const t0Carbon = options.startAtS ?? 0;

  // ---- Workload: per-task arrays, dependencies as CSR ----------------------------------------------
  const online = scheduler !== null;
  // Online: filled in as the scheduler places tasks (-1 = not placed yet).
  const nodeOf = assignment ? assignment.nodeOf : new Int32Array(n).fill(-1);
  if (nodeOf.length !== n) {
    throw new SimError(
      'SIM_BAD_ASSIGNMENT',
      `assignment.nodeOf has ${nodeOf.length} entries for ${n} tasks`,
      'give one global node index per task',
    );
  }
  const priority = assignment?.priority;
  if (priority && priority.length !== n) {
    throw new SimError(
      'SIM_BAD_ASSIGNMENT',
      `assignment.priority has ${priority.length} entries for ${n} tasks`,
    );
  }
  const notBefore = assignment?.notBefore;
  if (notBefore && notBefore.length !== n) {
    throw new SimError(
      'SIM_BAD_ASSIGNMENT',
      `assignment.notBefore has ${notBefore.length} entries for ${n} tasks`,
    );
  }
  // Online: filled in from each placement's cpuFrequencyHz.
  const dvfs = assignment?.level ?? new Uint8Array(n);
  if (dvfs.length !== n) {
    throw new SimError('SIM_BAD_ASSIGNMENT', `assignment.level has ${dvfs.length} entries for ${n} tasks`);
  }
  const fileSize = new Float64Array(nFiles);
  const fileInitialSite = new Int32Array(nFiles).fill(-1);
  const data = platform.data;
  const hasData = Object.keys(data).length > 0;
  for (let f = 0; f < nFiles; f++) {
    const file = files[f]!;
    fileSize[f] = file.sizeBytes;
    if (hasData && Object.hasOwn(data, file.name)) {
      fileInitialSite[f] = siteOf(data[file.name]!, `platform.data["${file.name}"]`);
    }
  }

  const work = new Float64Array(n);
  const cores = new Float64Array(n);
  const mem = new Float64Array(n);
  const gpus = new Float64Array(n);
  const cpuUtil = new Float64Array(n); // WorkloadTask.cpuUtilisation (1 = CPU-bound)
  const producer = new Int32Array(nFiles).fill(-1);
  let nInputs = 0;
  for (let t = 0; t < n; t++) {
    const task = tasks[t]!;
    if (!(task.cores > 0) || !(task.work >= 0)) {
      throw new SimError('SIM_BAD_WORKLOAD', `task "${task.name}" needs cores > 0 and work ≥ 0`);
    }
    const u = task.cpuUtilisation ?? 1;
    if (!(u >= 0 && u <= 1)) {
      throw new SimError(
        'SIM_BAD_WORKLOAD',
        `task "${task.name}" has cpuUtilisation ${u}; it must be between 0 and 1`,
        'give the fraction of its run its cores are busy (e.g. WfCommons avgCPU / 100 / cores)',
      );
    }
    cpuUtil[t] = u;
    if (online) {
      // No plan to check: the task must fit some node type, or no scheduler could ever place it.
      if (
        !platform.nodeTypes.some(
          (nt) =>
            nt.count > 0 &&
            task.cores <= nt.cores &&
            task.memoryBytes <= nt.memoryBytes &&
            task.gpus <= nt.gpus,
        )
      ) {
        throw new SimError(
          'SIM_TASK_DOES_NOT_FIT',
          `task "${task.name}" (${task.cores} cores, ${task.memoryBytes} B, ${task.gpus} GPUs) fits no node type`,
          'add a larger node type to the platform',
        );
      }
    }
    const node = online ? -1 : nodeOf[t]!;
    if (!online && !(node >= 0 && node < N)) {
      throw new SimError(
        'SIM_BAD_ASSIGNMENT',
        `task ${t} ("${task.name}") is assigned to node ${node}; the platform has nodes 0..${N - 1}`,
      );
    }
    if (!online && dvfs[t]! >= typeLevelSpeed[nodeType[node]!]!.length) {
      throw new SimError(
        'SIM_BAD_ASSIGNMENT',
        `task ${t} ("${task.name}") is given DVFS level ${dvfs[t]}; its node's type "${platform.nodeTypes[nodeType[node]!]!.id}" has levels 0..${typeLevelSpeed[nodeType[node]!]!.length - 1}`,
        'give a level the node type has (0 = nominal frequency)',
      );
    }
    if (
      !online &&
      (task.cores > nodeCores[node]! || task.memoryBytes > nodeMem[node]! || task.gpus > nodeGpus[node]!)
    ) {
      throw new SimError(
        'SIM_TASK_DOES_NOT_FIT',
        `task "${task.name}" (${task.cores} cores, ${task.memoryBytes} B, ${task.gpus} GPUs) does not fit ` +
          `node ${node} (${nodeCores[node]} cores, ${nodeMem[node]} B, ${nodeGpus[node]} GPUs)`,
        'assign it to a larger node',
      );
    }
    work[t] = task.work;
    cores[t] = task.cores;
    mem[t] = task.memoryBytes;
    gpus[t] = task.gpus;
    for (const f of task.outputs) {
      if (!(f >= 0 && f < nFiles))
        throw new SimError('SIM_BAD_WORKLOAD', `task "${task.name}" outputs file ${f}`);
      producer[f] = t;
    }
    nInputs += task.inputs.length;
  }

  // Inputs as CSR; dependencies = parents ∪ producers of inputs, deduplicated.
  const inStart = new Int32Array(n + 1);
  const inFile = new Int32Array(nInputs);
  const depsLeft = new Int32Array(n);
  const childCount = new Int32Array(n + 1);
  const mark = new Int32Array(n).fill(-1);
  {
    let k = 0;
    for (let t = 0; t < n; t++) {
      const task = tasks[t]!;
      inStart[t] = k;
      for (const f of task.inputs) {
        if (!(f >= 0 && f < nFiles))
          throw new SimError('SIM_BAD_WORKLOAD', `task "${task.name}" reads file ${f}`);
        inFile[k++] = f;
        const p = producer[f]!;
        if (p >= 0 && p !== t && mark[p] !== t) {
          mark[p] = t;
          depsLeft[t]!++;
          childCount[p]!++;
        }
      }
      for (const p of task.parents) {
        if (!(p >= 0 && p < n) || p === t) {
          throw new SimError('SIM_BAD_WORKLOAD', `task "${task.name}" has parent ${p}`);
        }
        if (mark[p] !== t) {
          mark[p] = t;
          depsLeft[t]!++;
          childCount[p]!++;
        }
      }
    }
    inStart[n] = k;
  }
  const childStart = new Int32Array(n + 1);
  for (let t = 0; t < n; t++) childStart[t + 1] = childStart[t]! + childCount[t]!;
  const children = new Int32Array(childStart[n]!);
  {
    const fill = childStart.slice(0, n);
    mark.fill(-1);
    for (let t = 0; t < n; t++) {
      const task = tasks[t]!;
      for (let k = inStart[t]!; k < inStart[t + 1]!; k++) {
        const p = producer[inFile[k]!]!;
        if (p >= 0 && p !== t && mark[p] !== t) {
          mark[p] = t;
          children[fill[p]!++] = t;
        }
      }
      for (const p of task.parents) {
        if (mark[p] !== t) {
          mark[p] = t;
          children[fill[p]!++] = t;
        }
      }
    }
  }

  // Topological levels (Kahn); also rejects cycles, which would otherwise leave tasks waiting forever.
  const level = new Int32Array(n);
  let nLevels = 0;
  {
    const left = Int32Array.from(depsLeft);
    const order = new Int32Array(n);
    let head = 0;
    let tail = 0;
    for (let t = 0; t < n; t++) if (left[t] === 0) order[tail++] = t;
    while (head < tail) {
      const t = order[head++]!;
      const lt = level[t]!;
      if (lt + 1 > nLevels) nLevels = lt + 1;
      for (let k = childStart[t]!; k < childStart[t + 1]!; k++) {
        const c = children[k]!;
        if (level[c]! < lt + 1) level[c] = lt + 1;
        if (--left[c]! === 0) order[tail++] = c;
      }
    }
    if (tail < n) {
      throw new SimError(
        'SIM_WORKLOAD_CYCLE',
        `${n - tail} tasks are on or behind a dependency cycle`,
        'a task cannot depend, directly or through files, on itself',
      );
    }
  }

  // ---- Options ------------------------------------------------------------------------------------
  const retry = options.retry ?? SIM_DEFAULT_RETRY;
  const maxAttempts = Math.max(1, retry.maxAttempts);
  const fo = options.failures ?? {};
  const mtbf = fo.nodeMtbfS ?? 0;
  const repairS = fo.repairS ?? 600;
  const pStraggler = fo.stragglerProbability ?? 0;
  const slowdown = fo.stragglerSlowdown ?? 3;
  const ov = options.overheads ?? {};
  const perTaskS = ov.perTaskS ?? 0;
  const releaseGap = ov.releaseRatePerS && ov.releaseRatePerS > 0 ? 1 / ov.releaseRatePerS : 0;
  const perLevelS = ov.perLevelS ?? 0;
  const levelGate = new Float64Array(perLevelS > 0 ? nLevels : 0).fill(-1);
  let lastRelease = -Infinity;
  // The staging channel (one fair-shared link) and each task's input bytes through it.
  const stagingBps = ov.stagingBandwidthBps ?? 0;
  const stageNet = stagingBps > 0 ? new FairShareNetwork(Float64Array.of(stagingBps)) : null;
  const stageBytes = stageNet ? new Float64Array(n) : null;
  if (stageBytes)
    for (let t = 0; t < n; t++)
      for (let k = inStart[t]!; k < inStart[t + 1]!; k++)
        stageBytes[t] = stageBytes[t]! + fileSize[inFile[k]!]!;
  const staged = stageNet ? new Uint8Array(n) : null;
  let stageTask = new Int32Array(stageNet ? 1024 : 0);
  let stageVersion = 0;
  // Independent streams, so that switching stragglers on does not move the crash times.
  const rngCrash = new Random(options.seed, 1);
  const rngStraggler = new Random(options.seed, 2);
  const rngRetry = new Random(options.seed, 3);
  const retryRandom = (): number => rngRetry.next();

  // ---- Run state --------------------------------------------------------------------------------
  const state = new Uint8Array(n);
  const attempts = new Int32Array(n);
  const gen = new Int32Array(n);
  const attemptStart = new Float64Array(n).fill(NaN);
  const finishAt = new Float64Array(n).fill(NaN);
  const pendingIn = new Int32Array(n);
  const intraDelay = intra ? new Float64Array(n) : null;
  const taskCoreS = new Float64Array(n);
  const taskDynJ = new Float64Array(n);
  const taskDynG = new Float64Array(n);
  let heldJ = 0;
  let heldG = 0;
  const runPrev = new Int32Array(n).fill(-1);
  const runNext = new Int32Array(n).fill(-1);
  const runHead = new Int32Array(N).fill(-1);
  const nodeBusyCoreS = new Float64Array(N);
  const nodeDynJ = new Float64Array(N);
  const nodeDynG = new Float64Array(N);
  const dirty = new Int32Array(N);
  const dirtyFlag = new Uint8Array(N);
  let nDirty = 0;
  const queues: MinHeap[] = new Array<MinHeap>(N);
  for (let k = 0; k < N; k++) queues[k] = new MinHeap(4);

  // File replicas per (file, site): 0 absent, 1 present, k + 2 = arriving by transfer k. Dense while
  // it fits in 64 MB, sparse beyond (platforms with very many sites).
  const denseReplicas = nFiles * S <= 1 << 24;
  const replicaDense = denseReplicas ? new Int32Array(nFiles * S) : null;
  const replicaSparse = denseReplicas ? null : new Map<number, number>();
  const replicaGet = (f: number, s: number): number =>
    replicaDense ? replicaDense[f * S + s]! : (replicaSparse!.get(f * S + s) ?? 0);
  const replicaSet = (f: number, s: number, v: number): void => {
    if (replicaDense) replicaDense[f * S + s] = v;
    else replicaSparse!.set(f * S + s, v);
  };

  // Transfers (ids shared with the network: the k-th started is k) and the tasks waiting for them.
  const net = new FairShareNetwork(linkBw);
  const linkVersion = new Int32Array(L);
  let nTransfers = 0;
  let trFile = new Int32Array(1024);
  let trDst = new Int32Array(1024);
  let trLink = new Int32Array(1024);
  let trStart = new Float64Array(1024);
  let trWaitHead = new Int32Array(1024);
  let nWaiters = 0;
  let wTask = new Int32Array(1024);
  let wNext = new Int32Array(1024);
  const completed = new Int32Array(4096);

  const siteTransferJ = new Float64Array(S);
  const siteTransferG = new Float64Array(S);
  let bytesMoved = 0;

  const q = new EventQueue(Math.max(1024, Math.min(1 << 20, 4 * N)));
  let now = 0;
  let done = 0;
  let finished = 0;
  let events = 0;
  let nodeCrashes = 0;
  let failedAttempts = 0;
  let retriedTasks = 0;
  let failedTasks = 0;
  let skippedTasks = 0;
  let stragglers = 0;

  // ---- Online mode: tasks waiting for a placement, and the views the scheduler sees ---------------
  // `pool` holds the waiting tasks in the order they became ready (FIFO), as the engine offers them.
  // One `NodeView` per node is built once and updated in place when its node changes; `offered`
  // lists, in node order, the views of every node that is up with a free core (and of at most as
  // many full ones, see syncView), maintained incrementally. Per call the twin adds O(placements)
  // and O(pool) to the scheduler's own work over `pool` and `offered`; it never rebuilds the views.
  const pool: ReadyTask[] = [];
  const waiting = new Uint8Array(online ? n : 0);
  const readyOf: Array<ReadyTask | undefined> = online ? new Array<ReadyTask | undefined>(n) : [];
  const taskGpuIds: Array<number[] | undefined> = online ? new Array<number[] | undefined>(n) : [];
  const views: NodeView[] = [];
  const offered: NodeView[] = [];
  const offeredNode: number[] = [];
  const listed = new Uint8Array(online ? N : 0);
  const fullListed = new Uint8Array(online ? N : 0);
  let nFullListed = 0;
  const nodeByName = new Map<string, number>();
  let poolNew = false;
  let nextWake = -Infinity;
  if (online) {
    platform.nodeTypes.forEach((nt, ti) => {
      for (let k = offsets[ti]!; k < offsets[ti + 1]!; k++) {
        const ids = Array.from({ length: nodeGpus[k]! }, (_, i) => i);
        const view: NodeView = {
          id: `${nt.id}#${k - offsets[ti]!}`,
          capacity: { cpus: nodeCores[k]!, memoryBytes: nodeMem[k]!, gpuIds: [...ids] },
          free: { cpus: nodeCores[k]!, memoryBytes: nodeMem[k]!, gpuIds: ids },
        };
        views.push(view);
        nodeByName.set(view.id, k);
        offered.push(view);
        offeredNode.push(k);
        listed[k] = 1;
      }
    });
  }

  /**
   * Brings a node's view up to date. A node enters `offered` when it is up with a free core and
   * leaves it at once when it crashes; a node that fills up stays listed (with 0 free cores) until
   * full nodes are half the list, then all of them leave in one O(K) pass ({@link compactOffered}).
   * So a node that fills and frees again and again (first-fit packs the first nodes) costs nothing,
   * and an insertion's memmove is over a list that is short when the platform is busy.
   */
  function syncView(node: number): void {
    const view = views[node]!;
    view.free.cpus = freeCores[node]!;
    view.free.memoryBytes = freeMem[node]!;
    const up = down[node] === 0;
    const full = !(freeCores[node]! > 0);
    if (listed[node]) {
      if (!up) {
        if (fullListed[node]) nFullListed--;
        fullListed[node] = 0;
        listed[node] = 0;
        const at = offeredAt(node);
        offeredNode.splice(at, 1);
        offered.splice(at, 1);
      } else if (full !== (fullListed[node] === 1)) {
        fullListed[node] = full ? 1 : 0;
        nFullListed += full ? 1 : -1;
      }
    } else if (up && !full) {
      listed[node] = 1;
      const at = offeredAt(node);
      offeredNode.splice(at, 0, node);
      offered.splice(at, 0, view);
    }
  }

  /** Where `node` is, or would go, in `offered` (binary search on node order). */
  function offeredAt(node: number): number {
    let lo = 0;
    let hi = offeredNode.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offeredNode[mid]! < node) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the full nodes from `offered` once they are more than half of it. */
  function compactOffered(): void {
    if (nFullListed <= 32 || nFullListed * 2 <= offered.length) return;
    let w = 0;
    for (let i = 0; i < offered.length; i++) {
      const k = offeredNode[i]!;
      if (fullListed[k]) {
        fullListed[k] = 0;
        listed[k] = 0;
      } else {
        offered[w] = offered[i]!;
        offeredNode[w++] = k;
      }
    }
    offered.length = w;
    offeredNode.length = w;
    nFullListed = 0;
  }

  /** Online: the task waits for a placement (from the next call to the scheduler). */
  function offer(t: number): void {
    let r = readyOf[t];
    if (!r) {
      r = { key: String(t), resources: { cpus: cores[t]!, memoryBytes: mem[t]!, gpus: gpus[t]! } };
      readyOf[t] = r;
    }
    pool.push(r);
    waiting[t] = 1;
    poolNew = true;
  }

  /** Online: hands the pool to the scheduler, checks and applies its placements, then stages them. */
  function placeReady(): void {
    poolNew = false;
    compactOffered();
    if (pool.length === 0 || offered.length === nFullListed) return; // no task, or no free core
    const placements = scheduler!.place(pool, offered, now);
    // A scheduler that holds tasks back until a time is called again then, even if nothing changes.
    const wake = scheduler!.nextWakeAt?.(now);
    if (wake !== undefined && wake > now && !(wake >= nextWake && nextWake > now)) {
      nextWake = wake;
      q.schedule(wake, EV_WAKE, 0, 0);
    }
    const bad = (what: string): SimError =>
      new SimError(
        'SIM_BAD_ASSIGNMENT',
        `scheduler "${scheduler!.name}" at t=${now}: ${what}`,
        'a placement must name a waiting task and an offered node with room for it',
      );
    let placed = 0;
    for (const p of placements) {
      const t = Number(p.key);
      if (!(Number.isInteger(t) && t >= 0 && t < n) || waiting[t] !== 1) {
        throw bad(`placed ${JSON.stringify(p.key)}, which is not a waiting task`);
      }
      const node = nodeByName.get(p.nodeId);
      if (node === undefined || down[node])
        throw bad(`placed task ${t} on unknown or crashed node "${p.nodeId}"`);
      const view = views[node]!;
      const free = view.free.gpuIds;
      if (
        cores[t]! > freeCores[node]! ||
        mem[t]! > freeMem[node]! ||
        p.gpuIds.length !== gpus[t]! ||
        p.gpuIds.some((g, i) => !free.includes(g) || p.gpuIds.indexOf(g) !== i)
      ) {
        throw bad(`task ${t} does not fit the free capacity of node "${p.nodeId}" (or its GPUs are wrong)`);
      }
      let l = 0;
      if (p.cpuFrequencyHz !== undefined) {
        const type = platform.nodeTypes[nodeType[node]!]!;
        l =
          p.cpuFrequencyHz === type.cpuFrequencyHz
            ? 0
            : 1 + (type.dvfs ?? []).findIndex((d) => d.frequencyHz === p.cpuFrequencyHz);
        if (l < 0)
          throw bad(`task ${t} asks for ${p.cpuFrequencyHz} Hz, which node type "${type.id}" does not offer`);
      }
      dvfs[t] = l;
      waiting[t] = 0;
      placed++;
      nodeOf[t] = node;
      freeCores[node] = freeCores[node]! - cores[t]!;
      freeMem[node] = freeMem[node]! - mem[t]!;
      freeGpus[node] = freeGpus[node]! - gpus[t]!;
      if (p.gpuIds.length > 0) {
        view.free.gpuIds = free.filter((g) => !p.gpuIds.includes(g));
        taskGpuIds[t] = [...p.gpuIds];
      }
      syncView(node);
    }
    if (placed > 0) {
      let w = 0;
      for (const r of pool) if (waiting[Number(r.key)] === 1) pool[w++] = r;
      pool.length = w;
    }
    // Staged after every placement is booked, so that staging can never see a half-applied batch.
    for (const p of placements) stage(Number(p.key));
  }

  /** Online: gives the GPU ids `t` holds back to `node`'s view (the counts are freed by the caller). */
  function releaseGpus(t: number, node: number): void {
    const ids = taskGpuIds[t];
    if (!ids) return;
    taskGpuIds[t] = undefined;
    const view = views[node]!;
    view.free.gpuIds = [...view.free.gpuIds, ...ids].sort((a, b) => a - b);
  }

  /** Online: inputs are at the node: start, unless the node crashed meanwhile (then place again). */
  function startPlaced(t: number): void {
    const node = nodeOf[t]!;
    if (down[node]) {
      freeCores[node] = freeCores[node]! + cores[t]!;
      freeMem[node] = freeMem[node]! + mem[t]!;
      freeGpus[node] = freeGpus[node]! + gpus[t]!;
      releaseGpus(t, node);
      markDirty(node);
      offer(t);
      return;
    }
    startAttempt(t, node);
  }

  // ---- Transitions ------------------------------------------------------------------------------
  function rescheduleLink(link: number): void {
    const v = ++linkVersion[link]!;
    const t = net.nextCompletion(link);
    if (t < Infinity) q.schedule(t, EV_LINK, link, v);
  }

  function startTransfer(f: number, src: number, dst: number, t: number): number {
    const link = linkOf[src * S + dst]!;
    if (link < 0) {
      throw new SimError(
        'SIM_NO_LINK',
        `task "${tasks[t]!.name}" needs file "${files[f]!.name}" from site ` +
          `"${platform.sites[src]!.id}" at site "${platform.sites[dst]!.id}", and no link joins them`,
        'add a link between the two sites, or assign the task elsewhere',
      );
    }
    const id = net.start(link, fileSize[f]!, now);
    if (id >= trFile.length) {
      const cap = trFile.length * 2;
      trFile = growI32(trFile, cap);
      trDst = growI32(trDst, cap);
      trLink = growI32(trLink, cap);
      trStart = growF64(trStart, cap);
      trWaitHead = growI32(trWaitHead, cap);
    }
    trFile[id] = f;
    trDst[id] = dst;
    trLink[id] = link;
    trStart[id] = now;
    trWaitHead[id] = -1;
    nTransfers++;
    bytesMoved += fileSize[f]!;
    replicaSet(f, dst, id + 2);
    rescheduleLink(link);
    return id;
  }

  function addWaiter(tr: number, t: number): void {
    if (nWaiters === wTask.length) {
      wTask = growI32(wTask, nWaiters * 2);
      wNext = growI32(wNext, nWaiters * 2);
    }
    wTask[nWaiters] = t;
    wNext[nWaiters] = trWaitHead[tr]!;
    trWaitHead[tr] = nWaiters++;
  }

  /** Dependencies done: apply the release overheads, then stage the inputs. */
  function becomeReady(t: number): void {
    let at = now;
    if (perLevelS > 0) {
      const lv = level[t]!;
      if (levelGate[lv]! < 0) levelGate[lv] = now + perLevelS;
      if (levelGate[lv]! > at) at = levelGate[lv]!;
    }
    if (releaseGap > 0) {
      if (lastRelease + releaseGap > at) at = lastRelease + releaseGap;
      lastRelease = at;
    }
    if (at > now) q.schedule(at, EV_RELEASE, t, 0);
    else release(t);
  }

  /** Released: stage its inputs to its node (static), or wait for a placement (online). */
  function release(t: number): void {
    if (online) offer(t);
    else stage(t);
  }

  /** Released: start the transfers its inputs need (or join those under way). */
  function stage(t: number): void {
    const node = nodeOf[t]!;
    const dst = nodeSite[node]!;
    let pending = 0;
    let intraBytes = 0;
    for (let k = inStart[t]!; k < inStart[t + 1]!; k++) {
      const f = inFile[k]!;
      const p = producer[f]!;
      const src = p >= 0 ? nodeSite[nodeOf[p]!]! : fileInitialSite[f]!;
      if (src < 0) continue; // a file with no known location is local
      if (intra !== undefined && !(p >= 0 && nodeOf[p] === node)) intraBytes += fileSize[f]!;
      if (src === dst) continue;
      const r = replicaGet(f, dst);
      if (r === 1) continue;
      addWaiter(r >= 2 ? r - 2 : startTransfer(f, src, dst, t), t);
      pending++;
    }
    if (intraDelay && intra && intraBytes > 0) {
      intraDelay[t] = intra.latencyS + intraBytes / intra.bandwidthBps;
    }
    pendingIn[t] = pending;
    if (pending === 0) inputsReady(t);
  }

  /** All inputs at the task's site: after the intra-site move and per-task overhead, queue it. */
  function inputsReady(t: number): void {
    let at = now + perTaskS + (intraDelay ? intraDelay[t]! : 0);
    if (notBefore && notBefore[t]! > at) at = notBefore[t]!;
    if (at > now) q.schedule(at, EV_ENQUEUE, t, 0);
    else stageThenEnqueue(t);
  }

  /** Through the staging channel first, the first time, if there is one; then queue on the node. */
  function stageThenEnqueue(t: number): void {
    if (!stageNet || staged![t] || !(stageBytes![t]! > 0)) {
      enqueue(t);
      return;
    }
    staged![t] = 1;
    const id = stageNet.start(0, stageBytes![t]!, now);
    if (id >= stageTask.length) stageTask = growI32(stageTask, stageTask.length * 2);
    stageTask[id] = t;
    rescheduleStaging();
  }

  function rescheduleStaging(): void {
    const at = stageNet!.nextCompletion(0);
    stageVersion++;
    if (at < Infinity) q.schedule(at, EV_STAGED, 0, stageVersion);
  }

  function enqueue(t: number): void {
    if (online) {
      startPlaced(t);
      return;
    }
    const node = nodeOf[t]!;
    queues[node]!.push(priority ? priority[t]! : t, t);
    markDirty(node);
  }

  /**
   * Nodes whose queue or free capacity changed are started only once every event of the current
   * instant is handled: tasks that become ready at the same time then start in priority order,
   * not in the order their events happened to be processed.
   */
  function markDirty(node: number): void {
    if (dirtyFlag[node]) return;
    dirtyFlag[node] = 1;
    dirty[nDirty++] = node;
  }

  function flushDirty(): void {
    if (online) {
      for (let i = 0; i < nDirty; i++) {
        const node = dirty[i]!;
        dirtyFlag[node] = 0;
        syncView(node);
      }
      nDirty = 0;
      placeReady();
      return;
    }
    for (let i = 0; i < nDirty; i++) {
      const node = dirty[i]!;
      dirtyFlag[node] = 0;
      tryStart(node);
    }
    nDirty = 0;
  }

  /** Starts queued tasks on `node` in priority order while the head fits (no backfilling). */
  function tryStart(node: number): void {
    if (down[node]) return;
    const queue = queues[node]!;
    while (queue.size > 0) {
      const t = queue.peekValue();
      if (cores[t]! > freeCores[node]! || mem[t]! > freeMem[node]! || gpus[t]! > freeGpus[node]!) return;
      queue.pop();
      freeCores[node] = freeCores[node]! - cores[t]!;
      freeMem[node] = freeMem[node]! - mem[t]!;
      freeGpus[node] = freeGpus[node]! - gpus[t]!;
      startAttempt(t, node);
    }
  }

  /** Starts an attempt of `t` on `node`, whose resources it already holds. */
  function startAttempt(t: number, node: number): void {
    attempts[t]!++;
    const g = ++gen[t]!;
    // At a lower frequency only the task's busy share slows down (levelStretch).
    const speedFactor = typeLevelSpeed[nodeType[node]!]![dvfs[t]!]!;
    let duration = (work[t]! / (cores[t]! * nodeSpeed[node]!)) * busyStretch(cpuUtil[t]!, speedFactor);
    if (pStraggler > 0 && rngStraggler.next() < pStraggler) {
      duration *= slowdown;
      stragglers++;
    }
    attemptStart[t] = now;
    const head = runHead[node]!;
    runPrev[t] = -1;
    runNext[t] = head;
    if (head >= 0) runPrev[head] = t;
    runHead[node] = t;
    q.schedule(now + duration, EV_FINISH, t, g);
  }

  /** Ends the running attempt of `t` (finished or killed): frees the node, books its energy. */
  function endAttempt(t: number, node: number): void {
    const prev = runPrev[t]!;
    const next = runNext[t]!;
    if (prev >= 0) runNext[prev] = next;
    else runHead[node] = next;
    if (next >= 0) runPrev[next] = prev;
    runPrev[t] = -1;
    runNext[t] = -1;
    freeCores[node] = freeCores[node]! + cores[t]!;
    freeMem[node] = freeMem[node]! + mem[t]!;
    freeGpus[node] = freeGpus[node]! + gpus[t]!;
    if (online) releaseGpus(t, node);
    const start = attemptStart[t]!;
    const d = now - start;
    const coreS = cores[t]! * d;
    nodeBusyCoreS[node] = nodeBusyCoreS[node]! + coreS;
    taskCoreS[t] = taskCoreS[t]! + coreS;
    // The host's dynamic power is drawn while the cores are busy (levelBusyFraction).
    const level = dvfs[t]!;
    const spanW = typeLevelSpanW[nodeType[node]!]![level]!;
    const busy = busyFraction(cpuUtil[t]!, typeLevelSpeed[nodeType[node]!]![level]!);
    const dynW = (spanW * cores[t]! * busy) / nodeCores[node]! + gpus[t]! * gpuSpanW[node]!;
    const j = dynW * d;
    const g = (dynW * carbon[nodeSite[node]!]!.integral(t0Carbon + start, t0Carbon + now)) / J_PER_KWH;
    nodeDynJ[node] = nodeDynJ[node]! + j;
    nodeDynG[node] = nodeDynG[node]! + g;
    taskDynJ[t] = taskDynJ[t]! + j;
    taskDynG[t] = taskDynG[t]! + g;
    // What the workflow holds: the cores' full share of the node's power (idle and dynamic) while
    // it holds them, and its GPUs' — the energy a policy's own model counts (taskEnergyJ).
    const idleShareW = (hostIdleW[node]! * cores[t]!) / nodeCores[node]! + gpus[t]! * gpuIdleW[node]!;
    heldJ += j + idleShareW * d;
    heldG +=
      g + (idleShareW * carbon[nodeSite[node]!]!.integral(t0Carbon + start, t0Carbon + now)) / J_PER_KWH;
  }

  function finish(t: number): void {
    const node = nodeOf[t]!;
    endAttempt(t, node);
    state[t] = DONE;
    finishAt[t] = now;
    finished++;
    done++;
    for (let k = childStart[t]!; k < childStart[t + 1]!; k++) {
      const c = children[k]!;
      if (--depsLeft[c]! === 0 && state[c] === PENDING) becomeReady(c);
    }
    markDirty(node);
  }

  function attemptFailed(t: number): void {
    if (attempts[t]! >= maxAttempts) {
      state[t] = FAILED;
      failedTasks++;
      done++;
      skipDescendants(t);
      return;
    }
    if (attempts[t] === 1) retriedTasks++;
    const delayS = retryDelayMs(retry, attempts[t]! + 1, retryRandom) / 1000;
    q.schedule(now + delayS + perTaskS, EV_RETRY, t, 0);
  }

  function skipDescendants(t: number): void {
    const stack: number[] = [t];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (let k = childStart[u]!; k < childStart[u + 1]!; k++) {
        const c = children[k]!;
        if (state[c] === PENDING) {
          state[c] = SKIPPED;
          skippedTasks++;
          done++;
          stack.push(c);
        }
      }
    }
  }

  function crash(node: number): void {
    nodeCrashes++;
    down[node] = 1;
    for (let t = runHead[node]!; t >= 0;) {
      const next = runNext[t]!;
      endAttempt(t, node);
      gen[t]!++; // its finish event is now stale
      failedAttempts++;
      attemptFailed(t);
      t = next;
    }
    q.schedule(now + repairS, EV_REPAIR, node, 0);
    if (online) markDirty(node); // its view leaves the offered nodes until the repair
  }

  function arrive(tr: number): void {
    const f = trFile[tr]!;
    const dst = trDst[tr]!;
    replicaSet(f, dst, 1);
    const e = fileSize[f]! * linkJPerByte[trLink[tr]!]!;
    const start = trStart[tr]!;
    const ci = carbon[dst]!;
    const avg =
      now > start
        ? ci.integral(t0Carbon + start, t0Carbon + now) / (now - start)
        : ci.valueAt(t0Carbon + now);
    siteTransferJ[dst] = siteTransferJ[dst]! + e;
    siteTransferG[dst] = siteTransferG[dst]! + (e * avg) / J_PER_KWH;
    for (let w = trWaitHead[tr]!; w >= 0; w = wNext[w]!) {
      const t = wTask[w]!;
      if (--pendingIn[t]! === 0) inputsReady(t);
    }
  }

  // ---- The event loop ---------------------------------------------------------------------------
  if (mtbf > 0) for (let k = 0; k < N; k++) q.schedule(rngCrash.exponential(mtbf), EV_CRASH, k, 0);
  for (let t = 0; t < n; t++) if (depsLeft[t] === 0) becomeReady(t);

  for (;;) {
    if ((nDirty > 0 || poolNew) && !(q.peekTime() <= now)) flushDirty();
    if (done >= n) break;
    if (!q.pop()) {
      // Cannot happen for valid inputs (cycles and misfits are rejected up front); say so if it does.
      const why = online
        ? ` (${pool.length} waiting for a placement scheduler "${scheduler!.name}" never made)`
        : '';
      throw new Error(`simulator stalled at t=${now} with ${n - done} tasks unfinished${why}`);
    }
    now = q.time;
    const a = q.a;
    switch (q.type) {
      case EV_FINISH:
        if (q.b !== gen[a]) continue;
        finish(a);
        break;
      case EV_LINK: {
        if (q.b !== linkVersion[a]) continue;
        const k = net.completeDue(a, now, completed);
        for (let i = 0; i < k; i++) {
          const tr = completed[i]!;
          const latency = linkLatency[a]!;
          if (latency > 0) q.schedule(now + latency, EV_ARRIVE, tr, 0);
          else arrive(tr);
        }
        rescheduleLink(a);
        break;
      }
      case EV_ARRIVE:
        arrive(a);
        break;
      case EV_RELEASE:
        release(a);
        break;
      case EV_ENQUEUE:
        stageThenEnqueue(a);
        break;
      case EV_WAKE:
        poolNew = true;
        break;
      case EV_STAGED: {
        if (q.b !== stageVersion) continue;
        const k = stageNet!.completeDue(0, now, completed);
        for (let i = 0; i < k; i++) enqueue(stageTask[completed[i]!]!);
        rescheduleStaging();
        break;
      }
      case EV_RETRY:
        if (online) offer(a);
        else enqueue(a);
        break;
      case EV_CRASH:
        crash(a);
        break;
      case EV_REPAIR:
        down[a] = 0;
        q.schedule(now + rngCrash.exponential(mtbf), EV_CRASH, a, 0);
        markDirty(a);
        break;
    }
    events++;
  }

  // ---- Energy and carbon ------------------------------------------------------------------------
  const makespan = n > 0 ? now : 0;
  const perNodeJ = new Float64Array(N);
  const perNodeG = new Float64Array(N);
  const siteJ = Float64Array.from(siteTransferJ);
  const siteG = Float64Array.from(siteTransferG);
  const idleCi = carbon.map((c) => c.integral(t0Carbon, t0Carbon + makespan));
  let totalCores = 0;
  let busy = 0;
  for (let k = 0; k < N; k++) {
    const s = nodeSite[k]!;
    const j = nodeIdleW[k]! * makespan + nodeDynJ[k]!;
    const g = (nodeIdleW[k]! * idleCi[s]!) / J_PER_KWH + nodeDynG[k]!;
    perNodeJ[k] = j;
    perNodeG[k] = g;
    siteJ[s] = siteJ[s]! + j;
    siteG[s] = siteG[s]! + g;
    totalCores += nodeCores[k]!;
    busy += nodeBusyCoreS[k]!;
  }
  const perSite: SimReport['perSite'] = {};
  let energyJ = 0;
  let carbonG = 0;
  platform.sites.forEach((site, s) => {
    perSite[site.id] = { energyKWh: siteJ[s]! / J_PER_KWH, carbonKg: siteG[s]! / 1000 };
    energyJ += siteJ[s]!;
    carbonG += siteG[s]!;
  });

  let transferJ = 0;
  let transferG = 0;
  for (let s = 0; s < siteTransferJ.length; s++) {
    transferJ += siteTransferJ[s]!;
    transferG += siteTransferG[s]!;
  }
  const report: SimReport = {
    makespanS: makespan,
    energyKWh: energyJ / J_PER_KWH,
    carbonKg: carbonG / 1000,
    workflowEnergyKWh: (heldJ + transferJ) / J_PER_KWH,
    workflowCarbonKg: (heldG + transferG) / 1000,
    bytesMoved,
    transfers: nTransfers,
    meanUtilisation: makespan > 0 && totalCores > 0 ? busy / (totalCores * makespan) : 0,
    tasksFinished: finished,
    slowedTasks: countSlowed(dvfs, state),
    failures: { nodeCrashes, failedAttempts, retriedTasks, failedTasks, skippedTasks, stragglers },
    perSite,
    perNode: { energyJ: perNodeJ, carbonG: perNodeG, busyCoreS: nodeBusyCoreS },
    events,
  };
  if (options.trace) {
    // A task's share of its node's idle energy is in proportion to the core-seconds it used there.
    const energy = new Float64Array(n);
    const carbonT = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const node = nodeOf[t]!;
      if (node < 0) continue; // online: never placed (skipped behind a failure)
      const share = nodeBusyCoreS[node]! > 0 ? taskCoreS[t]! / nodeBusyCoreS[node]! : 0;
      const idleJ = nodeIdleW[node]! * makespan;
      const idleG = (nodeIdleW[node]! * idleCi[nodeSite[node]!]!) / J_PER_KWH;
      energy[t] = taskDynJ[t]! + share * idleJ;
      carbonT[t] = taskDynG[t]! + share * idleG;
    }
    report.trace = {
      start: attemptStart,
      finish: finishAt,
      node: Int32Array.from(nodeOf),
      attempts,
      energyJ: energy,
      carbonG: carbonT,
      level: Uint8Array.from(dvfs),
    };
  }
  return report;
}

/** Tasks that finished at a DVFS level > 0. */
function countSlowed(level: Uint8Array, state: Uint8Array): number {
  let k = 0;
  for (let t = 0; t < level.length; t++) if (level[t]! > 0 && state[t] === DONE) k++;
  return k;
}

function growI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
