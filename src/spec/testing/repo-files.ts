/**
 * Files of the repository the workflow tests read: the examples, the docs, the JSON Schema and the
 * spec fixtures. Test-only: excluded from the build and from the layer rule (which keeps the
 * parser itself free of I/O).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');

export function readRepoFile(relativePath: string): string {
  return readFileSync(join(REPO_ROOT, relativePath), 'utf8');
}

/** The files of a repository directory with one of `extensions`, as `[relative path, text]`, sorted. */
export function readRepoDir(relativeDir: string, extensions: readonly string[]): Array<[string, string]> {
  return readdirSync(join(REPO_ROOT, relativeDir))
    .filter((name) => extensions.some((ext) => name.endsWith(ext)))
    .sort()
    .map((name) => [`${relativeDir}/${name}`, readRepoFile(`${relativeDir}/${name}`)]);
}

let compiled: ValidateFunction | undefined;

/**
 * schemas/workflow.schema.json compiled by Ajv in strict mode, so that a schema mistake fails
 * loudly (strictRequired is off: `oneOf: [{ required: [command] }, ...]` is the idiom for "exactly one").
 */
export function workflowSchemaValidator(): ValidateFunction {
  const schema = JSON.parse(readRepoFile('schemas/workflow.schema.json')) as Record<string, unknown>;
  compiled ??= new Ajv({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  }).compile(schema);
  return compiled;
}
