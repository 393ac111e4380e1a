/**
 * Where a client finds its API token: `STRATA_TOKEN`, else the config file
 * `$XDG_CONFIG_HOME/strata/config.json` (default `~/.config/strata/config.json`):
 *
 *   { "server": "https://strata.example.org", "token": "strata_<id>_<secret>" }
 *
 * The file holds a secret, so it must be readable by its owner alone (mode 0600): one that group or
 * others can read is refused with the `chmod` that fixes it. Its token goes only to its `server`
 * (when it names one), so that a `--server` pointed elsewhere does not receive it.
 *
 * @example
 * const token = clientToken('http://127.0.0.1:8080'); // undefined: send no Authorization header
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StrataClientError } from './http-client.js';

export interface ClientConfig {
  server?: string;
  token?: string;
}

/** `$XDG_CONFIG_HOME/strata/config.json`, or `~/.config/strata/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'strata', 'config.json');
}

/** The config file's contents, or undefined if there is none; throws CONFIG_UNSAFE / CONFIG_INVALID. */
export function readClientConfig(path: string): ClientConfig | undefined {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) !== 0) {
    throw new StrataClientError(
      'CONFIG_UNSAFE',
      `${path} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')}), ` +
        'and it holds an API token',
      `make it yours alone: chmod 600 ${path} (and revoke the token if others may have read it)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new StrataClientError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: ${(e as Error).message}`,
      'write it as {"server": "https://host:8080", "token": "strata_..."}',
    );
  }
  const config = parsed as Record<string, unknown> | null;
  const bad = ['server', 'token'].find((k) => config?.[k] !== undefined && typeof config[k] !== 'string');
  if (!config || typeof config !== 'object' || Array.isArray(config) || bad) {
    throw new StrataClientError(
      'CONFIG_INVALID',
      `${path} must be a JSON object with string fields "server" and "token"` +
        (bad ? ` ("${bad}" is not a string)` : ''),
      'write it as {"server": "https://host:8080", "token": "strata_..."}',
    );
  }
  return config;
}

/** The token to send to `serverUrl`: STRATA_TOKEN, else the config file's (if it is for that server). */
export function clientToken(serverUrl: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.STRATA_TOKEN) return env.STRATA_TOKEN;
  const config = readClientConfig(configPath(env));
  if (!config?.token) return undefined;
  if (config.server !== undefined && sameServer(config.server) !== sameServer(serverUrl)) return undefined;
  return config.token;
}

/** A server URL as compared: scheme (default http), host and port, no trailing slash. */
function sameServer(url: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  try {
    const u = new URL(withScheme);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}
