/**
 * The YAML side of the parser: turns text into a node tree with positions, and reports syntax
 * errors (and duplicate keys) as SpecErrors. JSON is read by the same code, since JSON is YAML.
 *
 * Only this file knows the `yaml` package's node classes; the readers above it ask for kinds,
 * positions and scalar texts.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { SourcePos, SpecErrorCollector } from './spec-errors.js';

/** A node after alias resolution. */
export type YNode = Scalar | YAMLMap | YAMLSeq;

export type NodeKind = 'mapping' | 'list' | 'string' | 'number' | 'boolean' | 'null';

/** The codes YamlSource reports its errors with, and what the file holds (for hints). */
export interface YamlErrorCodes {
  syntax: string;
  duplicateKey: string;
  /** "workflow", "platform": as in "a workflow file holds one document". */
  document: string;
}

const WORKFLOW_CODES: YamlErrorCodes = {
  syntax: 'SPEC_YAML_SYNTAX',
  duplicateKey: 'SPEC_DUPLICATE_KEY',
  document: 'workflow',
};

/** A hint for a YAML syntax error: from its message where that is telling, else from its code. */
function syntaxHint(code: string, message: string, document: string): string {
  if (/closing .*quote/i.test(message)) return 'a quoted string is not closed: add the closing quote';
  if (/end with a [\]}]/.test(message)) {
    return 'a [ or { is not closed, or a line inside it is not indented more than the line that opened it';
  }
  if (/without - indicator/.test(message)) return 'check the indentation: lines of one mapping must line up';
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'indent with spaces; YAML does not allow tabs for indentation';
    case 'MULTIPLE_DOCS':
      return `a ${document} file holds one document; remove the extra "---" line`;
    case 'BAD_INDENT':
      return 'check the indentation: items of one list or mapping must line up';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'check for a missing colon or quote on this line or the one before';
    case 'BAD_ALIAS':
      return 'an alias (*name) must refer to an anchor (&name) defined before it';
    default:
      return 'check the YAML syntax near this position (indentation, quotes, brackets)';
  }
}

export class YamlSource {
  private readonly lineCounter: LineCounter;
  private constructor(
    readonly doc: Document.Parsed,
    lineCounter: LineCounter,
    private readonly textLength: number,
  ) {
    this.lineCounter = lineCounter;
  }

  /**
   * Parses `text`. Syntax errors are reported and give `undefined`; duplicate keys are reported but
   * the document is still returned (the first occurrence wins), so that other mistakes show too.
   * `codes` are the workflow's (SPEC_*) unless another format's are given.
   */
  static load(
    text: string,
    errors: SpecErrorCollector<string>,
    codes: YamlErrorCodes = WORKFLOW_CODES,
  ): YamlSource | undefined {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const source = new YamlSource(doc, lineCounter, text.length);
    let fatal = false;
    for (const e of doc.errors) {
      const pos = source.posAt(e.pos[0]);
      if (e.code === 'DUPLICATE_KEY') {
        const found = source.findKeyAt(e.pos[0]);
        const key = found?.key ?? text.slice(e.pos[0], e.pos[1]);
        errors.add(
          codes.duplicateKey,
          pos,
          found?.path ?? '',
          `field "${key}" appears twice in the same mapping`,
          'keep one of them; the first one is used so far',
        );
        continue;
      }
      fatal = true;
      errors.add(
        codes.syntax,
        pos,
        '',
        `invalid YAML: ${firstLine(e.message)}`,
        syntaxHint(e.code, e.message, codes.document),
      );
    }
    return fatal ? undefined : source;
  }

  /** The document's top node, or null for an empty document. */
  get root(): YNode | null {
    return this.resolve(this.doc.contents);
  }

  /** 1-based line and column of a character offset. */
  posAt(offset: number): SourcePos {
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.textLength)));
    return { line, column: col };
  }

  /** Where a node starts. */
  pos(node: unknown): SourcePos {
    const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
    return this.posAt(range?.[0] ?? 0);
  }

  /** Follows an alias to its anchored node; any other node is returned as it is. */
  resolve(node: unknown): YNode | null {
    let current = node;
    // An alias may point at another alias' target only, so one step is enough; loop defensively.
    for (let i = 0; i < 8 && isAlias(current); i++) current = current.resolve(this.doc) ?? null;
    if (isMap(current) || isSeq(current) || isScalar(current)) return current;
    return null;
  }

  kind(node: YNode | null): NodeKind {
    if (node === null) return 'null';
    if (isMap(node)) return 'mapping';
    if (isSeq(node)) return 'list';
    const v = node.value;
    if (typeof v === 'string') return 'string';
    if (typeof v === 'number' || typeof v === 'bigint') return 'number';
    if (typeof v === 'boolean') return 'boolean';
    if (v === null || v === undefined) return 'null';
    // Values of other tags (e.g. !!binary) are treated as strings.
    return 'string';
  }

  /** The text of a scalar as written (`0.10` stays "0.10", `true` stays "true"), or undefined for null or collections. */
  scalarText(node: YNode | null): string | undefined {
    if (node === null || !isScalar(node)) return undefined;
    const v = node.value;
    if (typeof v === 'string') return v;
    if (v === null || v === undefined) return undefined;
    if (typeof node.source === 'string' && node.source !== '') return node.source;
    return `${v as string | number | boolean}`;
  }

  /** The scalar value of a node (`undefined` for a collection). */
  scalarValue(node: YNode | null): unknown {
    return node !== null && isScalar(node) ? node.value : undefined;
  }

  /** Pairs of a mapping node (none for anything else), keys as text; a non-scalar key is `undefined`. */
  entries(node: YNode | null): Array<{ key: string | undefined; keyNode: Pair['key']; value: YNode | null }> {
    if (!isMap(node)) return [];
    return node.items.map((pair) => ({
      key: this.keyText(pair.key),
      keyNode: pair.key,
      value: this.resolve(pair.value),
    }));
  }

  /**
   * The document as plain values, for the JSON Schema validator. Keys are as `entries` gives them
   * (a pair whose key is not text is left out: the reader reports it), the first of duplicate keys
   * wins, a value of another tag is its text, and a collection deeper than `maxDepth` is left empty:
   * no schema looks that deep, and a thousand nested lists must not overflow the stack. Anchored
   * nodes are converted once, so that aliases cost nothing and a node that contains itself ends.
   */
  toPlain(maxDepth = 32): unknown {
    const anchored = new Map<YNode, unknown>();
    const convert = (raw: unknown, depth: number): unknown => {
      const node = isAlias(raw) ? this.resolve(raw) : raw;
      if (isScalar(node)) return this.plainScalar(node);
      // Anything else (a pair of an !!omap, say) is null, as `resolve` makes it for the reader.
      if (!isSeq(node) && !isMap(node)) return null;
      const seen = node.anchor === undefined ? undefined : anchored.get(node);
      if (seen !== undefined) return seen;
      if (isSeq(node)) {
        const list: unknown[] = [];
        if (node.anchor !== undefined) anchored.set(node, list);
        if (depth < maxDepth) for (const item of node.items) list.push(convert(item, depth + 1));
        return list;
      }
      // No prototype: "__proto__" and "constructor" are keys like any other, and a missing key is undefined.
      const map = Object.create(null) as Record<string, unknown>;
      if (node.anchor !== undefined) anchored.set(node, map);
      if (depth >= maxDepth) return map;
      for (const pair of node.items) {
        const keyNode = pair.key;
        const key =
          isScalar(keyNode) && typeof keyNode.value === 'string' ? keyNode.value : this.keyText(keyNode);
        if (key !== undefined && map[key] === undefined) map[key] = convert(pair.value, depth + 1);
      }
      return map;
    };
    return convert(this.doc.contents, 0);
  }

  private plainScalar(node: Scalar): unknown {
    const v = node.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    if (v === null || v === undefined) return null;
    if (typeof v === 'bigint') return Number(v);
    return this.scalarText(node) ?? null;
  }

  /** A mapping key as text: `''` for an empty key, undefined for one that is not a scalar or is null. */
  private keyText(keyNode: unknown): string | undefined {
    const resolved = this.resolve(keyNode);
    return this.scalarText(resolved) ?? (resolved === null ? '' : undefined);
  }

  /** Items of a list node (none for anything else). */
  items(node: YNode | null): Array<YNode | null> {
    if (!isSeq(node)) return [];
    return node.items.map((item) => this.resolve(item));
  }

  /** The key starting at `offset` and its field path, found by walking the tree. */
  private findKeyAt(offset: number): { key: string; path: string } | undefined {
    const walk = (node: unknown, path: string, depth: number): { key: string; path: string } | undefined => {
      if (depth > 64) return undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          const keyText = this.scalarText(this.resolve(pair.key)) ?? '';
          const childPath = fieldPath(path, keyText);
          const range = (pair.key as { range?: [number, number, number] } | null)?.range;
          if (range?.[0] === offset) return { key: keyText, path: childPath };
          const found = walk(pair.value, childPath, depth + 1);
          if (found) return found;
        }
      } else if (isSeq(node)) {
        for (let i = 0; i < node.items.length; i++) {
          const found = walk(node.items[i], `${path}[${i}]`, depth + 1);
          if (found) return found;
        }
      }
      return undefined;
    };
    return walk(this.doc.contents, '', 0);
  }
}

/** `parent.key`, or `parent["odd key"]` when the key is not a plain word. */
export function fieldPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
