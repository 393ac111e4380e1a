import { describe, expect, it } from 'vitest';
import type { Platform, Workload } from '../model/index.js';
import { simulate } from './simulate.js';

const J_PER_KWH = 3.6e6;

/** Two 2-core nodes of 100 W idle / 200 W full on one site, 360 gCO2e/kWh. */
const platform: Platform = {
  name: 'p',
  sites: [{ id: 's', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 360 } }],
  nodeTypes: [
    {
      id: 'n',
      site: 's',
      count: 2,
      cores: 2,
      speed: 1,
      memoryBytes: 1e9,
      gpus: 0,
      gpuSpeed: 0,
      idleW: 100,
      maxW: 200,
    },
  ],
  links: [],
  data: {},
};

const oneTask: Workload = {
  name: 'w',
  files: [],
  tasks: [
    {
      name: 'a',
      type: 'a',
      work: 10,
      cores: 1,
      memoryBytes: 0,
      gpus: 0,
      inputs: [],
      outputs: [],
      parents: [],
    },
  ],
};

describe('workflow-attributable energy', () => {
  it('counts the held cores’ share of idle and dynamic power while held, not idle nodes', () => {
    const r = simulate(oneTask, platform, { nodeOf: Int32Array.of(0) }, { seed: 1 });
    expect(r.makespanS).toBe(10);
    // Platform: node 0 at 150 W and node 1 idle at 100 W for 10 s.
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(2500, 9);
    // Workflow: one core of two, (200 W / 2) × 10 s.
    expect(r.workflowEnergyKWh * J_PER_KWH).toBeCloseTo(1000, 9);
    // 1000 J = 1/3600 kWh at 360 g/kWh = 0.1 g.
    expect(r.workflowCarbonKg * 1000).toBeCloseTo(0.1, 12);
  });
});
