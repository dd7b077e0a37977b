// Bundles the CLI with esbuild: one small entry plus lazily loaded chunks (ts-ecosystem.md §2.11).
import { chmod, rm } from 'node:fs/promises';
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
await build({
  entryPoints: { cli: 'src/cli/bin.ts', nfd: 'src/cli/nfd-bin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  legalComments: 'none',
  plugins: [commanderWithoutChildProcess],
  // commander is CommonJS and require()s node builtins; give the ESM bundle a real require.
  banner: {
    js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/cli.mjs', 0o755);
await chmod('dist/nfd.mjs', 0o755);
