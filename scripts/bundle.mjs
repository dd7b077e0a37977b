// Bundles the CLI with esbuild: one small entry plus lazily loaded chunks (ts-ecosystem.md §2.11).
import { chmod } from 'node:fs/promises';
import { build } from 'esbuild';

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
  // commander is CommonJS and require()s node builtins; give the ESM bundle a real require.
  banner: {
    js: "import { createRequire as __icCreateRequire } from 'node:module'; const require = __icCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
await chmod('dist/cli.mjs', 0o755);
await chmod('dist/nfd.mjs', 0o755);
