/**
 * WfCommons WfFormat 1.5 in and out: real workflow executions imported as a `Workload` for the twin
 * (docs/wfcommons.md), turned into a runnable Strata spec, and Strata runs exported as WfFormat.
 * Pure: the caller reads and writes files.
 *
 * @example
 * import { importWfCommons } from '../formats/wfcommons/index.js';
 *
 * const result = importWfCommons(text, { file: 'montage.json' });
 * if (result.ok) console.log(result.workload.tasks.length);
 */
export { importWfCommons, WFC_ERROR_CODES, type WfImportOptions, type WfImportResult } from './wfcommons.js';
export { workloadToStrataYaml, type WorkloadToStrataOptions } from './workload-to-strata.js';
export {
  runToWfCommons,
  type ExportAttempt,
  type ExportMachine,
  type ExportRun,
  type ExportTask,
} from './wfcommons-export.js';
