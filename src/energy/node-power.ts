/**
 * The power model of a node and of the tasks on it: idle and full-load power shared by cores,
 * GPUs drawn apart when given, and DVFS levels that slow the busy share of a run and lower its power.
 * The single source of these formulas for the policies, the twin and the benchmarks: a change here
 * changes every energy figure, so it is pinned by the twin's hand-worked tests.
 *
 * @example
 * taskPowerW(type, 4, 0); // watts of a 4-core task at full load, nominal frequency
 * levelStretch(type, 1, 0.25); // how much longer it runs at DVFS level 1
 */
import type { DvfsLevel, NodeType } from '../model/index.js';

/** How many frequency levels a task may use on `type`: 1 (nominal) + its DVFS levels. */
export function dvfsLevelCount(type: NodeType): number {
  return 1 + (type.dvfs?.length ?? 0);
}

/** Speed of `type`'s cores at DVFS `level` relative to nominal (level 0 = 1). */
export function levelSpeedFactor(type: NodeType, level: number): number {
  return level === 0 ? 1 : dvfsLevel(type, level).speedFactor;
}

/** Host power at full load at DVFS `level` (level 0 = `maxW`). */
export function levelMaxW(type: NodeType, level: number): number {
  return level === 0 ? type.maxW : dvfsLevel(type, level).maxW;
}

function dvfsLevel(type: NodeType, level: number): DvfsLevel {
  const l = type.dvfs?.[level - 1];
  if (!l) throw new RangeError(`node type ${type.id} has no DVFS level ${level}`);
  return l;
}

/**
 * The power, in watts, charged to a task holding `cores` cores and `gpus` GPUs of a node of `type`
 * at full load: its cores' share of the node's (or host's) max power, plus its GPUs' max power when
 * GPU power is given apart. Its idle part is the same share of the idle power (see `taskIdleW`).
 * At DVFS `level` > 0 the host's share is of that level's full-load power.
 */
export function taskMaxW(type: NodeType, cores: number, gpus: number, level = 0): number {
  return (levelMaxW(type, level) * cores) / type.cores + (type.gpuPower ? gpus * type.gpuPower.maxW : 0);
}

/**
 * How many times longer a task runs at DVFS `level` than at the nominal frequency, when its cores are
 * busy a fraction `cpuUtilisation` of its run (`WorkloadTask.cpuUtilisation`): only the busy share
 * slows down (by 1 / speedFactor); the waiting share (I/O) does not.
 *
 * @example levelStretch(type, 1, 0.25); // speedFactor 0.5: 0.25 / 0.5 + 0.75 = 1.25
 */
export function levelStretch(type: NodeType, level: number, cpuUtilisation = 1): number {
  return busyStretch(cpuUtilisation, levelSpeedFactor(type, level));
}

/** The fraction of a run at DVFS `level` during which the task's cores are busy (see `levelStretch`). */
export function levelBusyFraction(type: NodeType, level: number, cpuUtilisation = 1): number {
  return busyFraction(cpuUtilisation, levelSpeedFactor(type, level));
}

/** `levelStretch` for a level's speed factor (the simulator's hot path has the factors in arrays). */
export function busyStretch(cpuUtilisation: number, speedFactor: number): number {
  return cpuUtilisation / speedFactor + 1 - cpuUtilisation;
}

/** `levelBusyFraction` for a level's speed factor. */
export function busyFraction(cpuUtilisation: number, speedFactor: number): number {
  if (cpuUtilisation >= 1) return 1;
  const busy = cpuUtilisation / speedFactor;
  return busy / (busy + 1 - cpuUtilisation);
}

/**
 * The mean power, in watts, charged to a task while it runs: its share of the idle power
 * (`taskIdleW`), plus its cores' share of the host's dynamic power (`taskMaxW` − idle, at `level`)
 * for the fraction of the run they are busy (`levelBusyFraction`), plus its GPUs' max power when GPU
 * power is given apart. With `cpuUtilisation` 1 it is `taskMaxW`.
 */
export function taskPowerW(
  type: NodeType,
  cores: number,
  gpus: number,
  level = 0,
  cpuUtilisation = 1,
): number {
  const hostIdleW = (type.idleW * cores) / type.cores;
  const hostSpanW = ((levelMaxW(type, level) - type.idleW) * cores) / type.cores;
  const gpuW = type.gpuPower ? gpus * type.gpuPower.maxW : 0;
  return hostIdleW + hostSpanW * levelBusyFraction(type, level, cpuUtilisation) + gpuW;
}

/** The idle power, in watts, charged to a task holding `cores` cores and `gpus` GPUs (see `taskMaxW`). */
export function taskIdleW(type: NodeType, cores: number, gpus: number): number {
  return (type.idleW * cores) / type.cores + (type.gpuPower ? gpus * type.gpuPower.idleW : 0);
}

/** Power of a whole node of `type` at idle, GPUs included. */
export function nodeIdlePowerW(type: NodeType): number {
  return type.idleW + (type.gpuPower ? type.gpus * type.gpuPower.idleW : 0);
}
