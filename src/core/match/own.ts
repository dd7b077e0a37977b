/**
 * Plain-object helpers that are safe for any key. Feature, element and label names come from input
 * files, and `obj[key] = v` with key `__proto__` would replace the prototype instead of adding a key.
 */

/** `obj[key] = value` as an own data property, for every key including `__proto__`. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Copy the own enumerable properties of `from` into `to` (later wins), like Go's `maps.Copy`. */
export function copyInto<T>(
  to: Record<string, T>,
  from: Readonly<Record<string, T>> | null | undefined,
): void {
  if (from == null) return;
  for (const k of Object.keys(from)) setOwn(to, k, from[k] as T);
}

/** Go's `maps.Clone`: `null` stays `null` (nil map), otherwise a shallow copy. */
export function cloneMap<T>(from: Readonly<Record<string, T>> | null | undefined): Record<string, T> | null {
  if (from == null) return null;
  const out: Record<string, T> = {};
  copyInto(out, from);
  return out;
}
