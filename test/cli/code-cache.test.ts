/**
 * The code cache of the short-run bundle (src/cli/code-cache.ts): in-process with a small bundle of
 * our own, then through the installed launcher (dist/cli.cjs, dist/nfd.cjs) against the ES module
 * entry (dist/cli.mjs, dist/nfd.mjs) it replaces for short runs: same bytes, same exit code, whatever
 * state the cache is in (none, good, corrupt, truncated, garbage, read-only, switched off).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { codeCacheDir, codeCacheFile, MAX_FILES_PER_BUNDLE } from '../../src/cli/code-cache.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const DIST = join(ROOT, 'dist');
const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-code-cache-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Damages a cache file three ways. */
const DAMAGE: Record<string, (b: Buffer) => Buffer> = {
  'bytes flipped in the middle': (b) => {
    const c = Buffer.from(b);
    for (let i = c.length >> 1; i < (c.length >> 1) + 64 && i < c.length; i++) c[i] = (c[i] as number) ^ 0x5a;
    return c;
  },
  truncated: (b) => b.subarray(0, b.length >> 1),
  garbage: () => Buffer.from('not a V8 code cache at all'),
};

describe('codeCacheDir', () => {
  test('XDG_CACHE_HOME when absolute, else ~/.cache, else none', () => {
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), '/x/imgcompat/code-cache');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' }), '/h/.cache/imgcompat/code-cache');
    assert.equal(codeCacheDir({}), undefined);
  });

  test('file names: Node version, architecture, bundle, key; nothing but [A-Za-z0-9-_] from the key', () => {
    const f = codeCacheFile('/c', 'sea.abc123', 'imgcompat-validate-node/../x y');
    assert.equal(
      f,
      `/c/${process.versions.node}-${process.arch}-sea.abc123-imgcompat-validate-node____x_y.bin`,
    );
  });
});

describe('loadBundle', () => {
  // A bundle that compiles a function only when called, so the cache taken after the run differs from
  // one taken at compile time. Each load runs in a new process: within one process V8 finds the script
  // in its own in-memory compilation cache and never looks at the file.
  const bundle = join(scratch, 'bundle.cjs');
  writeFileSync(
    bundle,
    [
      'const path = require("node:path");',
      'exports.name = path.basename(__filename);',
      'exports.work = function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i * 3; return s; };',
    ].join('\n'),
  );
  const moduleUrl = new URL('../../src/cli/code-cache.js', import.meta.url).href;
  /** Loads the bundle in a child process: the cache state, what save() said, the bundle's results. */
  const load = (cacheFile: string | undefined, saves = 1) => {
    const script = [
      `import { loadBundle } from ${JSON.stringify(moduleUrl)};`,
      `const b = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cacheFile)});`,
      'const r = { state: b.state, name: b.exports.name, work: b.exports.work(10), saved: [] };',
      `for (let i = 0; i < ${saves}; i++) r.saved.push(b.save());`,
      'process.stdout.write(JSON.stringify(r));',
    ].join('\n');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { state: string; name: string; work: number; saved: boolean[] };
    assert.equal(out.name, 'bundle.cjs', 'module, require and __filename are given');
    assert.equal(out.work, 135);
    return out;
  };
  const dir = join(scratch, 'unit');
  const cacheFile = codeCacheFile(dir, 'unit.b1', 'unit');

  test('missing, then written after the run, then a hit that writes nothing', () => {
    const first = load(cacheFile, 2);
    assert.equal(first.state, 'missing');
    assert.deepEqual(first.saved, [true, false], 'written once');
    assert.ok(statSync(cacheFile).size > 0);
    const second = load(cacheFile);
    assert.equal(second.state, 'hit');
    assert.deepEqual(second.saved, [false]);
  });

  for (const [what, damage] of Object.entries(DAMAGE)) {
    test(`a cache file ${what} is rejected, the bundle runs, a good file replaces it`, () => {
      load(cacheFile);
      const good = readFileSync(cacheFile);
      writeFileSync(cacheFile, damage(good));
      const r = load(cacheFile);
      assert.equal(r.state, 'rejected');
      assert.deepEqual(r.saved, [true]);
      assert.equal(load(cacheFile).state, 'hit');
    });
  }

  test('a directory or file others may write is not trusted: neither read nor written', () => {
    const d = join(scratch, 'shared');
    mkdirSync(d);
    const f = codeCacheFile(d, 'unit.b1', 'shared');
    assert.deepEqual(load(f).saved, [true]);
    chmodSync(d, 0o777);
    const r = load(f);
    assert.equal(r.state, 'untrusted');
    assert.deepEqual(r.saved, [false]);
    chmodSync(d, 0o700);
    assert.equal(load(f).state, 'hit');
    chmodSync(f, 0o666);
    assert.equal(load(f).state, 'untrusted');
  });

  test('no cache file: state off, nothing written', () => {
    const r = load(undefined);
    assert.equal(r.state, 'off');
    assert.deepEqual(r.saved, [false]);
  });

  test('an unwritable place: the run goes on, save says false', () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const r = load(codeCacheFile(join(file, 'sub'), 'unit.b1', 'unit'));
    assert.equal(r.state, 'missing');
    assert.deepEqual(r.saved, [false]);
  });

  test('files of other builds of the bundle are removed; at most MAX_FILES_PER_BUNDLE per build', () => {
    const d = join(scratch, 'room');
    mkdirSync(d);
    const stale = codeCacheFile(d, 'unit.oldbuild', 'k0');
    const otherBundle = codeCacheFile(d, 'other.oldbuild', 'k0');
    const otherNode = join(d, `0.0.1-${process.arch}-unit.oldbuild-k0.bin`);
    for (const f of [stale, otherBundle, otherNode]) writeFileSync(f, 'x');
    assert.deepEqual(load(codeCacheFile(d, 'unit.newbuild', 'k0')).saved, [true]);
    assert.equal(existsSync(stale), false, 'stale build removed');
    assert.equal(existsSync(otherBundle), true, "another bundle's file kept");
    assert.equal(existsSync(otherNode), true, "another Node's file kept");
    for (let i = 1; i < MAX_FILES_PER_BUNDLE; i++)
      writeFileSync(codeCacheFile(d, 'unit.newbuild', `k${i}`), 'x');
    assert.deepEqual(load(codeCacheFile(d, 'unit.newbuild', 'one-too-many')).saved, [false]);
    assert.equal(existsSync(codeCacheFile(d, 'unit.newbuild', 'one-too-many')), false);
  });
});

const built = existsSync(join(DIST, 'short-run.cjs')) && existsSync(join(DIST, 'cli.cjs'));
if (!built && process.env.CI) throw new Error('dist/ missing (npm run build)');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>, uid?: number): Run {
  const r = spawnSync(process.execPath, [file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', HOME: join(scratch, 'nohome'), ...env },
    ...(uid !== undefined ? { uid, gid: uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The files of a code-cache directory. */
const cacheFiles = (xdg: string): string[] => {
  const d = join(xdg, 'imgcompat', 'code-cache');
  return existsSync(d) ? readdirSync(d).sort() : [];
};

const SPEC_RUN = [
  'validate-node',
  '--spec',
  'examples/image-spec.yaml',
  '--features',
  'examples/features.json',
  '-o',
  'json',
];

describe('the launcher and the short-run bundle', { skip: built ? undefined : 'npm run build first' }, () => {
  const cli = join(DIST, 'cli.cjs');
  const nfd = join(DIST, 'nfd.cjs');
  const uncached = (args: string[], file = join(DIST, 'cli.mjs')) =>
    run(file, args, { NODE_DISABLE_COMPILE_CACHE: '1' });

  // Every short-run command: the launcher's output equals the ES module entry's, cold and warm.
  const CASES: [string, string, string[]][] = [
    ['imgcompat', 'cli.mjs', SPEC_RUN],
    ['imgcompat', 'cli.mjs', [...SPEC_RUN.slice(0, 5), '--explain']],
    [
      'imgcompat',
      'cli.mjs',
      ['validate-node', '--image', 'oci:examples/layout:app', '--features', 'examples/features.json'],
    ],
    ['imgcompat', 'cli.mjs', ['--help']],
    ['imgcompat', 'cli.mjs', ['help', 'validate-node']],
    ['imgcompat', 'cli.mjs', ['--version']],
    ['imgcompat', 'cli.mjs', ['validate-node', '--no-such-flag']],
    ['nfd', 'nfd.mjs', ['compat', 'validate-node', '--image', 'oci:examples/layout:app', '--output', 'json']],
    ['nfd', 'nfd.mjs', ['--help']],
  ];
  for (const [program, esm, args] of CASES) {
    test(`${program} ${args.join(' ')}: same bytes and exit code as dist/${esm}, cold and warm`, () => {
      const want = uncached(args, join(DIST, esm));
      const xdg = mkdtempSync(join(scratch, 'case-'));
      const launcher = program === 'nfd' ? nfd : cli;
      const cold = run(launcher, args, { XDG_CACHE_HOME: xdg });
      assert.deepEqual(cold, want, 'cold');
      const files = cacheFiles(xdg);
      assert.equal(files.length, 1, `one cache file: ${files.join(', ')}`);
      const file = join(xdg, 'imgcompat', 'code-cache', files[0] as string);
      const written = statSync(file);
      const warm = run(launcher, args, { XDG_CACHE_HOME: xdg });
      assert.deepEqual(warm, want, 'warm');
      assert.equal(statSync(file).mtimeMs, written.mtimeMs, 'a hit rewrites nothing');
    });
  }

  // The launcher ends a short run with process.exit() once its output is written (launcher.ts
  // exitOnceWritten): output larger than any pipe buffer, read late, must still arrive whole.
  test('output larger than a pipe buffer arrives whole when the reader is slow (socket pair and pipe)', async () => {
    const spec = join(scratch, 'big-spec.yaml');
    const sets = Array.from(
      { length: 2000 },
      (_, i) =>
        `- description: "set ${i}"\n  rules:\n  - name: "rule ${i}"\n    matchFeatures:\n    - feature: kernel.loadedmodule\n      matchExpressions:\n        module-${i}: {op: Exists}\n        other-${i}: {op: DoesNotExist}\n`,
    );
    writeFileSync(spec, `version: v1alpha1\ncompatibilities:\n${sets.join('')}`);
    const args = ['validate-node', '--spec', spec, '--features', 'examples/features.json', '-o', 'json'];
    const want = uncached(args);
    assert.ok(want.stdout.length > 512 * 1024, `${want.stdout.length} bytes: more than a pipe holds`);
    const xdg = mkdtempSync(join(scratch, 'slow-'));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', XDG_CACHE_HOME: xdg };
    // Node's 'pipe' is a socket pair; nothing is read for a second.
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 1000));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.stdout.resume();
    const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    assert.equal(status, want.status);
    assert.equal(out, want.stdout, 'socket pair');
    // A pipe made by the shell, read a second late.
    const viaPipe = spawnSync('sh', ['-c', `"$0" "$@" | { sleep 1; cat; }`, process.execPath, cli, ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(viaPipe.stdout, want.stdout, 'pipe');
    // An input this large turns V8's optimising tiers back on (short-run.ts): no cache file is written.
    assert.deepEqual(cacheFiles(xdg), []);
  });

  test('the cache file name has the command words and option names, never a value', () => {
    const xdg = mkdtempSync(join(scratch, 'names-'));
    run(cli, [...SPEC_RUN, '--registry-password=hunter2'], { XDG_CACHE_HOME: xdg });
    const [name] = cacheFiles(xdg);
    assert.match(name ?? '', /-imgcompat-validate-node-features-o-json-registry-password-spec\.bin$/);
    assert.doesNotMatch(name ?? '', /hunter2|examples/);
  });

  for (const [what, damage] of Object.entries(DAMAGE)) {
    test(`a cache file ${what}: same output, the file is replaced`, () => {
      const want = uncached(SPEC_RUN);
      const xdg = mkdtempSync(join(scratch, 'damaged-'));
      assert.deepEqual(run(cli, SPEC_RUN, { XDG_CACHE_HOME: xdg }), want);
      const file = join(xdg, 'imgcompat', 'code-cache', cacheFiles(xdg)[0] as string);
      const good = readFileSync(file);
      const bad = damage(good);
      writeFileSync(file, bad);
      assert.deepEqual(run(cli, SPEC_RUN, { XDG_CACHE_HOME: xdg }), want);
      assert.notDeepEqual(readFileSync(file), bad, 'rewritten');
    });
  }

  test('a read-only cache directory: same output, nothing written', () => {
    const want = uncached(SPEC_RUN);
    const xdg = join(scratch, 'read-only');
    mkdirSync(xdg);
    chmodSync(xdg, 0o555);
    // root ignores permission bits: run as an unprivileged user then.
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    assert.deepEqual(run(cli, SPEC_RUN, { XDG_CACHE_HOME: xdg, HOME: xdg }, uid), want);
    assert.deepEqual(readdirSync(xdg), []);
  });

  test('NODE_DISABLE_COMPILE_CACHE=1 switches the code cache off too', () => {
    const xdg = mkdtempSync(join(scratch, 'off-'));
    const r = run(cli, SPEC_RUN, { XDG_CACHE_HOME: xdg, NODE_DISABLE_COMPILE_CACHE: '1' });
    assert.deepEqual(r, uncached(SPEC_RUN));
    assert.deepEqual(cacheFiles(xdg), []);
  });

  test('other commands run from the ES module bundle: no code cache', () => {
    const xdg = mkdtempSync(join(scratch, 'lint-'));
    const args = ['validate-spec', 'examples/image-spec.yaml'];
    assert.deepEqual(run(cli, args, { XDG_CACHE_HOME: xdg }), uncached(args));
    assert.deepEqual(cacheFiles(xdg), []);
  });

  test('without dist/short-run.cjs (a partial installation) the ES module entry runs the command', () => {
    const copy = join(scratch, 'partial');
    cpSync(DIST, copy, { recursive: true });
    rmSync(join(copy, 'short-run.cjs'));
    const xdg = mkdtempSync(join(scratch, 'partial-'));
    assert.deepEqual(run(join(copy, 'cli.cjs'), SPEC_RUN, { XDG_CACHE_HOME: xdg }), uncached(SPEC_RUN));
    assert.deepEqual(cacheFiles(xdg), []);
    // Neither bundle: one line, the internal-error code, no stack trace.
    rmSync(join(copy, 'cli.mjs'));
    const broken = run(join(copy, 'cli.cjs'), SPEC_RUN, { XDG_CACHE_HOME: xdg });
    assert.equal(broken.status, 70, broken.stderr);
    assert.match(broken.stderr, /^imgcompat: internal error: .*cli\.mjs.*\n$/);
    assert.equal(broken.stdout, '');
  });
});
