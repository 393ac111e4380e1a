/**
 * The embedded implementation of `StrataApi`: an engine and a store in this process. The CLI uses
 * it when no `--server` is given; the HTTP server wraps one.
 */
import { emptyTaskCounts } from '../model/index.js';
import type { TaskState } from '../model/index.js';
import type { EventRecord, Store, WorkflowRecord } from '../store/store.js';
import type { Engine, TurnEvent } from './engine.js';
import { EngineError } from './errors.js';
import { pageOfAttempts, pageOfEvents, pageOfTasks, pageOfWorkflows } from './paged-lists.js';
import { readTailOf } from './read-tail.js';
import { loadSpecText, type LoadedSpec } from './load-spec.js';
import * as Api from './strata-api.js';
import type { SubmitBudgets } from './submit-budgets.js';
import { watchEvents } from './watch-events.js';

/** Longest wait of `watch` between two looks at the store when no turn of this engine wakes it. */
const EMBEDDED_POLL_MS = 1000;

export interface ControlPlaneOptions {
  /**
   * Reads and expands a submitted spec. Default: in this process, with `budgets`. `strata server`
   * gives its worker pool's (`SubmitPool.load`), so that no submit holds its event loop.
   */
  loadSpec?: (input: Api.SubmitInput) => Promise<LoadedSpec>;
  /** The submit budgets of the default `loadSpec`; default `DEFAULT_SUBMIT_BUDGETS`. */
  budgets?: SubmitBudgets;
}

export class ControlPlane implements Api.StrataApi {
  constructor(
    readonly engine: Engine,
    readonly store: Store,
    private readonly options: ControlPlaneOptions = {},
  ) {}

  async submit(input: Api.SubmitInput): Promise<Api.WorkflowView> {
    const budgets = this.options.budgets;
    const loaded = this.options.loadSpec
      ? await this.options.loadSpec(input)
      : loadSpecText(input.text, { file: input.file, baseDir: input.baseDir }, budgets ? { budgets } : {});
    const record = await this.engine.submit(loaded.spec, {
      baseDir: loaded.baseDir,
      source: input.file,
      ...(input.submittedBy !== undefined ? { submittedBy: input.submittedBy } : {}),
    });
    return this.view(record);
  }

  async listWorkflows(
    filter: { states?: WorkflowRecord['state'][] } & Api.PageRequest = {},
  ): Promise<Api.Page<Api.WorkflowView>> {
    const page = await pageOfWorkflows(this.store, filter);
    return { items: await Promise.all(page.items.map((r) => this.view(r))), nextCursor: page.nextCursor };
  }

  async getWorkflow(ref: string): Promise<Api.WorkflowView> {
    return this.view(await this.resolve(ref));
  }

  async listTasks(ref: string, filter: { states?: TaskState[] } & Api.PageRequest = {}) {
    const wf = await this.resolve(ref);
    return pageOfTasks(this.store, wf.id, filter);
  }

  async listAttempts(ref: string, filter: { task?: string } & Api.PageRequest = {}) {
    const wf = await this.resolve(ref);
    let taskIdx: number | undefined;
    if (filter.task !== undefined) {
      const task = await this.store.getTaskByName(wf.id, filter.task);
      if (!task) throw taskNotFound(wf.id, filter.task);
      taskIdx = task.idx;
    }
    return pageOfAttempts(this.store, wf.id, taskIdx, filter);
  }

  async getTask(ref: string, name: string): Promise<Api.TaskDetail> {
    const wf = await this.resolve(ref);
    const task = await this.store.getTaskByName(wf.id, name);
    if (!task) throw taskNotFound(wf.id, name);
    return { task, attempts: await this.store.listAttempts(wf.id, task.idx) };
  }

  async readLog(ref: string, name: string, request: Api.LogRequest): Promise<Api.LogTail> {
    const { task, attempts } = await this.getTask(ref, name);
    const number = request.attempt ?? task.attempt;
    const attempt = attempts.find((a) => a.number === number);
    if (!attempt) {
      throw new EngineError(
        'TASK_NOT_FOUND',
        `task ${name} has no attempt ${number}` + (task.attempt === 0 ? ' (it has not run yet)' : ''),
        task.attempt > 0 ? `attempts are numbered 1 to ${task.attempt}` : undefined,
      );
    }
    const path = request.stream === 'stdout' ? attempt.stdoutPath : attempt.stderrPath;
    if (!path) return { text: '', truncated: false };
    const limit = Math.min(request.tailBytes ?? Api.MAX_LOG_TAIL_BYTES, Api.MAX_LOG_TAIL_BYTES);
    const tail = await readTailOf(path, limit);
    return { text: tail.text, truncated: tail.truncated };
  }

  async cancel(ref: string): Promise<Api.WorkflowView> {
    const wf = await this.resolve(ref);
    await this.engine.cancel(wf.id);
    return this.getWorkflow(wf.id);
  }

  async retry(ref: string, task: string): Promise<Api.WorkflowView> {
    const wf = await this.resolve(ref);
    await this.engine.retry(wf.id, task);
    return this.getWorkflow(wf.id);
  }

  async resume(ref: string): Promise<Api.WorkflowView> {
    const wf = await this.resolve(ref);
    await this.engine.resume(wf.id);
    return this.getWorkflow(wf.id);
  }

  async listEvents(ref: string, filter: { afterSeq?: number } & Api.PageRequest = {}) {
    const wf = await this.resolve(ref);
    return pageOfEvents(this.store, wf.id, filter);
  }

  /**
   * Reads the store's events, woken by the engine's committed turns that touch the workflow; a poll
   * every second covers a workflow another process drives. Ends with the engine's error if it stops.
   */
  async *watch(ref: string, options: Api.WatchOptions = {}): AsyncGenerator<EventRecord, void, undefined> {
    const { id } = await this.resolve(ref);
    yield* watchEvents(
      {
        workflowState: async () => (await this.resolve(id)).state,
        listEvents: (afterSeq, limit) => this.store.listEvents({ workflowId: id, afterSeq, limit }),
        pollMs: EMBEDDED_POLL_MS,
        subscribe: (wake, fail) => {
          const onTurn = (turn: TurnEvent) => {
            if (turn.tasks.some((t) => t.workflowId === id) || turn.workflows.some((w) => w.id === id)) {
              wake();
            }
          };
          this.engine.on('turn', onTurn);
          this.engine.on('error', fail);
          return () => {
            this.engine.off('turn', onTurn);
            this.engine.off('error', fail);
          };
        },
      },
      options,
    );
  }

  /** A workflow by id, or the most recent one with that name. */
  async resolve(ref: string): Promise<WorkflowRecord> {
    const byId = await this.store.getWorkflow(ref);
    if (byId) return byId;
    const [byName] = await this.store.listWorkflows({ name: ref, limit: 1 });
    if (byName) return byName;
    throw new EngineError(
      'WORKFLOW_NOT_FOUND',
      `no workflow with id or name ${JSON.stringify(ref)}`,
      '`strata status` lists the workflows this store knows',
    );
  }

  private async view(record: WorkflowRecord): Promise<Api.WorkflowView> {
    const { spec: _spec, ...rest } = record;
    const live = this.engine.progress(record.id);
    const counts = live ?? { ...emptyTaskCounts(), ...(await this.store.countTasksByState(record.id)) };
    return { ...rest, counts };
  }
}

function taskNotFound(workflowId: string, name: string): EngineError {
  return new EngineError('TASK_NOT_FOUND', `workflow ${workflowId} has no task ${JSON.stringify(name)}`);
}
