/**
 * Executors: how attempts are started, watched and stopped on a back-end. The engine talks to the
 * `Executor` interface only; every implementation passes the shared conformance suite
 * (`testing/executor-conformance.ts`).
 *
 * @example
 * import { LocalExecutor } from './executors/index.js';
 * const executor = new LocalExecutor({ capacity: { cpus: 4 } });
 * const [node] = await executor.nodes();
 */
export type { Executor, ExecutorCapabilities, ExecutorEvent, LaunchRequest } from './executor.js';
export { LocalExecutor, type LocalExecutorOptions } from './local-executor.js';
export { NoopExecutor, type NoopBehaviour, type NoopExecutorOptions } from './noop-executor.js';
export { detectCapacity } from '../host/detect-capacity.js';
