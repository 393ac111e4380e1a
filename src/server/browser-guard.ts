/**
 * What keeps a browser from being turned against `strata server`. A server on 127.0.0.1 is reachable
 * from every web page the user opens: a page can send it requests (cross-site POSTs that need no
 * CORS preflight: `text/plain`, forms) and, through DNS rebinding (a name of the attacker's that
 * resolves to 127.0.0.1), even read its answers. Tokens stop most of that; these checks stop the
 * rest, on every route (`/healthz` included):
 *
 * - **Host allowlist.** Loopback names (`localhost`, `127.0.0.1`, `[::1]`, any port), the address
 *   the server listens on when it is a specific one, and the configured public names. Anything else
 *   is 421 HOST_NOT_ALLOWED: a rebinding page sends its own name as Host.
 * - **Origin.** A state-changing request (POST, PUT, PATCH, DELETE) that carries an Origin other
 *   than the server's own (same host and port as the Host header) or a configured CORS origin is
 *   403 ORIGIN_NOT_ALLOWED.
 * - **JSON only.** Every POST, PUT and PATCH must say `Content-Type: application/json`, empty bodies
 *   included (415 UNSUPPORTED_MEDIA_TYPE): the content types a page may send cross-site without a
 *   preflight never reach a handler.
 * - **Headers** on every answer: nosniff, no framing, no referrer, a CSP that allows nothing,
 *   `Cache-Control: no-store` under /api, and `x-request-id`.
 *
 * Never: trust X-Forwarded-Host or X-Forwarded-Proto here (a proxy must pass the Host it was asked
 * for, and its public name be configured).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './error-handler.js';

export interface BrowserGuardOptions {
  /** Names (and IP addresses) besides loopback that clients reach the server by: `--public-name`. */
  publicNames?: readonly string[];
  /** The address the server listens on; allowed as a Host too unless it is a wildcard (0.0.0.0, ::). */
  listenHost?: string;
  /** Origins allowed to make cross-origin requests (`--cors-origin`), e.g. `https://dash.example.org`. */
  corsOrigins?: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '[::]', '']);
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cross-origin-resource-policy': 'same-origin',
};

/** A host name as compared: lower case, no trailing dot, IPv6 in brackets. */
export function normaliseHostName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/** `[hostname, port]` of a Host header (`example.org:8080`, `[::1]:80`, `localhost`); port '' if none. */
export function splitHost(host: string): [string, string] {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host.trim());
  if (!m) return ['', ''];
  return [normaliseHostName(m[1] ?? ''), m[2] ?? ''];
}

/** The allowed Host names for these options. */
export function allowedHostNames(options: BrowserGuardOptions): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  for (const name of options.publicNames ?? []) names.add(normaliseHostName(name));
  if (options.listenHost !== undefined) {
    const listen = normaliseHostName(options.listenHost);
    if (!WILDCARDS.has(listen)) names.add(listen);
  }
  return names;
}

/** Whether `origin` (an Origin header) names the host and port of `hostHeader`. */
function sameHost(origin: string, hostHeader: string, tls: boolean): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const [name, port] = splitHost(hostHeader);
  const originPort = url.port || (url.protocol === 'https:' ? '443' : '80');
  return normaliseHostName(url.hostname) === name && originPort === (port || (tls ? '443' : '80'));
}

/** Installs the checks and headers above as root hooks of `app` (so they cover every route). */
export function installBrowserGuard(app: FastifyInstance, options: BrowserGuardOptions): void {
  const hosts = allowedHostNames(options);
  const corsOrigins = new Set((options.corsOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const host = request.headers.host ?? '';
    if (!hosts.has(splitHost(host)[0])) {
      throw new ApiError(
        421,
        'HOST_NOT_ALLOWED',
        `this server does not answer to the host name ${JSON.stringify(host)}`,
        'use a loopback address, or start the server with --public-name NAME for the name clients use',
      );
    }
    const origin = request.headers.origin;
    if (origin !== undefined && UNSAFE_METHODS.has(request.method)) {
      const allowed =
        corsOrigins.has(origin.toLowerCase()) || sameHost(origin, host, request.protocol === 'https');
      if (!allowed) {
        throw new ApiError(
          403,
          'ORIGIN_NOT_ALLOWED',
          `a ${request.method} from origin ${JSON.stringify(origin)} is refused`,
          'a web page may only change things on this server if its origin is given with --cors-origin',
        );
      }
    }
    if (BODY_METHODS.has(request.method)) {
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/json') {
        throw new ApiError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `a ${request.method} must be sent as Content-Type: application/json, ` +
            (type ? `not ${type}` : 'and this one has none'),
          'send the header even when the body is empty',
        );
      }
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    reply.headers(SECURITY_HEADERS);
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
