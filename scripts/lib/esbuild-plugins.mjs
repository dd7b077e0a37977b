// esbuild plugins shared by scripts/bundle.mjs (the npm package's bundles) and scripts/build-sea.mjs
// (the single executable's bundle).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * commander (CommonJS) rewritten as ES modules at build time. esbuild wraps a CommonJS file in a
 * function that V8 compiles lazily, at every start: the compile cache (src/cli/compile-cache.ts) holds
 * only code compiled up front, so commander's ~2,800 lines were parsed again on each run. As ES modules
 * they are compiled with the chunk, cached, and need no `require` (no createRequire per chunk either).
 * commander's files follow one pattern (`const {...} = require('./x.js')` at the top, `exports.X = ...`
 * at the bottom); anything else left after the rewrite fails the build, so an upgrade that changes the
 * pattern is noticed. node:child_process, loaded by commander only for "executable" subcommands (a
 * separate program per subcommand, which imgcompat never uses), is replaced by a stand-in that throws.
 */
export const commanderAsEsm = {
  name: 'commander-as-esm',
  setup(b) {
    const dir = dirname(fileURLToPath(import.meta.resolve('commander')));
    // `import ... from 'commander'` gets the CommonJS entry (rewritten), not its esm.mjs wrapper.
    b.onResolve({ filter: /^commander$/ }, () => ({ path: join(dir, 'index.js') }));
    b.onLoad({ filter: /[\\/]node_modules[\\/]commander[\\/].*\.js$/ }, async (args) => {
      const src = readFileSync(args.path, 'utf8');
      const out = src
        .replace(/^const (\{[^}]*\}) = require\('(\.[^']*?)(\.js)?'\);$/gm, "import $1 from '$2.js';")
        .replace(
          /^const (\w+) = require\('node:events'\)\.EventEmitter;$/gm,
          "const $1 = globalThis.process.getBuiltinModule('node:events').EventEmitter;",
        )
        .replace(
          /^const (\w+) = require\('node:child_process'\);$/gm,
          "const $1 = new Proxy({}, { get() { throw new Error('executable subcommands are not supported'); } });",
        )
        .replace(
          /^const (\w+) = require\('(node:\w+)'\);$/gm,
          "const $1 = globalThis.process.getBuiltinModule('$2');",
        )
        .replace(/^exports\.(\w+) = (\w+);(.*)$/gm, (_, name, value) =>
          name === value ? `export { ${name} };` : `export { ${value} as ${name} };`,
        )
        .replace(/^exports\.(\w+) = /gm, 'export const $1 = ');
      const left = /\brequire\(|\bexports\.|\bmodule\.exports\b/.exec(out.replace(/^\s*(\/\/|\*).*$/gm, ''));
      if (left) throw new Error(`${args.path}: commander's CommonJS was not fully rewritten (${left[0]})`);
      return { contents: out, loader: 'js' };
    });
  },
};

/**
 * The names of our error classes, kept through minification: `err.name` comes from the class
 * (`this.name = new.target.name` in src/errors.ts and src/template/errors.ts) and is part of what users
 * and tests see. esbuild's `keepNames` would keep every function's and class's name, at a cost of ~9 ms
 * of CPU time per start (a `__name()` call for each); only error classes need it. Every
 * `class X extends ...Error` of ours gets a static block defining `X.name`, as keepNames would.
 */
export const errorClassNames = {
  name: 'error-class-names',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (!/\bclass \w+ extends \w*Error\b/.test(src)) return undefined;
      const contents = src.replace(
        /\bclass (\w+) extends (\w*Error)\b([^{]*)\{/g,
        (_, name, base, rest) =>
          `class ${name} extends ${base}${rest}{ static { Object.defineProperty(this, 'name', { value: '${name}', configurable: true }); }`,
      );
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The `yaml` package's ES module build (what its `exports` give every runtime but Node, and what
 * dist/core.mjs inlines) instead of its CommonJS build. esbuild wraps a CommonJS file in a function, and
 * V8 compiles that function lazily, at every start: the compile cache (src/cli/compile-cache.ts) only
 * holds code compiled up front. As ES modules, yaml's top-level code joins the chunk's and is cached.
 * Same code; it differs only in where its rare warnings go (console.warn, not process.emitWarning) and
 * in `!!binary` scalars decoding to a Uint8Array (atob) instead of a Buffer.
 */
export const yamlEsm = {
  name: 'yaml-esm',
  setup(b) {
    const browser = join(dirname(fileURLToPath(import.meta.resolve('yaml'))), '..', 'browser');
    b.onResolve({ filter: /^yaml$/ }, () => ({ path: join(browser, 'index.js') }));
    // `yaml/util` too: its CommonJS build would bring a second copy of yaml whose log.js calls
    // `require('process')`, which an ES module chunk without `require` cannot do.
    b.onResolve({ filter: /^yaml\/util$/ }, () => ({ path: join(browser, 'dist', 'util.js') }));
  },
};

/**
 * The short-run bundles (scripts/bundle.mjs, scripts/build-sea.mjs; src/cli/bundle-entry.ts) hold the
 * implementations of the commands that must start fast only: every dynamic import of another command's
 * module gets a stand-in that fails (the launchers never send those commands there).
 */
const SHORT_RUN_COMMANDS = new Set(['validate-node.ts', 'export-features.ts', 'export-labels.ts']);
const commandsDir = join(root, 'src', 'cli', 'commands') + sep;
const LEFT_OUT = new Set([
  join(root, 'src', 'cli', 'completion.ts'),
  join(root, 'src', 'lint', 'json-schema.ts'),
]);
export const otherCommandsLeftOut = {
  name: 'other-commands-left-out',
  setup(b) {
    b.onResolve({ filter: /\.ts$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const path = resolve(args.resolveDir, args.path);
      const command = path.startsWith(commandsDir) ? path.slice(commandsDir.length) : undefined;
      if (command !== undefined ? SHORT_RUN_COMMANDS.has(command) : !LEFT_OUT.has(path)) return undefined;
      return { path: path.slice(root.length + 1), namespace: 'left-out' };
    });
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in the short-run bundle`)});`,
      loader: 'js',
    }));
  },
};
