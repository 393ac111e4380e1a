/**
 * PostgreSQL connection strings and identifiers: the schema on every pooled connection's search_path,
 * and URLs made safe to print (a password never reaches a message or a log).
 */

/**
 * Pool settings that put `schema` on the search_path of every connection at start-up (no extra round
 * trip), keeping any `options` the URL already carries: pg would otherwise let the URL's win.
 */
export function withSearchPath(
  connectionString: string,
  schema: string,
): { connectionString: string; options: string } {
  const searchPath = `-c search_path=${quoteIdent(schema)}`;
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, options: searchPath };
  }
  const existing = url.searchParams.get('options');
  if (existing === null) return { connectionString, options: searchPath };
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: `${existing} ${searchPath}` };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The URL without its credentials, for messages: model/redact.ts, every form it knows. */
export { redactUrl } from '../model/redact.js';
