/**
 * What the engine takes from its own process to build task environments (model/task-env.ts): a
 * snapshot of its environment, read once (each read of `process.env` goes through getenv), and the
 * account's home and user name for a server started without `HOME` or `USER`.
 */
import { homedir, userInfo } from 'node:os';
import { taskEnvironment, type ServerEnv, type TaskEnvFallback, type TaskSpec } from '../model/index.js';

export class ServerEnvironment {
  private readonly env: ServerEnv;
  private readonly fallback: TaskEnvFallback;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = { ...env };
    this.fallback = accountFallback();
  }

  /** The task's environment, without Strata's own variables (the executor adds those). */
  forTask(spec: Pick<TaskSpec, 'env' | 'envInherit'>): Record<string, string> {
    return taskEnvironment(this.env, spec, this.fallback);
  }
}

function accountFallback(): TaskEnvFallback {
  try {
    const info = userInfo();
    return { HOME: info.homedir, USER: info.username };
  } catch {
    // A uid without a passwd entry (some containers): no name to give.
    return { HOME: homedir(), USER: '' };
  }
}
