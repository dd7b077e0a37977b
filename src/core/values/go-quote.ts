/**
 * Go's `strconv.Quote` (what `%q` prints for a string), used to reproduce NFD's and Go's error texts.
 * Printable runes (Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
 * space) stay as they are; everything else is escaped the way Go escapes it.
 */

// Go's IsPrint categories (L, M, N, P, S) plus U+0020. This is a fixed internal pattern, not user input.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (cp) {
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
    }
    if (cp < 0x80) {
      out += cp >= 0x20 && cp < 0x7f ? ch : `\\x${hex(cp, 2)}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot come from valid UTF-8; Go would see U+FFFD.
      out += '\\ufffd';
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x10000) {
      out += `\\u${hex(cp, 4)}`;
    } else {
      out += `\\U${hex(cp, 8)}`;
    }
  }
  return `${out}"`;
}

/** Go's `%v` of a `[]string`: `[a b c]`, no quoting. */
export function goStringList(values: readonly string[] | null | undefined): string {
  return `[${(values ?? []).join(' ')}]`;
}
