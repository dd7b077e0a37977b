/**
 * Go's `time` package for RFC 3339, the one time format imgcompat reads and writes (OCI's
 * `org.opencontainers.image.created`, NFD's feature-file `expiry-time`): `time.Parse(time.RFC3339, s)`
 * and `t.UTC().Format(time.RFC3339)`.
 */

/**
 * `2006-01-02T15:04:05` + optional fraction (`.` or `,`) + `Z` or `±hh:mm`; Go takes upper-case `T` and
 * `Z` only.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * `time.Parse(time.RFC3339, s)`: nanoseconds since the Unix epoch, or undefined when Go returns an
 * error. The day must exist in its month, hours 0-23, minutes and seconds 0-59; a fraction of any
 * length is read to the nanosecond (extra digits dropped). Go's strict `parseRFC3339` rejects offset
 * hours above 23 and a `,` fraction, but `Parse` then retries with the general layout parser, which
 * takes offsets up to 24:60 and either separator: so do we.
 */
export function parseRfc3339(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const daysInMonth = mo === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(mo) ? 30 : 31;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || se > 59) return undefined;
  let offsetMin = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 24 || om > 60) return undefined;
    offsetMin = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // years 0-99 are years, not 1900-1999
  date.setUTCHours(h, mi, se, 0);
  const nanos = BigInt((m[7] ?? '').padEnd(9, '0').slice(0, 9));
  return (BigInt(date.getTime()) / 1000n - BigInt(offsetMin * 60)) * 1_000_000_000n + nanos;
}

/** `t.UTC().Format(time.RFC3339)` of a JavaScript date: second precision, `Z`. */
export function formatRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
