import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { HostReadError } from '../../../src/errors.ts';
import { CpuidDump, parseDumpJson } from '../../../src/host/native/cpuid-dump.ts';
import {
  lastCpuidMethod,
  loadAddon,
  loadCpuid,
  readAddonDump,
  xcr0Proxy,
} from '../../../src/host/native/cpuid-loader.ts';
import { decideX86Flags } from '../../../src/host/sources/cpu/cpuid-flags.ts';
import type { HostFiles } from '../../../src/host/types.ts';
import { contextFor, FIXTURES, memoryFiles } from '../sources/cpu/helpers.ts';

const spr = parseDumpJson(
  readFileSync(path.join(FIXTURES, 'intel-2s-server', 'root', 'test-cpuid.json'), 'utf8'),
);

/** HostFiles whose /dev/cpu/0/cpuid answers from a dump, like the kernel driver (offset = leaf | subleaf << 32). */
function devCpuFrom(dump: CpuidDump, cpuinfoFlags: string): HostFiles {
  const base = memoryFiles({ '/proc/cpuinfo': `processor\t: 0\nflags\t\t: ${cpuinfoFlags}\n\n` });
  return {
    ...base,
    async readBytes(p, opts = {}) {
      if (p !== '/dev/cpu/0/cpuid') return base.readBytes(p, opts);
      const pos = opts.position ?? 0;
      const leaf = pos % 2 ** 32;
      const sub = Math.floor(pos / 2 ** 32);
      const out = new Uint8Array(16);
      const v = new DataView(out.buffer);
      dump.get(leaf, sub).forEach((r, i) => {
        v.setUint32(i * 4, r, true);
      });
      return out.subarray(0, opts.length ?? 16);
    },
  };
}

describe('cpuid loader', () => {
  it('reads /dev/cpu/0/cpuid at offset leaf | subleaf << 32 and rebuilds XCR0 from the kernel flags', async () => {
    const ctx = contextFor(devCpuFrom(spr, 'fpu sse sse2 avx avx512f'), { arch: 'x64', live: true });
    const r = await loadCpuid(ctx, { methods: ['dev-cpu'] });
    assert.equal(r.method, 'dev-cpu');
    assert.equal(lastCpuidMethod(), 'dev-cpu');
    assert.deepEqual(r.dump?.get(7, 1), spr.get(7, 1));
    assert.deepEqual(r.dump?.get(0x12, 3), spr.get(0x12, 3));
    assert.equal(r.dump?.xcr0, 0xe7);
    assert.deepEqual([...decideX86Flags(r.dump!)].sort(), [...decideX86Flags(spr)].sort());

    // A kernel that did not enable AVX-512 state hides avx512f: so do we.
    const noAvx512 = await loadCpuid(
      contextFor(devCpuFrom(spr, 'fpu sse sse2 avx'), { arch: 'x64', live: true }),
      {
        methods: ['dev-cpu'],
      },
    );
    const flags = decideX86Flags(noAvx512.dump!);
    assert.ok(flags.has('AVX2') && !flags.has('AVX512F'));
  });

  it('uses leaf 0xD.0 for XCR0 when /proc/cpuinfo is missing, and 0 without OSXSAVE', () => {
    assert.equal(xcr0Proxy(spr, undefined), spr.get(0xd, 0)[0]);
    const noOsxsave = new CpuidDump(
      [
        [1, 0, [0, 0, 0, 0]],
        [0xd, 0, [0x2e7, 0, 0, 0]],
      ],
      undefined,
    );
    assert.equal(xcr0Proxy(noOsxsave, new Set(['avx', 'avx512f'])), 0);
  });

  it('falls back from a missing addon to /dev/cpu/0/cpuid, then to /proc/cpuinfo when that is denied', async () => {
    const denied = memoryFiles({
      '/dev/cpu/0/cpuid': { error: 'EACCES' },
      '/proc/cpuinfo': 'flags\t: fpu\n',
    });
    const ctx = contextFor(denied, { arch: 'x64', live: true });
    const r = await loadCpuid(ctx, { addonPath: '/nonexistent/imgcompat_cpuid.node' });
    assert.equal(r.method, 'cpuinfo');
    assert.equal(r.dump, undefined);
    assert.ok(r.notes[0]?.startsWith('addon unavailable'));
    assert.ok(r.notes[1]?.includes('/dev/cpu/0/cpuid unreadable: /dev/cpu/0/cpuid: EACCES'));
    assert.ok(ctx.traces.some((t) => t.startsWith('cpu: cpuid method cpuinfo')));

    const absent = await loadCpuid(contextFor(memoryFiles({}), { arch: 'x64', live: true }), {
      methods: ['dev-cpu', 'cpuinfo'],
    });
    assert.equal(absent.method, 'cpuinfo');
    assert.deepEqual(absent.notes, ['/dev/cpu/0/cpuid absent']);
  });

  it('never uses this machine for a fixture tree: the dump file, or cpuinfo; a bad dump is a problem', async () => {
    const good = await loadCpuid(
      contextFor(memoryFiles({ '/test-cpuid.json': '{"leaves": {"0x0.0": [1, 0, 0, 0]}}' }), {
        arch: 'x64',
        live: false,
      }),
    );
    assert.equal(good.method, 'fixture');
    assert.deepEqual(good.dump?.get(0), [1, 0, 0, 0]);

    const ctx = contextFor(memoryFiles({ '/test-cpuid.json': '{"leaves": 5}' }), {
      arch: 'x64',
      live: false,
    });
    const bad = await loadCpuid(ctx);
    assert.equal(bad.method, 'cpuinfo');
    assert.equal(ctx.problems.length, 1);
    assert.equal(ctx.problems[0]?.path, '/test-cpuid.json');
    assert.match(ctx.problems[0]?.message ?? '', /"leaves" must be an object/);

    const none = await loadCpuid(contextFor(memoryFiles({}), { arch: 'x64', live: false }));
    assert.equal(none.method, 'cpuinfo');
  });

  it('reports an unreadable dump file with its errno', async () => {
    const ctx = contextFor(memoryFiles({ '/test-cpuid.json': { error: 'EIO' } }), {
      arch: 'x64',
      live: false,
    });
    await loadCpuid(ctx);
    assert.equal(ctx.problems[0]?.path, '/test-cpuid.json');
    assert.match(ctx.problems[0]?.message ?? '', /EIO/);
    assert.ok(new HostReadError('/x', 'EIO', 'x') instanceof Error);
  });

  const addon = loadAddon();
  it('the prebuilt addon (after npm run build) executes CPUID and XGETBV', {
    skip: addon instanceof Error ? 'addon not built (npm run build)' : false,
  }, () => {
    const d = readAddonDump();
    const [maxLeaf] = d.get(0);
    assert.ok(maxLeaf >= 1);
    assert.ok(d.xcr0 !== undefined && (d.xcr0 & 1) === 1, 'x87 state is always enabled in XCR0');
    assert.ok(decideX86Flags(d).has('SSE2'));
    if (!(addon instanceof Error)) {
      assert.throws(() => addon.cpuid('x' as unknown as number, 0), TypeError);
      assert.deepEqual(addon.cpuid(0, 0), [...d.get(0)]);
    }
  });
});
