#!/usr/bin/env node
/* global console, process, URL */
/**
 * Writes examples/platforms/alibaba-pai-1897.yaml: the 1,897 real machines of the Alibaba PAI GPU
 * cluster trace (2020) as a Strata platform, one node type per distinct machine shape.
 *
 * Run by hand from the repository root, with the shared data next to the repository:
 *
 *   node scripts/make-alibaba-platform.mjs [path/to/shared/data] > /dev/null
 *
 * Inputs (see their README.md files for origin and licence):
 * - traces/alibaba-gpu-v2020/pai_machine_spec.csv: machine, gpu_type, cap_cpu, cap_mem (GB), cap_gpu.
 *   CC-BY-4.0; Weng et al., "MLaaS in the Wild: Workload Analysis and Scheduling in Large-Scale
 *   Heterogeneous GPU Clusters", NSDI 2022.
 * - power/SPECpower-2026-03-09.csv: idle and full-load watts of comparable servers (SPECpower_ssj2008
 *   results, SPEC, via Cloud Carbon Footprint). The rows used are looked up and checked by name, so
 *   the numbers in the output are the data's, not copies typed here.
 *
 * Deterministic: the same inputs give the same file, byte for byte.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const shared = process.argv[2] ?? join(repo, '..', 'shared', 'data');
const machinesCsv = join(shared, 'traces', 'alibaba-gpu-v2020', 'pai_machine_spec.csv');
const powerCsv = join(shared, 'power', 'SPECpower-2026-03-09.csv');
const out = join(repo, 'examples', 'platforms', 'alibaba-pai-1897.yaml');

/** RFC 4180-ish CSV: quoted fields may hold commas and doubled quotes. */
function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const fields = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        fields.push(field);
        field = '';
      } else field += c;
    }
    fields.push(field);
    rows.push(fields);
  }
  return rows;
}

/**
 * Host (CPU, memory, board) power from a SPECpower row of a comparable server. The PAI trace does
 * not name CPUs; the 64-CPU machines (P100 generation) are taken as 2-socket Intel Broadwell-EP
 * and the 96-CPU ones as 2-socket Intel Skylake-SP with 2 x 24 cores (Xeon Platinum 8163, Alibaba's
 * custom part, is not in SPECpower; the 8160 is the same core count and generation).
 */
const HOSTS = {
  64: {
    row: '194',
    system: 'PowerEdge R730 (Intel Xeon E5-2699 v4',
    cpu: 'Xeon E5-2699 v4',
    what: '2-socket Broadwell-EP',
    // Broadwell and Skylake cores at the same ~2.5 GHz: Skylake does ~15 % more per cycle (estimate).
    speed: 0.85,
    // Base clock 2.2 GHz (Intel data sheet); its lowest P-state is 1.2 GHz (Broadwell-EP's LFM).
    ghz: 2.2,
    dvfsGHz: [1.8, 1.5, 1.2],
  },
  96: {
    row: '1024',
    system: 'I620-G30(Intel Xeon Platinum 8160)',
    cpu: 'Xeon Platinum 8160',
    what: '2-socket Skylake-SP, 2 x 24 cores',
    speed: 1.0,
    // Base clock 2.1 GHz (Intel data sheet); its lowest P-state is 1.0 GHz (Skylake-SP's LFM).
    ghz: 2.1,
    dvfsGHz: [1.7, 1.4, 1.0],
  },
};

/**
 * Host power at full load at a lower CPU frequency f: idle + (max − idle) × (f / f_base)^2. An
 * estimate: dynamic CPU power goes as V² f, so the exponent would be 3 if voltage fell in proportion
 * to frequency and 1 at a voltage floor; the span max − idle also holds memory, fans and power-supply
 * losses that do not scale with the clock. No measured frequency-power curve of these servers is in
 * ../shared/data/power; a site that has one should write it in instead.
 */
const DVFS_EXPONENT = 2;
const levelMaxW = (host, ghz) => host.idleW + (host.maxW - host.idleW) * (ghz / host.ghz) ** DVFS_EXPONENT;

/**
 * GPUs per type: board power (vendor TDP) at full load, a typical idle draw (nvidia-smi readings of an
 * idle board, ~10-15 % of TDP; an estimate), and speed relative to the reference GPU, an NVIDIA
 * V100 (15.7 FP32 TFLOPS): vendor FP32 peak / 15.7.
 */
const GPUS = {
  P100: { tdpW: 250, idleW: 30, speed: 0.59, note: 'Tesla P100 PCIe: 250 W TDP, 9.3 FP32 TFLOPS' },
  T4: { tdpW: 70, idleW: 10, speed: 0.52, note: 'Tesla T4: 70 W TDP, 8.1 FP32 TFLOPS' },
  V100: { tdpW: 300, idleW: 40, speed: 1.0, note: 'Tesla V100 SXM2 16 GB: 300 W TDP, 15.7 FP32 TFLOPS' },
  V100M32: { tdpW: 300, idleW: 40, speed: 1.0, note: 'Tesla V100 SXM2 32 GB: 300 W TDP, 15.7 FP32 TFLOPS' },
  MISC: {
    tdpW: 250,
    idleW: 30,
    speed: 0.59,
    note: 'types the trace does not name; assumed P100-class: 250 W TDP, 0.59 V100',
  },
  CPU: { tdpW: 0, idleW: 0, speed: 0, note: 'no GPU' },
};

const power = parseCsv(readFileSync(powerCsv, 'utf8'));
const powerHeader = power[0];
const col = (name) => {
  const i = powerHeader.indexOf(name);
  if (i < 0) throw new Error(`${powerCsv}: no column "${name}"`);
  return i;
};
const [cRow, cSystem, cMax, cIdle, cCpu] = [
  '',
  'System',
  'avg. watts @ 100%',
  'avg. watts @ active idle',
  'CPU Description',
].map(col);
for (const host of Object.values(HOSTS)) {
  const row = power.find((r) => r[cRow] === host.row);
  if (!row || !row[cSystem].includes(host.system) || !row[cCpu].includes(host.cpu)) {
    throw new Error(`${powerCsv}: row ${host.row} is not "${host.system}" any more`);
  }
  host.systemName = row[cSystem];
  host.idleW = Number(row[cIdle]);
  host.maxW = Number(row[cMax]);
}

const machines = parseCsv(readFileSync(machinesCsv, 'utf8'));
/** shape key -> { gpuType, cpu, memGB, gpus, count } */
const shapes = new Map();
for (const [, gpuType, cpu, mem, gpu] of machines) {
  const key = `${gpuType},${cpu},${mem},${gpu}`;
  const shape = shapes.get(key) ?? {
    gpuType,
    cpu: Number(cpu),
    memGB: Number(mem),
    gpus: Number(gpu),
    count: 0,
  };
  shape.count++;
  shapes.set(key, shape);
}
const total = [...shapes.values()].reduce((n, s) => n + s.count, 0);
if (total !== 1897) throw new Error(`${machinesCsv}: expected 1,897 machines, found ${total}`);

const sorted = [...shapes.values()].sort(
  (a, b) => b.count - a.count || a.gpuType.localeCompare(b.gpuType) || a.memGB - b.memGB,
);
const round1 = (x) => Math.round(x * 10) / 10;

const lines = [
  '# yaml-language-server: $schema=../../schemas/platform.schema.json',
  '#',
  '# GENERATED by scripts/make-alibaba-platform.mjs; do not edit by hand, run the script again.',
  '#',
  '# The 1,897 machines of the Alibaba PAI GPU cluster trace (2020), one node type per distinct',
  '# machine shape (gpu_type, CPUs, memory, GPUs) with its count.',
  '#',
  '# Data: Alibaba cluster-trace-gpu-v2020, pai_machine_spec.csv, licensed CC-BY-4.0',
  '# (https://github.com/alibaba/clusterdata, cluster-trace-gpu-v2020). Attribution: Qizhen Weng et al.,',
  '# "MLaaS in the Wild: Workload Analysis and Scheduling in Large-Scale Heterogeneous GPU Clusters",',
  '# NSDI 2022. This file is derived from it (aggregated, with power and speed added as below) and is',
  '# itself CC-BY-4.0.',
  '#',
  '# Mapping (the trace gives only CPUs, memory and GPUs):',
  '# - cores = cap_cpu (logical CPUs, as the trace allocates them); memory = cap_mem read as GiB.',
  ...Object.entries(HOSTS).map(
    ([cpus, h]) =>
      `# - ${cpus}-CPU hosts: ${h.what}, speed ${h.speed}. Host power: SPECpower_ssj2008 row ${h.row}` +
      `\n#   (SPEC, via Cloud Carbon Footprint), "${h.systemName}":` +
      `\n#   ${h.idleW} W idle, ${h.maxW} W at 100 %.`,
  ),
  '# - Core speed: 1 = the reference core (10 GFLOPS, docs/platform-format.md); a Skylake-SP logical',
  '#   CPU is taken as 1, a Broadwell-EP one as 0.85 (similar clocks, ~15 % less work per cycle; an',
  '#   estimate).',
  ...Object.entries(HOSTS).map(
    ([cpus, h]) =>
      `# - ${cpus}-CPU hosts' CPU frequencies: base ${h.ghz} GHz (speed and max power are at it), and` +
      `\n#   ${h.dvfsGHz.join(', ')} GHz (lower P-states; the lowest is the CPU's minimum) for energy-aware` +
      '\n#   placement (power.dvfs; the cluster operator sets P-states, a tenant VM could not).',
  ),
  `# - Host power at full load at a lower frequency f: idle + (max - idle) x (f / f_base)^${DVFS_EXPONENT}, an`,
  '#   estimate (CMOS dynamic power goes as V^2 f: exponent 3 if voltage fell with frequency, 1 at a',
  '#   voltage floor, and part of the span is memory and fans that do not scale). No measured',
  '#   frequency-power curve of these servers is in ../shared/data/power.',
  "# - GPUs (gpu_speed 1 = NVIDIA V100, 15.7 FP32 TFLOPS): power given apart from the host's, per GPU",
  '#   (power.gpu: idle, TDP at full load), so a CPU-only task is not charged for idle GPUs; idle',
  '#   board power ~10-15 % of TDP (an estimate):',
  ...Object.entries(GPUS)
    .filter(([, g]) => g.tdpW > 0)
    .map(([type, g]) => `#   ${type}: ${g.note}; idle ${g.idleW} W.`),
  '# - Carbon: one site on the Chinese grid, about 570 gCO2e/kWh (national average of the early 2020s,',
  '#   approximate). Intra-cluster network: 25 Gb/s Ethernet, 10 us (assumed; the trace does not say).',
  `# Nodes: ${sorted.map((s) => s.count).join(' + ')} = ${total}.`,
  'name: alibaba-pai-1897',
  'version: 1',
  '',
  'sites:',
  '  - id: pai',
  '    kind: cloud',
  '    carbon: 570',
  '',
  'node_types:',
];
for (const s of sorted) {
  const host = HOSTS[s.cpu];
  const gpu = GPUS[s.gpuType];
  if (!host) throw new Error(`no host model for ${s.cpu} CPUs`);
  if (!gpu) throw new Error(`no GPU model for gpu_type ${s.gpuType}`);
  const id = `${s.gpuType.toLowerCase()}-${s.cpu}c-${s.memGB}g${s.gpus > 0 ? `-${s.gpus}gpu` : ''}`;
  lines.push(
    `  - id: ${id}`,
    '    site: pai',
    `    count: ${s.count}`,
    `    cores: ${s.cpu}`,
    `    speed: ${host.speed.toFixed(2)}`,
    `    memory: ${s.memGB}Gi`,
  );
  if (s.gpus > 0) lines.push(`    gpus: ${s.gpus}`, `    gpu_speed: ${gpu.speed.toFixed(2)}`);
  lines.push(
    `    frequency: ${host.ghz}GHz`,
    '    power:',
    `      idle: ${round1(host.idleW)}W`,
    `      max: ${round1(host.maxW)}W`,
  );
  if (s.gpus > 0) lines.push(`      gpu: { idle: ${gpu.idleW}W, max: ${gpu.tdpW}W }`);
  lines.push('      dvfs:');
  for (const ghz of host.dvfsGHz)
    lines.push(`        - { frequency: ${ghz}GHz, max: ${round1(levelMaxW(host, ghz))}W }`);
}
lines.push('', 'intra_site: { bandwidth: 25Gbps, latency: 10us }', '');

writeFileSync(out, lines.join('\n'));
console.log(`wrote ${out}: ${sorted.length} node types, ${total} nodes`);
