/**
 * buildah (Debian package) for the container-image test: builds imgcompat's image with
 * scripts/build-image.sh and runs, pushes and removes containers and images, always with the vfs storage
 * driver and chroot isolation (no Docker engine, no user namespaces needed; root only) and in a
 * dedicated storage root per test run (`--root`/`--runroot` in temp directories), so parallel runs and
 * the machine's own images never clash.
 */
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { removeTempDir, tempDir } from './proc.ts';
import { type ExecResult, exec, REPO_ROOT } from './tools.ts';

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return undefined;
}

/**
 * Why the container-image test cannot run here (no buildah, not root, no `npm run build` output), or
 * undefined. Under CI a missing prerequisite is an error rather than a skip, as for the other tools.
 */
export function buildahUnavailable(): string | undefined {
  let reason: string | undefined;
  if (!onPath('buildah')) reason = 'buildah is not installed (run scripts/install-test-deps.sh)';
  else if (process.getuid?.() !== 0) reason = 'buildah with the vfs driver and chroot isolation needs root';
  else if (!existsSync(join(REPO_ROOT, 'dist', 'cli.mjs')))
    reason = 'dist/cli.mjs is missing (run npm run build)';
  if (reason && process.env.CI) throw new Error(reason);
  return reason;
}

export interface Buildah {
  /** The storage root in use (removed by `cleanup`). */
  readonly root: string;
  /** `buildah --root R --runroot RR --storage-driver vfs ARGS`; never throws on a non-zero exit. */
  run(args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Like `run`, but throws with buildah's output when it fails. */
  ok(args: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** `bash scripts/build-image.sh TAG` into this storage root; returns the tag it printed. */
  buildImage(tag: string): Promise<string>;
  /** Removes the storage root (after the caller has removed its containers and images). */
  cleanup(): void;
}

export function makeBuildah(): Buildah {
  const bin = onPath('buildah');
  if (!bin) throw new Error('buildah is not installed');
  const dir = tempDir('imgcompat-e2e-buildah-');
  const root = join(dir, 'root');
  const runroot = join(dir, 'run');
  const home = join(dir, 'home');
  mkdirSync(home);
  // No registries.conf/auth of the machine: an empty auth file, and HOME pointing here.
  const authFile = join(dir, 'auth.json');
  writeFileSync(authFile, '{}');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    REGISTRY_AUTH_FILE: authFile,
    BUILDAH_ROOT: root,
    BUILDAH_RUNROOT: runroot,
    IMAGE_CONTEXT_DIR: join(dir, 'context'),
  };
  const global = ['--root', root, '--runroot', runroot, '--storage-driver', 'vfs'];
  const run = (args: string[], opts: { timeoutMs?: number } = {}) =>
    exec(bin, [...global, ...args], { env, timeoutMs: opts.timeoutMs ?? 120_000 });
  const ok = async (args: string[], opts: { timeoutMs?: number } = {}) => {
    const r = await run(args, opts);
    if (r.code !== 0) {
      throw new Error(`buildah ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    }
    return r;
  };
  return {
    root,
    run,
    ok,
    buildImage: async (tag: string) => {
      const r = await exec('bash', [join(REPO_ROOT, 'scripts', 'build-image.sh'), tag], {
        env,
        timeoutMs: 300_000,
      });
      if (r.code !== 0) throw new Error(`build-image.sh exited ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r.stdout.trim().split('\n').pop() ?? '';
    },
    cleanup: () => removeTempDir(dir),
  };
}
