/**
 * The codes of platform file errors. Stable (scripts match on them) and each documented under its
 * own `### CODE` heading in docs/errors.md's "Platform errors" section; a test checks both ways.
 * The errors themselves are SpecErrors: same fields, same formatting as workflow spec errors.
 */
import type { YamlErrorCodes } from '../spec/yaml-source.js';

/** Every code parsePlatform can emit. The single source of truth for docs/errors.md's PLATFORM_ section. */
export const PLATFORM_ERROR_CODES = [
  'PLATFORM_YAML_SYNTAX',
  'PLATFORM_DUPLICATE_KEY',
  'PLATFORM_NOT_A_MAPPING',
  'PLATFORM_UNSUPPORTED_VERSION',
  'PLATFORM_UNKNOWN_FIELD',
  'PLATFORM_WRONG_TYPE',
  'PLATFORM_MISSING_FIELD',
  'PLATFORM_INVALID_NAME',
  'PLATFORM_INVALID_CHOICE',
  'PLATFORM_DUPLICATE_ID',
  'PLATFORM_UNKNOWN_SITE',
  'PLATFORM_NO_SITES',
  'PLATFORM_NO_NODES',
  'PLATFORM_TOO_MANY_NODES',
  'PLATFORM_BAD_NUMBER',
  'PLATFORM_BAD_QUANTITY',
  'PLATFORM_BAD_DURATION',
  'PLATFORM_BAD_CARBON',
  'PLATFORM_POWER_ORDER',
  'PLATFORM_SPEED_AND_GFLOPS',
  'PLATFORM_NO_SPEED',
  'PLATFORM_GPU_POWER_WITHOUT_GPUS',
  'PLATFORM_GPU_SPEED_WITHOUT_GPUS',
  'PLATFORM_BAD_FREQUENCY',
  'PLATFORM_DVFS_WITHOUT_FREQUENCY',
  'PLATFORM_DVFS_FREQUENCY',
  'PLATFORM_DVFS_POWER',
  'PLATFORM_SELF_LINK',
  'PLATFORM_DUPLICATE_LINK',
  'PLATFORM_BAD_EXECUTOR',
  'PLATFORM_BAD_SSH',
  'PLATFORM_TOO_MANY_ERRORS',
] as const;

export type PlatformErrorCode = (typeof PLATFORM_ERROR_CODES)[number];

/** How YamlSource reports syntax errors and duplicate keys of a platform file. */
export const PLATFORM_YAML_CODES: YamlErrorCodes = {
  syntax: 'PLATFORM_YAML_SYNTAX',
  duplicateKey: 'PLATFORM_DUPLICATE_KEY',
  document: 'platform',
};
