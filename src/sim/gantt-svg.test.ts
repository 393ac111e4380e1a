import { describe, expect, it } from 'vitest';
import { nodeTypeBuilder, platformOf, taskBuilder, wl } from '../scheduler/testing/fixtures.js';
import { ganttLanes, ganttSvg } from './gantt-svg.js';
import type { SimTrace } from './report.js';
import { simulate } from './simulate.js';

function trace(rows: Array<[start: number, finish: number, node: number]>): SimTrace {
  return {
    start: Float64Array.from(rows, (r) => r[0]),
    finish: Float64Array.from(rows, (r) => r[1]),
    node: Int32Array.from(rows, (r) => r[2]),
    attempts: new Int32Array(rows.length).fill(1),
    energyJ: new Float64Array(rows.length),
    carbonG: new Float64Array(rows.length),
    level: new Uint8Array(rows.length),
  };
}

describe('ganttLanes', () => {
  it('puts tasks running at once on one node in separate lanes, reusing a lane once it is free', () => {
    // Node 0: a 0–10, b 0–5, c 5–8 (b's lane is free at 5), d 2–12 (third lane); node 1: e alone.
    const tr = trace([
      [0, 10, 0],
      [0, 5, 0],
      [5, 8, 0],
      [2, 12, 0],
      [1, 3, 1],
      [NaN, NaN, -1],
    ]);
    const { laneOf, lanesOf } = ganttLanes(tr, 6);
    expect(Array.from(laneOf)).toEqual([0, 1, 1, 2, 0, -1]);
    expect([...lanesOf.entries()].sort()).toEqual([
      [0, 3],
      [1, 1],
    ]);
  });
});

describe('ganttSvg', () => {
  it('draws each task of a multi-core node in its own lane, never on top of another', () => {
    const task = taskBuilder({ work: 10 });
    const w = wl([task('a'), task('b'), task('c'), task('d', { parents: [0] })]);
    const p = platformOf([nodeTypeBuilder()('big', 'S', { cores: 4 })]);
    const r = simulate(w, p, { nodeOf: new Int32Array(4) }, { seed: 1, trace: true });
    const svg = ganttSvg(r.trace!, w, p, { title: 't' });
    expect(svg).toContain('big#0 (3 at once)');
    const bars = [
      ...svg.matchAll(
        /<rect x="([\d.]+)" y="(\d+)" width="([\d.]+)" height="(\d+)" fill="hsl[^"]*"><title>/g,
      ),
    ].map((m) => ({ x: Number(m[1]), y: Number(m[2]), w: Number(m[3]) }));
    expect(bars).toHaveLength(4);
    // a, b, c run together (0–10 s): three different lanes; d (10–20) reuses a lane.
    expect(new Set(bars.slice(0, 3).map((b) => b.y)).size).toBe(3);
    for (let i = 0; i < bars.length; i++)
      for (let j = i + 1; j < bars.length; j++) {
        const [u, v] = [bars[i]!, bars[j]!];
        const overlapX = u.x < v.x + v.w - 1e-6 && v.x < u.x + u.w - 1e-6;
        expect(overlapX && u.y === v.y).toBe(false);
      }
  });

  it('shows the reason of each placement in its tooltip, escaped', () => {
    const task = taskBuilder({ work: 10 });
    const w = wl([task('a'), task('b')]);
    const p = platformOf([nodeTypeBuilder()('big', 'S', { cores: 4 })]);
    const r = simulate(w, p, { nodeOf: new Int32Array(2) }, { seed: 1, trace: true });
    const svg = ganttSvg(r.trace!, w, p, {
      reasons: [{ policy: 'heft', eft: 10.123456, note: 'a<b' }, undefined],
    });
    expect(svg).toContain('<title>a (t): 0.0–10.0 s\npolicy=heft\neft=10.12\nnote=a&#60;b</title>');
    expect(svg).toContain('<title>b (t): 0.0–10.0 s</title>');
  });
});
