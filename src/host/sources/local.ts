/**
 * NFD's `local` source (source/local/local.go; NFD v0.19.0 source/local/local.go): feature files in
 * /etc/kubernetes/node-feature-discovery/features.d/ → local.feature and local.label (both always
 * present). Hooks (executables in source.d/) were removed from NFD in v0.17.0, so there are none here.
 */
import type { Features } from '../../core/model/features.ts';
import { parseRfc3339 as parseGoRfc3339 } from '../../go/time.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, put, setAttributes } from './features-builder.ts';
import { FAILED, SourceReader } from './source-reader.ts';

/** NFD reads this fixed absolute path, never with the host prefix (the DaemonSet mounts it as is). */
export const FEATURES_DIR = '/etc/kubernetes/node-feature-discovery/features.d';
/** NFD skips feature files larger than this (exactly 65536 bytes is still read; NFD v0.19.0 source code (where it differs from NFD's docs)). */
export const MAX_FEATURE_FILE_BYTES = 65536;

/** Go `time.Parse(time.RFC3339, s)` as a date (millisecond precision), or undefined when it fails. */
export function parseRfc3339(s: string): Date | undefined {
  const ns = parseGoRfc3339(s);
  return ns === undefined ? undefined : new Date(Number(ns / 1_000_000n));
}

export interface ParsedFeatureFile {
  features: Record<string, string>;
  labels: Record<string, string>;
  /** Malformed directives, as `line N: message` (NFD logs them and goes on). */
  errors: string[];
}

/** One feature file's lines (NFD `parseFeatureFile`), with `now` as the parse start time. */
export function parseFeatureFile(text: string, now: Date): ParsedFeatureFile {
  const features: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const errors: string[] = [];
  let expiry = now;
  let skipFeature = false;
  let skipLabel = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      // Only `# +` (hash, space, plus) starts a directive (NFD v0.19.0 source code (where it differs from NFD's docs)); anything else is a comment.
      if (!line.startsWith('# +')) continue;
      const directive = line.slice(3);
      const eq = directive.indexOf('=');
      const key = eq < 0 ? directive : directive.slice(0, eq);
      switch (key) {
        case 'expiry-time': {
          if (eq < 0) {
            errors.push(`line ${i + 1}: expiry-time directive without a value`);
            break;
          }
          const at = parseRfc3339(directive.slice(eq + 1).trim());
          if (at === undefined)
            errors.push(`line ${i + 1}: bad expiry-time ${JSON.stringify(directive.slice(eq + 1))}`);
          else expiry = at;
          break;
        }
        case 'no-feature':
          skipFeature = true;
          break;
        case 'no-label':
          skipLabel = true;
          break;
        default:
          errors.push(`line ${i + 1}: unknown directive ${JSON.stringify(key)}`);
      }
      continue;
    }
    // An expired line is dropped before the no-feature/no-label reset, so a skip carries over.
    if (expiry.getTime() < now.getTime()) continue;
    const eq = line.indexOf('=');
    // The key is not trimmed (`a = b` → key `a `, value ` b`); no `=` means the value `true`.
    const key = eq < 0 ? line : line.slice(0, eq);
    const value = eq < 0 ? 'true' : line.slice(eq + 1);
    if (skipFeature) delete features[key];
    else put(features, key, value);
    if (skipLabel) delete labels[key];
    else put(labels, key, value);
    skipFeature = false;
    skipLabel = false;
  }
  return { features, labels, errors };
}

async function readFeatureFile(r: SourceReader, name: string): Promise<string | undefined> {
  const p = `${FEATURES_DIR}/${name}`;
  // os.Stat follows links; anything but a regular file gives no lines.
  const kind = await r.statKind(p);
  if (kind !== 'file') return undefined;
  const bytes = await r.bytes(p, { maxBytes: MAX_FEATURE_FILE_BYTES });
  return bytes === undefined || bytes === FAILED ? undefined : new TextDecoder().decode(bytes);
}

async function discoverLocal(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'local');
  const f = newFeatures();
  const features: Record<string, string> = {};
  const labels: Record<string, string> = {};
  const names = await r.dir(FEATURES_DIR);
  if (Array.isArray(names)) {
    const visible = names.filter((n) => !n.startsWith('.'));
    const texts = await Promise.all(visible.map((n) => readFeatureFile(r, n)));
    visible.forEach((name, i) => {
      const text = texts[i];
      if (text === undefined) return;
      const parsed = parseFeatureFile(text, ctx.host.now?.() ?? new Date());
      for (const e of parsed.errors)
        r.problem(`${FEATURES_DIR}/${name}: ${e}`, `${FEATURES_DIR}/${name}`, 'EINVAL');
      // Files are merged in name order; a later file overwrites an earlier one's keys.
      for (const [k, v] of Object.entries(parsed.features)) put(features, k, v);
      for (const [k, v] of Object.entries(parsed.labels)) put(labels, k, v);
    });
  } else if (names === undefined) {
    r.trace(`${FEATURES_DIR}: absent`);
  }
  setAttributes(f, 'feature', features);
  setAttributes(f, 'label', labels);
  return f;
}

export const localSource: FeatureSource = {
  name: 'local',
  discover: discoverLocal,
  // Labels are the local.label elements as they are: no `local-` mangling (NFD v0.19.0 pkg/nfd-worker/nfd-worker.go `getFeatureLabels`).
  labels: (features) => ({ ...(features.attributes?.label?.elements ?? {}) }),
};
