/**
 * bench:sim — the digital twin's release criterion: 1,000,000 tasks on 10,000 nodes in ≤ 120 s on
 * this 2-core machine, peak RSS ≤ 4 GB, with data transfers between sites.
 *
 * Generates a seeded layered random DAG (src/sim/synthetic-workload.ts) on the three-site continuum
 * of src/sim/synthetic-platform.ts, places tasks with a simple rule written here (the real policies
 * live in src/scheduler): a task goes to the site of its first parent unless that site is more than
 * 10 % more loaded than the least loaded one (then there — which is what makes data cross links),
 * round-robin over that site's nodes. Then runs `simulate` once and measures it. Generation and
 * placement are timed apart (`setup_s`); `wall_s` is the simulation alone.
 *
 * Prints a table, then as the last line one JSON object. Options: --tasks N, --nodes N, --seed N,
 * --levels N, --mtbf S (per-node mean time between crashes), --stragglers P (straggler probability).
 * Run with `node --expose-gc` so that the heap is clean before the simulation starts.
 */
import { continuumPlatform } from '../src/sim/synthetic-platform.js';
import { formatReport } from '../src/sim/report.js';
import { simulate } from '../src/sim/simulate.js';
import { syntheticWorkload } from '../src/sim/synthetic-workload.js';
import { nodeOffsets } from '../src/model/index.js';
import type { Platform, Workload } from '../src/model/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const TASKS = arg('tasks', 1_000_000);
const NODES = arg('nodes', 10_000);
const SEED = arg('seed', 1);
const LEVELS = arg('levels', 100);
const MTBF = arg('mtbf', 0);
const STRAGGLERS = arg('stragglers', 0);

/**
 * Site: the first parent's site while its load (assigned work / its cores × speed) stays within 10 %
 * of the least loaded site's, else the least loaded site; then round-robin over that site's nodes,
 * first fit (the first node whose type holds the task).
 */
function assign(workload: Workload, platform: Platform): Int32Array {
  const offsets = nodeOffsets(platform);
  const S = platform.sites.length;
  const siteNodes: number[][] = platform.sites.map(() => []);
  const capacity = new Float64Array(S);
  const nodeSite = new Int32Array(offsets[platform.nodeTypes.length]!);
  const nodeType = new Int32Array(nodeSite.length);
  platform.nodeTypes.forEach((t, ti) => {
    const s = platform.sites.findIndex((x) => x.id === t.site);
    capacity[s] = capacity[s]! + t.count * t.cores * t.speed;
    for (let k = offsets[ti]!; k < offsets[ti + 1]!; k++) {
      siteNodes[s]!.push(k);
      nodeSite[k] = s;
      nodeType[k] = ti;
    }
  });
  const load = new Float64Array(S);
  const next = new Int32Array(S);
  const nodeOf = new Int32Array(workload.tasks.length);
  workload.tasks.forEach((task, t) => {
    let least = 0;
    for (let s = 1; s < S; s++) if (load[s]! / capacity[s]! < load[least]! / capacity[least]!) least = s;
    let s = least;
    const p = task.parents[0];
    if (p !== undefined) {
      const ps = nodeSite[nodeOf[p]!]!;
      if (load[ps]! / capacity[ps]! <= 1.1 * (load[least]! / capacity[least]!)) s = ps;
    }
    load[s] = load[s]! + task.work;
    const nodes = siteNodes[s]!;
    let node = nodes[next[s]! % nodes.length]!;
    for (let tries = 0; tries < nodes.length; tries++) {
      const k = nodes[next[s]!++ % nodes.length]!;
      const type = platform.nodeTypes[nodeType[k]!]!;
      if (type.cores >= task.cores && type.memoryBytes >= task.memoryBytes) {
        node = k;
        break;
      }
    }
    nodeOf[t] = node;
  });
  return nodeOf;
}

const g = globalThis as { gc?: () => void };
const tGen = performance.now();
const { workload, initialData } = syntheticWorkload({
  tasks: TASKS,
  seed: SEED,
  levels: LEVELS,
  dataSites: ['hpc', 'cloud'],
});
const platform = continuumPlatform(NODES, initialData);
const nodeOf = assign(workload, platform);
const genS = (performance.now() - tGen) / 1000;
g.gc?.();

const t0 = performance.now();
const report = simulate(
  workload,
  platform,
  { nodeOf },
  {
    seed: SEED,
    failures: { ...(MTBF > 0 ? { nodeMtbfS: MTBF } : {}), stragglerProbability: STRAGGLERS },
  },
);
const wallS = (performance.now() - t0) / 1000;
// maxRSS (KiB) is the kernel's high-water mark for the whole process: generation included.
const peakRss = process.resourceUsage().maxRSS * 1024;

const edges = workload.tasks.reduce((s, t) => s + t.parents.length, 0);
console.log(`bench:sim — ${TASKS} tasks (${edges} edges, ${LEVELS} levels) on ${NODES} nodes, seed ${SEED}`);
console.log(formatReport(report));
console.log(
  [
    ['generate + assign', `${genS.toFixed(2)} s (not in wall_s)`],
    ['simulate (wall)', `${wallS.toFixed(2)} s`],
    ['events / s', `${Math.round(report.events / wallS)}`],
    ['peak RSS', `${Math.round(peakRss / 2 ** 20)} MB`],
  ]
    .map(([k, v]) => `${k!.padEnd(18)}${v}`)
    .join('\n'),
);
console.log(
  JSON.stringify({
    bench: 'sim',
    tasks: TASKS,
    nodes: NODES,
    wall_s: Number(wallS.toFixed(3)),
    events_per_s: Math.round(report.events / wallS),
    peak_rss_mb: Math.round(peakRss / 2 ** 20),
    setup_s: Number(genS.toFixed(3)),
  }),
);
