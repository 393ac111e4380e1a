/**
 * What the platform reader says beyond the schema's structure: the hints of its fields, its codes,
 * and the did-you-mean of an unknown field, from words people bring from other tools (SimGrid,
 * Kubernetes, cloud consoles) and from fields that belong to another mapping.
 */
import type { FieldDialect } from '../spec/schema-field-reader.js';
import type { PlatformErrorCode } from './platform-errors.js';

// The hints of fields, shared by the schema's notes (wrong types) and the readers (bad values).
export const BANDWIDTH_HINT = 'write bits or bytes per second with a unit, e.g. 10Gbps, 100Mbps or 1.25GB/s';
export const LATENCY_HINT = 'write a duration like 5ms, 0.2ms, 20us or 1s (a plain number is seconds)';
export const POWER_HINT = 'write watts, e.g. 350W or 1.2kW (a plain number is watts)';
export const ENERGY_HINT = 'write joules per byte, e.g. 6nJ/B, 0.5nJ/B or 0.06kWh/GB (a plain number is J/B)';
export const MEMORY_HINT =
  'write bytes with a suffix, e.g. 256Gi or 512G (Ki/Mi/Gi/Ti binary, k/M/G/T decimal)';
export const FREQUENCY_HINT = 'write e.g. frequency: 2.45GHz (units Hz, kHz, MHz, GHz; a unit is required)';
export const DVFS_HINT =
  'write each level as { frequency, max }, e.g. dvfs: [{ frequency: 2.0GHz, max: 300W }, { frequency: 1.5GHz, max: 210W }]';
export const CARBON_HINT =
  'write gCO2e/kWh as a number (carbon: 300), or a series: carbon: { series: [[0, 300], [6h, 250]], period: 24h }';
export const PAIR_HINT = 'write each point as [time, gCO2e/kWh], e.g. [6h, 250] or [21600, 250]';
export const PERIOD_HINT = 'write a duration like 24h or 7d, or a number of seconds';
export const POINT_TIME_HINT = 'write seconds from the start of the series, or a duration like 6h';
export const LOCATION_HINT = 'write e.g. location: { lat: 46.2, lon: 6.1, region: CH }';
export const POLL_HINT = 'write a duration like 2s or 500ms';
export const GNU_TIME_HINT =
  'write gnu_time: false (no CPU time or peak memory), or its path, e.g. /usr/bin/time';
export const SSH_HINT = 'write e.g. ssh: { host: login1.example.org, user: alice, port: 22 }';
export const SSH_OPTIONS_HINT = 'write ssh -o options, e.g. options: [ControlMaster=auto, ControlPersist=60]';
export const SPEED_HINT = 'write e.g. speed: 1.5 (1 = the reference core)';
export const GFLOPS_HINT = 'write e.g. gflops: 25 (per core)';
export const GPU_SPEED_HINT = 'write e.g. gpu_speed: 1.0 (1 = reference GPU)';
export const SITE_HINT = 'write a site as "- id: hpc" with kind and carbon indented below';
export const NODE_HINT =
  'write a node type as "- id: cpu" with site, count, cores, speed, memory and power below';
export const LINK_HINT =
  'write each link as an item "- { from: a, to: b, bandwidth: 10Gbps, latency: 5ms, energy: 6nJ/B }"';
export const NODE_POWER_HINT =
  'write e.g. power: { idle: 100W, max: 400W } (the whole node), or with GPUs apart: power: { idle: 60W, max: 270W, gpu: { idle: 50W, max: 400W } }';
export const GPU_POWER_HINT = 'write the power of ONE GPU, e.g. gpu: { idle: 50W, max: 400W }';
export const SITE_REF_HINT = 'write the id of a site listed under "sites:"';
export const DATA_HINT = 'write data: { "input.csv": site-id }';

/** The hint for a whole number of at least `min`; `meaning` says what it counts. */
export function wholeNumberHint(min: number, meaning: string): string {
  return `write a whole number, ${min} or more (${meaning})`;
}

/** Words people bring from other tools, per mapping (the schema notes' `context`), and Strata's. */
const SYNONYMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  top: {
    nodes: 'node_types',
    nodetypes: 'node_types',
    node_type: 'node_types',
    machines: 'node_types',
    hosts: 'node_types',
    network: 'links',
    files: 'data',
    site: 'sites',
    zones: 'sites',
    intra: 'intra_site',
  },
  site: { name: 'id', type: 'kind', carbon_intensity: 'carbon', co2: 'carbon', region: 'location' },
  executor: { type: 'kind', queue: 'partition', project: 'account', login: 'ssh', poll: 'poll_interval' },
  ssh: { hostname: 'host', login: 'host', username: 'user', key: 'identity', identity_file: 'identity' },
  location: { latitude: 'lat', longitude: 'lon', lng: 'lon', long: 'lon' },
  carbon: { points: 'series', values: 'series', repeat: 'period' },
  nodeType: {
    name: 'id',
    number: 'count',
    replicas: 'count',
    instances: 'count',
    nodes: 'count',
    cpus: 'cores',
    cpu: 'cores',
    mem: 'memory',
    ram: 'memory',
    gpu: 'gpus',
    gpu_count: 'gpus',
    speed_factor: 'speed',
    flops: 'gflops',
    watts: 'power',
    freq: 'frequency',
    clock: 'frequency',
    cpu_frequency: 'frequency',
    base_frequency: 'frequency',
  },
  power: {
    idle_w: 'idle',
    min: 'idle',
    max_w: 'max',
    peak: 'max',
    full: 'max',
    gpus: 'gpu',
    per_gpu: 'gpu',
    pstates: 'dvfs',
    p_states: 'dvfs',
    frequencies: 'dvfs',
    levels: 'dvfs',
  },
  gpuPower: { idle_w: 'idle', min: 'idle', max_w: 'max', peak: 'max', full: 'max', tdp: 'max' },
  dvfsLevel: { freq: 'frequency', clock: 'frequency', power: 'max', max_w: 'max', peak: 'max', full: 'max' },
  link: {
    source: 'from',
    src: 'from',
    target: 'to',
    dst: 'to',
    dest: 'to',
    bw: 'bandwidth',
    delay: 'latency',
    energy_per_byte: 'energy',
  },
  intraSite: { bw: 'bandwidth', delay: 'latency' },
};

/** Where a field misplaced in another mapping belongs. */
const SECTION_OF: Readonly<Record<string, string>> = {
  cores: 'a node type',
  memory: 'a node type',
  gpus: 'a node type',
  speed: 'a node type',
  count: 'a node type',
  power: 'a node type',
  frequency: 'a node type',
  dvfs: "a node type's power (GPU power does not change with the CPU frequency)",
  carbon: 'a site',
  kind: 'a site',
  location: 'a site',
  bandwidth: 'a link (or intra_site)',
  latency: 'a link (or intra_site)',
  energy: 'a link',
};

/** Where an unknown field belongs instead, when it is a field of another mapping. */
function misplacedFieldHint(_context: string, key: string): { hint: string } | undefined {
  const lower = key.toLowerCase();
  const section = SECTION_OF[lower];
  return section === undefined
    ? undefined
    : { hint: `"${lower}" is a field of ${section}, not of this mapping` };
}

export const PLATFORM_DIALECT: FieldDialect<PlatformErrorCode> = {
  codes: {
    notAMapping: 'PLATFORM_NOT_A_MAPPING',
    unknownField: 'PLATFORM_UNKNOWN_FIELD',
    wrongType: 'PLATFORM_WRONG_TYPE',
    missingField: 'PLATFORM_MISSING_FIELD',
    invalidChoice: 'PLATFORM_INVALID_CHOICE',
    invalidName: 'PLATFORM_INVALID_NAME',
    unsupportedVersion: 'PLATFORM_UNSUPPORTED_VERSION',
    badDuration: 'PLATFORM_BAD_DURATION',
  },
  synonyms: SYNONYMS,
  mergeKeyHint: 'YAML merge keys are not supported; use anchors and aliases (&x, *x) for whole values',
  misplacedFieldHint,
  keyHint: 'field names are plain words like "id"',
  // The platform reader gives no hint of its own for an empty value of the wrong type.
  emptyValueHint: '',
  quoteName: (name) => `"${name}"`,
};
