/**
 * Go strings are UTF-8 bytes; JavaScript strings are UTF-16 code units. These functions give Go's
 * answers for a JavaScript string: `len(s)` and Go's string order (byte-wise, which for valid UTF-8 is
 * code point order). A lone surrogate, which valid UTF-8 cannot hold, counts as U+FFFD (3 bytes), as
 * TextEncoder writes it.
 */

/** Go's `len(s)`: the UTF-8 byte length, without allocating. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      // A pair: 2 code units, 4 bytes; a lone high surrogate: 1 unit, 3 bytes.
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n += 2;
    } else {
      n += 2;
    }
  }
  return n;
}

/**
 * Go's string comparison (`<`, `strings.Compare`, `sort.Strings`): by UTF-8 bytes. JS `<` compares
 * UTF-16 code units, which differs only when one side has a surrogate (U+10000 and up) and the other a
 * unit in U+E000..U+FFFF; this comparator is exact and as fast as `<` on the common path.
 */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Move surrogates above U+E000..U+FFFF, keeping each range's internal order.
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

/** Keys of `obj` in Go's string order: the order Go's encoding/json and fmt print a map in. */
export function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length > 1) keys.sort(compareBytes);
  return keys;
}
