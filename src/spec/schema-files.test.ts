/**
 * schemas/*.json are generated from the TypeBox definitions the parsers check files with
 * (`npm run schemas`): this fails when a definition changed and the files were not regenerated,
 * so that what editors are told and what Strata accepts cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import { PLATFORM_SCHEMA } from '../platform/platform-schema.js';
import { publishedSchema } from './schema-notes.js';
import { readRepoFile } from './testing/repo-files.js';
import { WORKFLOW_SCHEMA } from './workflow-schema.js';

describe('schemas/', () => {
  it.each([
    ['schemas/workflow.schema.json', WORKFLOW_SCHEMA],
    ['schemas/platform.schema.json', PLATFORM_SCHEMA],
  ])('%s is what the definitions generate (else run `npm run schemas`)', (path, schema) => {
    expect(JSON.parse(readRepoFile(path))).toEqual(publishedSchema(schema));
  });
});
