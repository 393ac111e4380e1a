import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Platform } from '../src/model/index.js';
import { planAssignment, planWith } from '../src/scheduler/index.js';
import { energyAwareHeft } from '../src/scheduler/energy-heft-policy.js';
import { simulate } from '../src/sim/index.js';
import { importWfCommons, parsePlatform } from '../src/workflow/index.js';
const alpha = Number(process.argv[2] ?? 3);
const fr = (process.argv[3] ?? '0.8,0.6').split(',').map(Number);
const dir = '/work/shared/data/wfcommons';
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'wfcommons-schema.json').sort();
const plats = ['continuum', 'continuum-10k', 'alibaba-pai-1897'].map((n) => {
  const r = parsePlatform(readFileSync(`examples/platforms/${n}.yaml`, 'utf8'), { file: n }); if (!r.ok) throw new Error('x'); const p = r.platform;
  const lv = (t: { id: string }): [number, number[]] | undefined =>
    t.id.startsWith('hpc-') ? [2.45, [2.0, 1.5]] : t.id.startsWith('edge-arm') ? [3.0, [2.0, 1.5, 1.0]] : n === 'alibaba-pai-1897' ? (t.id.startsWith('p100-64c') ? [2.2, [1.8, 1.5, 1.2]] : [2.1, [1.8, 1.4, 1.0]]) : undefined;
  const pp: Platform = { ...p, nodeTypes: p.nodeTypes.map((t) => { const l = lv(t); if (!l) return t; return { ...t, cpuFrequencyHz: l[0] * 1e9, dvfs: l[1].map((f) => ({ frequencyHz: f * 1e9, speedFactor: f / l[0], maxW: t.idleW + (t.maxW - t.idleW) * (f / l[0]) ** alpha })) }; }) };
  return { n, p: pp };
});
const g: Record<string, number[][]> = {};
for (const f of files) {
  const r = importWfCommons(readFileSync(join(dir, f), 'utf8'), { file: f }); if (!r.ok) throw new Error('y'); const w = r.workload;
  for (const { n, p } of plats) {
    const h = simulate(w, p, planAssignment(planWith('heft', w, p), w.tasks.length), { seed: 1 });
    const e = simulate(w, p, planAssignment(energyAwareHeft(w, p), w.tasks.length), { seed: 1 });
    (g[n] ??= []).push([e.workflowEnergyKWh / h.workflowEnergyKWh, e.makespanS / h.makespanS]);
  }
}
const gm = (a: number[]) => Math.exp(a.reduce((s, x) => s + Math.log(x), 0) / a.length);
let all: number[][] = [];
for (const [n, r] of Object.entries(g)) { all = all.concat(r); console.log(n, 'energy', gm(r.map((x) => x[0]!)).toFixed(3), 'makespan', gm(r.map((x) => x[1]!)).toFixed(3), 'worst mk', Math.max(...r.map((x) => x[1]!)).toFixed(3)); }
console.log('all energy', gm(all.map((x) => x[0]!)).toFixed(3), 'makespan', gm(all.map((x) => x[1]!)).toFixed(3));
