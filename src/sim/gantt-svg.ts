/**
 * Draws a simulated schedule as an SVG Gantt chart: one row per node that ran something, one bar
 * per task coloured by its type. Pure string building, so that it works wherever the twin runs.
 */
import type { Platform, Workload } from '../model/index.js';
import { nodeOffsets } from '../model/index.js';
import type { SimTrace } from './report.js';

export interface GanttOptions {
  /** Most node rows drawn (the busiest); default 80. */
  maxRows?: number;
  width?: number;
  title?: string;
}

const ROW = 14;
const LEFT = 150;
const TOP = 40;

export function ganttSvg(
  trace: SimTrace,
  workload: Workload,
  platform: Platform,
  options: GanttOptions = {},
): string {
  const maxRows = options.maxRows ?? 80;
  const width = options.width ?? 1200;
  const n = workload.tasks.length;
  let end = 0;
  const busy = new Map<number, number>();
  for (let t = 0; t < n; t++) {
    const f = trace.finish[t]!;
    const s = trace.start[t]!;
    if (!Number.isFinite(f) || !Number.isFinite(s)) continue;
    end = Math.max(end, f);
    const node = trace.node[t]!;
    busy.set(node, (busy.get(node) ?? 0) + (f - s));
  }
  const rows = [...busy.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxRows)
    .map(([node]) => node)
    .sort((a, b) => a - b);
  const rowOf = new Map(rows.map((node, i) => [node, i]));
  const offsets = nodeOffsets(platform);
  const nodeName = (node: number): string => {
    let t = 0;
    while (offsets[t + 1]! <= node) t++;
    return `${platform.nodeTypes[t]!.id}#${node - offsets[t]!}`;
  };
  const types = [...new Set(workload.tasks.map((t) => t.type))];
  const colour = new Map(types.map((type, i) => [type, `hsl(${Math.round((i * 137.508) % 360)},65%,55%)`]));
  const plotW = width - LEFT - 20;
  const x = (s: number) => LEFT + (end > 0 ? (s / end) * plotW : 0);
  const height = TOP + rows.length * ROW + 60 + Math.ceil(types.length / 4) * 16;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="20" font-size="14">${escapeXml(options.title ?? workload.name)} — makespan ${end.toFixed(1)} s` +
      (busy.size > rows.length ? ` (${rows.length} busiest of ${busy.size} nodes shown)` : '') +
      `</text>`,
  );
  rows.forEach((node, i) => {
    const y = TOP + i * ROW;
    out.push(
      `<text x="${LEFT - 6}" y="${y + ROW - 4}" text-anchor="end">${escapeXml(nodeName(node))}</text>`,
    );
    if (i % 2 === 0) out.push(`<rect x="${LEFT}" y="${y}" width="${plotW}" height="${ROW}" fill="#f4f4f4"/>`);
  });
  for (let t = 0; t < n; t++) {
    const row = rowOf.get(trace.node[t]!);
    const s = trace.start[t]!;
    const f = trace.finish[t]!;
    if (row === undefined || !Number.isFinite(s) || !Number.isFinite(f)) continue;
    const task = workload.tasks[t]!;
    const w = Math.max(0.5, x(f) - x(s));
    out.push(
      `<rect x="${x(s).toFixed(2)}" y="${TOP + row * ROW + 1}" width="${w.toFixed(2)}" height="${ROW - 2}" ` +
        `fill="${colour.get(task.type)}"><title>${escapeXml(task.name)} (${escapeXml(task.type)}): ` +
        `${s.toFixed(1)}–${f.toFixed(1)} s</title></rect>`,
    );
  }
  const axisY = TOP + rows.length * ROW + 4;
  for (let k = 0; k <= 10; k++) {
    const s = (end * k) / 10;
    out.push(
      `<line x1="${x(s)}" y1="${axisY}" x2="${x(s)}" y2="${axisY + 5}" stroke="black"/>`,
      `<text x="${x(s)}" y="${axisY + 16}" text-anchor="middle">${s.toFixed(0)} s</text>`,
    );
  }
  types.forEach((type, i) => {
    const lx = LEFT + (i % 4) * 250;
    const ly = axisY + 36 + Math.floor(i / 4) * 16;
    out.push(
      `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${colour.get(type)}"/>`,
      `<text x="${lx + 14}" y="${ly}">${escapeXml(type)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
