/**
 * Errors the digital twin raises for inputs it cannot simulate. Each carries a stable code; they are
 * described in docs/simulator.md ("Errors").
 */
import { StrataError } from '../model/index.js';

/** Every code a `SimError` may carry. */
export const SIM_ERROR_CODES = [
  'SIM_BAD_ASSIGNMENT',
  'SIM_TASK_DOES_NOT_FIT',
  'SIM_BAD_WORKLOAD',
  'SIM_WORKLOAD_CYCLE',
  'SIM_NO_LINK',
  'SIM_BAD_PLATFORM',
] as const;
export type SimErrorCode = (typeof SIM_ERROR_CODES)[number];

export class SimError extends StrataError<SimErrorCode> {
  constructor(code: SimErrorCode, message: string, hint?: string) {
    super(code, message, { hint });
    this.name = 'SimError';
  }
}
