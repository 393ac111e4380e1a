/**
 * `strata export wfcommons WORKFLOW [-o FILE]`: a finished (or running) Strata workflow as a
 * WfCommons instance (WfFormat 1.5, `runToWfCommons`), so that its runs become history for
 * `strata simulate --history` and the performance model, and can be read by WfCommons tools.
 * Reads through the API, so it works embedded and against a server (`--server`).
 */
import { statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { allPages, cursorOf } from '../../engine/pages.js';
import type { StrataApi } from '../../engine/strata-api.js';
import type { TaskRecord } from '../../store/store.js';
import { runToWfCommons, type ExportMachine, type ExportTask } from '../../formats/wfcommons/index.js';
import { CliError, EXIT_OK } from '../cli-error.js';
import { STRATA_VERSION } from '../version.js';

/** The local executor's node: this machine, when the export runs embedded (not through a server). */
function localMachine(): ExportMachine {
  const list = cpus();
  const speed = list[0]?.speed ?? 0;
  return { cores: list.length, ...(speed > 0 ? { speedMHz: speed } : {}), memoryBytes: totalmem() };
}

function allTasks(api: StrataApi, id: string): Promise<TaskRecord[]> {
  return allPages((cursor, limit) => api.listTasks(id, { limit, ...cursorOf(cursor) }));
}

export async function runExport(
  api: StrataApi,
  format: string,
  ref: string,
  opts: { output?: string; embedded: boolean },
): Promise<number> {
  if (format !== 'wfcommons') {
    throw new CliError(
      'BAD_OPTION',
      `unknown export format ${JSON.stringify(format)}`,
      'the formats are: wfcommons',
    );
  }
  const wf = await api.getWorkflow(ref);
  const records = await allTasks(api, wf.id);
  const tasks: ExportTask[] = [];
  for (const t of records.sort((a, b) => a.idx - b.idx)) {
    const detail = await api.getTask(wf.id, t.name);
    tasks.push({ name: t.name, deps: t.deps, spec: t.spec, attempts: detail.attempts });
  }
  const instance = runToWfCommons({
    name: wf.name,
    id: wf.id,
    createdAt: wf.createdAt,
    finishedAt: wf.finishedAt,
    tasks,
    strataVersion: STRATA_VERSION,
    fileSize: (path) => {
      try {
        return statSync(resolve(wf.baseDir, path)).size;
      } catch {
        return undefined;
      }
    },
    ...(opts.embedded ? { machines: new Map([['local', localMachine()]]) } : {}),
  });
  const text = `${JSON.stringify(instance, null, 1)}\n`;
  if (opts.output) writeFileSync(opts.output, text);
  else process.stdout.write(text);
  return EXIT_OK;
}
