// Builds the package's dist/ with esbuild: the CLI (one small entry plus lazily loaded chunks), the Node
// library (dist/index.mjs, sharing those chunks), the runtime-neutral core (dist/core.mjs, no `node:`
// import, for browsers and edge runtimes) and the type declarations (dist/types, by tsc). Every
// dependency is inlined, so the published package has no runtime dependencies.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { commanderAsEsm, errorClassNames, otherCommandsLeftOut, yamlEsm } from './lib/esbuild-plugins.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Modules loaded on first use though their callers are synchronous (src/cli/lazy-module.ts): each is an
 * entry chunk `dist/chunks/<file>`, and every import of it from outside gets a stand-in module of
 * `lazyExport` proxies instead. Only function and class exports can be stood in for; importing anything
 * else from outside fails the build ("No matching export").
 */
const templateDir = join(root, 'src', 'template') + sep;
const coreDir = join(root, 'src', 'core') + sep;
const LAZY = [
  {
    file: 'lazy-re2js.mjs',
    entry: fileURLToPath(import.meta.resolve('re2js')),
    /** `import ... from 're2js'`, from anywhere (the template engine's too: one instance). */
    redirects: (args) => args.path === 're2js',
  },
  {
    file: 'lazy-template.mjs',
    entry: join(root, 'src', 'template', 'index.ts'),
    /**
     * A module of src/template imported by the core (core/validate, core/match), whose API is
     * synchronous. Others (the lint command's template checks, which also use the parser's internals)
     * import it as usual: they run behind an `import()` already.
     */
    redirects: (args) =>
      args.path.startsWith('.') &&
      resolve(args.resolveDir, args.path).startsWith(templateDir) &&
      args.importer.startsWith(coreDir),
  },
];
const lazyRuntime = join(root, 'src', 'cli', 'lazy-module.ts');
/**
 * Built-in modules imported at the top of modules on start-up paths but used only on rarer ones: the
 * same stand-ins, loading the built-in with `require()` on first use. node:child_process (~3 MB of
 * resident memory) is imported by the registry's credential helpers, which run only when a Docker
 * config names one; node:zlib by the kernel source, for a gzipped /proc/config.gz only; node:crypto
 * (~20 internal modules, ~6 ms) by the registry client, which hashes small blobs without it
 * (src/registry/sha256.ts) and needs it for large ones, temporary names and TLS only; node:fs/promises
 * (which loads Node's readline and REPL history modules) by the modules that read and write files.
 */
const LAZY_BUILTINS = ['node:child_process', 'node:zlib', 'node:crypto', 'node:fs/promises'];
for (const specifier of LAZY_BUILTINS) {
  const ns = await import(specifier);
  LAZY.push({
    file: specifier,
    /** A named import from our own sources (commander's require() keeps its own handling). */
    redirects: (args) =>
      args.kind === 'import-statement' &&
      (args.path === specifier || `node:${args.path}` === specifier) &&
      args.importer.startsWith(join(root, 'src') + sep),
    exports: Object.keys(ns).filter((k) => k !== 'default' && typeof ns[k] === 'function'),
  });
}

/** The names of the function and class exports of `entry` (bundled and imported here to look). */
async function functionExports(entry) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`;
  const ns = await import(url);
  return Object.keys(ns).filter((k) => typeof ns[k] === 'function');
}
for (const lazy of LAZY) lazy.exports ??= await functionExports(lazy.entry);

/** The lazy modules that are chunks of ours (not built-ins). */
const CHUNKS = () => LAZY.filter((l) => l.entry !== undefined);

/** The stand-ins for the lazy modules of `lazyList` (the ES module build: all of LAZY). */
const lazyModulesPlugin = (lazyList) => ({
  name: 'lazy-modules',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.namespace === 'lazy') return undefined;
      const lazy = lazyList.find((l) => l.redirects(args));
      return lazy ? { path: lazy.file, namespace: 'lazy' } : undefined;
    });
    b.onResolve({ filter: /^library-entry$/ }, () => ({ path: 'library-entry', namespace: 'lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => {
      const runtime = JSON.stringify(lazyRuntime);
      if (args.path === 'library-entry') {
        // The library loads them up front, as before: its API is synchronous and it may run on a Node
        // without require(esm).
        return {
          contents: [
            `export * from ${JSON.stringify(join(root, 'src', 'index.ts'))};`,
            `import { provideLazyModule } from ${runtime};`,
            ...CHUNKS().map((l, i) => `import * as lazy${i} from ${JSON.stringify(l.entry)};`),
            ...CHUNKS().map((l, i) => `provideLazyModule(${JSON.stringify(l.file)}, lazy${i});`),
          ].join('\n'),
          resolveDir: root,
          loader: 'js',
        };
      }
      const lazy = lazyList.find((l) => l.file === args.path);
      return {
        contents: [
          `import { lazyExport } from ${runtime};`,
          ...lazy.exports.map(
            (name) =>
              `export const ${name} = /* @__PURE__ */ lazyExport(${JSON.stringify(lazy.file)}, import.meta.url, ${JSON.stringify(name)});`,
          ),
        ].join('\n'),
        resolveDir: root,
        loader: 'js',
      };
    });
  },
});
const lazyModules = lazyModulesPlugin(LAZY);

// Stale chunks from earlier builds would otherwise pile up in dist/chunks.
await rm('dist', { recursive: true, force: true });
// Minified; error classes keep their names (errorClassNames above). Stacks map back to the sources
// through the linked source maps. IMGCOMPAT_BUNDLE_MINIFY=0 builds them readable, for CPU profiles.
const minify = { minify: process.env.IMGCOMPAT_BUNDLE_MINIFY !== '0' };
const nodeBuild = await build({
  entryPoints: {
    cli: 'src/cli/bin.ts',
    nfd: 'src/cli/nfd-bin.ts',
    index: 'library-entry',
    ...Object.fromEntries(CHUNKS().map((l) => [`chunks/${l.file.replace(/\.mjs$/, '')}`, l.entry])),
  },
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
  plugins: [commanderAsEsm, yamlEsm, lazyModules, errorClassNames],
  // The CLI entries load the lazy chunks up front on a Node without require(esm) (src/cli/bin.ts).
  define: { __IC_LAZY_CHUNKS__: JSON.stringify(CHUNKS().map((l) => l.file)) },
  logLevel: 'warning',
});
await chmod('dist/cli.mjs', 0o755);
await giveRuntimeARequire(Object.keys(nodeBuild.metafile.outputs).filter((f) => f.endsWith('.mjs')));
// Which source files each output chunk holds: test/cli/lazy-module.test.ts maps the chunks a command
// loads back to their inputs (not in the package: `files` ships dist/*.mjs only).
await writeFile('dist/bundle-meta.json', `${JSON.stringify(chunkInputs(nodeBuild.metafile))}\n`);
await chmod('dist/nfd.mjs', 0o755);

/**
 * CommonJS packages still bundled as CommonJS (the Kubernetes client and its dependencies) call
 * `require('stream')` and the like. esbuild turns those calls into its runtime's `__require`, which
 * uses the `require` in scope of the one chunk holding esbuild's runtime and otherwise throws `Dynamic
 * require of "stream" is not supported`. So that chunk, and only it, gets a `require` for Node's
 * built-ins (node:module `createRequire`); the other chunks need none. The source map's mappings
 * start one line later, like the code.
 */
async function giveRuntimeARequire(outputs) {
  const SHIM = 'Dynamic require of "';
  const holders = outputs.filter((f) => readFileSync(f, 'utf8').includes(SHIM));
  if (holders.length > 1)
    throw new Error(`esbuild's require shim is in ${holders.join(', ')}: expected one chunk`);
  for (const file of holders) {
    const code = readFileSync(file, 'utf8');
    await writeFile(
      file,
      `import{createRequire as __icCreateRequire}from"node:module";const require=__icCreateRequire(import.meta.url);\n${code}`,
    );
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
    map.mappings = `;${map.mappings}`;
    await writeFile(`${file}.map`, JSON.stringify(map));
  }
}

/**
 * The short-run bundle (src/cli/bundle-entry.ts, src/cli/launcher.ts): the commands that must start
 * fast, as ONE CommonJS file that the launchers run with a V8 code cache taken after the run
 * (src/cli/code-cache.ts). The implementations of the other commands are left out (a stand-in that
 * fails is imported instead; the launchers never send those commands here). The template engine is
 * inlined (it shares modules with the core, which must exist once per process); the RE2 engine stays
 * the lazily loaded ES module chunk of the main build (it shares nothing); node:child_process and
 * node:zlib are loaded on first use, as in the main build.
 */
const shortRunBuild = await build({
  entryPoints: { 'short-run': 'src/cli/bundle-entry.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.cjs' },
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  ...minify,
  plugins: [
    commanderAsEsm,
    yamlEsm,
    otherCommandsLeftOut,
    lazyModulesPlugin(LAZY.filter((l) => l.file !== 'lazy-template.mjs')),
    errorClassNames,
  ],
  // A CommonJS file has no import.meta: the modules that locate files next to themselves (the cpuid
  // addon, the lazy RE2 chunk) get this file's URL.
  define: { 'import.meta.url': '__icModuleUrl', __IC_LAZY_CHUNKS__: '[]' },
  banner: { js: 'var __icModuleUrl=require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});
const shortRunId = createHash('sha256').update(readFileSync('dist/short-run.cjs')).digest('hex').slice(0, 16);

// The installed executables (package.json `bin`): CommonJS launchers (src/cli/launcher.ts) that set
// the V8 flags of a short run (src/cli/short-run.ts) before anything is compiled, then run the command
// from the short-run bundle or import the ES module entry.
for (const [name, program] of [
  ['cli', 'imgcompat'],
  ['nfd', 'nfd'],
]) {
  await build({
    stdin: {
      contents: [
        `import { launch } from './src/cli/launcher.ts';`,
        `void launch(${JSON.stringify(program)}, __dirname, ${JSON.stringify(shortRunId)});`,
      ].join('\n'),
      resolveDir: root,
      sourcefile: `${name}-launcher.ts`,
      loader: 'ts',
    },
    outfile: `dist/${name}.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    ...minify,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  await chmod(`dist/${name}.cjs`, 0o755);
}

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
  plugins: [errorClassNames],
  logLevel: 'warning',
});

// Declarations of the two public entry points (and the modules their types refer to).
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], {
  stdio: 'inherit',
});

/** Output file (relative to dist/) → the input files bundled into it. */
function chunkInputs(meta) {
  const out = {};
  for (const [file, o] of Object.entries(meta.outputs)) {
    if (file.endsWith('.map')) continue;
    out[file.replace(/^dist\//, '')] = Object.keys(o.inputs).sort();
  }
  return out;
}

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
for (const dir of inlinedPackages(nodeBuild.metafile, shortRunBuild.metafile, coreBuild.metafile)) {
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
