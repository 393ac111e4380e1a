/**
 * `StrataApi` over HTTP: what the CLI uses with `--server URL`. Every method is one request to the
 * `/api/v1` routes of `strata server` (docs/api.md), so a command behaves the same embedded or remote.
 *
 * Errors come back as they would in embedded mode: an error answer carrying one of the engine's codes
 * is re-thrown as that `EngineError` (same code, message, hint and details); the server's own codes
 * (BAD_REQUEST, INTERNAL ...) and a server that cannot be reached (SERVER_UNREACHABLE) throw a
 * `StrataClientError` with the same fields. Both have `code`, `message` and `hint`, which is all the
 * CLI prints.
 *
 * @example
 * const api: StrataApi = new HttpClient('http://127.0.0.1:8080');
 * const wf = await api.submit({ text, file: 'wf.yaml', baseDir: '/data/run1' });
 * console.log((await api.getWorkflow(wf.id)).counts);
 */
import { EngineError, isEngineErrorCode } from '../engine/errors.js';
import * as Api from '../engine/strata-api.js';
import type { IssuedToken, NewTokenRequest, TokenAdmin, TokenView } from '../engine/token-admin.js';
import { watchEvents } from '../engine/watch-events.js';
import { StrataError } from '../model/index.js';
import type { TaskState } from '../model/index.js';
import type { AttemptRecord, EventRecord, TaskRecord, WorkflowRecord } from '../store/store.js';

/** Codes a `StrataClientError` may carry besides the server's own (`SERVER_ERROR_CODES`). */
export const CLIENT_ERROR_CODES = [
  'SERVER_UNREACHABLE',
  'BAD_RESPONSE',
  'BAD_SERVER_URL',
  'CONFIG_UNSAFE',
  'CONFIG_INVALID',
] as const;

/**
 * A failure that is not the engine's: the server refused the request (BAD_REQUEST, UNAUTHORIZED,
 * INTERNAL ...), answered something that is not Strata's error format (BAD_RESPONSE), or could not be
 * reached at all (SERVER_UNREACHABLE, `httpStatus` undefined).
 */
export class StrataClientError extends StrataError {
  constructor(
    code: string,
    message: string,
    hint?: string,
    readonly details?: unknown,
    /** The HTTP status of the answer; undefined when there was none. */
    readonly httpStatus?: number,
  ) {
    super(code, message, { hint });
    this.name = 'StrataClientError';
  }
}

export interface HttpClientOptions {
  /** Give up on a request after this long. Default 60 s. */
  timeoutMs?: number;
  /** API token, sent as `Authorization: Bearer <token>` (see credentials.ts for where the CLI finds it). */
  token?: string;
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** How often `watch` asks the server for new events. Default 500 ms. */
  pollMs?: number;
}

type Query = Record<string, string | number | readonly string[] | undefined>;

type Method = 'GET' | 'POST' | 'DELETE';

export class HttpClient implements Api.StrataApi, TokenAdmin {
  /** The server's origin and path prefix, without a trailing slash (`http://host:8080`). */
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly pollMs: number;

  /** `baseUrl` like `http://127.0.0.1:8080`; `127.0.0.1:8080` alone means http. */
  constructor(baseUrl: string, options: HttpClientOptions = {}) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl) ? baseUrl : `http://${baseUrl}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new StrataClientError(
        'BAD_SERVER_URL',
        `${JSON.stringify(baseUrl)} is not a server URL`,
        'give it like http://127.0.0.1:8080',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new StrataClientError(
        'BAD_SERVER_URL',
        `${JSON.stringify(baseUrl)} is not an http(s) URL`,
        'give it like http://127.0.0.1:8080',
      );
    }
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.headers = {
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    };
    this.pollMs = options.pollMs ?? 500;
  }

  submit(input: Api.SubmitInput): Promise<Api.WorkflowView> {
    return this.json('POST', '/workflows', {}, input);
  }

  listWorkflows(
    filter: { states?: WorkflowRecord['state'][] } & Api.PageRequest = {},
  ): Promise<Api.Page<Api.WorkflowView>> {
    return this.json('GET', '/workflows', { state: filter.states, ...pageQuery(filter) });
  }

  getWorkflow(ref: string): Promise<Api.WorkflowView> {
    return this.json('GET', workflowPath(ref));
  }

  listTasks(
    ref: string,
    filter: { states?: TaskState[] } & Api.PageRequest = {},
  ): Promise<Api.Page<TaskRecord>> {
    return this.json('GET', `${workflowPath(ref)}/tasks`, { state: filter.states, ...pageQuery(filter) });
  }

  getTask(ref: string, task: string): Promise<Api.TaskDetail> {
    return this.json('GET', taskPath(ref, task));
  }

  listAttempts(
    ref: string,
    filter: { task?: string } & Api.PageRequest = {},
  ): Promise<Api.Page<AttemptRecord>> {
    return this.json('GET', `${workflowPath(ref)}/attempts`, { task: filter.task, ...pageQuery(filter) });
  }

  /** The log's end; `truncated` from the server's `x-strata-truncated` header. */
  async readLog(ref: string, task: string, request: Api.LogRequest): Promise<Api.LogTail> {
    const response = await this.send('GET', `${taskPath(ref, task)}/logs`, {
      stream: request.stream,
      attempt: request.attempt,
      tail: request.tailBytes,
    });
    return {
      text: await response.text(),
      truncated: response.headers.get(Api.LOG_TRUNCATED_HEADER) === 'true',
    };
  }

  cancel(ref: string): Promise<Api.WorkflowView> {
    return this.json('POST', `${workflowPath(ref)}/cancel`);
  }

  retry(ref: string, task: string): Promise<Api.WorkflowView> {
    return this.json('POST', `${taskPath(ref, task)}/retry`);
  }

  resume(ref: string): Promise<Api.WorkflowView> {
    return this.json('POST', `${workflowPath(ref)}/resume`);
  }

  listEvents(
    ref: string,
    filter: { afterSeq?: number } & Api.PageRequest = {},
  ): Promise<Api.Page<EventRecord>> {
    return this.json('GET', `${workflowPath(ref)}/events`, { after: filter.afterSeq, ...pageQuery(filter) });
  }

  createToken(request: NewTokenRequest): Promise<IssuedToken> {
    return this.json('POST', '/tokens', {}, request);
  }

  listTokens(): Promise<TokenView[]> {
    return this.json('GET', '/tokens');
  }

  revokeToken(id: string): Promise<TokenView> {
    return this.json('DELETE', `/tokens/${encodeURIComponent(id)}`);
  }

  /**
   * Polls the events endpoint every `pollMs` (and the workflow, to know when it is over) until the
   * workflow is in a final state. A server-pushed stream replaces the polling when the server has one.
   */
  async *watch(ref: string, options: Api.WatchOptions = {}): AsyncGenerator<EventRecord, void, undefined> {
    const { id } = await this.getWorkflow(ref);
    yield* watchEvents(
      {
        workflowState: async () => (await this.getWorkflow(id)).state,
        listEvents: async (afterSeq, limit) => (await this.listEvents(id, { afterSeq, limit })).items,
        pollMs: this.pollMs,
      },
      options,
    );
  }

  private async json<T>(method: Method, path: string, query: Query = {}, body?: unknown): Promise<T> {
    const response = await this.send(method, path, query, body);
    return (await response.json()) as T;
  }

  /** One request; resolves with a 2xx response, throws the error the answer (or its absence) means. */
  private async send(method: Method, path: string, query: Query, body?: unknown): Promise<Response> {
    const url = `${this.baseUrl}/api/v1${path}${queryString(query)}`;
    const headers: Record<string, string> = { ...this.headers };
    // The server refuses a POST without it, even with no body (docs/security.md).
    if (method === 'POST' || body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw this.unreachable(e);
    }
    if (response.ok) return response;
    throw await errorFrom(response, method, url);
  }

  private unreachable(e: unknown): StrataClientError {
    const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const reason =
      err.name === 'TimeoutError'
        ? `no answer within ${this.timeoutMs} ms`
        : (err.cause?.code ?? err.cause?.message ?? err.message ?? String(e));
    return new StrataClientError(
      'SERVER_UNREACHABLE',
      `cannot reach Strata server at ${this.baseUrl}: ${reason}`,
      'is `strata server` running? Check the --server URL, or leave it out to run embedded',
    );
  }
}

function pageQuery(page: Api.PageRequest): Query {
  return { limit: page.limit, cursor: page.cursor };
}

function workflowPath(ref: string): string {
  return `/workflows/${encodeURIComponent(ref)}`;
}

function taskPath(ref: string, task: string): string {
  return `${workflowPath(ref)}/tasks/${encodeURIComponent(task)}`;
}

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The error an error answer stands for: the server's own words when it sent Strata's error format. */
async function errorFrom(response: Response, method: string, url: string): Promise<Error> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (
    parsed as { error?: { code?: unknown; message?: unknown; hint?: unknown; details?: unknown } }
  )?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const hint = typeof error.hint === 'string' ? error.hint : undefined;
    if (isEngineErrorCode(error.code)) {
      return new EngineError(error.code, error.message, hint, error.details);
    }
    return new StrataClientError(error.code, error.message, hint, error.details, response.status);
  }
  const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new StrataClientError(
    'BAD_RESPONSE',
    `${method} ${url} answered ${response.status} ${response.statusText}` + (excerpt ? `: ${excerpt}` : ''),
    'is this URL a Strata server? (or a proxy in front of it failing)',
    undefined,
    response.status,
  );
}
