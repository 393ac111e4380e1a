/**
 * The platform file parser: YAML or JSON text in (docs/platform-format.md), the Platform of
 * src/model/platform.ts out, or every error found, each with its position, field path and a hint.
 *
 * Pure: it never throws for bad input and never does I/O (the caller reads the file).
 */
import type { Platform } from '../model/platform.js';
import { PLATFORM_YAML_CODES, type PlatformErrorCode } from './platform-errors.js';
import { readPlatformDocument } from './platform-reader.js';
import { SpecErrorCollector, type SpecError } from '../spec/spec-errors.js';
import { YamlSource } from '../spec/yaml-source.js';

export { PLATFORM_ERROR_CODES, type PlatformErrorCode } from './platform-errors.js';

export type PlatformParseResult = { ok: true; platform: Platform } | { ok: false; errors: SpecError[] };

export interface PlatformParseOptions {
  /** Shown in errors, e.g. 'examples/platforms/continuum.yaml' or '<api>'. */
  file: string;
}

/**
 * Parses and validates a platform file.
 *
 * @example
 * const result = parsePlatform(text, { file: 'examples/platforms/continuum.yaml' });
 * if (!result.ok) console.error(result.errors.map(formatSpecError).join('\n'));
 * else console.log(`${platformNodeCount(result.platform)} nodes`);
 */
export function parsePlatform(text: string, options: PlatformParseOptions): PlatformParseResult {
  const errors = new SpecErrorCollector<PlatformErrorCode>(options.file, 'PLATFORM_TOO_MANY_ERRORS');
  if (typeof text !== 'string') {
    errors.add(
      'PLATFORM_WRONG_TYPE',
      { line: 1, column: 1 },
      '',
      `expected the text of a platform file, got ${typeof text}`,
      'pass the file contents as a string',
    );
    return { ok: false, errors: errors.sorted() };
  }
  const source = YamlSource.load(text, errors, PLATFORM_YAML_CODES);
  const platform = source ? readPlatformDocument(source, errors) : undefined;
  if (platform === undefined || errors.count > 0) return { ok: false, errors: errors.sorted() };
  return { ok: true, platform };
}
