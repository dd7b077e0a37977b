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

/** Nanoseconds per unit, as Go's `time.unitMap`. */
const DURATION_UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const LIMIT = 1n << 63n;

/**
 * Go's `time.ParseDuration` (Go 1.22+ `time/format.go`): a signed sequence of decimal numbers, each with an
 * optional fraction and a unit (`ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`), e.g. `1m30s`, `-1.5h`,
 * `300ms`; `0` alone needs no unit. Returns nanoseconds, or undefined where Go returns an error (missing
 * or unknown unit, int64 overflow). The fraction is added as Go adds it, through float64
 * (`float64(f) * (float64(unit) / scale)`, truncated), with digits beyond int64 precision ignored.
 */
export function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest);
    if (!m) return undefined;
    const intDigits = m[1] ?? '';
    const fracDigits = m[2];
    if (intDigits === '' && (fracDigits === undefined || fracDigits === '')) return undefined;
    const unit = DURATION_UNITS[m[3] ?? ''];
    if (unit === undefined) return undefined;
    let v = BigInt(intDigits || '0');
    if (v > LIMIT / unit) return undefined;
    v *= unit;
    if (fracDigits) {
      // Go's leadingFraction: digits are taken while they fit in an int64; scale grows with them.
      let f = 0n;
      let scale = 1;
      for (const c of fracDigits) {
        if (f > (LIMIT - 1n) / 10n) break;
        const y = f * 10n + BigInt(c);
        if (y > LIMIT) break;
        f = y;
        scale *= 10;
      }
      if (f > 0n) {
        v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
        if (v > LIMIT) return undefined;
      }
    }
    total += v;
    if (total > LIMIT) return undefined;
    rest = rest.slice(m[0].length);
  }
  if (negative) return -total;
  return total > LIMIT - 1n ? undefined : total;
}
