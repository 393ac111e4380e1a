/**
 * What the platform's readers share beyond the schema: values with units, numbers with the range
 * messages the schema cannot word, ids (unique within their list) and site references, collected
 * to be checked once every site is known.
 */
import { parseDurationSeconds } from '../spec/durations.js';
import { parseMemoryBytes, suggestQuantity } from '../spec/quantities.js';
import { SchemaFieldReader, type DocumentContext, type Field } from '../spec/schema-field-reader.js';
import type { SourcePos } from '../spec/spec-errors.js';
import { closestMatch, quoteList } from '../spec/suggest.js';
import type { PlatformErrorCode } from './platform-errors.js';
import { MEMORY_HINT, wholeNumberHint } from './platform-hints.js';
import { suggestUnit } from './platform-units.js';

/** A site reference to check once every site is known. */
interface SiteRef {
  field: Field;
  id: string;
}

/** What the readers of one platform file collect together. */
export interface PlatformState {
  readonly siteRefs: SiteRef[];
  /** Every site id written, even of a site with other mistakes: references to it are not errors. */
  readonly declaredSites: string[];
}

export class PlatformFieldReader extends SchemaFieldReader<PlatformErrorCode> {
  constructor(
    context: DocumentContext<PlatformErrorCode>,
    protected readonly state: PlatformState,
  ) {
    super(context);
  }

  protected report(code: PlatformErrorCode, at: Field, message: string, hint: string): void {
    this.errors.add(code, at.pos, at.path, message, hint);
  }

  /** The `id` of a site or node type, unique among those `seen`. */
  protected readId(
    f: Map<string, Field>,
    owner: Field,
    seen: Map<string, SourcePos>,
    what: 'site' | 'node type',
  ): string | undefined {
    const field = this.required(f, 'id', owner);
    const id = field ? this.name(field, `${what} id`) : undefined;
    if (field === undefined || id === undefined) return undefined;
    const first = seen.get(id);
    if (first !== undefined) {
      this.report(
        'PLATFORM_DUPLICATE_ID',
        field,
        `${what} id "${id}" is already used (line ${first.line})`,
        `give each ${what} its own id`,
      );
      return undefined;
    }
    seen.set(id, field.pos);
    return id;
  }

  /** A site id (`site`, `from`, `to`), checked later against the sites. */
  protected readSiteRef(f: Map<string, Field>, key: string, owner: Field): string | undefined {
    const field = this.required(f, key, owner);
    const id = field ? this.string(field) : undefined;
    if (field !== undefined && id !== undefined) this.state.siteRefs.push({ field, id });
    return id;
  }

  protected checkSiteRefs(): void {
    const ids = this.state.declaredSites;
    // No site at all is reported as such (PLATFORM_NO_SITES or a missing "sites"), not at every use.
    if (ids.length === 0) return;
    for (const { field, id } of this.state.siteRefs) {
      if (ids.includes(id)) continue;
      const close = closestMatch(id, ids);
      this.report(
        'PLATFORM_UNKNOWN_SITE',
        field,
        `unknown site "${id}"`,
        close !== undefined
          ? `did you mean "${close}"?`
          : `define it under "sites:", or use one of ${quoteList(ids)}`,
      );
    }
  }

  protected readMemory(field: Field): number | undefined {
    if (!this.check(field)) return undefined;
    const raw = this.src.scalarValue(field.node) as string | number;
    const bytes = parseMemoryBytes(raw);
    if (bytes === undefined || bytes === 0) {
      const text = this.src.scalarText(field.node) ?? '';
      const suggestion = typeof raw === 'string' ? suggestQuantity(raw) : undefined;
      this.report(
        'PLATFORM_BAD_QUANTITY',
        field,
        bytes === 0 ? 'memory must be greater than 0' : `invalid memory quantity "${text}"`,
        suggestion !== undefined ? `did you mean ${suggestion}?` : MEMORY_HINT,
      );
      return undefined;
    }
    return bytes;
  }

  /** A value with a unit (bandwidth, power, energy per byte): a number in the base unit, or a string. */
  protected readUnit(
    field: Field,
    what: string,
    parse: (value: string | number) => number | undefined,
    hint: string,
  ): number | undefined {
    if (!this.check(field)) return undefined;
    const raw = this.src.scalarValue(field.node) as string | number;
    const value = parse(raw);
    if (value === undefined) {
      const suggestion = typeof raw === 'string' ? suggestUnit(raw, parse) : undefined;
      const text = this.src.scalarText(field.node) ?? '';
      this.report(
        'PLATFORM_BAD_QUANTITY',
        field,
        typeof raw === 'number' ? `${what} cannot be negative (${text})` : `invalid ${what} "${text}"`,
        suggestion !== undefined ? `did you mean ${suggestion}?` : hint,
      );
    }
    return value;
  }

  protected readDurationS(field: Field, hint: string): number | undefined {
    return this.duration(field, hint, parseDurationSeconds);
  }

  protected readRequiredNumber(
    f: Map<string, Field>,
    owner: Field,
    key: string,
    hint: string,
    min: number,
    max: number,
  ): number | undefined {
    const field = this.required(f, key, owner);
    const n = field ? this.number(field) : undefined;
    if (field === undefined || n === undefined) return undefined;
    if (n < min || n > max) {
      this.report('PLATFORM_BAD_NUMBER', field, `${key} ${n} is out of range (${min} to ${max})`, hint);
      return undefined;
    }
    return n;
  }

  protected readRequiredInteger(
    f: Map<string, Field>,
    owner: Field,
    key: string,
    min: number,
    meaning: string,
  ): number | undefined {
    const field = this.required(f, key, owner);
    return field ? this.readInteger(field, min, meaning) : undefined;
  }

  protected readInteger(field: Field, min: number, meaning: string): number | undefined {
    const n = this.number(field);
    if (n === undefined) return undefined;
    if (!Number.isSafeInteger(n) || n < min) {
      this.report(
        'PLATFORM_BAD_NUMBER',
        field,
        `${field.key} must be a whole number, ${min} or more, got ${this.src.scalarText(field.node) ?? ''}`,
        wholeNumberHint(min, meaning),
      );
      return undefined;
    }
    return n;
  }

  protected readPositive(field: Field, hint: string): number | undefined {
    const n = this.number(field);
    if (n === undefined) return undefined;
    if (n <= 0) {
      this.report(
        'PLATFORM_BAD_NUMBER',
        field,
        `${field.key} must be greater than 0, got ${this.src.scalarText(field.node) ?? ''}`,
        hint,
      );
      return undefined;
    }
    return n;
  }
}
