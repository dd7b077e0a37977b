/**
 * User regexes with Go `regexp` (RE2) semantics, via re2js, as NFD compiles them
 * (pkg/apis/nfd/nodefeaturerule/expression.go, `MatchRegexp`). Never JS RegExp: its
 * dialect differs (lookaround, backreferences, `\s`, POSIX classes) and it can backtrack
 * catastrophically; re2js matches in linear time.
 *
 * NFD compiles with `regexp.Compile` (syntax.Perl flags, which is re2js's default) and tests with
 * `MatchString`, an unanchored search. Compiling is ~100x the cost of a match, so compiled patterns
 * are kept in a bounded cache, like NFD's process-wide `sync.Map` (no visible effect beyond speed).
 */

import { RE2JS, RE2JSSyntaxException } from 're2js';

export interface CompiledRegexp {
  /** Unanchored search, like Go's `(*Regexp).MatchString`. */
  test(s: string): boolean;
}

/** An invalid pattern. The message is Go's: `error parsing regexp: <code>: \`<arg>\``. */
export class RegexpError extends Error {
  readonly pattern: string;
  constructor(message: string, pattern: string) {
    super(message);
    this.name = 'RegexpError';
    this.pattern = pattern;
  }
}

/** How many compiled patterns (and compile errors) are kept. Real specs use a few dozen. */
export const REGEXP_CACHE_LIMIT = 1024;

type CacheEntry = CompiledRegexp | RegexpError;

const cache = new Map<string, CacheEntry>();

/**
 * `pattern` with every named group `(?P<name>` / `(?<name>` turned into a plain `(`. Escapes, `\Q…\E`
 * and character classes are skipped so that only real group openers are touched.
 */
function stripGroupNames(pattern: string): string {
  let out = '';
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? n : end + 2;
        out += pattern.slice(i, stop);
        i = stop;
      } else {
        out += pattern.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (c === '[') {
      // A class runs to the first `]` that is not its first member; escapes and `[:name:]` inside.
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') {
        if (pattern[j] === '\\') j += 2;
        else if (pattern[j] === '[' && pattern[j + 1] === ':') {
          const close = pattern.indexOf(':]', j + 2);
          j = close < 0 ? j + 1 : close + 2;
        } else j++;
      }
      out += pattern.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const named = pattern.startsWith('(?P<', i) ? i + 4 : pattern.startsWith('(?<', i) ? i + 3 : -1;
      if (named >= 0 && pattern[named] !== '=' && pattern[named] !== '!') {
        const close = pattern.indexOf('>', named);
        if (close >= 0) {
          out += '(';
          i = close + 1;
          continue;
        }
      }
    }
    out += c;
    i++;
  }
  return out;
}

function goMessage(e: unknown): string {
  if (e instanceof RE2JSSyntaxException) {
    // re2js formats messages as Go's regexp/syntax does, except that Go always appends the
    // (here empty) argument of ErrTrailingBackslash.
    return e.message.endsWith('trailing backslash at end of expression') ? `${e.message}: \`\`` : e.message;
  }
  return `error parsing regexp: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Patterns made only of `[A-Za-z0-9_-]` with an optional leading `^` and trailing `$` (the common
 * `^AVX512`, `nvidia`, `^0300$`) have no metacharacters, so a string search gives exactly RE2's
 * answer (`^`/`$` are start/end of text without `(?m)`) at a fraction of the cost.
 */
function isPlainChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x2d
  );
}

function literalMatcher(pattern: string): CompiledRegexp | undefined {
  const start = pattern.startsWith('^');
  const end = pattern.length > (start ? 1 : 0) && pattern.endsWith('$');
  for (let i = start ? 1 : 0, n = end ? pattern.length - 1 : pattern.length; i < n; i++) {
    if (!isPlainChar(pattern.charCodeAt(i))) return undefined;
  }
  const lit = pattern.slice(start ? 1 : 0, end ? -1 : undefined);
  if (start && end) return { test: (s) => s === lit };
  if (start) return { test: (s) => s.startsWith(lit) };
  if (end) return { test: (s) => s.endsWith(lit) };
  return { test: (s) => s.includes(lit) };
}

function compileUncached(pattern: string): CacheEntry {
  const literal = literalMatcher(pattern);
  if (literal !== undefined) return literal;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    if (!(e instanceof RE2JSSyntaxException) || !e.message.includes('duplicate capture group name')) {
      return new RegexpError(goMessage(e), pattern);
    }
    // Go (1.26, which NFD is built with) accepts duplicate group names; names never affect
    // matching, so compile the pattern without them.
    const stripped = stripGroupNames(pattern);
    try {
      re = RE2JS.compile(stripped);
    } catch (e2) {
      return new RegexpError(goMessage(e2).replace(`\`${stripped}\``, `\`${pattern}\``), pattern);
    }
  }
  return re;
}

/**
 * Compile `pattern` with Go RE2 syntax, or throw `RegexpError` with Go's message. Results (including
 * failures) are cached; the least recently inserted entry is dropped when the cache is full.
 */
export function compileRegexp(pattern: string): CompiledRegexp {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    entry = compileUncached(pattern);
    if (cache.size >= REGEXP_CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(pattern, entry);
  }
  if (entry instanceof RegexpError) throw new RegexpError(entry.message, pattern);
  return entry;
}

/** Number of cached entries (for tests). */
export function regexpCacheSize(): number {
  return cache.size;
}
