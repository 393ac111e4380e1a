/**
 * Merges `defaults` into a task: mappings (env, resources, retries, validate) merge key by key
 * with the task's keys winning; the `env.inherit` lists are joined; everything else (workdir, timeout, flexible) is replaced when the task sets it.
 * In `validate`, command and shell are one slot: a task's shell replaces a default command.
 */
import type { DeclaredSettings } from './declared-workflow.js';

export function applyDefaults(defaults: DeclaredSettings, task: DeclaredSettings): DeclaredSettings {
  const env = new Map(defaults.env);
  for (const [k, v] of task.env) env.set(k, v);
  const inherit = [...new Set([...(defaults.envInherit ?? []), ...(task.envInherit ?? [])])];
  return {
    workdir: task.workdir ?? defaults.workdir,
    env,
    ...(inherit.length > 0 ? { envInherit: inherit } : {}),
    resources: mergeDefined(defaults.resources, task.resources),
    retry: mergeDefined(defaults.retry, task.retry),
    timeoutMs: task.timeoutMs ?? defaults.timeoutMs,
    flexible: task.flexible ?? defaults.flexible,
    validate: {
      outputs: task.validate.outputs ?? defaults.validate.outputs,
      stdout: task.validate.stdout ?? defaults.validate.stdout,
      command: task.validate.command ?? defaults.validate.command,
    },
  };
}

/** `base` overlaid with the keys of `over` whose value is not undefined. */
function mergeDefined<T extends object>(base: T, over: T): T {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
