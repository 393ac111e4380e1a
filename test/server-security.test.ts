/**
 * `strata server` as a real process on a real socket: it refuses a plain-HTTP bind other machines
 * can reach, serves HTTPS with a certificate made here (openssl, self-signed), and over the wire
 * refuses the probes (anonymous submit, rebinding Host).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createToken, runCli, serverUrlOf, startCli } from './strata-cli.js';

function workspace(): string {
  return mkdtempSync(join(tmpdir(), 'strata-security-'));
}

/** A self-signed certificate for localhost and 127.0.0.1, valid a day. */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

interface Answer {
  status: number;
  body: string;
}

/** One HTTPS request that trusts `ca` only. */
function https(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    // The certificate is checked against localhost, whatever Host header the request sends.
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, ca, servername: 'localhost' },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('strata server on the network', () => {
  it('refuses plain HTTP on a non-loopback address, saying why and how to fix it', async () => {
    const dir = workspace();
    const res = await runCli(['server', '--host', '0.0.0.0', '--port', '0'], dir);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      /error INSECURE_BIND: refusing to listen on 0\.0\.0\.0 over plain HTTP: API tokens would cross the network in clear/,
    );
    expect(res.stderr).toMatch(/hint: serve HTTPS with --tls-cert CERT\.pem --tls-key KEY\.pem/);
    const half = await runCli(['server', '--tls-cert', 'c.pem', '--port', '0'], dir);
    expect(half.stderr).toMatch(/error BAD_OPTION: --tls-cert and --tls-key go together/);
    const unreadable = await runCli(
      ['server', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--port', '0'],
      dir,
    );
    expect(unreadable.stderr).toMatch(/error TLS_FILE_UNREADABLE: cannot read the TLS certificate c\.pem/);
  });

  it('starts on a non-loopback address over plain HTTP only with --insecure-http', async () => {
    const dir = workspace();
    const server = startCli(['server', '--host', '0.0.0.0', '--port', '0', '--insecure-http'], dir);
    try {
      const url = await serverUrlOf(server);
      const port = new URL(url).port;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      server.kill('SIGTERM');
      await server.result;
    }
  });

  it('serves HTTPS with --tls-cert/--tls-key, and refuses the probes over the wire', async () => {
    const dir = workspace();
    const { cert, key } = selfSigned(dir);
    const ca = readFileSync(cert, 'utf8');
    const admin = await createToken(dir, 'admin');
    const server = startCli(['server', '--port', '0', '--tls-cert', cert, '--tls-key', key], dir);
    try {
      const url = await serverUrlOf(server);
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect((await https(`${url}/healthz`, ca)).status).toBe(200);

      const probe = JSON.stringify({ text: 'name: p\ntasks:\n  - name: a\n    shell: id\n', baseDir: dir });
      const json = { 'content-type': 'application/json' };
      const anonymous = await https(`${url}/api/v1/workflows`, ca, {
        method: 'POST',
        headers: json,
        body: probe,
      });
      expect(anonymous.status).toBe(401);
      const rebound = await https(`${url}/api/v1/workflows`, ca, {
        method: 'POST',
        headers: { ...json, host: 'rebind.evil.example', authorization: `Bearer ${admin}` },
        body: probe,
      });
      expect(rebound.status).toBe(421);
      expect(JSON.parse(rebound.body)).toMatchObject({ error: { code: 'HOST_NOT_ALLOWED' } });

      // The CLI over HTTPS, trusting the certificate as a user would (NODE_EXTRA_CA_CERTS).
      const status = await runCli(['--server', url, 'status', '--json'], dir, {
        STRATA_TOKEN: admin,
        NODE_EXTRA_CA_CERTS: cert,
      });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual([]);
    } finally {
      server.kill('SIGTERM');
      await server.result;
    }
  });
});
