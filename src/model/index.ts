/**
 * Strata's domain model: the types every layer shares, and the few pure helpers each layer would
 * otherwise write again (the StrataError base, seeded random numbers, graph order, a min-heap).
 * Pure: no I/O, no clock.
 *
 * Glossary
 * - **workflow**: a DAG of tasks submitted as one unit, with a failure policy.
 * - **task**: one node of the DAG: a command with files in and out, resources, retries and validation.
 *   A task array (`foreach`) expands into many tasks named `name[i]`.
 * - **attempt**: one execution of a task, numbered from 1; a retry is a new attempt.
 * - **node**: a machine (or a slice of one) that runs attempts, with a capacity (CPUs, memory, GPUs).
 * - **site**: a group of nodes in one place (an HPC centre, a cloud region, an edge location).
 * - **placement**: the scheduler's decision to run a task on a node, with the reason (scores) behind it.
 * - **policy**: a placement strategy of the scheduler (first-fit, HEFT, energy-aware, ...).
 * - **executor**: the back-end that starts and watches attempts on nodes (local, Slurm, Kubernetes, agent).
 * - **agent**: a small Strata process on an edge device that runs attempts for a remote control plane.
 * - **transformation**: the program a task runs, independent of its inputs (what performance models learn).
 *
 * @example
 * import { TERMINAL_TASK_STATES, type TaskSpec } from '../model/index.js';
 */
export * from './states.js';
export * from './resources.js';
export * from './workflow-spec.js';
export * from './attempt.js';
export * from './platform.js';
export * from './workload.js';
export * from './strata-error.js';
export * from './random.js';
export * from './graph.js';
export * from './min-heap.js';
export * from './typed-arrays.js';
export * from './roles.js';
export * from './task-env.js';
export * from './redact.js';
