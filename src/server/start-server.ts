/**
 * `strata server` as one call: assembles Strata with its metrics (`createStrata`, the composition root
 * the CLI's embedded mode shares), adopts the running workflows no live engine holds, builds the HTTP
 * app and listens. The CLI's `server` command is a thin wrapper around it; tests use it to run the
 * real process wiring on port 0.
 *
 * The order matters: the metrics observer must exist before the engine (it is a constructor option,
 * hence `createStrata`'s `observe` hook), and the engine reaches the metrics only through the
 * observer, the metrics the engine only through `slots()` at scrape time.
 *
 * @example
 * const server = await startServer({ storeUrl: 'sqlite:.strata/strata.db', stateDir: '.strata', port: 8080 });
 * console.log(`listening on ${server.url}`);
 * process.once('SIGTERM', () => void server.close());
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { ControlPlane } from '../engine/control-plane.js';
import { createStrata } from '../engine/create-strata.js';
import { submitBudgets, type SubmitBudgets } from '../engine/submit-budgets.js';
import { SubmitPool } from '../engine/submit-pool.js';
import type { Engine } from '../engine/engine.js';
import type { Executor } from '../executors/executor.js';
import type { NodeCapacity } from '../model/index.js';
import type { Store } from '../store/store.js';
import { createServer } from './create-server.js';
import type { StrataServerApp } from './create-server.js';
import { ServerStartError } from './server-start-error.js';
import { createMetrics } from './metrics.js';
import type { StrataMetrics } from './metrics.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

export interface StartServerOptions {
  /** A store URL `openStore` understands (`sqlite:PATH`, `postgres://...`). */
  storeUrl: string;
  /** Where attempt logs go (`<stateDir>/logs/...`). */
  stateDir: string;
  /** Default 127.0.0.1: a server reachable from other machines is a choice (`0.0.0.0`), not a default. */
  host?: string;
  /** Default 8080 (as `strata server`); 0 picks a free port (see `RunningServer.url`). */
  port?: number;
  /** Default a `LocalExecutor` with `capacity`. Closed with the server. */
  executor?: Executor;
  /** What the default local executor may use (anything left out is detected). */
  capacity?: Partial<NodeCapacity>;
  logger?: boolean;
  /** How long a workflow lease lasts unrenewed (default 30 s): how soon another server takes over. */
  leaseTtlMs?: number;
  /** Runs before every `/api/v1` request, after authentication (see routes.ts). */
  onApiRequest?: onRequestAsyncHookHandler;
  /** Serve HTTPS with this PEM certificate (chain) and key, read from these files. */
  tls?: { certFile: string; keyFile: string };
  /**
   * Listen on a non-loopback address over plain HTTP anyway (tokens then cross the network in
   * clear: only behind a TLS-terminating proxy on the same host or a trusted network).
   */
  insecureHttp?: boolean;
  /** Host names clients use besides loopback (`--public-name`). */
  publicNames?: readonly string[];
  /** Origins allowed to call the API from a browser (`--cors-origin`). */
  corsOrigins?: readonly string[];
  /** /metrics needs a viewer token. */
  protectMetrics?: boolean;
  /** How long a verified token is trusted before its record is read again. Default 5 s. */
  tokenRecheckMs?: number;
  /** Submit budgets (spec size, tasks, glob matches, expansion time, stored size); default each. */
  budgets?: Partial<SubmitBudgets>;
  /**
   * Roots a submitted workflow's directory must lie under (`--allow-dir`); undefined = anywhere.
   * Globs are confined to that directory in any case. docs/security.md.
   */
  allowedDirs?: string[];
}

export interface RunningServer {
  /** `http://host:port` (or https) it listens on. */
  url: string;
  app: StrataServerApp;
  engine: Engine;
  store: Store;
  api: ControlPlane;
  /** Running workflows this server took over at start-up. */
  adopted: string[];
  /**
   * Stops accepting requests, stops the engine (releasing its leases; attempts of an executor that
   * can re-attach keep running for the next start), closes the executor and the store.
   */
  close(): Promise<void>;
}

/** Whether `host` is a loopback address or name: reachable from this machine only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** The certificate and key, or a ServerStartError naming the file that cannot be read. */
function readTls(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new ServerStartError(
        'TLS_FILE_UNREADABLE',
        `cannot read the TLS ${what} ${file}: ${(e as Error).message}`,
        'give PEM files the server process can read: --tls-cert CERT.pem --tls-key KEY.pem',
      );
    }
  };
  return { cert: read(tls.certFile, 'certificate'), key: read(tls.keyFile, 'key') };
}

/** Refuses a plain-HTTP listener other machines can reach, unless told it is meant. */
function checkBind(host: string, options: StartServerOptions): void {
  if (isLoopback(host) || options.tls || options.insecureHttp) return;
  throw new ServerStartError(
    'INSECURE_BIND',
    `refusing to listen on ${host} over plain HTTP: API tokens would cross the network in clear, ` +
      'readable by anyone on the path',
    'serve HTTPS with --tls-cert CERT.pem --tls-key KEY.pem, or keep --host 127.0.0.1 behind a ' +
      'TLS-terminating reverse proxy (docs/security.md); --insecure-http overrides this check',
  );
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  checkBind(host, options);
  const https = options.tls ? readTls(options.tls) : undefined;
  let metrics: StrataMetrics | undefined;
  const budgets = submitBudgets(options.budgets);
  const pool = new SubmitPool({
    budgets,
    confineGlobs: true,
    ...(options.allowedDirs ? { allowedDirs: options.allowedDirs } : {}),
  });
  const strata = await createStrata({
    controlPlane: { loadSpec: (input) => pool.load(input) },
    store: options.storeUrl,
    stateDir: options.stateDir,
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.capacity ? { capacity: options.capacity } : {}),
    ...(options.leaseTtlMs !== undefined ? { engine: { leaseTtlMs: options.leaseTtlMs } } : {}),
    observe: ({ store, executor, engine }) => {
      metrics = createMetrics({ store, slots: () => engine().slots(), executor: executor.name });
      return metrics.observer;
    },
  });
  try {
    const { api, engine, store } = strata;
    const adopted = await engine.adoptAll();
    const app = await createServer({
      api,
      engine,
      store,
      metrics: metrics!.registry,
      logger: options.logger ?? false,
      maxSpecBytes: budgets.specBytes,
      ...(options.onApiRequest ? { onApiRequest: options.onApiRequest } : {}),
      listenHost: host,
      ...(options.publicNames ? { publicNames: options.publicNames } : {}),
      ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
      ...(options.protectMetrics ? { protectMetrics: true } : {}),
      ...(options.tokenRecheckMs !== undefined ? { tokenRecheckMs: options.tokenRecheckMs } : {}),
      ...(https ? { https } : {}),
    });
    try {
      await app.listen({ host, port: options.port ?? DEFAULT_PORT });
    } catch (e) {
      await app.close();
      throw e;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return {
      url: `${https ? 'https' : 'http'}://${urlHost}:${port}`,
      app,
      engine,
      store,
      api,
      adopted,
      async close() {
        await app.close();
        await pool.close();
        await strata.close();
      },
    };
  } catch (e) {
    await pool.close().catch(() => undefined);
    await strata.close().catch(() => undefined);
    throw e;
  }
}
