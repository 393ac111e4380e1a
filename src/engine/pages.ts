/**
 * Paging of every list `StrataApi` gives: a page of items and an opaque cursor to the next page, so
 * that no request reads or sends a whole table. Cursors are keyset positions (the key of the last item
 * given), base64url-encoded JSON with the list's kind: a page never skips or repeats an item when
 * rows are added meanwhile, and a cursor of one list is refused by another.
 *
 * @example
 * let cursor: string | undefined;
 * do {
 *   const page = await api.listTasks('wf-1', { limit: 1000, ...(cursor ? { cursor } : {}) });
 *   for (const task of page.items) console.log(task.name);
 *   cursor = page.nextCursor ?? undefined;
 * } while (cursor);
 */
import { EngineError } from './errors.js';

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Items a page holds when the caller does not say. */
export const DEFAULT_PAGE_SIZE = 100;
/** Most items one page may hold. */
export const MAX_PAGE_SIZE = 1000;

export type CursorKind = 'workflows' | 'tasks' | 'attempts' | 'events' | 'audit';

/** `limit` within 1..MAX_PAGE_SIZE; DEFAULT_PAGE_SIZE when absent. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(limit)));
}

export function encodeCursor(kind: CursorKind, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');
}

/**
 * The key a cursor holds, checked against the types `shape` gives ('n' a whole number ≥ 0, 's' a
 * string). EngineError BAD_CURSOR for anything else.
 */
export function decodeCursor(
  cursor: string,
  kind: CursorKind,
  shape: readonly ('n' | 's')[],
): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const fits =
    Array.isArray(parsed) &&
    parsed.length === shape.length + 1 &&
    parsed[0] === kind &&
    shape.every((t, i) => {
      const v: unknown = parsed[i + 1];
      return t === 'n' ? Number.isSafeInteger(v) && (v as number) >= 0 : typeof v === 'string';
    });
  if (!fits) {
    throw new EngineError(
      'BAD_CURSOR',
      `${JSON.stringify(cursor.length > 80 ? `${cursor.slice(0, 80)}…` : cursor)} is not a cursor of this ${kind} list`,
      'pass the nextCursor of the previous page of the same list, unchanged',
    );
  }
  return (parsed as unknown[]).slice(1) as (string | number)[];
}

/**
 * One page: asks `read` for one item more than the page holds, to know whether a next page exists
 * without a count.
 */
export async function pageOf<T>(
  size: number,
  read: (limit: number) => Promise<T[]>,
  cursorAfter: (last: T) => string,
): Promise<Page<T>> {
  const rows = await read(size + 1);
  if (rows.length <= size) return { items: rows, nextCursor: null };
  const items = rows.slice(0, size);
  return { items, nextCursor: cursorAfter(items[items.length - 1] as T) };
}

/**
 * The items of a paged list, walking its pages (for callers that need them all), up to `max` items.
 * `read` gets the cursor (undefined for the first page) and the page size to ask for.
 */
export async function allPages<T>(
  read: (cursor: string | undefined, limit: number) => Promise<Page<T>>,
  max = Infinity,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor, Math.min(MAX_PAGE_SIZE, max - out.length));
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && out.length < max);
  return out.slice(0, max);
}

/** `{ cursor }` when there is one: for spreading into a list's filter. */
export function cursorOf(cursor: string | undefined): { cursor?: string } {
  return cursor === undefined ? {} : { cursor };
}
