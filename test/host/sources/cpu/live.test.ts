/**
 * The cpu source on the machine running the tests (x86-64 only): checks against what the kernel says in
 * /proc/cpuinfo, and agreement between the CPUID methods available here.
 */
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Features } from '../../../../src/core/model/features.ts';
import { loadAddon } from '../../../../src/host/native/cpuid-loader.ts';
import { createHostFiles } from '../../../../src/host/root.ts';
import { EXACT_CPUINFO_NAMES } from '../../../../src/host/sources/cpu/cpuinfo-fallback.ts';
import { createCpuSource, lastCpuidMethod } from '../../../../src/host/sources/cpu/index.ts';
import { contextFor } from './helpers.ts';

const x64 = process.arch === 'x64';
const cpuinfo = (() => {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
})();
const skip = !x64 || cpuinfo === undefined ? 'needs x86-64 Linux with /proc/cpuinfo' : false;

/** First-block field of /proc/cpuinfo. */
function field(name: string): string | undefined {
  const line = cpuinfo?.split('\n').find((l) => l.split(':')[0]?.trim() === name);
  return line?.slice(line.indexOf(':') + 1).trim();
}
const kernelFlags = new Set((field('flags') ?? '').split(/\s+/));

/**
 * The x86-64 psABI microarchitecture level from the kernel's flags, written independently of the
 * source: v1 baseline, v2 (cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3), v3 (avx avx2 bmi1 bmi2 f16c fma
 * abm movbe xsave), v4 (avx512f avx512bw avx512cd avx512dq avx512vl).
 */
function psabiLevel(f: Set<string>): number {
  const has = (...n: string[]) => n.every((x) => f.has(x));
  if (!has('cmov', 'cx8', 'fpu', 'fxsr', 'mmx', 'sse', 'sse2') || !(f.has('syscall') || f.has('sep')))
    return 0;
  if (!has('cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3')) return 1;
  if (!has('avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave')) return 2;
  if (!has('avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl')) return 3;
  return 4;
}

const flagsOf = (f: Features) => new Set(Object.keys(f.flags?.cpuid?.elements ?? {}));
const live = () => contextFor(createHostFiles(), { arch: process.arch, live: true });

const devCpuReadable = (() => {
  try {
    accessSync('/dev/cpu/0/cpuid', constants.R_OK);
    return true;
  } catch {
    return false;
  }
})();

describe('cpu source on this machine', { skip }, () => {
  it('has SSE2 and the X86_64 level the kernel reports', async () => {
    const ctx = live();
    const f = await createCpuSource().discover(ctx);
    const flags = flagsOf(f);
    assert.ok(flags.has('SSE2'));
    const level = [1, 2, 3, 4].filter((n) => flags.has(`X86_64_V${n}`));
    const expected = psabiLevel(kernelFlags);
    assert.deepEqual(level, [1, 2, 3, 4].slice(0, expected), `kernel flags say v${expected}`);
  });

  it('reports the model /proc/cpuinfo shows (vendor_id mapped to NFD names)', async () => {
    const f = await createCpuSource().discover(live());
    const model = f.attributes?.model?.elements ?? {};
    const vendorMap: Record<string, string> = {
      GenuineIntel: 'Intel',
      AuthenticAMD: 'AMD',
      HygonGenuine: 'Hygon',
    };
    assert.equal(model.vendor_id, vendorMap[field('vendor_id') ?? ''] ?? 'VendorUnknown');
    assert.equal(model.family, field('cpu family'));
    assert.equal(model.id, field('model'));
    assert.equal(model.hypervisor === 'none', !kernelFlags.has('hypervisor'));
  });

  it('gets the same flags from every CPUID method available here', async () => {
    const results: Record<string, Set<string>> = {};
    const addon = loadAddon();
    if (!(addon instanceof Error)) {
      results.addon = flagsOf(await createCpuSource({ cpuid: { methods: ['addon'] } }).discover(live()));
      assert.equal(lastCpuidMethod(), 'addon');
    }
    if (devCpuReadable) {
      const r = flagsOf(await createCpuSource({ cpuid: { methods: ['dev-cpu'] } }).discover(live()));
      if (lastCpuidMethod() === 'dev-cpu') results['dev-cpu'] = r;
    }
    results.cpuinfo = flagsOf(await createCpuSource({ cpuid: { methods: ['cpuinfo'] } }).discover(live()));
    assert.equal(lastCpuidMethod(), 'cpuinfo');

    // The two register methods see the same CPU: identical flags (XCR0 proxy included).
    if (results.addon && results['dev-cpu'])
      assert.deepEqual([...results['dev-cpu']].sort(), [...results.addon].sort());
    // The cpuinfo mapping agrees on every exact name, and on the level.
    const reference = results.addon ?? results['dev-cpu'];
    if (reference) {
      for (const name of EXACT_CPUINFO_NAMES)
        assert.equal(results.cpuinfo.has(name), reference.has(name), name);
      for (const n of [1, 2, 3, 4])
        assert.equal(results.cpuinfo.has(`X86_64_V${n}`), reference.has(`X86_64_V${n}`));
    }
  });

  it('works without the addon (a failed build): falls back and still finds SSE2', async () => {
    const ctx = live();
    const f = await createCpuSource({ cpuid: { addonPath: '/nonexistent/imgcompat_cpuid.node' } }).discover(
      ctx,
    );
    assert.notEqual(lastCpuidMethod(), 'addon');
    assert.ok(flagsOf(f).has('SSE2'));
    assert.ok(ctx.traces.some((t) => t.includes('addon unavailable')));
  });
});
