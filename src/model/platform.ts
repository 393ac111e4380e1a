/**
 * The platform model: the compute continuum the scheduler places work on and the digital twin
 * simulates — sites, node types with counts, links between sites, and where data lives first.
 * Units inside Strata: bytes, bytes per second, seconds, watts, joules, gCO2e per kWh.
 */

export type SiteKind = 'hpc' | 'cloud' | 'edge' | 'device';

/** Grid carbon intensity of a site: a constant, or a series (piecewise constant, repeating). */
export type CarbonIntensity =
  | { kind: 'constant'; gPerKWh: number }
  | {
      kind: 'series';
      /** Points sorted by `atS` (seconds from the series' start); each value holds until the next. */
      points: Array<{ atS: number; gPerKWh: number }>;
      /** The series repeats with this period (e.g. 86,400 for a daily profile); none = the last value holds. */
      periodS?: number;
    };

export interface Site {
  id: string;
  kind: SiteKind;
  location?: { lat: number; lon: number; region?: string };
  carbon: CarbonIntensity;
  /** The executor that runs this site's nodes for real (`local`, `slurm:NAME`, ...), when it has one. */
  executor?: string;
  /** How to reach the site's Slurm cluster, when its `executor:` block says `kind: slurm` (hpc sites). */
  slurm?: SlurmSiteConfig;
}

/** A site's Slurm executor: where jobs go, and how to reach the login node. */
export interface SlurmSiteConfig {
  partition?: string;
  account?: string;
  qos?: string;
  /** Run Slurm's commands on a login node over SSH; absent: on the machine running Strata. */
  ssh?: { host: string; user?: string; port?: number; identity?: string; options?: string[] };
  /** Seconds between two `squeue` polls. */
  pollIntervalS?: number;
  /** GNU time on the compute nodes (null: run commands bare); absent: `/usr/bin/time` where it exists. */
  gnuTime?: string | null;
}

export interface NodeType {
  id: string;
  site: string;
  /** How many identical nodes of this type the site has. */
  count: number;
  cores: number;
  /** Relative speed of one core: 1 = the reference core task work is measured in. */
  speed: number;
  memoryBytes: number;
  gpus: number;
  /** Relative speed of one GPU (1 = reference GPU); 0 when the type has none. */
  gpuSpeed: number;
  /**
   * Power at idle and at full load, in watts (linear in the share of cores in use between them):
   * the whole node's, GPUs included, unless `gpuPower` is given — then the host's alone.
   */
  idleW: number;
  maxW: number;
  /**
   * Power of EACH GPU at idle and at full load, in watts, when given apart from the host's. A GPU
   * draws its idle power always, and up to its max while a task holds it; a CPU-only task is then not
   * charged for GPUs it does not use. Undefined: GPU power is folded into `idleW`/`maxW`.
   */
  gpuPower?: { idleW: number; maxW: number };
  /** Nominal CPU clock in Hz: `speed` and `maxW` are at this frequency. Needed with `dvfs`. */
  cpuFrequencyHz?: number;
  /**
   * Lower CPU frequencies (DVFS P-states) a task may be run at, fastest first, each with the host's
   * power at full load at that frequency (idle power does not change). A task's level 0 is the
   * nominal frequency; level k ≥ 1 is `dvfs[k − 1]`. Runtime is taken to scale with 1/frequency
   * (CPU-bound work). Undefined or empty: the type runs at its nominal frequency only.
   */
  dvfs?: DvfsLevel[];
}

/** A CPU frequency a node type can run at below its nominal one (see `NodeType.dvfs`). */
export interface DvfsLevel {
  frequencyHz: number;
  /** frequencyHz / the type's nominal frequency: how fast a core runs relative to `speed` (< 1). */
  speedFactor: number;
  /** Host (or whole node, when GPU power is not given apart) power at full load at this frequency. */
  maxW: number;
}

export interface Link {
  /** Site ids; links are symmetric. */
  from: string;
  to: string;
  bandwidthBps: number;
  latencyS: number;
  energyJPerByte: number;
}

export interface Platform {
  name: string;
  sites: Site[];
  nodeTypes: NodeType[];
  links: Link[];
  /** Bandwidth between two nodes of the same site (default: effectively free). */
  intraSite?: { bandwidthBps: number; latencyS: number };
  /** Where named data files initially are (file name → site id). */
  data: Record<string, string>;
}

/** A node of the platform: the `index`-th node of a node type. */
export interface PlatformNode {
  /** `${type}#${index}`. */
  id: string;
  type: NodeType;
  index: number;
}

/**
 * The position of the node type global node `node` belongs to, given `offsets = nodeOffsets(p)`:
 * the last type whose first node is at or before it (types of count 0 share an offset). O(log types).
 */
export function nodeTypeIndexAt(offsets: Int32Array, node: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= node) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function platformNodeCount(p: Platform): number {
  return p.nodeTypes.reduce((n, t) => n + t.count, 0);
}

/**
 * Nodes are numbered globally, node type by node type in `platform.nodeTypes` order: the `k`-th node
 * of the type at position `t` has global index `offsets[t] + k`. Returns `offsets` (length = number
 * of types + 1; the last entry is the total node count).
 */
export function nodeOffsets(p: Platform): Int32Array {
  const offsets = new Int32Array(p.nodeTypes.length + 1);
  p.nodeTypes.forEach((t, i) => (offsets[i + 1] = offsets[i]! + t.count));
  return offsets;
}
