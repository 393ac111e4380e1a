/**
 * Lexical POSIX path arithmetic, because this layer may not import node:path. Used to compare
 * files named relative to different working directories: `./work/a.txt`, `work//a.txt` and
 * `a.txt` in workdir `work` are one file.
 */

/**
 * `path` without `.` segments, doubled or trailing slashes, and with `x/..` folded. Leading `..`
 * stay (the file is outside the workflow directory); `''` becomes `'.'`.
 *
 * @example
 * normalizePath('./work//out/../a.txt') // 'work/a.txt'
 */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const joined = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** `path` seen from the workflow directory, given the task's workdir (itself relative to it, or absolute). */
export function resolveFromWorkdir(workdir: string | undefined, path: string): string {
  if (path.startsWith('/') || workdir === undefined) return normalizePath(path);
  return normalizePath(`${workdir}/${path}`);
}
