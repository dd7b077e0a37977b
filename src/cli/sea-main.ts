/**
 * The main script of the single executable (scripts/build-sea.mjs): Node's single executable
 * application with the CLI as two CommonJS bundles in its assets (bundle-entry.ts): `short-run.cjs`,
 * the short runs alone (as the npm package's dist/short-run.cjs), and `imgcompat.cjs`, every command.
 * Either runs through the code cache of code-cache.ts: a second run of the same kind starts with its
 * functions compiled (Node's docs, "Single executable applications": assets, `sea.getAsset()`).
 *
 * Invoked through a link named `nfd` (process.argv0), it is NFD's client drop-in (nfd.ts).
 */
import { basename } from 'node:path';
import { getAsset } from 'node:sea';
import { launchBundle } from './launcher.ts';

/** The bundles' hashes, set by scripts/build-sea.mjs (the cache files' names). */
declare const __IC_SEA_BUNDLE_ID__: string;
declare const __IC_SEA_SHORT_RUN_ID__: string;

void launchBundle(
  basename(process.argv0) === 'nfd' ? 'nfd' : 'imgcompat',
  // The bundles' name: `__filename` (the cpuid addon is looked for next to the executable), stack traces.
  process.execPath,
  {
    shortRun: { id: __IC_SEA_SHORT_RUN_ID__, source: () => getAsset('short-run.cjs', 'utf8') },
    all: { id: __IC_SEA_BUNDLE_ID__, source: () => getAsset('imgcompat.cjs', 'utf8') },
  },
);
