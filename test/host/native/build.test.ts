/**
 * The install-time addon build must never fail `npm install`: run build.mjs on a copy of the native
 * folder with no usable compiler, and with the build skipped, and check it exits 0 and says why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadAddon } from '../../../src/host/native/cpuid-loader.ts';
import { REPO } from '../sources/cpu/helpers.ts';

const work = mkdtempSync(path.join(tmpdir(), 'imgcompat-native-'));
after(() => rmSync(work, { recursive: true, force: true }));

function copyNative(name: string): string {
  const dir = path.join(work, name);
  for (const f of ['build.mjs', 'binding.gyp', 'cpuid.c'])
    cpSync(path.join(REPO, 'src/host/native', f), path.join(dir, f));
  return dir;
}

function info(dir: string): { ok: boolean; reason?: string } {
  return JSON.parse(readFileSync(path.join(dir, 'build', 'build-info.json'), 'utf8'));
}

describe('native addon build (npm install script)', () => {
  it('exits 0 and records the reason when the compiler is missing', () => {
    const dir = copyNative('no-compiler');
    const r = spawnSync(process.execPath, [path.join(dir, 'build.mjs')], {
      env: { ...process.env, CC: '/nonexistent/cc', CXX: '/nonexistent/c++' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /cpuid addon: .*falls back/);
    const i = info(dir);
    assert.equal(i.ok, false);
    assert.ok(i.reason);
    const built = path.join(dir, 'build', 'Release', 'imgcompat_cpuid.node');
    assert.equal(existsSync(built), false);
    assert.ok(loadAddon(built) instanceof Error, 'the loader treats the missing binary as unavailable');
  });

  it('exits 0 when skipped with IMGCOMPAT_SKIP_NATIVE=1', () => {
    const dir = copyNative('skipped');
    const r = spawnSync(process.execPath, [path.join(dir, 'build.mjs')], {
      env: { ...process.env, IMGCOMPAT_SKIP_NATIVE: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0);
    assert.match(info(dir).reason ?? '', /IMGCOMPAT_SKIP_NATIVE/);
  });
});
