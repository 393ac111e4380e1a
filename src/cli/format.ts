/** Human-readable tables for `strata status`. */
import type { WorkflowView } from '../engine/strata-api.js';
import type { TaskRecord } from '../store/store.js';

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function when(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatWorkflowTable(list: readonly WorkflowView[]): string {
  if (list.length === 0) return 'no workflows yet — run one with `strata run FILE`';
  const rows = [['ID', 'NAME', 'STATE', 'DONE', 'RUNNING', 'FAILED', 'CREATED', 'DURATION']];
  for (const w of list) {
    const c = w.counts;
    rows.push([
      w.id,
      w.name,
      w.state,
      `${c.succeeded}/${w.taskCount}`,
      String(c.running + c.queued),
      String(c.failed + c['upstream-failed']),
      when(w.createdAt),
      duration((w.finishedAt ?? w.updatedAt) - w.createdAt),
    ]);
  }
  return table(rows);
}

export function formatWorkflowDetail(w: WorkflowView, notable: readonly TaskRecord[]): string {
  const lines = [
    `workflow  ${w.id} (${w.name})`,
    `state     ${w.state}`,
    `source    ${w.source}`,
    `created   ${when(w.createdAt)}   finished ${when(w.finishedAt)}`,
    `tasks     ${Object.entries(w.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  ];
  if (notable.length > 0) {
    lines.push(
      '',
      table([['TASK', 'STATE', 'ATTEMPT'], ...notable.map((t) => [t.name, t.state, String(t.attempt)])]),
    );
  }
  return lines.join('\n');
}
