import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientToken, configPath } from './credentials.js';

let home: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'strata-credentials-'));
  env = { XDG_CONFIG_HOME: home };
});

afterEach(() => rmSync(home, { recursive: true, force: true }));

function writeConfig(content: string, mode: number): string {
  const path = configPath(env);
  mkdirSync(join(home, 'strata'), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

describe('clientToken', () => {
  it('reads $XDG_CONFIG_HOME/strata/config.json when it is mode 0600; STRATA_TOKEN wins over it', () => {
    expect(configPath(env)).toBe(join(home, 'strata', 'config.json'));
    expect(clientToken('http://127.0.0.1:8080', env)).toBeUndefined();
    writeConfig(JSON.stringify({ token: 'strata_from_file' }), 0o600);
    expect(clientToken('http://127.0.0.1:8080', env)).toBe('strata_from_file');
    expect(clientToken('http://127.0.0.1:8080', { ...env, STRATA_TOKEN: 'strata_env' })).toBe('strata_env');
  });

  it('refuses a config file group or others can read, naming the chmod that fixes it', () => {
    const path = writeConfig(JSON.stringify({ token: 'strata_x' }), 0o644);
    expect(() => clientToken('http://127.0.0.1:8080', env)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_UNSAFE',
        message: expect.stringContaining('mode 0644'),
        hint: expect.stringContaining(`chmod 600 ${path}`),
      }),
    );
    chmodSync(path, 0o640);
    expect(() => clientToken('http://127.0.0.1:8080', env)).toThrow(/can be read by other users/);
  });

  it('sends the file token only to the server the file names', () => {
    writeConfig(JSON.stringify({ server: 'https://strata.example.org/', token: 'strata_x' }), 0o600);
    expect(clientToken('https://strata.example.org', env)).toBe('strata_x');
    expect(clientToken('http://strata.example.org', env)).toBeUndefined();
    expect(clientToken('http://127.0.0.1:8080', env)).toBeUndefined();
  });

  it('says what is wrong with a file that is not the expected JSON', () => {
    writeConfig('{"token": ', 0o600);
    expect(() => clientToken('http://h', env)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    writeConfig('{"token": 42}', 0o600);
    expect(() => clientToken('http://h', env)).toThrow(/"token" is not a string/);
  });
});
