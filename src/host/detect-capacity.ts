/**
 * What this machine offers: CPUs, memory and GPUs. Declared values always win over detected ones, so
 * that an operator can keep part of a machine for other work (or test a GPU policy on a laptop).
 *
 * Detection never fails: a machine without `nvidia-smi`, or whose driver does not answer, has no GPUs.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, totalmem } from 'node:os';
import type { NodeCapacity } from '../model/index.js';

/** How long `nvidia-smi` may take before the machine is taken to have no usable GPU. */
const NVIDIA_SMI_TIMEOUT_MS = 10_000;

/**
 * The capacity of this machine: each field declared in `declared` is kept as is, the others are
 * detected (cpus: `os.availableParallelism()`, memory: `os.totalmem()`, GPUs: the indices that
 * `nvidia-smi --query-gpu=index --format=csv,noheader` lists, none without it).
 *
 * @example
 * await detectCapacity({ cpus: 4 }) // { cpus: 4, memoryBytes: 16777216000, gpuIds: [] }
 */
export async function detectCapacity(declared: Partial<NodeCapacity> = {}): Promise<NodeCapacity> {
  return {
    cpus: declared.cpus ?? availableParallelism(),
    memoryBytes: declared.memoryBytes ?? totalmem(),
    gpuIds: declared.gpuIds ? [...declared.gpuIds] : await detectNvidiaGpuIds(),
  };
}

/** GPU indices reported by `nvidia-smi`; `[]` when it is missing or fails. */
export function detectNvidiaGpuIds(): Promise<number[]> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=index', '--format=csv,noheader'],
      { timeout: NVIDIA_SMI_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout) => {
        if (error) {
          resolve([]);
          return;
        }
        resolve(parseGpuIndexList(stdout));
      },
    );
  });
}

/**
 * Parses `nvidia-smi --query-gpu=index --format=csv,noheader` output: one index a line.
 *
 * @example
 * parseGpuIndexList('0\n1\n') // [0, 1]
 */
export function parseGpuIndexList(text: string): number[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}
