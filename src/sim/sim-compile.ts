/**
 * Turns a workload, a platform and the run's options into the typed arrays of a fresh `SimState`,
 * rejecting up front (with a `SimError`) every input the event loop could not play — unknown sites,
 * tasks that fit no node, bad assignments, dependency cycles — so that the loop itself never has to
 * check. Done once per run; nothing here is on the hot path.
 */
import { DEFAULT_RETRY, nodeOffsets } from '../model/index.js';
import { dvfsLevelCount, levelMaxW, levelSpeedFactor, nodeIdlePowerW } from '../energy/index.js';
import type { Platform, RetryPolicy, Workload } from '../model/index.js';
import type { NodeView, ReadyTask, Scheduler } from '../scheduler/scheduler.js';
import { CarbonIntensityIntegral } from '../energy/carbon-intensity-integral.js';
import { EventQueue } from './event-queue.js';
import { MinHeap } from '../model/index.js';
import { Random } from '../model/index.js';
import { SimError } from './sim-error.js';
import { SimState } from './sim-state.js';
import type { Assignment, SimOptions } from './sim-options.js';
import { FairShareNetwork } from './transfers.js';

export const SIM_DEFAULT_RETRY: Readonly<RetryPolicy> = { ...DEFAULT_RETRY, maxAttempts: 3 };

/** The state a run starts from: exactly one of `assignment` (static) and `scheduler` (online) is given. */
export function compile(
  workload: Workload,
  platform: Platform,
  assignment: Assignment | null,
  scheduler: Scheduler | null,
  options: SimOptions,
): SimState {
  const s = new SimState();
  s.workload = workload;
  s.platform = platform;
  s.scheduler = scheduler;
  s.online = scheduler !== null;
  s.nTasks = workload.tasks.length;
  const siteIndex = new Map<string, number>();
  platform.sites.forEach((site, i) => siteIndex.set(site.id, i));
  const linkBw = compilePlatform(s, siteIndex, options);
  compileAssignment(s, assignment);
  compileFiles(s, siteIndex);
  compileTasks(s);
  compileDependencies(s);
  const nLevels = compileLevels(s);
  compileOptions(s, options, nLevels);
  initRunState(s, linkBw);
  if (s.online) initOnline(s);
  return s;
}

/** Sites, nodes and links; returns the links' bandwidths (for the network). */
function compilePlatform(s: SimState, siteIndex: Map<string, number>, options: SimOptions): Float64Array {
  const platform = s.platform;
  const S = (s.nSites = platform.sites.length);
  const offsets = nodeOffsets(platform);
  const N = (s.nNodes = offsets[platform.nodeTypes.length]!);
  const nodeSite = (s.nodeSite = new Int32Array(N));
  const nodeCores = (s.nodeCores = new Float64Array(N));
  const nodeSpeed = (s.nodeSpeed = new Float64Array(N));
  const nodeMem = (s.nodeMem = new Float64Array(N));
  const nodeGpus = (s.nodeGpus = new Float64Array(N));
  const nodeIdleW = (s.nodeIdleW = new Float64Array(N));
  const hostIdleW = (s.hostIdleW = new Float64Array(N));
  const gpuIdleW = (s.gpuIdleW = new Float64Array(N));
  const gpuSpanW = (s.gpuSpanW = new Float64Array(N));
  const nodeType = (s.nodeType = new Int32Array(N));
  s.typeLevelSpeed = platform.nodeTypes.map((t) =>
    Float64Array.from({ length: dvfsLevelCount(t) }, (_, l) => levelSpeedFactor(t, l)),
  );
  s.typeLevelSpanW = platform.nodeTypes.map((t) =>
    Float64Array.from({ length: dvfsLevelCount(t) }, (_, l) => levelMaxW(t, l) - t.idleW),
  );
  platform.nodeTypes.forEach((t, ti) => {
    const site = siteOf(siteIndex, t.site, `node type "${t.id}"`);
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
  s.freeCores = Float64Array.from(nodeCores);
  s.freeMem = Float64Array.from(nodeMem);
  s.freeGpus = Float64Array.from(nodeGpus);
  s.down = new Uint8Array(N);

  // One link per site pair (the first listed wins); links are symmetric and shared by both directions.
  const linkOf = (s.linkOf = new Int32Array(S * S).fill(-1));
  const L = platform.links.length;
  const linkBw = new Float64Array(L);
  const linkLatency = (s.linkLatency = new Float64Array(L));
  const linkJPerByte = (s.linkJPerByte = new Float64Array(L));
  platform.links.forEach((l, i) => {
    const a = siteOf(siteIndex, l.from, `link ${l.from}–${l.to}`);
    const b = siteOf(siteIndex, l.to, `link ${l.from}–${l.to}`);
    if (!(l.bandwidthBps > 0)) {
      throw new SimError('SIM_BAD_PLATFORM', `link ${l.from}–${l.to} needs bandwidthBps > 0`);
    }
    linkBw[i] = l.bandwidthBps;
    linkLatency[i] = l.latencyS;
    linkJPerByte[i] = l.energyJPerByte;
    if (linkOf[a * S + b] === -1) linkOf[a * S + b] = i;
    if (linkOf[b * S + a] === -1) linkOf[b * S + a] = i;
  });
  s.intra = platform.intraSite;
  s.carbon = platform.sites.map((site) => new CarbonIntensityIntegral(site.carbon));
  s.t0Carbon = options.startAtS ?? 0;
  return linkBw;
}

function siteOf(siteIndex: Map<string, number>, id: string, where: string): number {
  const i = siteIndex.get(id);
  if (i === undefined) {
    throw new SimError('SIM_BAD_PLATFORM', `${where} names site "${id}", which the platform does not have`);
  }
  return i;
}

/** The assignment's arrays, checked for length (online: empty ones, filled in as tasks are placed). */
function compileAssignment(s: SimState, assignment: Assignment | null): void {
  const n = s.nTasks;
  const nodeOf = (s.nodeOf = assignment ? assignment.nodeOf : new Int32Array(n).fill(-1));
  if (nodeOf.length !== n) {
    throw new SimError(
      'SIM_BAD_ASSIGNMENT',
      `assignment.nodeOf has ${nodeOf.length} entries for ${n} tasks`,
      'give one global node index per task',
    );
  }
  const priority = (s.priority = assignment?.priority);
  if (priority && priority.length !== n) {
    throw new SimError(
      'SIM_BAD_ASSIGNMENT',
      `assignment.priority has ${priority.length} entries for ${n} tasks`,
    );
  }
  const notBefore = (s.notBefore = assignment?.notBefore);
  if (notBefore && notBefore.length !== n) {
    throw new SimError(
      'SIM_BAD_ASSIGNMENT',
      `assignment.notBefore has ${notBefore.length} entries for ${n} tasks`,
    );
  }
  const dvfs = (s.dvfs = assignment?.level ?? new Uint8Array(n));
  if (dvfs.length !== n) {
    throw new SimError('SIM_BAD_ASSIGNMENT', `assignment.level has ${dvfs.length} entries for ${n} tasks`);
  }
}

/** File sizes and the sites named data files start at. */
function compileFiles(s: SimState, siteIndex: Map<string, number>): void {
  const files = s.workload.files;
  const nFiles = files.length;
  const fileSize = (s.fileSize = new Float64Array(nFiles));
  const fileInitialSite = (s.fileInitialSite = new Int32Array(nFiles).fill(-1));
  const data = s.platform.data;
  const hasData = Object.keys(data).length > 0;
  for (let f = 0; f < nFiles; f++) {
    const file = files[f]!;
    fileSize[f] = file.sizeBytes;
    if (hasData && Object.hasOwn(data, file.name)) {
      fileInitialSite[f] = siteOf(siteIndex, data[file.name]!, `platform.data["${file.name}"]`);
    }
  }
}

/** Per-task arrays and outputs' producers; checks each task fits its node (static) or some node type (online). */
function compileTasks(s: SimState): void {
  const { platform, online, nodeOf, dvfs, nodeType, nodeCores, nodeMem, nodeGpus } = s;
  const tasks = s.workload.tasks;
  const n = s.nTasks;
  const N = s.nNodes;
  const nFiles = s.workload.files.length;
  const work = (s.work = new Float64Array(n));
  const cores = (s.cores = new Float64Array(n));
  const mem = (s.mem = new Float64Array(n));
  const gpus = (s.gpus = new Float64Array(n));
  const cpuUtil = (s.cpuUtil = new Float64Array(n));
  const producer = (s.producer = new Int32Array(nFiles).fill(-1));
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
    if (!online && dvfs[t]! >= s.typeLevelSpeed[nodeType[node]!]!.length) {
      throw new SimError(
        'SIM_BAD_ASSIGNMENT',
        `task ${t} ("${task.name}") is given DVFS level ${dvfs[t]}; its node's type "${platform.nodeTypes[nodeType[node]!]!.id}" has levels 0..${s.typeLevelSpeed[nodeType[node]!]!.length - 1}`,
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
  }
}

/** Inputs as CSR; dependencies = parents ∪ producers of inputs, deduplicated, and children as CSR. */
function compileDependencies(s: SimState): void {
  const tasks = s.workload.tasks;
  const n = s.nTasks;
  const nFiles = s.workload.files.length;
  const producer = s.producer;
  let nInputs = 0;
  for (let t = 0; t < n; t++) nInputs += tasks[t]!.inputs.length;
  const inStart = (s.inStart = new Int32Array(n + 1));
  const inFile = (s.inFile = new Int32Array(nInputs));
  const depsLeft = (s.depsLeft = new Int32Array(n));
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
  const childStart = (s.childStart = new Int32Array(n + 1));
  for (let t = 0; t < n; t++) childStart[t + 1] = childStart[t]! + childCount[t]!;
  const children = (s.children = new Int32Array(childStart[n]!));
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

/** Topological levels (Kahn); also rejects cycles, which would otherwise leave tasks waiting forever. */
function compileLevels(s: SimState): number {
  const { nTasks: n, depsLeft, childStart, children } = s;
  const level = (s.level = new Int32Array(n));
  let nLevels = 0;
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
  return nLevels;
}

/** Retries, failures, overheads (the staging channel included) and the seeded random streams. */
function compileOptions(s: SimState, options: SimOptions, nLevels: number): void {
  const n = s.nTasks;
  const retry = (s.retry = options.retry ?? SIM_DEFAULT_RETRY);
  s.maxAttempts = Math.max(1, retry.maxAttempts);
  const fo = options.failures ?? {};
  s.mtbf = fo.nodeMtbfS ?? 0;
  s.repairS = fo.repairS ?? 600;
  s.pStraggler = fo.stragglerProbability ?? 0;
  s.slowdown = fo.stragglerSlowdown ?? 3;
  const ov = options.overheads ?? {};
  s.perTaskS = ov.perTaskS ?? 0;
  s.releaseGap = ov.releaseRatePerS && ov.releaseRatePerS > 0 ? 1 / ov.releaseRatePerS : 0;
  s.perLevelS = ov.perLevelS ?? 0;
  s.levelGate = new Float64Array(s.perLevelS > 0 ? nLevels : 0).fill(-1);
  const stagingBps = ov.stagingBandwidthBps ?? 0;
  const stageNet = (s.stageNet = stagingBps > 0 ? new FairShareNetwork(Float64Array.of(stagingBps)) : null);
  const stageBytes = (s.stageBytes = stageNet ? new Float64Array(n) : null);
  const { inStart, inFile, fileSize } = s;
  if (stageBytes)
    for (let t = 0; t < n; t++)
      for (let k = inStart[t]!; k < inStart[t + 1]!; k++)
        stageBytes[t] = stageBytes[t]! + fileSize[inFile[k]!]!;
  s.staged = stageNet ? new Uint8Array(n) : null;
  s.stageTask = new Int32Array(stageNet ? 1024 : 0);
  s.rngCrash = new Random(options.seed, 1);
  s.rngStraggler = new Random(options.seed, 2);
  const rngRetry = new Random(options.seed, 3);
  s.retryRandom = (): number => rngRetry.next();
  s.trace = Boolean(options.trace);
}

/** Run-state arrays, all empty: nothing has happened yet. */
function initRunState(s: SimState, linkBw: Float64Array): void {
  const n = s.nTasks;
  const N = s.nNodes;
  const S = s.nSites;
  const nFiles = s.workload.files.length;
  s.state = new Uint8Array(n);
  s.attempts = new Int32Array(n);
  s.gen = new Int32Array(n);
  s.attemptStart = new Float64Array(n).fill(NaN);
  s.finishAt = new Float64Array(n).fill(NaN);
  s.pendingIn = new Int32Array(n);
  s.intraDelay = s.intra ? new Float64Array(n) : null;
  s.taskCoreS = new Float64Array(n);
  s.taskDynJ = new Float64Array(n);
  s.taskDynG = new Float64Array(n);
  s.runPrev = new Int32Array(n).fill(-1);
  s.runNext = new Int32Array(n).fill(-1);
  s.runHead = new Int32Array(N).fill(-1);
  s.nodeBusyCoreS = new Float64Array(N);
  s.nodeDynJ = new Float64Array(N);
  s.nodeDynG = new Float64Array(N);
  s.dirty = new Int32Array(N);
  s.dirtyFlag = new Uint8Array(N);
  const queues: MinHeap[] = (s.queues = new Array<MinHeap>(N));
  for (let k = 0; k < N; k++) queues[k] = new MinHeap(4);

  const denseReplicas = nFiles * S <= 1 << 24;
  s.replicaDense = denseReplicas ? new Int32Array(nFiles * S) : null;
  s.replicaSparse = denseReplicas ? null : new Map<number, number>();

  s.net = new FairShareNetwork(linkBw);
  s.linkVersion = new Int32Array(linkBw.length);
  s.trFile = new Int32Array(1024);
  s.trDst = new Int32Array(1024);
  s.trLink = new Int32Array(1024);
  s.trStart = new Float64Array(1024);
  s.trWaitHead = new Int32Array(1024);
  s.wTask = new Int32Array(1024);
  s.wNext = new Int32Array(1024);
  s.completed = new Int32Array(4096);
  s.siteTransferJ = new Float64Array(S);
  s.siteTransferG = new Float64Array(S);
  s.q = new EventQueue(Math.max(1024, Math.min(1 << 20, 4 * N)));

  const online = s.online;
  s.pool = [];
  s.waiting = new Uint8Array(online ? n : 0);
  s.readyOf = online ? new Array<ReadyTask | undefined>(n) : [];
  s.taskGpuIds = online ? new Array<number[] | undefined>(n) : [];
  s.views = [];
  s.offered = [];
  s.offeredNode = [];
  s.listed = new Uint8Array(online ? N : 0);
  s.fullListed = new Uint8Array(online ? N : 0);
  s.nodeByName = new Map<string, number>();
}

/** Online: one view per node, all offered at first (every node is up and free). */
function initOnline(s: SimState): void {
  const { platform, nodeCores, nodeMem, nodeGpus } = s;
  const offsets = nodeOffsets(platform);
  platform.nodeTypes.forEach((nt, ti) => {
    for (let k = offsets[ti]!; k < offsets[ti + 1]!; k++) {
      const ids = Array.from({ length: nodeGpus[k]! }, (_, i) => i);
      const view: NodeView = {
        id: `${nt.id}#${k - offsets[ti]!}`,
        capacity: { cpus: nodeCores[k]!, memoryBytes: nodeMem[k]!, gpuIds: [...ids] },
        free: { cpus: nodeCores[k]!, memoryBytes: nodeMem[k]!, gpuIds: ids },
      };
      s.views.push(view);
      s.nodeByName.set(view.id, k);
      s.offered.push(view);
      s.offeredNode.push(k);
      s.listed[k] = 1;
    }
  });
}
