import { describe, expect, it } from 'vitest';
import { errorBody } from './error-handler.js';
import { redactedError, REDACTING_LOGGER } from './log-redaction.js';

describe('the server log and answers without credentials', () => {
  it('masks an error message, stack, string fields and cause', () => {
    const cause = new Error('connect to postgres://u:pw-cause@h/db failed');
    const error = Object.assign(new TypeError('Invalid URL', { cause }), {
      input: 'alice:pw-input@h',
      code: 'ERR_INVALID_URL',
      details: { url: 'postgres://u@h/db?password=pw-details' },
    });
    const logged = redactedError(error);
    expect(logged).toMatchObject({
      type: 'TypeError',
      message: 'Invalid URL',
      input: 'alice:***@h',
      code: 'ERR_INVALID_URL',
    });
    expect(JSON.stringify(logged)).not.toMatch(/pw-/);
    expect(JSON.stringify(logged)).toContain('postgres://u:***@h/db');
  });

  it('masks a token in a logged request URL', () => {
    const request = {
      method: 'GET',
      url: '/api/v1/workflows?token=tok-x',
      host: 'h',
      ip: '127.0.0.1',
      socket: { remotePort: 1 },
    };
    const logged = REDACTING_LOGGER.serializers.req(request as never);
    expect(logged.url).toBe('/api/v1/workflows?token=***');
  });

  it('masks an error body', () => {
    expect(errorBody('INTERNAL', 'store at postgres://u:pw@h/db failed', 'check PGPASSWORD=pw')).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'store at postgres://u:***@h/db failed',
        hint: 'check PGPASSWORD=***',
      },
    });
  });
});
