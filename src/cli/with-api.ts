/**
 * Which `StrataApi` a command talks to: a server's (`--server`) or one assembled in this process on
 * the embedded store. Commands are written once against the interface; the few that must know where
 * the engine runs (to stop it on Ctrl-C, to wait for it) get the embedded parts as well.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { clientToken } from '../client/credentials.js';
import { HttpClient } from '../client/http-client.js';
import { EngineError } from '../engine/errors.js';
import type { StrataApi, SubmitInput } from '../engine/strata-api.js';
import { CliError, EXIT_FAILED } from './cli-error.js';
import { openEmbedded } from './embedded.js';
import type { Embedded } from './embedded.js';
import { executorFromFlags } from './executor-option.js';
import { capacityOption, serverUrl } from './global-options.js';
import type { GlobalOptions } from './global-options.js';

/** Runs `body` against the server if one is named, else against an embedded control plane. */
export async function withApi(
  g: GlobalOptions,
  body: (api: StrataApi, env?: Embedded) => Promise<number>,
): Promise<number> {
  const url = serverUrl(g);
  if (url) return body(remoteClient(url));
  const env = await embedded(g);
  try {
    return await body(env.api, env);
  } finally {
    await env.close();
  }
}

/** A client of the server at `url`, with the token of STRATA_TOKEN or the config file (credentials.ts). */
export function remoteClient(url: string): HttpClient {
  const token = clientToken(url);
  return new HttpClient(url, token ? { token } : {});
}

function embedded(g: GlobalOptions): Promise<Embedded> {
  const executor = executorFromFlags(g);
  return openEmbedded({
    ...(g.db ? { db: g.db } : {}),
    ...(g.home ? { home: g.home } : {}),
    ...capacityOption(g),
    ...(executor ? { executor } : {}),
  });
}

/** The most recent workflow's id; CliError NO_WORKFLOWS (exit 1) when there is none. */
export async function latestWorkflow(api: StrataApi): Promise<string> {
  const [latest] = (await api.listWorkflows({ limit: 1 })).items;
  if (!latest)
    throw new CliError('NO_WORKFLOWS', 'no workflows yet', 'run one with `strata run FILE`', EXIT_FAILED);
  return latest.id;
}

/** A workflow file as `submit` takes it: its text, and its directory for relative paths. */
export function submitInput(file: string): SubmitInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EngineError('SPEC_FILE_UNREADABLE', `cannot read workflow file ${file}`, 'check the path');
  }
  return { text, file, baseDir: dirname(resolve(file)) };
}
