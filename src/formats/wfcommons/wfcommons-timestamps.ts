/**
 * Timestamps as WfCommons instances really write them. The format says ISO 8601, but the published
 * instances also use `MM-DD-YYTHH:MM:SSZ` (Pegasus 5.0) and `YYYYMMDDTHHMMSS+0000` (Pegasus 4.9).
 * Pure: no clock, and no `Date.parse`, whose handling of non-ISO text differs between engines.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const PEGASUS5 = /^(\d{2})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:?\d{2})?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}:?\d{2})?$/;

function offsetSeconds(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
}

function utcSeconds(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  zone?: string,
): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  return Date.UTC(y, mo - 1, d, h, mi, 0) / 1000 + s - offsetSeconds(zone);
}

/**
 * Seconds since the Unix epoch of a WfCommons timestamp, or null if it is none of the known forms.
 * A time without a zone is taken as UTC.
 *
 * @example
 * parseWfTimestamp('2020-12-26T01:35:40+00:00') // 1608946540
 * parseWfTimestamp('12-26-20T01:35:40Z') // 1608946540
 * parseWfTimestamp('20201226T013540+0000') // 1608946540
 */
export function parseWfTimestamp(text: string): number | null {
  const t = text.trim();
  let m = ISO.exec(t);
  if (m !== null) {
    const sec = Number(m[6] ?? '0') + Number(m[7] ?? '0');
    return utcSeconds(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), sec, m[8]);
  }
  m = PEGASUS5.exec(t);
  if (m !== null) {
    const [, mo, d, y, h, mi, sec] = m.map(Number);
    return utcSeconds(2000 + y!, mo!, d!, h!, mi!, sec!, m[7]);
  }
  m = COMPACT.exec(t);
  if (m !== null) {
    const [, y, mo, d, h, mi, sec] = m.map(Number);
    return utcSeconds(y!, mo!, d!, h!, mi!, sec!, m[7]);
  }
  return null;
}
