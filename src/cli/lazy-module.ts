/**
 * Modules the CLI bundle loads on first use, though their callers use them synchronously: re2js (RE2
 * regexps, needed only by a rule with a regexp op), the template engine (only a rule with a template) and
 * a few built-in modules (node:child_process: only a credential helper).
 * scripts/bundle.mjs builds each as its own entry chunk (`dist/chunks/lazy-<name>.mjs`) and gives every
 * importer a stand-in module whose exports are `lazyExport` proxies: the first call, `new`, property read
 * or `instanceof` loads the chunk with a synchronous `require()` of the ES module (Node >= 20.19 and
 * >= 22.12, `process.features.require_module`), so the core keeps its synchronous API. The chunk and the
 * modules it shares with the rest of the CLI are the same instances as with `import()`.
 *
 * A Node without require(esm) (22.0 to 22.11) gets them loaded up front (`preloadIfNeeded`, run by the
 * CLI entries before anything else): slower, same behaviour. The library entry (dist/index.mjs) imports
 * them statically, as before. Unbundled (tsc's build/), nothing here is used: imports stay static.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Loaded namespaces by chunk file name (`lazy-re2js.mjs`). */
const loaded = new Map<string, Record<string, unknown>>();

/** The chunk's URL: lazy chunks sit in dist/chunks/, next to the chunk holding this code or below dist/. */
function chunkUrl(file: string, from: string): URL {
  return new URL(/\/chunks\/[^/]*$/.test(new URL(from).pathname) ? file : `chunks/${file}`, from);
}

/** Records a namespace loaded some other way (the library entry's static import). */
export function provideLazyModule(file: string, namespace: object): void {
  loaded.set(file, namespace as Record<string, unknown>);
}

/**
 * The namespace of lazy chunk `file` (or built-in module `node:...`), loading it now if it is not yet.
 * `from` is the caller's module URL.
 */
export function lazyNamespace(file: string, from: string): Record<string, unknown> {
  let ns = loaded.get(file);
  if (ns === undefined && file.startsWith('node:')) {
    ns = require(file) as Record<string, unknown>;
    loaded.set(file, ns);
  }
  if (ns === undefined) {
    try {
      ns = require(fileURLToPath(chunkUrl(file, from))) as Record<string, unknown>;
    } catch (err) {
      // Only a thread that did not run `preloadIfNeeded` on a Node without require(esm) gets here.
      if ((err as { code?: unknown }).code !== 'ERR_REQUIRE_ESM') throw err;
      throw new Error(
        `${file} cannot be loaded on demand by Node ${process.versions.node}: use Node >= 20.19 or >= 22.12`,
        { cause: err },
      );
    }
    loaded.set(file, ns);
  }
  return ns;
}

/**
 * A stand-in for the function or class `name` of lazy chunk `file`: calls, `new`, property reads (a
 * class's static methods) and `instanceof` go to the real export, loaded on first use.
 */
export function lazyExport(file: string, from: string, name: string): unknown {
  const real = (): object => {
    const v = lazyNamespace(file, from)[name];
    if (typeof v !== 'function') throw new TypeError(`lazy chunk ${file} has no function export ${name}`);
    return v;
  };
  // A plain function as target: callable and constructible, so both traps below are allowed.
  // biome-ignore lint/complexity/useArrowFunction: an arrow function cannot be a construct target
  return new Proxy(function () {}, {
    apply: (_t, self, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, self, args),
    // `newTarget` is the proxy (or a subclass): its `prototype`, read through `get`, is the real one.
    construct: (_t, args, newTarget) => Reflect.construct(real() as new () => object, args, newTarget),
    get: (_t, key) => {
      const r = real();
      const v = Reflect.get(r, key, r);
      // A static method runs with the real class as `this` (private static fields need it). `prototype`
      // is returned as is: `instanceof` reads it through this trap and finds the real class's.
      return typeof v === 'function' && key !== 'prototype' && key !== 'constructor' ? v.bind(r) : v;
    },
    has: (_t, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/** The lazy chunks of this bundle; scripts/bundle.mjs defines it, unbundled code has none. */
declare const __IC_LAZY_CHUNKS__: readonly string[] | undefined;

/** Node can `require()` an ES module (Node >= 20.19, >= 22.12). */
export function canRequireEsm(): boolean {
  return (process.features as { require_module?: boolean }).require_module === true;
}

/**
 * Loads every lazy chunk of the bundle with `import()` when this Node cannot `require()` them later.
 * `from` is the calling entry's module URL.
 */
export async function preloadIfNeeded(from: string): Promise<void> {
  if (typeof __IC_LAZY_CHUNKS__ === 'undefined' || canRequireEsm()) return;
  for (const file of __IC_LAZY_CHUNKS__) {
    if (!loaded.has(file)) {
      loaded.set(file, (await import(chunkUrl(file, from).href)) as Record<string, unknown>);
    }
  }
}
