/**
 * Everything one run of the digital twin knows and changes, in ONE object that the modules of the
 * twin (compile, event loop, task lifecycle, transfers, energy, failures, online placement, report)
 * pass around, instead of closures sharing locals.
 *
 * Why a class with every field declared here: V8 then lays all fields out inside the object (one
 * load per access, as fast as the closure variables were) and every function sees one hidden class.
 * Number fields start as numbers, never undefined, so that writing a double in the hot loop updates
 * it in place instead of allocating. Per-task and per-node data are typed arrays (see simulate.ts).
 * Fields marked `!` are filled in by `compile` (sim-compile.ts) before the run starts.
 */
import type { Platform, RetryPolicy, Workload } from '../model/index.js';
import type { NodeView, ReadyTask, Scheduler } from '../scheduler/scheduler.js';
import type { CarbonIntensityIntegral } from '../energy/carbon-intensity-integral.js';
import type { EventQueue } from './event-queue.js';
import type { MinHeap } from '../model/index.js';
import type { Random } from '../model/index.js';
import type { FairShareNetwork } from './transfers.js';

// Event types.
export const EV_FINISH = 1; // a: task, b: attempt generation
export const EV_LINK = 2; // a: link, b: link version — the next transfer completion on a link
export const EV_ARRIVE = 3; // a: transfer — bytes arrived, latency elapsed
export const EV_RELEASE = 4; // a: task — release delayed by overheads: stage its inputs
export const EV_ENQUEUE = 5; // a: task — inputs at the node (+ overheads, notBefore): queue on the node
export const EV_RETRY = 6; // a: task — retry delay over: queue again
export const EV_CRASH = 7; // a: node
export const EV_REPAIR = 8; // a: node
export const EV_STAGED = 9; // a: 0, b: staging-channel version — the next staging completion
export const EV_WAKE = 10; // online: the scheduler asked to place again at this time (Scheduler.nextWakeAt)

// Task states.
export const PENDING = 0;
export const DONE = 1;
export const FAILED = 2;
export const SKIPPED = 3;

export const J_PER_KWH = 3.6e6;

export class SimState {
  // ---- Inputs ---------------------------------------------------------------------------------------
  workload!: Workload;
  platform!: Platform;
  /** Online mode's scheduler; null in static mode (a fixed assignment). */
  scheduler!: Scheduler | null;
  online = false;
  nTasks = 0;
  nSites = 0;
  nNodes = 0;

  // ---- Platform: nodes (global index, see nodeOffsets) and links --------------------------------------
  nodeSite!: Int32Array;
  nodeCores!: Float64Array;
  nodeSpeed!: Float64Array;
  nodeMem!: Float64Array;
  nodeGpus!: Float64Array;
  /** Whole node, GPUs included. */
  nodeIdleW!: Float64Array;
  /** Shared out by cores. */
  hostIdleW!: Float64Array;
  /** Per GPU, when given apart (else 0: folded into the host's). */
  gpuIdleW!: Float64Array;
  gpuSpanW!: Float64Array;
  nodeType!: Int32Array;
  /** DVFS: per node type, each level's speed factor and host power span (level 0 = nominal). */
  typeLevelSpeed!: Float64Array[];
  typeLevelSpanW!: Float64Array[];
  freeCores!: Float64Array;
  freeMem!: Float64Array;
  freeGpus!: Float64Array;
  down!: Uint8Array;
  /** Link per (site, site) pair, -1 = none. */
  linkOf!: Int32Array;
  linkLatency!: Float64Array;
  linkJPerByte!: Float64Array;
  intra!: Platform['intraSite'];
  /** Per site. */
  carbon!: CarbonIntensityIntegral[];
  /** Seconds from which the carbon series is read. */
  t0Carbon = 0;

  // ---- Workload: per-task arrays, inputs and children as CSR ------------------------------------------
  /** Online: filled in as the scheduler places tasks (-1 = not placed yet). */
  nodeOf!: Int32Array;
  priority!: Float64Array | undefined;
  notBefore!: Float64Array | undefined;
  /** DVFS level per task. Online: filled in from each placement's cpuFrequencyHz. */
  dvfs!: Uint8Array;
  fileSize!: Float64Array;
  fileInitialSite!: Int32Array;
  work!: Float64Array;
  cores!: Float64Array;
  mem!: Float64Array;
  gpus!: Float64Array;
  /** WorkloadTask.cpuUtilisation (1 = CPU-bound). */
  cpuUtil!: Float64Array;
  /** Task writing each file, -1 = none. */
  producer!: Int32Array;
  inStart!: Int32Array;
  inFile!: Int32Array;
  /** Dependencies (parents ∪ producers of inputs, deduplicated) not done yet. */
  depsLeft!: Int32Array;
  childStart!: Int32Array;
  children!: Int32Array;
  /** Topological level. */
  level!: Int32Array;

  // ---- Options: retries, failures, overheads ----------------------------------------------------------
  retry!: RetryPolicy;
  maxAttempts = 0;
  mtbf = 0;
  repairS = 0;
  pStraggler = 0;
  slowdown = 0;
  perTaskS = 0;
  releaseGap = 0;
  perLevelS = 0;
  /** Per level: when its gate opens (-1 = no task of it ready yet). */
  levelGate!: Float64Array;
  lastRelease = -Infinity;
  /** The staging channel (one fair-shared link) and each task's input bytes through it. */
  stageNet!: FairShareNetwork | null;
  stageBytes!: Float64Array | null;
  staged!: Uint8Array | null;
  /** Staging id → task. */
  stageTask!: Int32Array;
  stageVersion = 0;
  /** Independent streams, so that switching stragglers on does not move the crash times. */
  rngCrash!: Random;
  rngStraggler!: Random;
  retryRandom!: () => number;
  trace = false;

  // ---- Run state: tasks and nodes ---------------------------------------------------------------------
  state!: Uint8Array;
  attempts!: Int32Array;
  /** Attempt generation: a finish event of an older one is stale. */
  gen!: Int32Array;
  attemptStart!: Float64Array;
  finishAt!: Float64Array;
  /** Input transfers still under way. */
  pendingIn!: Int32Array;
  intraDelay!: Float64Array | null;
  taskCoreS!: Float64Array;
  taskDynJ!: Float64Array;
  taskDynG!: Float64Array;
  /** Energy and carbon the workflow holds (see energy-accounting.ts). */
  heldJ = 0;
  heldG = 0;
  /** Attempts running on each node, as doubly linked lists. */
  runPrev!: Int32Array;
  runNext!: Int32Array;
  runHead!: Int32Array;
  nodeBusyCoreS!: Float64Array;
  nodeDynJ!: Float64Array;
  nodeDynG!: Float64Array;
  /** Nodes whose queue or free capacity changed in this instant (see markDirty). */
  dirty!: Int32Array;
  dirtyFlag!: Uint8Array;
  nDirty = 0;
  /** Static mode: tasks queued on each node, by priority. */
  queues!: MinHeap[];

  // ---- Run state: replicas and transfers --------------------------------------------------------------
  /** Per (file, site): 0 absent, 1 present, k + 2 = arriving by transfer k. Dense, or sparse beyond 64 MB. */
  replicaDense!: Int32Array | null;
  replicaSparse!: Map<number, number> | null;
  /** Transfers (ids shared with the network: the k-th started is k) and the tasks waiting for them. */
  net!: FairShareNetwork;
  linkVersion!: Int32Array;
  nTransfers = 0;
  trFile!: Int32Array;
  trDst!: Int32Array;
  trLink!: Int32Array;
  trStart!: Float64Array;
  trWaitHead!: Int32Array;
  nWaiters = 0;
  wTask!: Int32Array;
  wNext!: Int32Array;
  /** Scratch for the ids a link or the staging channel completes at once. */
  completed!: Int32Array;
  siteTransferJ!: Float64Array;
  siteTransferG!: Float64Array;
  bytesMoved = 0;

  // ---- Run state: clock and counters ------------------------------------------------------------------
  q!: EventQueue;
  now = 0;
  /** Tasks done, failed or skipped. */
  done = 0;
  finished = 0;
  events = 0;
  nodeCrashes = 0;
  failedAttempts = 0;
  retriedTasks = 0;
  failedTasks = 0;
  skippedTasks = 0;
  stragglers = 0;

  // ---- Online mode: tasks waiting for a placement, and the views the scheduler sees (online-placement.ts)
  /** The waiting tasks in the order they became ready (FIFO), as the engine offers them. */
  pool!: ReadyTask[];
  waiting!: Uint8Array;
  readyOf!: Array<ReadyTask | undefined>;
  taskGpuIds!: Array<number[] | undefined>;
  /** One per node, built once and updated in place. */
  views!: NodeView[];
  /** In node order, the views of every node that is up with a free core (and some full ones). */
  offered!: NodeView[];
  offeredNode!: number[];
  listed!: Uint8Array;
  fullListed!: Uint8Array;
  nFullListed = 0;
  nodeByName!: Map<string, number>;
  poolNew = false;
  nextWake = -Infinity;
}

/**
 * Nodes whose queue or free capacity changed are started only once every event of the current
 * instant is handled: tasks that become ready at the same time then start in priority order,
 * not in the order their events happened to be processed.
 */
export function markDirty(s: SimState, node: number): void {
  if (s.dirtyFlag[node]) return;
  s.dirtyFlag[node] = 1;
  s.dirty[s.nDirty++] = node;
}
