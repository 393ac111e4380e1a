/**
 * `{{placeholder}}` templates in task strings. A template is compiled once per declared task and
 * expanded per member of a foreach array, so that a 10,000-member array costs one check, not 10,000.
 *
 * Anything that looks like a placeholder (`{{ word }}`, `{{item.x}}`) must be a known one; other
 * braces (`awk '{{print}}'` has a space and no closing word, Go's `{{.Name}}`) are left alone.
 */
import { closestMatch } from './suggest.js';

/** Placeholders every task may use. */
export const TASK_PLACEHOLDERS = ['name'] as const;
/** Placeholders only members of a foreach array have. */
export const MEMBER_PLACEHOLDERS = ['item', 'index', 'basename', 'stem'] as const;
export const ALL_PLACEHOLDERS: readonly string[] = [...TASK_PLACEHOLDERS, ...MEMBER_PLACEHOLDERS];

export type PlaceholderName = (typeof TASK_PLACEHOLDERS)[number] | (typeof MEMBER_PLACEHOLDERS)[number];

/** Values of the placeholders for one task (members set all of them). */
export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

/** A compiled template: literal text and placeholder names, alternating, starting with text. */
export interface Template {
  readonly source: string;
  /** Even indices are literal text, odd indices placeholder names. */
  readonly parts: readonly string[];
}

/** Where a template is written: in defaults, in a task, or in a task with foreach (a member's). */
export type PlaceholderScope = 'defaults' | 'task' | 'member';

/** Why placeholder `name` cannot be used in a template of `scope`, or undefined when it can. */
export function placeholderMistake(
  name: string,
  scope: PlaceholderScope,
): { message: string; hint: string } | undefined {
  const isMember = (MEMBER_PLACEHOLDERS as readonly string[]).includes(name);
  if ((TASK_PLACEHOLDERS as readonly string[]).includes(name) || (isMember && scope === 'member'))
    return undefined;
  if (isMember && scope === 'task') {
    return {
      message: `{{${name}}} is only defined in a task with foreach`,
      hint: `add a foreach to the task, or remove {{${name}}}`,
    };
  }
  if (isMember) {
    return {
      message: `{{${name}}} cannot be used in defaults`,
      hint: 'defaults may use {{name}} only; set the field on the foreach task itself',
    };
  }
  const allowed = scope === 'member' ? ALL_PLACEHOLDERS : TASK_PLACEHOLDERS;
  const close = closestMatch(name, allowed);
  return {
    message: `unknown placeholder {{${name}}}`,
    hint:
      close !== undefined
        ? `did you mean {{${close}}}?`
        : `placeholders here: ${allowed.map((p) => `{{${p}}}`).join(', ')}`,
  };
}

const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Splits `source` into parts and lists the placeholder names it uses (known or not). */
export function compileTemplate(source: string): { template: Template; used: string[] } {
  const parts: string[] = [];
  const used: string[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER_RE)) {
    const name = match[1] ?? '';
    parts.push(source.slice(last, match.index), name);
    used.push(name);
    last = match.index + match[0].length;
  }
  parts.push(source.slice(last));
  return { template: { source, parts }, used };
}

export function isConstantTemplate(t: Template): boolean {
  return t.parts.length === 1;
}

/** The template with placeholders replaced; unknown names (already reported) expand to ''. */
export function expandTemplate(t: Template, values: PlaceholderValues): string {
  if (t.parts.length === 1) return t.source;
  let out = '';
  for (let i = 0; i < t.parts.length; i++) {
    const part = t.parts[i] ?? '';
    out += i % 2 === 0 ? part : (values[part as PlaceholderName] ?? '');
  }
  return out;
}

/** The placeholder values of member `index` of an array whose item is `item`. */
export function memberValues(name: string, item: string, index: number): PlaceholderValues {
  const slash = item.lastIndexOf('/');
  const basename = item.slice(slash + 1);
  const dot = basename.lastIndexOf('.');
  const stem = dot > 0 ? basename.slice(0, dot) : basename;
  return { name, item, index: String(index), basename, stem };
}
