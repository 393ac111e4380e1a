/**
 * `strata token create|list|revoke`: API tokens for `strata server`. Without `--server` they act on
 * the store directly (the same `--db`/`--home` as every embedded command): that is how the first
 * admin token is made, on the server's machine, by whoever may read its store. With `--server` they
 * go through the API and need an admin token themselves.
 */
import type { Command } from 'commander';
import type { TokenAdmin, TokenView } from '../../engine/token-admin.js';
import { isRole, ROLES } from '../../model/index.js';
import { openStore } from '../../store/open-store.js';
import { StoreTokenAdmin } from '../../server/tokens.js';
import { CliError, EXIT_OK } from '../cli-error.js';
import { strataPlace } from '../embedded.js';
import { serverUrl } from '../global-options.js';
import type { CommandContext, GlobalOptions } from '../global-options.js';
import { remoteClient } from '../with-api.js';

const UNITS_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w` → milliseconds. Throws CliError BAD_OPTION. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  const n = m ? Number(m[1]) * UNITS_MS[m[2]!]! : NaN;
  if (!(n > 0)) {
    throw new CliError('BAD_OPTION', `--expires must be a duration like 90m, 12h, 30d or 2w, got ${text}`);
  }
  return n;
}

/** Runs `body` with the server's token admin (--server) or one on the store. */
async function withTokenAdmin(
  g: GlobalOptions,
  body: (admin: TokenAdmin) => Promise<number>,
): Promise<number> {
  const url = serverUrl(g);
  if (url) return body(remoteClient(url));
  const { storeUrl } = strataPlace(g);
  const store = await openStore({ url: storeUrl });
  try {
    return await body(new StoreTokenAdmin(store));
  } finally {
    await store.close();
  }
}

const when = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function state(t: TokenView, now: number): string {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt <= now) return 'expired';
  return 'active';
}

function tokenTable(tokens: readonly TokenView[], now: number): string {
  if (tokens.length === 0) return 'no tokens yet — make one with `strata token create --role admin`';
  const rows = [['ID', 'NAME', 'ROLE', 'STATE', 'CREATED', 'EXPIRES']];
  for (const t of tokens)
    rows.push([t.id, t.name, t.role, state(t, now), when(t.createdAt), when(t.expiresAt)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function declareToken(program: Command, cli: CommandContext): void {
  const token = program
    .command('token')
    .description('API tokens for `strata server`: create, list, revoke (on the store, or --server as admin)');

  token
    .command('create')
    .description('make a token; its secret is printed this once')
    .requiredOption('--role <role>', `what it may do: ${ROLES.join(' < ')}`)
    .option('--name <name>', 'who or what holds it (default <role>-<id>)')
    .option('--expires <duration>', 'valid for this long: 90m, 12h, 30d, 2w (default: until revoked)')
    .option('--json', 'print the token and its record as one JSON line')
    .action(
      cli.act(async (opts: { role: string; name?: string; expires?: string; json?: boolean }) => {
        if (!isRole(opts.role)) {
          throw new CliError('BAD_OPTION', `--role must be one of ${ROLES.join(', ')}, got ${opts.role}`);
        }
        const role = opts.role;
        const expiresAt = opts.expires !== undefined ? Date.now() + parseDuration(opts.expires) : undefined;
        return withTokenAdmin(cli.globals(), async (admin) => {
          const issued = await admin.createToken({
            role,
            ...(opts.name !== undefined ? { name: opts.name } : {}),
            ...(expiresAt !== undefined ? { expiresAt } : {}),
          });
          if (opts.json) {
            console.log(JSON.stringify(issued));
          } else {
            console.log(issued.token);
            process.stderr.write(
              `token ${issued.id} (${issued.name}, ${issued.role}, expires ${when(issued.expiresAt)}): ` +
                'the line above is its secret, shown this once. Give it to the client as STRATA_TOKEN, ' +
                'or in ~/.config/strata/config.json (mode 0600).\n',
            );
          }
          return EXIT_OK;
        });
      }),
    );

  token
    .command('list')
    .description('list tokens (without secrets), oldest first')
    .option('--json', 'machine-readable output')
    .action(
      cli.act(async (opts: { json?: boolean }) =>
        withTokenAdmin(cli.globals(), async (admin) => {
          const tokens = await admin.listTokens();
          console.log(opts.json ? JSON.stringify(tokens, null, 2) : tokenTable(tokens, Date.now()));
          return EXIT_OK;
        }),
      ),
    );

  token
    .command('revoke')
    .description('revoke a token: servers refuse it within seconds')
    .argument('<id>', 'the token id (`strata token list`)')
    .action(
      cli.act(async (id: string) =>
        withTokenAdmin(cli.globals(), async (admin) => {
          const view = await admin.revokeToken(id);
          console.log(`${view.id} revoked`);
          return EXIT_OK;
        }),
      ),
    );
}
