/**
 * Building one source's `Features` (NFD's `*FeatureSet` constructors): every set a source makes gets a
 * non-null `elements`, so "present but empty" serialises as `{}` / `[]`, and a set never made stays
 * absent, as in NFD.
 */
import type { Features, InstanceFeature } from '../../core/model/features.ts';

export interface SourceFeatures {
  flags: NonNullable<Features['flags']>;
  attributes: NonNullable<Features['attributes']>;
  instances: NonNullable<Features['instances']>;
}

export function newFeatures(): SourceFeatures {
  return { flags: {}, attributes: {}, instances: {} };
}

export function setFlags(f: SourceFeatures, name: string, names: Iterable<string>): void {
  const elements: Record<string, Record<string, never>> = {};
  for (const n of names) {
    if (n === '__proto__')
      Object.defineProperty(elements, n, { value: {}, enumerable: true, writable: true });
    else elements[n] = {};
  }
  f.flags[name] = { elements };
}

export function setAttributes(f: SourceFeatures, name: string, elements: Record<string, string>): void {
  f.attributes[name] = { elements };
}

export function setInstances(f: SourceFeatures, name: string, items: Record<string, string>[]): void {
  f.instances[name] = { elements: items.map((attributes): InstanceFeature => ({ attributes })) };
}

/**
 * `obj[key] = value` that is safe for keys read from host files: a key `__proto__` becomes an own
 * property instead of replacing the object's prototype.
 */
export function put(obj: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  } else {
    obj[key] = value;
  }
}
