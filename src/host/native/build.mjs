#!/usr/bin/env node
/**
 * Builds the cpuid addon (binding.gyp, cpuid.c) at `npm install` time. This script NEVER fails the
 * install: without a compiler, Node headers or node-gyp it says why and exits 0, and the cpu source
 * falls back to /dev/cpu/0/cpuid, then to /proc/cpuinfo (see cpuid-loader.ts).
 *
 * Nothing is downloaded: node-gyp is the copy that ships inside npm (npm passes its path to lifecycle
 * scripts as `npm_config_node_gyp`), and the headers are Node's own installed ones (`--nodedir` =
 * the prefix that holds include/node/node_api.h). Set IMGCOMPAT_SKIP_NATIVE=1 to skip the build.
 * The outcome is written to build/build-info.json (ok, milliseconds, reason) for --verbose and the benchmark.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function note(message) {
  process.stderr.write(`imgcompat: cpuid addon: ${message}\n`);
}

function record(info) {
  try {
    mkdirSync(join(here, 'build'), { recursive: true });
    writeFileSync(join(here, 'build', 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
  } catch {
    // Recording is best effort: a read-only tree must not fail the install either.
  }
}

/** node-gyp's entry script: npm's own copy first, then the one next to this Node's npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    resolve(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    resolve(
      dirname(process.execPath),
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((c) => c && existsSync(c));
}

/** A --nodedir holding this Node's headers, so node-gyp does not fetch them from the network. */
function findNodeDir() {
  const candidates = [
    process.env.npm_config_nodedir,
    resolve(dirname(process.execPath), '..'),
    '/usr',
    '/usr/local',
  ];
  return candidates.find(
    (c) =>
      c &&
      existsSync(join(c, 'include', 'node', 'node_api.h')) &&
      existsSync(join(c, 'include', 'node', 'common.gypi')),
  );
}

function main() {
  if (process.env.IMGCOMPAT_SKIP_NATIVE === '1') {
    record({ ok: false, reason: 'skipped (IMGCOMPAT_SKIP_NATIVE=1)' });
    note('skipped (IMGCOMPAT_SKIP_NATIVE=1); cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo');
    return;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    record({ ok: false, reason: 'node-gyp not found' });
    note('node-gyp not found; cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo');
    return;
  }
  const nodeDir = findNodeDir();
  if (!nodeDir) {
    record({ ok: false, reason: 'Node headers (include/node/node_api.h) not installed' });
    note(
      'Node headers not installed locally (not downloading); cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo',
    );
    return;
  }
  const started = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`], {
    cwd: here,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, npm_config_nodedir: nodeDir },
  });
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  const built = join(here, 'build', 'Release', 'imgcompat_cpuid.node');
  if (res.status === 0 && existsSync(built)) {
    record({ ok: true, ms, nodeGyp, nodeDir, node: process.version });
    note(`built in ${ms} ms`);
    return;
  }
  const why = res.error ? res.error.message : `node-gyp exited with ${res.status ?? res.signal}`;
  // The compiler's own complaint is more useful than node-gyp's trailer: prefer lines that name an error.
  const lines = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => !l.startsWith('gyp ') && /error|not found|no such file/i.test(l));
  const tail = (errors.length > 0 ? errors.slice(0, 5) : lines.slice(-5)).join('\n');
  record({ ok: false, ms, reason: why, log: tail });
  note(`not built (${why}); cpuid falls back to /dev/cpu/0/cpuid or /proc/cpuinfo`);
  if (tail) process.stderr.write(`${tail}\n`);
}

try {
  main();
} catch (err) {
  note(`not built (${err instanceof Error ? err.message : String(err)})`);
}
process.exit(0);
