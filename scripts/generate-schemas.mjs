/* global console */
// Writes schemas/*.json, the JSON Schemas editors use, from the TypeBox definitions the parsers
// read files with (src/spec/workflow-schema.ts, src/platform/platform-schema.ts), so that the two
// cannot drift apart. Run `npm run schemas` after changing a definition; a test fails until then.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import prettier from 'prettier';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist', 'src');
const { publishedSchema } = await import(join(dist, 'spec', 'schema-notes.js'));
const { WORKFLOW_SCHEMA } = await import(join(dist, 'spec', 'workflow-schema.js'));
const { PLATFORM_SCHEMA } = await import(join(dist, 'platform', 'platform-schema.js'));

for (const [file, schema] of [
  ['schemas/workflow.schema.json', WORKFLOW_SCHEMA],
  ['schemas/platform.schema.json', PLATFORM_SCHEMA],
]) {
  const path = join(root, file);
  const options = { ...(await prettier.resolveConfig(path)), parser: 'json' };
  writeFileSync(path, await prettier.format(JSON.stringify(publishedSchema(schema), null, 2), options));
  console.log(`wrote ${file}`);
}
