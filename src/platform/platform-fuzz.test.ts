/** The platform parser under the parsers' fuzz suite (spec/testing/parser-fuzz.ts). */
import { parsePlatform, PLATFORM_ERROR_CODES } from './parse-platform.js';
import { describeParserFuzz } from '../spec/testing/parser-fuzz.js';
import { readRepoFile } from '../spec/testing/repo-files.js';
import type { JsonSchema } from '../spec/testing/schema-arbitrary.js';
import { expectWellFormedErrors } from '../spec/testing/well-formed-errors.js';

const FILE = 'fuzz-platform.yaml';

describeParserFuzz('platform parser', {
  schema: JSON.parse(readRepoFile('schemas/platform.schema.json')) as JsonSchema,
  examples: ['examples/platforms/continuum.yaml', 'examples/platforms/alibaba-pai-1897.yaml'].map(
    readRepoFile,
  ),
  parse(text) {
    const result = parsePlatform(text, { file: FILE });
    if (result.ok) return [];
    expectWellFormedErrors(result.errors, PLATFORM_ERROR_CODES, text, FILE);
    return result.errors.map((e) => e.code);
  },
  runs: 200,
});
