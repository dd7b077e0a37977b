/** Go `strings`/`unicode` behaviours that differ from JavaScript's built-ins. */

/** Go's unicode.IsSpace. (JS `\s` also matches U+FEFF and misses U+0085.) */
export function isGoSpace(c: string): boolean {
  switch (c) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case '\u0085':
    case '\u00a0':
    case '\u1680':
    case '\u2028':
    case '\u2029':
    case '\u202f':
    case '\u205f':
    case '\u3000':
      return true;
  }
  const cp = c.codePointAt(0) ?? 0;
  return cp >= 0x2000 && cp <= 0x200a;
}

/** Go's strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  // Fast path: nothing to trim.
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80) return s;
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s[a] ?? '')) a++;
  while (b > a && isGoSpace(s[b - 1] ?? '')) b--;
  return s.slice(a, b);
}

/** Go's strings.Trim(s, cutset): strip leading and trailing runes that are in cutset. */
export function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a] ?? '')) a++;
  while (b > a && set.has(chars[b - 1] ?? '')) b--;
  return chars.slice(a, b).join('');
}

/** Per code point simple case mapping, as Go's unicode.ToUpper/ToLower (no multi-rune expansions). */
function mapSimple(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

export function goToUpper(s: string): string {
  return mapSimple(s, (c) => c.toUpperCase());
}

export function goToLower(s: string): string {
  return mapSimple(s, (c) => (c === '\u0130' ? 'i' : c.toLowerCase()));
}

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

/** Go's (deprecated) strings.Title: upper-case the first letter of each word. */
export function goTitle(s: string): string {
  const isSeparator = (r: string): boolean => {
    if (r.length === 1 && r.charCodeAt(0) <= 0x7f) return !/[0-9a-zA-Z_]/.test(r);
    if (LETTER_OR_DIGIT.test(r)) return false;
    return isGoSpace(r);
  };
  let prev = ' ';
  let out = '';
  for (const c of s) {
    out += isSeparator(prev) ? goToUpper(c) : c;
    prev = c;
  }
  return out;
}

/** Go's strings.Split. */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts: string[] = [];
  let rest = s;
  while (n < 0 || parts.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  parts.push(rest);
  return parts;
}
