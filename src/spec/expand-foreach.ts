/**
 * Turns a foreach declaration into its items: the values of a list, the numbers of a range, or the
 * files a glob matches (through the caller's `listFiles`, since this layer does no I/O).
 *
 * Sizes are checked before anything is materialised, so that `range: [0, 1e15]` is an error, not
 * an out-of-memory crash.
 */
import type { DeclaredForeach } from './declared-workflow.js';
import type { SpecErrorCollector } from './spec-errors.js';

/** The most tasks one workflow may expand to. The engine and the store are sized for a million. */
export const MAX_TASKS = 1_000_000;

/** Number of values in a range whose `to` is excluded (0 when empty). */
export function rangeLength(from: number, to: number, step: number): number {
  if (step === 0) return 0;
  const n = Math.ceil((to - from) / step);
  return n > 0 ? n : 0;
}

/**
 * The items of one foreach, or undefined when they cannot be had (the reason is reported).
 * `budget` is how many more tasks the workflow may still have.
 */
export function foreachItems(
  foreach: DeclaredForeach,
  taskName: string,
  budget: number,
  listFiles: ((pattern: string) => string[]) | undefined,
  errors: SpecErrorCollector,
): string[] | undefined {
  const { source, pos, path } = foreach;
  const tooMany = (count: number): undefined => {
    errors.add(
      'SPEC_TOO_MANY_TASKS',
      pos,
      path,
      `foreach of task "${taskName}" would make ${count} tasks, more than the ${MAX_TASKS} a workflow may have`,
      'split the work into fewer, larger tasks (e.g. each member handles a batch of items)',
    );
    return undefined;
  };
  switch (source.kind) {
    case 'list':
      return source.items.length > budget ? tooMany(source.items.length) : source.items;
    case 'range': {
      const count = rangeLength(source.from, source.to, source.step);
      if (count > budget) return tooMany(count);
      const items = new Array<string>(count);
      for (let i = 0; i < count; i++) items[i] = String(source.from + i * source.step);
      return items;
    }
    case 'glob': {
      if (listFiles === undefined) {
        errors.add(
          'SPEC_GLOB_UNAVAILABLE',
          pos,
          path,
          `foreach glob "${source.pattern}" cannot be expanded here`,
          'glob foreach needs the files: submit the workflow from the command line (strata run), or use list instead',
        );
        return undefined;
      }
      let files: string[];
      try {
        files = listFiles(source.pattern);
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        errors.add(
          'SPEC_GLOB_FAILED',
          pos,
          path,
          `could not expand glob "${source.pattern}": ${reason}`,
          'check the pattern and that the directory it names can be read',
        );
        return undefined;
      }
      // Sorted and without repeats whatever the caller did: member numbering must not depend on it.
      const items = [...new Set(files.map(String))].sort();
      if (items.length === 0) {
        errors.add(
          'SPEC_GLOB_NO_MATCH',
          pos,
          path,
          `glob "${source.pattern}" matches no files`,
          "the pattern is relative to the workflow file's directory; check it and that the files exist",
        );
        return undefined;
      }
      return items.length > budget ? tooMany(items.length) : items;
    }
  }
}
