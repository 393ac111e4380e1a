/**
 * The workflow format: the YAML/JSON format users write (docs/workflow-format.md), parsed and checked
 * into the normalised WorkflowSpec of src/model. Pure: the caller reads files and lists globs.
 *
 * @example
 * import { formatSpecError, parseWorkflowSpec } from './index.js';
 *
 * const result = parseWorkflowSpec(text, { file: 'examples/quickstart.yaml', listFiles: (p) => glob(p) });
 * if (!result.ok) {
 *   for (const e of result.errors) console.error(formatSpecError(e));
 * } else {
 *   console.log(`${result.spec.tasks.length} tasks`);
 * }
 */
export { parseWorkflowSpec, type ParseOptions, type ParseResult } from './parse-workflow-spec.js';
export { formatSpecError, SPEC_ERROR_CODES, type SpecError, type SpecErrorCode } from './spec-errors.js';
export {
  programOf,
  specToWorkload,
  type SpecRuntimeEstimate,
  type SpecTaskFeatures,
  type SpecToWorkloadOptions,
} from './spec-to-workload.js';
