// Builds the package's dist/ with esbuild: the CLI (one small entry plus lazily loaded chunks), the Node
// library (dist/index.mjs, sharing those chunks), the runtime-neutral core (dist/core.mjs, no `node:`
// import, for browsers and edge runtimes) and the type declarations (dist/types, by tsc). Every
// dependency is inlined, so the published package has no runtime dependencies.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * commander loads node:child_process at start-up for "executable" subcommands (a separate program per
 * subcommand), which imgcompat never uses; giving commander an empty module saves ~10 ms per run.
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

// Stale chunks from earlier builds would otherwise pile up in dist/chunks.
await rm('dist', { recursive: true, force: true });
// Minified with names kept: error classes name themselves (`err.name`), and a
// bug report's stack should still read.
const minify = { minify: true, keepNames: true };
const nodeBuild = await build({
  entryPoints: { cli: 'src/cli/bin.ts', nfd: 'src/cli/nfd-bin.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  // The licences of the inlined packages are collected in dist/THIRD-PARTY-LICENSES.txt below.
  legalComments: 'none',
  metafile: true,
  ...minify,
  plugins: [commanderWithoutChildProcess],
  // commander is CommonJS and require()s node builtins; give the ESM bundle a real require.
  banner: {
    js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/cli.mjs', 0o755);
await chmod('dist/nfd.mjs', 0o755);

// The core alone, for any JavaScript runtime: platform `neutral` fails the build on a `node:` import.
const coreBuild = await build({
  entryPoints: { core: 'src/core/index.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2022',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  ...minify,
  logLevel: 'warning',
});

// Declarations of the two public entry points (and the modules their types refer to).
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], {
  stdio: 'inherit',
});

/** The package directory (under node_modules) of every inlined input file. */
function inlinedPackages(...metafiles) {
  const dirs = new Set();
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) dirs.add(m[1]);
    }
  }
  return [...dirs];
}

// Every inlined package's licence text, as their licences ask when the code is redistributed.
const notices = [];
for (const dir of inlinedPackages(nodeBuild.metafile, coreBuild.metafile)) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${pkg.license ?? 'unknown'}`;
  notices.push({ id: `${pkg.name}@${pkg.version}`, text });
}
notices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const seen = new Set();
const unique = notices.filter((n) => !seen.has(n.id) && seen.add(n.id));
await writeFile(
  'dist/THIRD-PARTY-LICENSES.txt',
  `imgcompat's bundles include code of these packages, under these licences.\n\n${unique
    .map((n) => `${'='.repeat(78)}\n${n.id}\n${'='.repeat(78)}\n${n.text}\n`)
    .join('\n')}`,
);

// The prebuilt cpuid addons (linux-x64, and linux-arm64 when the cross compiler is installed).
execFileSync(process.execPath, ['src/host/native/build.mjs', 'dist/native'], { stdio: 'inherit' });
