/**
 * Memory quantities as users write them: a number of bytes, or a number with a binary suffix
 * (Ki, Mi, Gi, Ti, Pi) or a decimal one (k, M, G, T, P), as Kubernetes does. "512MB" is refused
 * on purpose: it is ambiguous, and the hint says which of the two the user probably meant.
 */

const MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** The JSON Schema pattern for a memory quantity string. */
export const QUANTITY_PATTERN = '^(\\d+|\\d+(\\.\\d+)?(k|M|G|T|P|Ki|Mi|Gi|Ti|Pi))$';
const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);
const PARTS_RE = /^(\d+(?:\.\d+)?)(\D*)$/;

/**
 * Bytes in a memory quantity (rounded to a whole byte), or undefined when it is not one.
 *
 * @example
 * parseMemoryBytes('512Mi') // 536_870_912
 * parseMemoryBytes('1G')    // 1_000_000_000
 */
export function parseMemoryBytes(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  // Without a suffix the number is bytes, so it must be whole: "1.5" is refused like 1.5.
  const match = QUANTITY_RE.test(value) ? PARTS_RE.exec(value) : null;
  if (match === null) return undefined;
  const bytes = Math.round(Number(match[1]) * (MULTIPLIERS[match[2] ?? ''] ?? 1));
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** For a refused quantity, what the user probably meant ("512MB" → "512Mi or 512M"), if anything. */
export function suggestQuantity(value: string): string | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtTpP])(i?)[bB]?\s*$/.exec(value);
  if (match === null) return undefined;
  const [, amount = '', letter = '', binary] = match;
  const upper = letter.toUpperCase();
  const decimal = upper === 'K' ? 'k' : upper;
  if (binary === 'i') return `${amount}${upper}i`;
  return `${amount}${upper}i (binary) or ${amount}${decimal} (decimal)`;
}
