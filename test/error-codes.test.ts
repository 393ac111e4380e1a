/**
 * Every error code Strata can report is documented in docs/errors.md, and every code documented
 * there exists (the Fastify habit: docs and code cannot drift apart).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANOMALY_ERROR_CODES } from '../src/anomaly/index.js';
import { CLI_ERROR_CODES } from '../src/cli/cli-error.js';
import { CLIENT_ERROR_CODES } from '../src/client/http-client.js';
import { ENGINE_ERROR_CODES } from '../src/engine/errors.js';
import { PERFMODEL_ERROR_CODES } from '../src/perfmodel/index.js';
import { SERVER_ERROR_CODES } from '../src/server/error-handler.js';
import { SERVER_START_ERROR_CODES } from '../src/server/server-start-error.js';
import { SIM_ERROR_CODES } from '../src/sim/index.js';
import { STORE_ERROR_CODES } from '../src/store/errors.js';
import { SPEC_ERROR_CODES } from '../src/spec/index.js';
import { PLATFORM_ERROR_CODES } from '../src/platform/index.js';
import { WFC_ERROR_CODES } from '../src/formats/wfcommons/index.js';

const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8');
const documented = [...doc.matchAll(/^### ([A-Z][A-Z_]+)\s*$/gm)].map((m) => m[1]!);

const emitted = [
  ...SPEC_ERROR_CODES,
  ...PLATFORM_ERROR_CODES,
  ...WFC_ERROR_CODES,
  ...ENGINE_ERROR_CODES,
  ...STORE_ERROR_CODES,
  ...SERVER_ERROR_CODES,
  ...SERVER_START_ERROR_CODES,
  ...CLI_ERROR_CODES,
  ...CLIENT_ERROR_CODES,
  ...SIM_ERROR_CODES,
  ...ANOMALY_ERROR_CODES,
  ...PERFMODEL_ERROR_CODES,
];

describe('error codes', () => {
  it('every code Strata emits is documented in docs/errors.md', () => {
    const missing = emitted.filter((c) => !documented.includes(c));
    expect(missing).toEqual([]);
  });

  it('every code documented in docs/errors.md is emitted somewhere', () => {
    const unknown = documented.filter((c) => !emitted.includes(c as (typeof emitted)[number]));
    expect(unknown).toEqual([]);
  });

  it('no code is documented twice or means two things', () => {
    expect(new Set(documented).size).toBe(documented.length);
    expect(new Set(emitted).size).toBe(emitted.length);
  });
});
