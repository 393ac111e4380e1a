/**
 * The platform format: the YAML/JSON file that describes sites, node types (capacity, power, DVFS
 * levels), links, carbon intensity and executors' blocks (docs/platform-format.md), read and checked
 * into the `Platform` of src/model. Pure: the caller reads the file.
 *
 * @example
 * import { parsePlatform } from '../platform/index.js';
 *
 * const result = parsePlatform(text, { file: 'examples/platforms/continuum.yaml' });
 * if (result.ok) console.log(result.platform.nodeTypes.length);
 */
export {
  parsePlatform,
  PLATFORM_ERROR_CODES,
  type PlatformErrorCode,
  type PlatformParseOptions,
  type PlatformParseResult,
} from './parse-platform.js';
