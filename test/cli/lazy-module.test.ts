/**
 * Lazy loading (src/cli/lazy-module.ts, scripts/bundle.mjs): the stand-ins behave as the real exports
 * and load their module on first use; and the bundled CLI (dist/) loads no more than a command needs.
 * What a run loaded is read from V8 itself: an `--import`ed script enables the inspector's Debugger domain
 * in the process, which reports every script V8 compiles (`Debugger.scriptParsed`, ES modules loaded by
 * `import` and by `require` alike), and at exit writes Node's list of loaded built-in modules
 * (`process.moduleLoadList`). The chunks are mapped back to their source files with
 * dist/bundle-meta.json, written by the bundler.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lazyExport, lazyNamespace, provideLazyModule } from '../../src/cli/lazy-module.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const DIST = join(ROOT, 'dist');
const META = join(DIST, 'bundle-meta.json');

const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-lazy-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('lazyExport', () => {
  // A package-like tree: an entry file and the lazy chunk in chunks/ below it.
  const dir = join(scratch, 'pkg');
  mkdirSync(join(dir, 'chunks'), { recursive: true });
  writeFileSync(
    join(dir, 'chunks', 'lazy-probe.mjs'),
    `globalThis.__lazyProbeLoads = (globalThis.__lazyProbeLoads ?? 0) + 1;
export class Thing {
  static #secret = 41;
  static answer() { return Thing.#secret + 1; }
  static viaThis() { return this.#secret; }
  constructor(v) { this.v = v; }
  twice() { return this.v * 2; }
}
export class ProbeError extends Error { constructor(m) { super(m); this.name = 'ProbeError'; } }
export function fail(m) { throw new ProbeError(m); }
export function add(a, b) { return a + b; }
export const NUMBER = 7;
`,
  );
  const from = pathToFileURL(join(dir, 'entry.mjs')).href;
  const g = globalThis as { __lazyProbeLoads?: number };

  test('loads nothing until first use, then once', () => {
    const add = lazyExport('lazy-probe.mjs', from, 'add') as (a: number, b: number) => number;
    lazyExport('lazy-probe.mjs', from, 'Thing');
    assert.equal(g.__lazyProbeLoads, undefined);
    assert.equal(add(2, 3), 5);
    assert.equal(add(1, 1), 2);
    assert.equal(g.__lazyProbeLoads, 1);
  });

  test('classes: new, methods, static methods (private static fields too), instanceof', () => {
    const Thing = lazyExport('lazy-probe.mjs', from, 'Thing') as {
      new (v: number): { v: number; twice(): number };
      answer(): number;
      viaThis(): number;
    };
    const t = new Thing(4);
    assert.equal(t.twice(), 8);
    assert.ok(t instanceof Thing);
    assert.equal(Thing.answer(), 42);
    assert.equal(Thing.viaThis(), 41);
    // The instance is one of the real class, whatever way the class is reached.
    const real = lazyNamespace('lazy-probe.mjs', from).Thing as new (v: number) => object;
    assert.ok(t instanceof real);
    assert.ok(new real(1) instanceof Thing);
  });

  test('errors thrown by the real module are instances of the stand-in class', () => {
    const fail = lazyExport('lazy-probe.mjs', from, 'fail') as (m: string) => never;
    const ProbeError = lazyExport('lazy-probe.mjs', from, 'ProbeError') as new (m: string) => Error;
    assert.throws(
      () => fail('boom'),
      (e: unknown) => e instanceof ProbeError && e instanceof Error && (e as Error).message === 'boom',
    );
    assert.ok(!(new Error('x') instanceof ProbeError));
  });

  test('a built-in module is loaded with require() on first use', () => {
    const join = lazyExport('node:path', from, 'join') as (...p: string[]) => string;
    assert.equal(join('a', 'b'), 'a/b');
  });

  test('a value export cannot be stood in for: a clear TypeError at first use', () => {
    const n = lazyExport('lazy-probe.mjs', from, 'NUMBER') as () => number;
    assert.throws(() => n(), /no function export NUMBER/);
  });

  test('a chunk from a caller inside chunks/ is its sibling; a provided namespace is used as is', () => {
    const inChunks = pathToFileURL(join(dir, 'chunks', 'other.mjs')).href;
    assert.equal(
      (lazyExport('lazy-probe.mjs', inChunks, 'add') as (a: number, b: number) => number)(1, 2),
      3,
    );
    provideLazyModule('lazy-provided.mjs', { add: (a: number, b: number) => a * b });
    assert.equal(
      (lazyExport('lazy-provided.mjs', from, 'add') as (a: number, b: number) => number)(3, 4),
      12,
    );
  });
});

/** Every source file the bundled CLI's run compiled, and the built-in modules it loaded. */
interface Loaded {
  status: number | null;
  stdout: string;
  stderr: string;
  inputs: Set<string>;
  builtins: Set<string>;
}

const TRACER = join(scratch, 'trace-loads.mjs');
writeFileSync(
  TRACER,
  `import { Session } from 'node:inspector';
import { appendFileSync } from 'node:fs';
const file = process.env.IMGCOMPAT_TEST_LOAD_TRACE;
const session = new Session();
session.connect();
session.on('Debugger.scriptParsed', (m) => {
  if (m.params.url.startsWith('file:')) appendFileSync(file, 'script ' + m.params.url + '\\n');
});
session.post('Debugger.enable');
process.on('exit', () => {
  const names = process.moduleLoadList.filter((x) => x.startsWith('NativeModule ')).map((x) => x.slice(13));
  appendFileSync(file, names.map((n) => 'builtin ' + n + '\\n').join(''));
});
`,
);

let runs = 0;
function loadedBy(args: string[], nodeArgs: string[] = [], entry = 'cli.mjs'): Loaded {
  const trace = join(scratch, `trace-${++runs}.txt`);
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', TRACER, join(DIST, entry), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, IMGCOMPAT_TEST_LOAD_TRACE: trace, NO_COLOR: '1', NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  const meta = JSON.parse(readFileSync(META, 'utf8')) as Record<string, string[]>;
  const inputs = new Set<string>();
  const builtins = new Set<string>();
  for (const line of readFileSync(trace, 'utf8').split('\n')) {
    if (line.startsWith('builtin ')) builtins.add(line.slice('builtin '.length));
    if (!line.startsWith('script ')) continue;
    const path = fileURLToPath(line.slice('script '.length));
    const chunk = relative(DIST, path);
    if (chunk.startsWith('..')) continue; // the tracer itself
    if (chunk.endsWith('.cjs')) continue; // the launcher (its bundle is not a chunk of the ES module build)
    const files = meta[chunk];
    assert.ok(files, `${chunk} is not in dist/bundle-meta.json (stale dist/?)`);
    for (const f of files) inputs.add(f);
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, inputs, builtins };
}

/** The groups of source files a test cares about, by what they are. */
const HEAVY: Record<string, RegExp> = {
  'the YAML library': /(^|\/)node_modules\/yaml\//,
  re2js: /(^|\/)node_modules\/re2js\//,
  'the template engine': /^src\/template\//,
  // (src/registry/transport/abort.ts is a small helper the CLI's deadlines share)
  'the registry client': /^src\/registry\/(?!transport\/abort\.ts$)/,
};

function groupsLoaded(l: Loaded): string[] {
  return Object.entries(HEAVY)
    .filter(([, re]) => [...l.inputs].some((i) => re.test(i)))
    .map(([name]) => name);
}

const built = existsSync(META) && existsSync(join(DIST, 'cli.mjs'));
if (!built && process.env.CI) throw new Error('dist/ is not built (npm run build)');

describe('the bundled CLI loads what a command needs', { skip: built ? false : 'dist/ not built' }, () => {
  const spec = join(scratch, 'regexp-spec.yaml');
  writeFileSync(
    spec,
    `version: v1alpha1
compatibilities:
- rules:
  - name: vendor
    matchFeatures:
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: InRegexp, value: ["^(Intel|AMD)$"]}
`,
  );

  for (const args of [['--help'], ['--version'], ['export', 'features'], ['completion', 'bash']]) {
    test(`${args.join(' ')}: no YAML library, re2js, template engine, registry client or TLS`, () => {
      const l = loadedBy(args);
      assert.equal(l.status, 0, l.stderr);
      assert.deepEqual(groupsLoaded(l), []);
      for (const b of ['tls', 'https', 'http', 'crypto', 'child_process']) {
        assert.ok(!l.builtins.has(b), `node:${b} loaded`);
      }
    });
  }

  test('validate-node with a local spec and features: YAML only (no regexp op, no template, no registry)', () => {
    const l = loadedBy([
      'validate-node',
      '--spec',
      'examples/image-spec.yaml',
      '--features',
      'examples/features.json',
    ]);
    assert.ok(l.status === 0 || l.status === 1, l.stderr);
    assert.deepEqual(groupsLoaded(l), ['the YAML library']);
    assert.ok(!l.builtins.has('tls'), 'node:tls loaded');
  });

  test('validate-node on an OCI layout whose spec has no regexp or template: no re2js, no template engine', () => {
    const l = loadedBy(['validate-node', '--image', 'oci:examples/layout:app']);
    assert.ok(l.status === 0 || l.status === 1, l.stderr);
    const groups = groupsLoaded(l);
    assert.ok(!groups.includes('re2js') && !groups.includes('the template engine'), groups.join(', '));
    // The registry client imports it for credential helpers, which no Docker config here names.
    assert.ok(!l.builtins.has('child_process'), 'node:child_process loaded');
  });

  test('a regexp op loads re2js on first use; without require(esm) it is loaded up front, same output', () => {
    const args = ['validate-node', '--spec', spec, '--features', 'examples/features.json', '-o', 'json'];
    const lazy = loadedBy(args);
    assert.ok(lazy.status === 0 || lazy.status === 1, lazy.stderr);
    assert.ok(groupsLoaded(lazy).includes('re2js'));
    assert.ok(!groupsLoaded(lazy).includes('the template engine'));
    assert.match(lazy.stdout, /"op":"InRegexp"/);
    // A Node without require(esm) (22.0-22.11) is played by switching it off.
    const eager = loadedBy(args, ['--no-experimental-require-module']);
    assert.equal(eager.status, lazy.status, eager.stderr);
    assert.equal(eager.stdout, lazy.stdout);
    assert.equal(eager.stderr, lazy.stderr);
    assert.ok(groupsLoaded(eager).includes('the template engine'));
  });

  test('parts bundled as CommonJS work in the bundle: the Kubernetes client and the YAML emitter', () => {
    // The client library (CommonJS) requires Node's built-ins through esbuild's runtime: it reaches
    // the API server (here a closed port: exit 4 naming the server), never exit 70.
    const kubeconfig = join(scratch, 'kubeconfig.yaml');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const cluster = loadedBy([
      'cluster',
      'validate',
      '--spec',
      'examples/spec.yaml',
      '--kubeconfig',
      kubeconfig,
    ]);
    assert.equal(cluster.status, 4, cluster.stderr);
    assert.match(cluster.stderr, /cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:1/);
    const init = loadedBy(['init', '--features', 'examples/features.json']);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /^version: v1alpha1\ncompatibilities:\n/);
  });
});

describe('the installed executable (dist/cli.cjs) on a short run loads only the built-ins it needs', {
  skip: built ? false : 'dist/ not built',
}, () => {
  const cases: [string[], string[]][] = [
    [['--help'], []],
    [['--version'], []],
    [['export', 'features'], []],
    // Digests of small blobs without node:crypto (src/registry/sha256.ts), files read without
    // node:fs/promises (src/file-handle.ts), standard input never opened (src/cli/io.ts).
    [['validate-node', '--image', 'oci:examples/layout:app', '--features', 'examples/features.json'], []],
  ];
  for (const [args] of cases) {
    test(`${args.join(' ')}: no node:crypto, node:fs/promises, HTTP, TLS or child processes`, () => {
      const l = loadedBy(args, [], 'cli.cjs');
      assert.ok(l.status === 0 || l.status === 1, l.stderr);
      for (const b of ['crypto', 'fs/promises', 'http', 'https', 'tls', 'child_process', 'readline']) {
        assert.ok(!l.builtins.has(b), `node:${b} loaded`);
      }
    });
  }
});
