import { describe, expect, it } from 'vitest';
import type { Platform, Workload } from '../../model/index.js';
import { carbonAwarePolicy, planCarbonG } from './carbon-aware-policy.js';
import { energyAwareHeft, planEnergyJ } from './energy-heft-policy.js';
import { heftOnPlatform } from './heft-policy.js';
import { checkPlan } from './list-scheduling.js';
import { planSites } from './locality-policy.js';
import { multiObjectivePolicy } from './multi-objective-policy.js';
import { platformCostModel } from './platform-costs.js';
import { nodeTypeBuilder, taskBuilder } from '../testing/fixtures.js';
import { planTransfers, TransferLedger, transferCarbonG } from './transfer-energy.js';

const GB = 1e9;
const node = nodeTypeBuilder({ cores: 4, idleW: 0, maxW: 100 });
const job = taskBuilder({ work: 400, cores: 4 });

/**
 * Three sites in a line: A — B — C, links of 1 µJ/B (A–B) and 3 µJ/B (B–C); grids of 400, 50 and
 * 100 g/kWh. One 4-core type per site, all 100 W flat out.
 */
function line(): Platform {
  return {
    name: 'line',
    sites: [
      { id: 'A', kind: 'hpc', carbon: { kind: 'constant', gPerKWh: 400 } },
      { id: 'B', kind: 'cloud', carbon: { kind: 'constant', gPerKWh: 50 } },
      { id: 'C', kind: 'edge', carbon: { kind: 'constant', gPerKWh: 100 } },
    ],
    nodeTypes: [node('a', 'A'), node('b', 'B'), node('c', 'C')],
    links: [
      { from: 'A', to: 'B', bandwidthBps: 1e9, latencyS: 0, energyJPerByte: 1e-6 },
      { from: 'B', to: 'C', bandwidthBps: 1e9, latencyS: 0, energyJPerByte: 3e-6 },
    ],
    data: { raw: 'A' },
  };
}

/** raw (2 GB, at A) → p writes mid (1 GB) → q and r both read mid; r also reads raw. */
function diamond(): Workload {
  return {
    name: 'diamond',
    files: [
      { name: 'raw', sizeBytes: 2 * GB },
      { name: 'mid', sizeBytes: 1 * GB },
      { name: 'outq', sizeBytes: 0 },
      { name: 'outr', sizeBytes: 0 },
    ],
    tasks: [
      job('p', { inputs: [0], outputs: [1] }),
      job('q', { inputs: [1], outputs: [2], parents: [0] }),
      job('r', { inputs: [0, 1], outputs: [3], parents: [0] }),
    ],
  };
}

describe('TransferLedger', () => {
  it('charges each input file from its source site at the link energy, once per site', () => {
    const model = platformCostModel(diamond(), line());
    const ledger = new TransferLedger(model);
    // p at B: raw (2 GB) comes from A over A–B at 1 µJ/B.
    expect(ledger.cost(0, 1)).toEqual({ bytes: 2 * GB, joules: 2000 });
    expect(ledger.cost(0, 0)).toEqual({ bytes: 0, joules: 0 });
    ledger.commit(0, 1);
    // q at B: mid is written there, nothing to move; q at A: 1 GB back over A–B.
    expect(ledger.cost(1, 1)).toEqual({ bytes: 0, joules: 0 });
    expect(ledger.cost(1, 0)).toEqual({ bytes: GB, joules: 1000 });
    // r at B: raw is already there (p fetched it), mid too.
    expect(ledger.cost(2, 1)).toEqual({ bytes: 0, joules: 0 });
    // r at A: raw is there from the start, mid comes back: 1 GB.
    expect(ledger.cost(2, 0)).toEqual({ bytes: GB, joules: 1000 });
    ledger.commit(1, 0);
    // q took mid to A: r at A now moves nothing.
    expect(ledger.cost(2, 0)).toEqual({ bytes: 0, joules: 0 });
  });

  it('looks ahead at the outputs: once per file and receiving site, split by site', () => {
    const model = platformCostModel(diamond(), line());
    const ledger = new TransferLedger(model);
    const expected = Int32Array.from([-1, 0, 2]); // q expected at A, r at C
    const perSite = new Float64Array(3);
    // p at B: mid (1 GB) goes to A (1 µJ/B) and to C (3 µJ/B).
    expect(ledger.outputCost(0, 1, expected, perSite)).toEqual({ bytes: 2 * GB, joules: 4000 });
    expect([...perSite]).toEqual([1000, 0, 3000]);
    // move(): inputs and look-ahead together, carbon at each receiving site (A 400, C 100 g/kWh).
    expect(ledger.move(0, 1, expected, 0, 0)).toEqual({
      inBytes: 2 * GB,
      outBytes: 2 * GB,
      joules: 2000 + 4000,
      grams: (2000 * 50 + 1000 * 400 + 3000 * 100) / 3.6e6,
    });
    expect(ledger.move(0, 1, null, 0, 0)).toMatchObject({ outBytes: 0, joules: 2000 });
    // p at A with both readers at A: nothing moves.
    expect(ledger.outputCost(0, 0, Int32Array.from([-1, 0, 0]))).toEqual({ bytes: 0, joules: 0 });
    // p at A, r at C: there is no A–C link, so it cannot be done at any energy.
    expect(ledger.outputCost(0, 0, Int32Array.from([-1, 0, 2])).joules).toBe(Infinity);
  });

  it('replays a whole plan: transfer energy and its carbon at the receiving site', () => {
    const w = diamond();
    const p = line();
    const plan = heftOnPlatform(w, p);
    const sites = planSites(plan);
    // One node per type: q takes A's after p; r starts as soon at B (A–B moves 3 GB in 3 s, less
    // than q's 100 s) and so finishes first there; C is 2 links away from A.
    expect([...sites]).toEqual([0, 0, 1]);
    const { joules, grams } = planTransfers(plan);
    expect(joules).toBeCloseTo(3 * GB * 1e-6, 9); // raw and mid to B
    expect(grams).toBeCloseTo((3000 * 50) / 3.6e6, 12);
    expect(transferCarbonG({ kind: 'constant', gPerKWh: 360 }, 3.6e6, 0)).toBeCloseTo(360, 12);
  });
});

describe('policies count transfer energy', () => {
  /** One short task whose 10 GB input sits at the dirty site; the green site is 8× cleaner. */
  function shortTaskBigInput(jPerByte: number): { w: Workload; p: Platform } {
    const p = line();
    p.links[0]!.energyJPerByte = jPerByte;
    const w: Workload = {
      name: 'short',
      files: [{ name: 'raw', sizeBytes: 10 * GB }],
      tasks: [job('s', { inputs: [0], work: 40 })], // 10 s at 100 W: 1 kJ
    };
    return { w, p };
  }

  it('carbon-aware keeps the task by its data when moving the data emits more than it saves', () => {
    // Run at A: 1 kJ × 400 g/kWh = 0.111 g. At B: 1 kJ × 50 + 10 GB × 1 µJ/B = 10 kJ × 50 → 0.153 g.
    const { w, p } = shortTaskBigInput(1e-6);
    const plan = carbonAwarePolicy(w, p, { slack: 100 });
    expect(checkPlan(plan, plan.model, plan.capacity)).toEqual([]);
    expect(plan.tasks[0]!.reason.nodeType).toBe('a');
    expect(planCarbonG(plan)).toBeCloseTo((1000 * 400) / 3.6e6, 12);
    // With free transfers, the green site wins: the cost of moving was what kept it home.
    const free = shortTaskBigInput(0);
    expect(carbonAwarePolicy(free.w, free.p, { slack: 100 }).tasks[0]!.reason.nodeType).toBe('b');
  });

  it('energy-aware HEFT and the multi-objective policy include it in the energy they minimise', () => {
    const { w, p } = shortTaskBigInput(1e-6);
    // Make B frugal (50 W): 0.5 kJ there, but 10 kJ to bring the input: A stays cheaper.
    p.nodeTypes[1]!.maxW = 50;
    const e = energyAwareHeft(w, p, { slack: 100 });
    expect(e.tasks[0]!.reason.nodeType).toBe('a');
    expect(planEnergyJ(e)).toBeCloseTo(1000, 9);
    const mo = multiObjectivePolicy(w, p, { weights: { makespan: 0, energy: 1, carbon: 0, bytes: 0 } });
    expect(mo.tasks[0]!.reason.nodeType).toBe('a');
    // planEnergyJ counts the transfer when a plan does move data.
    const free = shortTaskBigInput(0);
    free.p.nodeTypes[1]!.maxW = 50;
    const moved = energyAwareHeft(free.w, free.p, { slack: 100 });
    expect(moved.tasks[0]!.reason.nodeType).toBe('b');
    expect(planEnergyJ(moved)).toBeCloseTo(500, 9);
  });

  it('the look-ahead keeps a producer home when its readers stay home', () => {
    // p at the green site B would save carbon on p itself, but its 5 GB output must come back to A
    // for c, which can only run at A (it needs 8 cores; only a8 has them).
    const p = line();
    p.nodeTypes.push(node('a8', 'A', { cores: 8 }));
    const w: Workload = {
      name: 'back',
      files: [{ name: 'out', sizeBytes: 5 * GB }],
      tasks: [job('p', { outputs: [0], work: 40 }), job('c', { inputs: [0], parents: [0], cores: 8 })],
    };
    const plan = carbonAwarePolicy(w, p, { slack: 100 });
    expect(plan.tasks.find((t) => t.task === 0)!.reason.nodeType).not.toBe('b');
    // At A: p 1 kJ × 400; c 400/8 s… at 100 W = 5 kJ × 400. At B p would emit 1 kJ × 50, plus 5 kJ
    // of transfer into A at 400: more.
    const heft = heftOnPlatform(w, p);
    expect(planCarbonG(plan)).toBeLessThanOrEqual(planCarbonG(heft) + 1e-12);
  });
});
