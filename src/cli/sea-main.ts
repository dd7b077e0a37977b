/**
 * The main script of the single executable (scripts/build-sea.mjs): Node's single executable
 * application whose asset `imgcompat.cjs` is the whole CLI as one CommonJS bundle (bundle-entry.ts).
 * The bundle runs through the code cache of code-cache.ts like the npm package's short runs, for every
 * command: a second run of the same kind starts with its functions compiled (Node's docs, "Single
 * executable applications": assets, `sea.getAsset()`).
 *
 * Invoked through a link named `nfd` (process.argv0), it is NFD's client drop-in (nfd.ts).
 */
import { basename } from 'node:path';
import { getAsset } from 'node:sea';
import { launchBundle } from './launcher.ts';

/** The bundle's hash, set by scripts/build-sea.mjs (the cache files' names). */
declare const __IC_SEA_BUNDLE_ID__: string;

void launchBundle(
  basename(process.argv0) === 'nfd' ? 'nfd' : 'imgcompat',
  // The bundle's name: `__filename` (the cpuid addon is looked for next to the executable), stack traces.
  process.execPath,
  getAsset('imgcompat.cjs', 'utf8'),
  __IC_SEA_BUNDLE_ID__,
);
