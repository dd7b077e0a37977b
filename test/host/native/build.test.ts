/**
 * The prebuilt addon build (build.mjs, run by `npm run build`): it builds a loadable N-API addon per
 * target, and never fails the build — with no usable compiler, or skipped, it exits 0 and says why.
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
  for (const f of ['build.mjs', 'cpuid.c']) cpSync(path.join(REPO, 'src/host/native', f), path.join(dir, f));
  return dir;
}

function info(dir: string): { ok: boolean; reason?: string } {
  return JSON.parse(readFileSync(path.join(dir, 'out', 'build-info.json'), 'utf8'));
}

const hasCompiler = spawnSync('cc', ['--version']).status === 0;

describe('prebuilt native addon build', () => {
  it("builds this machine's addon, which loads and executes CPUID", { skip: !hasCompiler && 'no cc' }, () => {
    const dir = copyNative('built');
    const r = spawnSync(process.execPath, [path.join(dir, 'build.mjs'), path.join(dir, 'out')], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const target = `linux-${process.arch}`;
    const built = path.join(dir, 'out', target, 'imgcompat_cpuid.node');
    const i = info(dir) as { ok: boolean; targets: Record<string, { ok: boolean }> };
    assert.equal(i.targets[target]?.ok, true, JSON.stringify(i));
    const addon = loadAddon(built);
    assert.ok(!(addon instanceof Error), String(addon));
    if (process.arch === 'x64') assert.equal(addon.cpuid(0, 0).length, 4);
  });

  it('exits 0 and records the reason when the compiler is missing', () => {
    const dir = copyNative('no-compiler');
    const r = spawnSync(process.execPath, [path.join(dir, 'build.mjs'), path.join(dir, 'out')], {
      env: { ...process.env, CC: '/nonexistent/cc', CC_ARM64: '/nonexistent/cc' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /cpuid addon: .*falls back/);
    const i = info(dir);
    assert.equal(i.ok, false);
    assert.ok(i.reason);
    const built = path.join(dir, 'out', `linux-${process.arch}`, 'imgcompat_cpuid.node');
    assert.equal(existsSync(built), false);
    assert.ok(loadAddon(built) instanceof Error, 'the loader treats the missing binary as unavailable');
  });

  it('exits 0 when skipped with IMGCOMPAT_SKIP_NATIVE=1', () => {
    const dir = copyNative('skipped');
    const r = spawnSync(process.execPath, [path.join(dir, 'build.mjs'), path.join(dir, 'out')], {
      env: { ...process.env, IMGCOMPAT_SKIP_NATIVE: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0);
    assert.match(info(dir).reason ?? '', /IMGCOMPAT_SKIP_NATIVE/);
  });
});
