import { describe, expect, it } from 'vitest';
import type { CarbonIntensity, Platform, WorkloadTask } from '../model/index.js';
import { Random } from '../model/index.js';
import { SimError } from './sim-error.js';
import { simulate, type SimOptions } from './simulate.js';
import { continuumPlatform } from './synthetic-platform.js';
import { syntheticWorkload } from './synthetic-workload.js';
import { continuum20k } from './testing/continuum-run.js';
import { nodeTypeBuilder, platformOf, taskBuilder, wl } from '../scheduler/testing/fixtures.js';

const J_PER_KWH = 3.6e6;

const nodeType = nodeTypeBuilder();
const task = taskBuilder({ type: 'x', work: 1 });

const nodes = (...xs: number[]) => ({ nodeOf: Int32Array.from(xs) });
const opts = (over: Partial<SimOptions> = {}): SimOptions => ({ seed: 1, trace: true, ...over });

/** Two sites A (node 0: 2 cores) and B (node 1: 1 core, speed 2), linked at 100 MB/s. */
function twoSites(latencyS: number): Platform {
  const p = platformOf([nodeType('a', 'A', { cores: 2 }), nodeType('b', 'B', { speed: 2 })]);
  p.links = [{ from: 'A', to: 'B', bandwidthBps: 100e6, latencyS, energyJPerByte: 1e-9 }];
  return p;
}

describe('simulate: tasks, nodes and transfers', () => {
  it('runs a 3-task chain across two sites with exact transfer times', () => {
    // t0 on A: 0–10 s, writes 200 MB → A→B: 2 s + 0.5 s latency → t1 on B (speed 2): 12.5–17.5,
    // writes 50 MB → B→A: 0.5 s + 0.5 s → t2 on A (2 cores): 18.5–20.5.
    const w = wl(
      [
        task('t0', { work: 10, outputs: [0] }),
        task('t1', { work: 10, inputs: [0], outputs: [1], parents: [0] }),
        task('t2', { work: 4, cores: 2, inputs: [1], parents: [1] }),
      ],
      [200e6, 50e6],
    );
    const r = simulate(w, twoSites(0.5), nodes(0, 1, 0), opts());
    expect(r.makespanS).toBeCloseTo(20.5, 9);
    expect(Array.from(r.trace!.start)).toEqual([0, 12.5, 18.5]);
    expect(r.trace!.finish[1]).toBeCloseTo(17.5, 9);
    expect(r.bytesMoved).toBe(250e6);
    expect(r.transfers).toBe(2);
    expect(r.tasksFinished).toBe(3);
    // Transfer energy: 250e6 B × 1 nJ/B, at the destination sites (power of nodes is 0 here).
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(0.25, 9);
    expect(r.perSite.B!.energyKWh * J_PER_KWH).toBeCloseTo(0.2, 9);
  });

  /** r1 and r2 (r2 after `r2Work` reference-core seconds) each write a 100 MB file, c1 and c2 read one each. */
  const twoTransfers = (r2Work: number) =>
    wl(
      [
        task('r1', { work: 0, outputs: [0] }),
        task('r2', { work: r2Work, outputs: [1] }),
        task('c1', { work: 0, inputs: [0] }),
        task('c2', { work: 0, inputs: [1] }),
      ],
      [100e6, 100e6],
    );

  it('shares a link fairly: transfers starting at 0 s and 0.5 s arrive at 1.5 s and 2 s', () => {
    const w = twoTransfers(0.5);
    const r = simulate(w, twoSites(0), nodes(0, 0, 1, 1), opts());
    expect(r.trace!.finish[2]).toBeCloseTo(1.5, 9);
    expect(r.trace!.finish[3]).toBeCloseTo(2, 9);
    expect(r.makespanS).toBeCloseTo(2, 9);
  });

  it('two transfers starting together on a 100 MB/s link both arrive at 2 s', () => {
    const w = twoTransfers(0);
    const r = simulate(w, twoSites(0), nodes(0, 0, 1, 1), opts());
    expect(Array.from(r.trace!.finish)).toEqual([0, 0, 2, 2]);
  });

  it('moves a file to a site once: later consumers there reuse it, even while it is in flight', () => {
    const w = wl(
      [
        task('r', { work: 0, outputs: [0] }),
        task('c1', { work: 1, inputs: [0] }),
        task('c2', { work: 1, inputs: [0] }),
      ],
      [100e6],
    );
    const r = simulate(w, twoSites(0), nodes(0, 1, 1), opts());
    expect(r.transfers).toBe(1);
    expect(r.bytesMoved).toBe(100e6);
    // Both wait for the one transfer (1 s), then share node B's single core: 1.5 s + 0.5 s.
    expect(r.makespanS).toBeCloseTo(2, 9);
  });

  it('reads initial data from its site; a file with no location is local', () => {
    const w = wl([task('a', { work: 0, inputs: [0, 1] })], [100e6, 1e12]);
    const p = twoSites(0.25);
    p.data = { f0: 'A' };
    const r = simulate(w, p, nodes(1), opts());
    expect(r.makespanS).toBeCloseTo(1.25, 9);
    expect(r.bytesMoved).toBe(100e6);
  });

  it('charges intra-site moves between nodes when platform.intraSite is given', () => {
    const p = platformOf([nodeType('a', 'A', { count: 2 })], {
      intraSite: { bandwidthBps: 1e9, latencyS: 0.1 },
    });
    const w = wl(
      [task('p', { work: 1, outputs: [0] }), task('c', { work: 1, inputs: [0], parents: [0] })],
      [1e9],
    );
    expect(simulate(w, p, nodes(0, 1), opts()).makespanS).toBeCloseTo(3.1, 9);
    expect(simulate(w, p, nodes(0, 0), opts()).makespanS).toBeCloseTo(2, 9);
    delete p.intraSite;
    expect(simulate(w, p, nodes(0, 1), opts()).makespanS).toBeCloseTo(2, 9);
  });

  it('runs tasks concurrently while their cores fit, in priority order', () => {
    const p = platformOf([nodeType('a', 'A', { cores: 2 })]);
    const w = wl([task('a', { work: 10 }), task('b', { work: 10 }), task('c', { work: 10 })]);
    const r = simulate(w, p, nodes(0, 0, 0), opts());
    expect(r.makespanS).toBe(20);
    expect(Array.from(r.trace!.start)).toEqual([0, 0, 10]);
    const prio = simulate(w, p, { ...nodes(0, 0, 0), priority: Float64Array.from([3, 2, 1]) }, opts());
    expect(Array.from(prio.trace!.start)).toEqual([10, 0, 0]);
    expect(r.meanUtilisation).toBeCloseTo(30 / 40, 12);
  });

  it('waits for notBefore', () => {
    const p = platformOf([nodeType('a', 'A')]);
    const r = simulate(
      wl([task('a', { work: 1 })]),
      p,
      { ...nodes(0), notBefore: Float64Array.of(100) },
      opts(),
    );
    expect(r.trace!.start[0]).toBe(100);
    expect(r.makespanS).toBe(101);
  });
});

describe('simulate: power, energy and carbon', () => {
  const onePowerNode = (carbon: CarbonIntensity) => {
    const p = platformOf([nodeType('n', 'A', { cores: 2, idleW: 100, maxW: 200 })]);
    p.sites[0]!.carbon = carbon;
    return p;
  };
  const tenSeconds = wl([task('a', { work: 10 })]);

  it('a 1-core task for 10 s on a 2-core node of 100–200 W: 10 s × 150 W = 1500 J', () => {
    const r = simulate(tenSeconds, onePowerNode({ kind: 'constant', gPerKWh: 360 }), nodes(0), opts());
    expect(r.makespanS).toBe(10);
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(1500, 9);
    expect(r.perNode.energyJ[0]).toBeCloseTo(1500, 9);
    expect(r.trace!.energyJ[0]).toBeCloseTo(1500, 9);
    // 1500 J = 1/2400 kWh; × 360 g/kWh = 0.15 g.
    expect(r.carbonKg * 1000).toBeCloseTo(0.15, 12);
    expect(r.perSite.A!.carbonKg * 1000).toBeCloseTo(0.15, 12);
    expect(r.meanUtilisation).toBeCloseTo(0.5, 12);
  });

  it('integrates a two-point carbon series over the run, from startAtS', () => {
    const series: CarbonIntensity = {
      kind: 'series',
      points: [
        { atS: 0, gPerKWh: 100 },
        { atS: 5, gPerKWh: 500 },
      ],
    };
    // 150 W × (5 s × 100 + 5 s × 500) g/kWh·s / 3.6e6 = 0.125 g.
    const r = simulate(tenSeconds, onePowerNode(series), nodes(0), opts());
    expect(r.carbonKg * 1000).toBeCloseTo(0.125, 12);
    // Read from 5 s on: 500 g/kWh throughout → 150 × 5000 / 3.6e6 g.
    const later = simulate(tenSeconds, onePowerNode(series), nodes(0), opts({ startAtS: 5 }));
    expect(later.carbonKg * 1000).toBeCloseTo((150 * 5000) / J_PER_KWH, 12);
    expect(later.energyKWh).toBe(r.energyKWh);
  });

  it('counts idle power of every node for the whole run, and splits it among tasks by core-seconds', () => {
    const p = platformOf([nodeType('n', 'A', { cores: 2, idleW: 100, maxW: 200, count: 2 })]);
    const w = wl([task('a', { work: 10 }), task('b', { work: 5, cores: 2 }), task('c', { work: 2.5 })]);
    // Node 0: a (1 core, 10 s). Node 1: b (2 cores, 2.5 s) then c (1 core, 2.5 s). Makespan 10.
    const r = simulate(w, p, nodes(0, 1, 1), opts());
    expect(r.makespanS).toBe(10);
    expect(r.perNode.energyJ[0]).toBeCloseTo(1000 + 500, 9);
    expect(r.perNode.energyJ[1]).toBeCloseTo(1000 + 250 + 125, 9);
    // Node 1's 1000 J idle: b used 5 core-s, c 2.5 core-s → 2/3 and 1/3.
    expect(r.trace!.energyJ[1]).toBeCloseTo(250 + 1000 * (2 / 3), 9);
    expect(r.trace!.energyJ[2]).toBeCloseTo(125 + 1000 / 3, 9);
    expect(r.energyKWh * J_PER_KWH).toBeCloseTo(2875, 9);
  });
});

describe('simulate: failures and retries', () => {
  it('a node crash kills the running attempt; the task is retried after the repair and finishes', () => {
    const seed = 18;
    const mtbf = 100;
    const repairS = 30;
    const work = 20;
    // The crash stream: the node's first crash, then (after the repair) the time to the next one.
    const rng = new Random(seed, 1);
    const crash1 = rng.exponential(mtbf);
    const next = rng.exponential(mtbf);
    expect(crash1).toBeLessThan(work); // the seed is chosen so that the first attempt is hit...
    expect(next).toBeGreaterThan(work); // ...and the second is not
    const p = platformOf([nodeType('n', 'A')]);
    const r = simulate(wl([task('a', { work })]), p, nodes(0), {
      seed,
      trace: true,
      failures: { nodeMtbfS: mtbf, repairS },
      retry: { maxAttempts: 3, initialDelayMs: 1000, factor: 2, maxDelayMs: 10_000, jitter: 0 },
    });
    expect(r.failures).toMatchObject({ nodeCrashes: 1, failedAttempts: 1, retriedTasks: 1, failedTasks: 0 });
    expect(r.trace!.attempts[0]).toBe(2);
    // Retry delay (1 s) ends while the node is down: it starts when the node is back.
    expect(r.trace!.start[0]).toBeCloseTo(crash1 + repairS, 9);
    expect(r.makespanS).toBeCloseTo(crash1 + repairS + work, 9);
    expect(r.tasksFinished).toBe(1);
  });

  it("waits the engine's retry delay (retryDelayMs) when the node is back sooner", () => {
    const seed = 18;
    const rng = new Random(seed, 1);
    const crash1 = rng.exponential(100);
    expect(rng.exponential(100)).toBeGreaterThan(5 + 20);
    const p = platformOf([nodeType('n', 'A')]);
    const r = simulate(wl([task('a', { work: 20 })]), p, nodes(0), {
      seed,
      trace: true,
      failures: { nodeMtbfS: 100, repairS: 0 },
      retry: { maxAttempts: 2, initialDelayMs: 5000, factor: 2, maxDelayMs: 60_000, jitter: 0 },
    });
    expect(r.trace!.start[0]).toBeCloseTo(crash1 + 5, 9);
    expect(r.makespanS).toBeCloseTo(crash1 + 5 + 20, 9);
  });

  it('a task out of attempts fails, and its descendants are skipped and counted', () => {
    const p = platformOf([nodeType('n', 'A', { count: 2 })]);
    const w = wl([
      task('doomed', { work: 1e6 }),
      task('child', { parents: [0] }),
      task('grandchild', { parents: [1] }),
      task('free', { work: 0 }),
    ]);
    const r = simulate(w, p, nodes(0, 0, 0, 1), {
      seed: 5,
      trace: true,
      failures: { nodeMtbfS: 1000 },
      retry: { maxAttempts: 2, initialDelayMs: 0, factor: 1, maxDelayMs: 0, jitter: 0 },
    });
    expect(r.failures.failedTasks).toBe(1);
    expect(r.failures.skippedTasks).toBe(2);
    expect(r.failures.retriedTasks).toBe(1);
    expect(r.failures.failedAttempts).toBe(2);
    expect(r.tasksFinished).toBe(1);
    expect(r.trace!.attempts[0]).toBe(2);
    expect(r.trace!.attempts[1]).toBe(0);
    expect(Number.isNaN(r.trace!.finish[2])).toBe(true);
  });

  it('stragglers run slowdown× longer', () => {
    const p = platformOf([nodeType('n', 'A')]);
    const r = simulate(wl([task('a', { work: 10 })]), p, nodes(0), {
      seed: 1,
      failures: { stragglerProbability: 1, stragglerSlowdown: 3 },
    });
    expect(r.makespanS).toBe(30);
    expect(r.failures.stragglers).toBe(1);
  });
});

describe('simulate: overheads', () => {
  const p = platformOf([nodeType('n', 'A', { cores: 64 })]);
  const chain = wl([task('a'), task('b', { parents: [0] }), task('c', { parents: [1] })]);

  it('perTaskS delays each task once', () => {
    expect(simulate(chain, p, nodes(0, 0, 0), opts({ overheads: { perTaskS: 2 } })).makespanS).toBe(9);
  });

  it('perLevelS is paid once per DAG level', () => {
    const w = wl([task('a'), task('b'), task('c', { parents: [0, 1] })]);
    const r = simulate(w, p, nodes(0, 0, 0), opts({ overheads: { perLevelS: 5 } }));
    expect(Array.from(r.trace!.start)).toEqual([5, 5, 11]);
  });

  it('releaseRatePerS spaces task releases over the whole workflow', () => {
    const w = wl(Array.from({ length: 10 }, (_, i) => task(`t${i}`, { work: 0 })));
    const r = simulate(w, p, { nodeOf: new Int32Array(10) }, opts({ overheads: { releaseRatePerS: 2 } }));
    expect(r.makespanS).toBeCloseTo(4.5, 12);
    expect(Array.from(r.trace!.start)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
  });
});

describe('simulate: input errors', () => {
  const p = platformOf([nodeType('n', 'A', { cores: 2 })]);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(SimError);
      return (e as SimError).code;
    }
    return 'no error';
  };

  it('rejects a task that does not fit its node, an unknown node, a cycle and a missing link', () => {
    expect(code(() => simulate(wl([task('a', { cores: 4 })]), p, nodes(0), opts()))).toBe(
      'SIM_TASK_DOES_NOT_FIT',
    );
    expect(code(() => simulate(wl([task('a')]), p, nodes(3), opts()))).toBe('SIM_BAD_ASSIGNMENT');
    expect(code(() => simulate(wl([task('a')]), p, nodes(0, 0), opts()))).toBe('SIM_BAD_ASSIGNMENT');
    const cycle = wl([task('a', { parents: [1] }), task('b', { parents: [0] })]);
    expect(code(() => simulate(cycle, p, nodes(0, 0), opts()))).toBe('SIM_WORKLOAD_CYCLE');
    const noLink = twoSites(0);
    noLink.links = [];
    const w = wl([task('a', { outputs: [0] }), task('b', { inputs: [0] })], [1]);
    expect(code(() => simulate(w, noLink, nodes(0, 1), opts()))).toBe('SIM_NO_LINK');
  });
});

describe('simulate: large random runs', () => {
  /** Round-robin over the nodes whose type fits, per site of the first parent. */
  function placement(tasks: WorkloadTask[], nodeCount: number, cores: Int32Array): Int32Array {
    const nodeOf = new Int32Array(tasks.length);
    let rr = 0;
    tasks.forEach((t, i) => {
      do rr = (rr + 1) % nodeCount;
      while (cores[rr]! < t.cores);
      nodeOf[i] = rr;
    });
    return nodeOf;
  }

  it('runs 20,000 tasks on a 3-site continuum: every task once, after all its parents', () => {
    const { workload, platform } = continuum20k();
    const cores = new Int32Array(200);
    let k = 0;
    for (const t of platform.nodeTypes) for (let i = 0; i < t.count; i++) cores[k++] = t.cores;
    const nodeOf = placement(workload.tasks, 200, cores);
    const r = simulate(workload, platform, { nodeOf }, { seed: 3, trace: true });
    expect(r.tasksFinished).toBe(20_000);
    expect(r.failures.failedTasks + r.failures.skippedTasks).toBe(0);
    expect(r.transfers).toBeGreaterThan(100);
    const { start, finish, attempts } = r.trace!;
    let ordered = 0;
    workload.tasks.forEach((t, i) => {
      expect(attempts[i]).toBe(1);
      if (t.parents.every((p) => finish[p]! <= start[i]!)) ordered++;
    });
    expect(ordered).toBe(20_000);
    expect(Math.max(...finish)).toBe(r.makespanS);
    expect(r.energyKWh).toBeGreaterThan(0);
    expect(r.perSite.hpc!.energyKWh + r.perSite.cloud!.energyKWh + r.perSite.edge!.energyKWh).toBeCloseTo(
      r.energyKWh,
      6,
    );
  });

  it('is deterministic: same inputs and seed, same report; another seed, another run', () => {
    const { workload, initialData } = syntheticWorkload({ tasks: 5000, seed: 9, dataSites: ['edge'] });
    const platform = continuumPlatform(50, initialData);
    const nodeOf = Int32Array.from(workload.tasks, (_, i) => 20 + (i % 20)); // the cloud nodes
    const o: SimOptions = {
      seed: 21,
      trace: true,
      failures: { nodeMtbfS: 20_000, repairS: 300, stragglerProbability: 0.05 },
      retry: { maxAttempts: 2, initialDelayMs: 1000, factor: 2, maxDelayMs: 60_000, jitter: 1 },
    };
    const a = simulate(workload, platform, { nodeOf }, o);
    const b = simulate(workload, platform, { nodeOf }, o);
    expect(a.failures.nodeCrashes).toBeGreaterThan(0);
    expect(b).toEqual(a);
    const c = simulate(workload, platform, { nodeOf }, { ...o, seed: 22 });
    expect(c.makespanS).not.toBe(a.makespanS);
    expect(a.tasksFinished + a.failures.failedTasks + a.failures.skippedTasks).toBe(5000);
  });
});
