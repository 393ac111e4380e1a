/**
 * A three-site compute continuum built in code, for the benchmark and tests: an HPC centre, a cloud
 * region and an edge site, with round but plausible numbers (documented in docs/simulator.md):
 *
 * | site  | share | cores | speed | memory | idle–max W | carbon gCO2e/kWh            |
 * |-------|-------|-------|-------|--------|------------|-----------------------------|
 * | hpc   | 40 %  | 64    | 1.2   | 256 GB | 180–520    | 60, constant (hydro/nuclear)|
 * | cloud | 40 %  | 16    | 1.0   | 64 GB  | 40–160     | daily series 150–450 (solar)|
 * | edge  | 20 %  | 4     | 0.4   | 8 GB   | 3–12       | 480, constant               |
 *
 * Links: hpc–cloud 100 Gb/s, 20 ms; cloud–edge and hpc–edge 1 Gb/s, 30/50 ms. Network energy
 * 5 µJ/B on the backbone, 20 µJ/B to the edge. Inside a site: 10 Gb/s, 0.1 ms.
 *
 * @example
 * const platform = continuumPlatform(10_000);
 */
import type { Platform } from '../model/index.js';

export function continuumPlatform(nodes: number, data: Record<string, string> = {}): Platform {
  const hpc = Math.round(nodes * 0.4);
  const cloud = Math.round(nodes * 0.4);
  const edge = nodes - hpc - cloud;
  const GB = 2 ** 30;
  return {
    name: `continuum-${nodes}`,
    sites: [
      { id: 'hpc', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 60 } },
      {
        id: 'cloud',
        kind: 'cloud',
        carbon: {
          kind: 'series',
          periodS: 86_400,
          points: [420, 400, 300, 180, 150, 250, 380, 450].map((g, i) => ({ atS: i * 10_800, gPerKWh: g })),
        },
      },
      { id: 'edge', kind: 'edge', carbon: { kind: 'constant', gPerKWh: 480 } },
    ],
    nodeTypes: [
      {
        id: 'hpc-node',
        site: 'hpc',
        count: hpc,
        cores: 64,
        speed: 1.2,
        memoryBytes: 256 * GB,
        gpus: 0,
        gpuSpeed: 0,
        idleW: 180,
        maxW: 520,
      },
      {
        id: 'cloud-vm',
        site: 'cloud',
        count: cloud,
        cores: 16,
        speed: 1,
        memoryBytes: 64 * GB,
        gpus: 0,
        gpuSpeed: 0,
        idleW: 40,
        maxW: 160,
      },
      {
        id: 'edge-box',
        site: 'edge',
        count: edge,
        cores: 4,
        speed: 0.4,
        memoryBytes: 8 * GB,
        gpus: 0,
        gpuSpeed: 0,
        idleW: 3,
        maxW: 12,
      },
    ],
    links: [
      { from: 'hpc', to: 'cloud', bandwidthBps: 12.5e9, latencyS: 0.02, energyJPerByte: 5e-6 },
      { from: 'cloud', to: 'edge', bandwidthBps: 1.25e8, latencyS: 0.03, energyJPerByte: 2e-5 },
      { from: 'hpc', to: 'edge', bandwidthBps: 1.25e8, latencyS: 0.05, energyJPerByte: 2e-5 },
    ],
    intraSite: { bandwidthBps: 1.25e9, latencyS: 1e-4 },
    data,
  };
}
