/**
 * Draws a simulated schedule as an SVG Gantt chart: one row per node that ran something, one bar
 * per task coloured by its type. A multi-core node runs tasks at once: its row is split into lanes,
 * each task in the first lane free at its start (interval partitioning: as many lanes as the most
 * tasks running together on the node), up to MAX_LANES lanes drawn (beyond, lanes are reused, and
 * the node's label says how many ran at once). Pure string building, so that it works wherever the
 * twin runs.
 */
import type { Platform, Workload } from '../model/index.js';
import { nodeOffsets, nodeTypeIndexAt } from '../model/index.js';
import type { SimTrace } from './report.js';

export interface GanttOptions {
  /** Most node rows drawn (the busiest); default 80. */
  maxRows?: number;
  width?: number;
  title?: string;
  /**
   * Per task (workload order), the reason its placement carries (`PlannedTask.reason`,
   * `Placement.reason`): shown in the bar's tooltip, numbers to 4 significant digits.
   */
  reasons?: ReadonlyArray<Readonly<Record<string, number | string>> | undefined>;
}

/** `key=value` pairs of a placement's reason, one per line, for a tooltip. */
function reasonText(reason: Readonly<Record<string, number | string>> | undefined): string {
  if (!reason) return '';
  const lines = Object.entries(reason).map(
    ([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`,
  );
  return lines.length > 0 ? `\n${lines.join('\n')}` : '';
}

const ROW = 14;
const LANE = 4;
const MAX_LANES = 16;
const LEFT = 150;
const TOP = 40;

/** Per task, its lane on its node (first lane free at its start); per node, the lanes used. */
export function ganttLanes(
  trace: SimTrace,
  tasks: number,
): { laneOf: Int32Array; lanesOf: Map<number, number> } {
  const laneOf = new Int32Array(tasks).fill(-1);
  const byNode = new Map<number, number[]>();
  for (let t = 0; t < tasks; t++) {
    if (!Number.isFinite(trace.start[t]!) || !Number.isFinite(trace.finish[t]!)) continue;
    const node = trace.node[t]!;
    let list = byNode.get(node);
    if (!list) byNode.set(node, (list = []));
    list.push(t);
  }
  const lanesOf = new Map<number, number>();
  for (const [node, list] of byNode) {
    list.sort((a, b) => trace.start[a]! - trace.start[b]! || a - b);
    const laneEnd: number[] = [];
    for (const t of list) {
      let lane = laneEnd.findIndex((e) => e <= trace.start[t]!);
      if (lane < 0) lane = laneEnd.push(0) - 1;
      laneEnd[lane] = trace.finish[t]!;
      laneOf[t] = lane;
    }
    lanesOf.set(node, laneEnd.length);
  }
  return { laneOf, lanesOf };
}

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
  const { laneOf, lanesOf } = ganttLanes(trace, n);
  // Row geometry: a node with one lane gets ROW pixels, else LANE per lane drawn.
  const rowY = new Map<number, number>();
  const rowH = new Map<number, number>();
  let yCursor = TOP;
  for (const node of rows) {
    const lanes = Math.min(lanesOf.get(node) ?? 1, MAX_LANES);
    const h = lanes <= 1 ? ROW : Math.max(ROW, lanes * LANE + 2);
    rowY.set(node, yCursor);
    rowH.set(node, h);
    yCursor += h;
  }
  const rowsBottom = yCursor;
  const offsets = nodeOffsets(platform);
  const typeIndexOf = (node: number): number => nodeTypeIndexAt(offsets, node);
  const nodeName = (node: number): string => {
    const t = typeIndexOf(node);
    return `${platform.nodeTypes[t]!.id}#${node - offsets[t]!}`;
  };
  const types = [...new Set(workload.tasks.map((t) => t.type))];
  const colour = new Map(types.map((type, i) => [type, `hsl(${Math.round((i * 137.508) % 360)},65%,55%)`]));
  const plotW = width - LEFT - 20;
  const x = (s: number) => LEFT + (end > 0 ? (s / end) * plotW : 0);
  const height = rowsBottom + 60 + Math.ceil(types.length / 4) * 16;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${LEFT}" y="20" font-size="14">${escapeXml(options.title ?? workload.name)} — makespan ${end.toFixed(1)} s` +
      (busy.size > rows.length ? ` (${rows.length} busiest of ${busy.size} nodes shown)` : '') +
      `</text>`,
  );
  rows.forEach((node, i) => {
    const y = rowY.get(node)!;
    const h = rowH.get(node)!;
    const lanes = lanesOf.get(node) ?? 1;
    const label = lanes > 1 ? `${nodeName(node)} (${lanes} at once)` : nodeName(node);
    out.push(
      `<text x="${LEFT - 6}" y="${y + Math.min(h, ROW) - 4}" text-anchor="end">${escapeXml(label)}</text>`,
    );
    if (i % 2 === 0) out.push(`<rect x="${LEFT}" y="${y}" width="${plotW}" height="${h}" fill="#f4f4f4"/>`);
  });
  for (let t = 0; t < n; t++) {
    const node = trace.node[t]!;
    const y0 = rowY.get(node);
    const s = trace.start[t]!;
    const f = trace.finish[t]!;
    if (y0 === undefined || !Number.isFinite(s) || !Number.isFinite(f)) continue;
    const single = (lanesOf.get(node) ?? 1) <= 1;
    const y = single ? y0 + 1 : y0 + 1 + (laneOf[t]! % MAX_LANES) * LANE;
    const h = single ? ROW - 2 : LANE - 1;
    const task = workload.tasks[t]!;
    const w = Math.max(0.5, x(f) - x(s));
    // Below the nominal CPU frequency: paler, with the frequency in the tooltip.
    const level = trace.level[t] ?? 0;
    const slowed =
      level > 0 ? ` fill-opacity="0.55" stroke="#333" stroke-dasharray="2,1" stroke-width="0.5"` : '';
    const type = platform.nodeTypes[typeIndexOf(node)];
    const ghz =
      level > 0 && type?.dvfs ? `, at ${(type.dvfs[level - 1]!.frequencyHz / 1e9).toFixed(2)} GHz` : '';
    out.push(
      `<rect x="${x(s).toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${h}" ` +
        `fill="${colour.get(task.type)}"${slowed}><title>${escapeXml(task.name)} (${escapeXml(task.type)}): ` +
        `${s.toFixed(1)}–${f.toFixed(1)} s${ghz}${escapeXml(reasonText(options.reasons?.[t]))}</title></rect>`,
    );
  }
  const axisY = rowsBottom + 4;
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
