/** The workflow parser under the parsers' fuzz suite (testing/parser-fuzz.ts). */
import { parseWorkflowSpec, SPEC_ERROR_CODES } from './index.js';
import { describeParserFuzz } from './testing/parser-fuzz.js';
import { readRepoFile } from './testing/repo-files.js';
import type { JsonSchema } from './testing/schema-arbitrary.js';
import { expectWellFormedErrors } from './testing/well-formed-errors.js';

const FILE = 'fuzz.yaml';

describeParserFuzz('workflow parser', {
  schema: JSON.parse(readRepoFile('schemas/workflow.schema.json')) as JsonSchema,
  examples: ['examples/quickstart.yaml', 'examples/fan-out-in.yaml'].map(readRepoFile),
  parse(text) {
    const result = parseWorkflowSpec(text, { file: FILE, listFiles: () => ['a.csv', 'b.csv'] });
    if (result.ok) return [];
    expectWellFormedErrors(result.errors, SPEC_ERROR_CODES, text, FILE);
    return result.errors.map((e) => e.code);
  },
  runs: 200,
});
