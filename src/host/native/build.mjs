#!/usr/bin/env node
/**
 * Builds the prebuilt cpuid addons the package ships (cpuid.c, N-API only, so one binary serves every
 * Node version): `dist/native/linux-x64/imgcompat_cpuid.node` with this machine's C compiler, and
 * `dist/native/linux-arm64/...` with Debian's cross compiler (`aarch64-linux-gnu-gcc`, package
 * gcc-aarch64-linux-gnu) when it is installed. Consumers compile nothing at install time.
 *
 * The compiler is called directly (no node-gyp, nothing downloaded); the only header is Node's own
 * `node_api.h` from this Node's installation, and the binary links no C library. A target that cannot be built is skipped with the reason
 * (the cpu source then falls back to /dev/cpu/0/cpuid or /proc/cpuinfo, see cpuid-loader.ts): the script
 * exits 0, and records every target's outcome in `<out>/build-info.json`.
 *
 * Usage: node src/host/native/build.mjs [OUT_DIR]   (default: dist/native of the package)
 * Environment: CC (the x64 compiler on an x64 machine), CC_ARM64, IMGCOMPAT_SKIP_NATIVE=1 (build nothing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'dist', 'native'));
const ADDON_FILE = 'imgcompat_cpuid.node';

function note(message) {
  process.stderr.write(`imgcompat: cpuid addon: ${message}\n`);
}

function record(info) {
  try {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  } catch {
    // Recording is best effort: a read-only tree must not fail the build either.
  }
}

/** The directory holding node_api.h: this Node's prefix first, then the usual system places. */
function findNodeInclude() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    resolve(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((c) => c && existsSync(join(c, 'node_api.h')));
}

/** Which compiler builds for `arch` here: the native one for this machine's arch, a cross one otherwise. */
function compilerFor(arch) {
  if (arch === 'x64') return process.arch === 'x64' ? (process.env.CC ?? 'cc') : 'x86_64-linux-gnu-gcc';
  return (
    process.env.CC_ARM64 ?? (process.arch === 'arm64' ? (process.env.CC ?? 'cc') : 'aarch64-linux-gnu-gcc')
  );
}

function buildTarget(arch, include) {
  const cc = compilerFor(arch);
  const dir = join(out, `linux-${arch}`);
  mkdirSync(dir, { recursive: true });
  const started = process.hrtime.bigint();
  const res = spawnSync(
    cc,
    [
      '-O2',
      '-Wall',
      '-shared',
      '-fPIC',
      '-fvisibility=hidden',
      '-s',
      // No libc at all (the addon calls only N-API): no target C library headers are needed to
      // cross-compile, and the binary loads on glibc and musl alike.
      '-ffreestanding',
      '-nostdlib',
      '-DNAPI_VERSION=3',
      '-DNODE_GYP_MODULE_NAME=imgcompat_cpuid',
      `-I${include}`,
      join(here, 'cpuid.c'),
      '-o',
      join(dir, ADDON_FILE),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 120_000 },
  );
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  if (res.status === 0 && existsSync(join(dir, ADDON_FILE))) return { ok: true, ms, cc };
  const reason = res.error
    ? `${cc}: ${res.error.code === 'ENOENT' ? 'compiler not found' : res.error.message}`
    : `${cc} exited with ${res.status ?? res.signal}`;
  const log = `${res.stderr ?? ''}`
    .split('\n')
    .filter((l) => /error/i.test(l))
    .slice(0, 5)
    .join('\n');
  return { ok: false, ms, cc, reason, ...(log ? { log } : {}) };
}

function main() {
  if (process.env.IMGCOMPAT_SKIP_NATIVE === '1') {
    record({ ok: false, reason: 'skipped (IMGCOMPAT_SKIP_NATIVE=1)', targets: {} });
    note('skipped (IMGCOMPAT_SKIP_NATIVE=1); cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo');
    return;
  }
  const include = findNodeInclude();
  if (!include) {
    record({ ok: false, reason: "Node's headers (include/node/node_api.h) not installed", targets: {} });
    note("Node's headers are not installed; cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo");
    return;
  }
  const targets = {};
  for (const arch of ['x64', 'arm64']) {
    const r = buildTarget(arch, include);
    targets[`linux-${arch}`] = r;
    if (r.ok) note(`linux-${arch} built in ${r.ms} ms`);
    else {
      note(
        `linux-${arch} not built (${r.reason}); there cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo`,
      );
      if (r.log) process.stderr.write(`${r.log}\n`);
    }
  }
  const mine = targets[`linux-${process.arch}`];
  record({
    ok: mine?.ok === true,
    ...(mine && !mine.ok ? { reason: mine.reason } : {}),
    node: process.version,
    targets,
  });
}

try {
  main();
} catch (err) {
  note(`not built (${err instanceof Error ? err.message : String(err)})`);
}
process.exit(0);
