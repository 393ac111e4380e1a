import { describe, expect, it } from 'vitest';
import { redactError, redactSecrets, redactUrl } from './redact.js';

describe('redactSecrets', () => {
  it.each([
    // URLs with a password in the user info
    ['postgres://u:pw@h/db', 'postgres://u:***@h/db'],
    ['postgresql://strata:s3cret@db.example:5432/strata', 'postgresql://strata:***@db.example:5432/strata'],
    ['postgres://u:top/secret@h/db', 'postgres://u:***@h/db'],
    ['postgres://u:p@ss:w@h/db', 'postgres://u:***@h/db'],
    ['postgres://u:p%40ss%2Fw%3A@h/db', 'postgres://u:***@h/db'],
    ['postgres://:pw@h/db', 'postgres://:***@h/db'],
    ['cannot connect to postgres://u:pw@h/db: refused', 'cannot connect to postgres://u:***@h/db: refused'],
    ['"postgres://u:pw@h/db"', '"postgres://u:***@h/db"'],
    ['a postgres://a:1@h and b postgres://b:2@h', 'a postgres://a:***@h and b postgres://b:***@h'],
    // password-like query parameters
    ['postgres://u@h/db?password=x', 'postgres://u@h/db?password=***'],
    [
      'postgres://u@h/db?sslmode=require&password=x&application_name=s',
      'postgres://u@h/db?sslmode=require&password=***&application_name=s',
    ],
    ['postgres://u@h/db?sslpassword=x', 'postgres://u@h/db?sslpassword=***'],
    ['https://api.example/x?token=abc&q=1', 'https://api.example/x?token=***&q=1'],
    ['https://api.example/x?api_key=abc', 'https://api.example/x?api_key=***'],
    ['https://api.example/x?pwd=abc#frag', 'https://api.example/x?pwd=***#frag'],
    ['https://h/?Password=abc', 'https://h/?Password=***'],
    // user:password@host without a scheme
    ['alice:top/secret@h', 'alice:***@h'],
    ['connect alice:pa:ss@db.example failed', 'connect alice:***@db.example failed'],
    ['(alice:x@h)', '(alice:***@h)'],
    // libpq keyword strings, environment assignments, JSON
    ['host=h user=u password=x dbname=d', 'host=h user=u password=*** dbname=d'],
    ["host=h password='x y' dbname=d", 'host=h password=*** dbname=d'],
    ['PGPASSWORD=hunter2 psql', 'PGPASSWORD=*** psql'],
    ['env STRATA_TOKEN=abc strata run', 'env STRATA_TOKEN=*** strata run'],
    ['{"user":"u","password":"x\\"y"}', '{"user":"u","password":"***"}'],
    [
      'at postgres://u@h/db?password=pw2: connect ECONNREFUSED',
      'at postgres://u@h/db?password=***: connect ECONNREFUSED',
    ],
    ['password=a:b rest', 'password=*** rest'],
    // nothing to hide: left as it is
    ['postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE', 'postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE'],
    ['postgres://u@h/db', 'postgres://u@h/db'],
    ['sqlite:/var/lib/strata/strata.db', 'sqlite:/var/lib/strata/strata.db'],
    ['postgres://h:5432/db', 'postgres://h:5432/db'],
    ['error WORKFLOW_NOT_FOUND: no workflow wf-1', 'error WORKFLOW_NOT_FOUND: no workflow wf-1'],
    ['mail alice@example.org at 10:30', 'mail alice@example.org at 10:30'],
    ['passfile=/home/u/.pgpass', 'passfile=/home/u/.pgpass'],
    ['', ''],
  ])('%s', (input, want) => {
    expect(redactSecrets(input)).toBe(want);
  });

  it('is stable: redacting twice changes nothing more', () => {
    const once = redactSecrets('postgres://u:pw@h/db?password=x alice:s@h PGPASSWORD=y');
    expect(redactSecrets(once)).toBe(once);
    expect(once).not.toMatch(/pw|=x|:s@|=y/);
  });
});

describe('redactUrl and redactError', () => {
  it('masks a URL and an error message and stack', () => {
    expect(redactUrl('postgres://strata:s3cret@db/strata')).toBe('postgres://strata:***@db/strata');
    const error = new Error('cannot open postgres://u:pw@h/db?password=pw2');
    const { message, stack } = redactError(error);
    expect(message).toBe('cannot open postgres://u:***@h/db?password=***');
    expect(stack).toContain('postgres://u:***@h/db?password=***');
    expect(`${message}${stack}`).not.toMatch(/pw2|:pw@/);
  });
});
