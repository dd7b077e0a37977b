/**
 * Shape checks of the JSON documents we read from a layout or a registry (image-spec descriptor.md,
 * manifest.md, image-index.md) before any field is used: a `null` index entry, a `size` that is a string
 * or `layers` that is an object must become a clear error naming the file or repository, never a
 * TypeError. Each check returns the first problem found with the JSON path of the offending value, or
 * undefined when the document has the shape we rely on (fields we do not use are not checked).
 */
import type { ImageIndex, ImageManifest } from './descriptor.ts';

/** The digest grammar of image-spec descriptor.md ("Digests"); algorithm support is checked elsewhere. */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** An object whose values are all strings (annotations). */
export function isStringMap(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

function stringMapProblem(v: unknown, path: string): string | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) return `${path}: expected an object of strings, found ${kindOf(v)}`;
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== 'string') return `${path}.${k}: expected a string, found ${kindOf(value)}`;
  }
  return undefined;
}

function optionalString(v: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = v[key];
  if (value === undefined || typeof value === 'string') return undefined;
  return `${path}.${key}: expected a string, found ${kindOf(value)}`;
}

/** Why `v` is not a descriptor (mediaType, digest, size; annotations, platform and urls when present). */
export function descriptorProblem(v: unknown, path: string): string | undefined {
  if (!isObject(v)) return `${path}: expected a descriptor object, found ${kindOf(v)}`;
  if (typeof v.mediaType !== 'string')
    return `${path}.mediaType: expected a string, found ${kindOf(v.mediaType)}`;
  if (typeof v.digest !== 'string') return `${path}.digest: expected a string, found ${kindOf(v.digest)}`;
  if (!DIGEST_GRAMMAR.test(v.digest))
    return `${path}.digest: ${JSON.stringify(v.digest.slice(0, 100))} is not a digest`;
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0)
    return `${path}.size: expected a non-negative integer, found ${typeof v.size === 'number' ? String(v.size) : kindOf(v.size)}`;
  const at = optionalString(v, 'artifactType', path);
  if (at) return at;
  const ann = stringMapProblem(v.annotations, `${path}.annotations`);
  if (ann) return ann;
  if (v.urls !== undefined && (!Array.isArray(v.urls) || v.urls.some((u) => typeof u !== 'string')))
    return `${path}.urls: expected a list of strings`;
  if (v.platform !== undefined) {
    const p = v.platform;
    if (!isObject(p)) return `${path}.platform: expected an object, found ${kindOf(p)}`;
    for (const key of ['architecture', 'os', 'os.version', 'variant']) {
      const bad = optionalString(p, key, `${path}.platform`);
      if (bad) return bad;
    }
    const f = p['os.features'];
    if (f !== undefined && (!Array.isArray(f) || f.some((x) => typeof x !== 'string')))
      return `${path}.platform.os.features: expected a list of strings`;
  }
  return undefined;
}

function commonProblem(v: Record<string, unknown>): string | undefined {
  if (v.schemaVersion !== undefined && typeof v.schemaVersion !== 'number')
    return `schemaVersion: expected a number, found ${kindOf(v.schemaVersion)}`;
  for (const key of ['mediaType', 'artifactType']) {
    const bad = optionalString(v, key, '');
    if (bad) return bad.slice(1);
  }
  const ann = stringMapProblem(v.annotations, 'annotations');
  if (ann) return ann;
  if (v.subject !== undefined) return descriptorProblem(v.subject, 'subject');
  return undefined;
}

/** Why `v` is not an image index (image-index.md): an object whose `manifests` are all descriptors. */
export function indexProblem(v: unknown): string | undefined {
  if (!isObject(v)) return `expected an image index object, found ${kindOf(v)}`;
  if (!Array.isArray(v.manifests)) return `manifests: expected a list, found ${kindOf(v.manifests)}`;
  for (let i = 0; i < v.manifests.length; i++) {
    const bad = descriptorProblem(v.manifests[i], `manifests[${i}]`);
    if (bad) return bad;
  }
  return commonProblem(v);
}

/** Why `v` is not an image manifest (manifest.md): an object with a config descriptor and a list of layers. */
export function manifestProblem(v: unknown): string | undefined {
  if (!isObject(v)) return `expected an image manifest object, found ${kindOf(v)}`;
  const config = descriptorProblem(v.config, 'config');
  if (config) return config;
  if (!Array.isArray(v.layers)) return `layers: expected a list, found ${kindOf(v.layers)}`;
  for (let i = 0; i < v.layers.length; i++) {
    const bad = descriptorProblem(v.layers[i], `layers[${i}]`);
    if (bad) return bad;
  }
  return commonProblem(v);
}

export function asIndex(v: unknown): ImageIndex | undefined {
  return indexProblem(v) === undefined ? (v as ImageIndex) : undefined;
}

export function asManifest(v: unknown): ImageManifest | undefined {
  return manifestProblem(v) === undefined ? (v as ImageManifest) : undefined;
}
