/**
 * The Predictor conformance suite (every model passes the same checks), then each model's own
 * behaviour on hand-made cases.
 */
import { describe, expect, it } from 'vitest';
import { createPredictor, MODEL_NAMES, restorePredictor } from './create-predictor.js';
import { EnsemblePredictor } from './ensemble-predictor.js';
import { PerfmodelError } from './perfmodel-error.js';
import type { NodeType, TaskFeatures } from './types.js';

const task = (type: string, inputBytes = 0): TaskFeatures => ({ type, inputBytes, cores: 1, memoryBytes: 0 });
const ref: NodeType = { id: 'ref', speedFactor: 1 };
const fast: NodeType = { id: 'fast', speedFactor: 2 };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof PerfmodelError ? e.code : `not a PerfmodelError: ${String(e)}`;
  }
  return undefined;
}

describe.each(MODEL_NAMES)('Predictor conformance: %s', (name) => {
  it('predicts a flagged prior before any observation, then from history', () => {
    const p = createPredictor(name);
    expect(p.name).toBe(name);
    const before = p.predict(task('a'), ref);
    expect(before.basis).toBe('prior');
    expect(before.runtime.mean).toBeGreaterThan(0);
    p.observe(task('a'), ref, { runtimeS: 10, peakMemoryBytes: 1000 });
    const after = p.predict(task('a'), ref);
    expect(after.basis).toBe('history');
    expect(after.runtime.mean).toBeCloseTo(10, 6);
    expect(after.runtime.p90).toBeGreaterThanOrEqual(after.runtime.mean);
    expect(after.memory.p95).toBeGreaterThanOrEqual(after.memory.mean);
    expect(after.memory.mean).toBeCloseTo(1000, 6);
    // A type never seen borrows from the others, scaled to the node.
    expect(p.predict(task('b'), fast)).toMatchObject({ basis: 'prior', runtime: { mean: 5 } });
  });

  it('predict does not learn', () => {
    const p = createPredictor(name);
    p.observe(task('a'), ref, { runtimeS: 10 });
    const a = p.predict(task('a'), ref);
    p.predict(task('a'), ref);
    expect(p.predict(task('a'), ref)).toEqual(a);
  });

  it('restores from its JSON state to the same predictions', () => {
    const p = createPredictor(name);
    for (const [i, y] of [12, 15, 11, 30, 14, 13].entries())
      p.observe(task('a', i * 1e9), i % 2 === 0 ? ref : fast, { runtimeS: y, peakMemoryBytes: 100 * y });
    const copy = restorePredictor(JSON.parse(JSON.stringify(p.saveState())));
    expect(copy.name).toBe(name);
    for (const n of [ref, fast, { id: 'new', speedFactor: 0.5 }])
      expect(copy.predict(task('a', 3e9), n)).toEqual(p.predict(task('a', 3e9), n));
  });

  it('refuses bad observations and bad node types with their codes', () => {
    const p = createPredictor(name);
    expect(codeOf(() => p.observe(task('a'), ref, { runtimeS: -1 }))).toBe('PERFMODEL_BAD_OBSERVATION');
    expect(codeOf(() => p.observe(task('a'), ref, { runtimeS: NaN }))).toBe('PERFMODEL_BAD_OBSERVATION');
    expect(codeOf(() => p.observe(task('a'), ref, { runtimeS: 1, peakMemoryBytes: -5 }))).toBe(
      'PERFMODEL_BAD_OBSERVATION',
    );
    expect(codeOf(() => p.predict(task('a'), { id: 'x', speedFactor: 0 }))).toBe('PERFMODEL_BAD_NODE_TYPE');
  });

  it('learns nothing about runtime from an out-of-memory kill, but keeps its memory', () => {
    const p = createPredictor(name);
    p.observe(task('a'), ref, { runtimeS: 3, peakMemoryBytes: 500, outOfMemory: true });
    expect(p.predict(task('a'), ref).basis).toBe('prior');
  });

  it('after refit keeps only the latest observations of the drifted node type', () => {
    const p = createPredictor(name);
    for (let i = 0; i < 10; i++) p.observe(task('a'), ref, { runtimeS: 10 });
    for (let i = 0; i < 3; i++) p.observe(task('a'), ref, { runtimeS: 20 });
    p.refit('ref');
    expect(p.predict(task('a'), ref).runtime.mean).toBeCloseTo(20, 3);
  });
});

describe('baselines', () => {
  it('mean, median and last of 10, 20, 60', () => {
    const want = { mean: 30, median: 20, last: 60 };
    for (const [name, v] of Object.entries(want)) {
      const p = createPredictor(name);
      for (const y of [10, 20, 60]) p.observe(task('a'), ref, { runtimeS: y, peakMemoryBytes: y });
      expect(p.predict(task('a'), ref).runtime.mean).toBeCloseTo(v, 9);
      expect(p.predict(task('a'), ref).memory.p95).toBeCloseTo(v, 9);
    }
  });
});

describe('lotaru', () => {
  it('regresses reference runtime on input size and divides by the node speed (cold start on a new node)', () => {
    const p = createPredictor('lotaru');
    // 2 s + 3 s per GB on the reference core.
    for (const gb of [1, 2, 3, 5]) p.observe(task('a', gb * 1e9), ref, { runtimeS: 2 + 3 * gb });
    expect(p.predict(task('a', 4e9), ref).runtime.mean).toBeCloseTo(14, 2);
    expect(p.predict(task('a', 4e9), fast).runtime.mean).toBeCloseTo(7, 2);
    expect(p.predict(task('a', 4e9), ref).source).toBe('lotaru');
  });
});

describe('ensemble', () => {
  it('turns to the expert that has been right: runtimes that depend on the node', () => {
    const p = new EnsemblePredictor();
    const a: NodeType = { id: 'a', speedFactor: 1 };
    const b: NodeType = { id: 'b', speedFactor: 1 };
    for (let i = 0; i < 10; i++) {
      p.observe(task('t'), a, { runtimeS: 10 });
      p.observe(task('t'), b, { runtimeS: 40 });
    }
    const pa = p.predict(task('t'), a);
    expect(pa.source.startsWith('node:')).toBe(true);
    expect(pa.runtime.mean).toBe(10);
    expect(p.predict(task('t'), b).runtime.mean).toBe(40);
  });

  it('turns to the input-size expert when runtimes depend on the input size bucket', () => {
    const p = new EnsemblePredictor();
    for (let i = 0; i < 10; i++) {
      p.observe(task('t', 1e6), ref, { runtimeS: 5 });
      p.observe(task('t', 1e9), ref, { runtimeS: 50 });
    }
    const small = p.predict(task('t', 1.1e6), ref);
    expect(['size:last', 'size:med3', 'size:med5', 'size:median', 'lotaru']).toContain(small.source);
    expect(small.runtime.mean).toBeCloseTo(5, 0);
  });

  it('predicts a node type never seen from the speed factor', () => {
    const p = new EnsemblePredictor();
    for (let i = 0; i < 5; i++) p.observe(task('t'), ref, { runtimeS: 10 });
    const fresh: NodeType = { id: 'new', speedFactor: 2.5 };
    const experts = p.experts(task('t'), fresh, [{ y: 10, yRef: 10, x: 0, node: 'ref' }]);
    expect(experts[4]).toBeCloseTo(4, 9); // node:last falls back to reference runtime / speed
    expect(p.predict(task('t'), fresh).runtime.typical).toBeCloseTo(4, 9);
  });

  it('calibrates its p90 online: about 90 % of runtimes fall below it on a noisy stationary stream', () => {
    const p = createPredictor('ensemble');
    let covered = 0;
    let n = 0;
    for (let i = 0; i < 600; i++) {
      const y = 10 * (1 + 0.5 * (((i * 7919) % 101) / 100)); // deterministic spread, 10 to 15 s
      if (i >= 100) {
        n++;
        if (y <= p.predict(task('t'), ref).runtime.p90) covered++;
      }
      p.observe(task('t'), ref, { runtimeS: y });
    }
    expect(covered / n).toBeGreaterThan(0.8);
    expect(covered / n).toBeLessThan(0.97);
  });
});

describe('restorePredictor', () => {
  it('refuses what is not a saved state, with PERFMODEL_BAD_STATE or PERFMODEL_UNKNOWN_MODEL', () => {
    expect(codeOf(() => restorePredictor(null))).toBe('PERFMODEL_BAD_STATE');
    expect(codeOf(() => restorePredictor({ format: 'x' }))).toBe('PERFMODEL_BAD_STATE');
    expect(codeOf(() => restorePredictor({ format: 'strata-perfmodel', version: 2 }))).toBe(
      'PERFMODEL_BAD_STATE',
    );
    expect(
      codeOf(() => restorePredictor({ format: 'strata-perfmodel', version: 1, model: 'magic', data: {} })),
    ).toBe('PERFMODEL_UNKNOWN_MODEL');
    const good = createPredictor('ensemble');
    good.observe(task('a'), ref, { runtimeS: 1 });
    const s = JSON.parse(JSON.stringify(good.saveState())) as {
      data: { history: { runtimes: Record<string, unknown> } };
    };
    s.data.history.runtimes['a'] = [[1, 'x']];
    expect(codeOf(() => restorePredictor(s))).toBe('PERFMODEL_BAD_STATE');
    expect(codeOf(() => createPredictor('magic'))).toBe('PERFMODEL_UNKNOWN_MODEL');
  });
});
