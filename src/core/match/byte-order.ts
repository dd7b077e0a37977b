/**
 * Go compares strings by UTF-8 bytes, i.e. by code point. JS `<` compares UTF-16 code units, which
 * differs only when one side has a surrogate (U+10000 and up) and the other a unit in U+E000..U+FFFF
 * (nfd-rules.md §12). This comparator is exact and as fast as `<` on the common path.
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

/** Keys of `obj` in byte order. Keys are the deterministic walk order for Go's random map order. */
export function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length > 1) keys.sort(compareBytes);
  return keys;
}
