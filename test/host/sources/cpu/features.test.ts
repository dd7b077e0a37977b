/**
 * Edge cases of the file-based cpu features (NFD v0.19.0 source/cpu/cstate_amd64.go; NFD v0.19.0 source/cpu/cpu.go `GetLabels`), on in-memory trees.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostReadError } from '../../../../src/errors.ts';
import { CpuidDump } from '../../../../src/host/native/cpuid-dump.ts';
import { discoverCstate } from '../../../../src/host/sources/cpu/cstate.ts';
import type { CpuFacts } from '../../../../src/host/sources/cpu/facts.ts';
import { createCpuSource } from '../../../../src/host/sources/cpu/index.ts';
import { cpuLabels, DEFAULT_CPUID_BLACKLIST } from '../../../../src/host/sources/cpu/labels.ts';
import { discoverPstate } from '../../../../src/host/sources/cpu/pstate.ts';
import { discoverRdt, resctrlFromMountinfo } from '../../../../src/host/sources/cpu/rdt.ts';
import { discoverSecurity, miscCapacity } from '../../../../src/host/sources/cpu/security.ts';
import { discoverSst } from '../../../../src/host/sources/cpu/sst.ts';
import { discoverTopology } from '../../../../src/host/sources/cpu/topology.ts';
import { contextFor, type MemEntry, memoryFiles } from './helpers.ts';

const x64 = (extra: Partial<CpuFacts> = {}): CpuFacts => ({
  arch: 'x64',
  amd64: true,
  x86Flags: new Set(),
  ...extra,
});
const ctx = (entries: Record<string, MemEntry>, arch = 'x64') =>
  contextFor(memoryFiles(entries), { arch, live: false });
const CPU = '/sys/devices/system/cpu';

describe('cpu.cstate', () => {
  it('is absent on errors, empty without intel_idle, else enabled = max_cstate > 0', async () => {
    assert.equal(await discoverCstate(ctx({}), x64()), undefined, 'no /sys/devices/system/cpu');
    assert.deepEqual(await discoverCstate(ctx({ [`${CPU}/online`]: '0-3\n' }), x64()), {}, 'no cpuidle');
    const idle = { [`${CPU}/cpuidle/current_driver`]: 'intel_idle\n' };
    assert.equal(await discoverCstate(ctx(idle), x64()), undefined, 'max_cstate missing');
    assert.deepEqual(
      await discoverCstate(ctx({ ...idle, '/sys/module/intel_idle/parameters/max_cstate': '0\n' }), x64()),
      { enabled: 'false' },
    );
    assert.equal(
      await discoverCstate(ctx({ ...idle, '/sys/module/intel_idle/parameters/max_cstate': 'x\n' }), x64()),
      undefined,
    );
    assert.deepEqual(
      await discoverCstate(ctx({ [`${CPU}/cpuidle/current_driver`]: 'acpi_idle\n' }), x64()),
      {},
    );
    const c = ctx({ [`${CPU}/cpuidle/current_driver`]: { error: 'EACCES' } });
    assert.equal(await discoverCstate(c, x64()), undefined);
    assert.deepEqual(
      c.problems.map((p) => [p.path, p.errno]),
      [[`${CPU}/cpuidle/current_driver`, 'EACCES']],
    );
    assert.deepEqual(
      await discoverCstate(ctx({}), { ...x64(), arch: 'arm64', amd64: false }),
      {},
      'non-amd64: empty',
    );
    // A stat error on cpuidle other than "does not exist" does not stop NFD: it reads current_driver.
    const files = memoryFiles({
      [`${CPU}/cpuidle/current_driver`]: 'intel_idle\n',
      '/sys/module/intel_idle/parameters/max_cstate': '2',
    });
    const statDenied = contextFor(
      {
        ...files,
        kind: async (p) => {
          if (p === `${CPU}/cpuidle`) throw new HostReadError(p, 'EACCES', `${p}: EACCES`);
          return files.kind(p);
        },
      },
      { arch: 'x64', live: false },
    );
    assert.deepEqual(await discoverCstate(statDenied, x64()), { enabled: 'true' });
    assert.equal(statDenied.problems[0]?.errno, 'EACCES');
  });
});

describe('cpu.pstate', () => {
  const P = `${CPU}/intel_pstate`;
  it('reads status, turbo (first byte) and a common governor over used policies', async () => {
    const base = { [`${P}/status`]: 'active\n', [`${P}/no_turbo`]: '1\n' };
    const pol = (n: number, cpus: string, gov: string) => ({
      [`${CPU}/cpufreq/policy${n}/affected_cpus`]: cpus,
      [`${CPU}/cpufreq/policy${n}/scaling_governor`]: gov,
    });
    assert.deepEqual(
      await discoverPstate(
        ctx({ ...base, ...pol(0, '0\n', 'powersave\n'), ...pol(1, '\n', 'performance\n') }),
        x64(),
      ),
      {
        status: 'active',
        turbo: 'false',
        scaling_governor: 'powersave',
      },
    );
    assert.deepEqual(
      await discoverPstate(
        ctx({ ...base, ...pol(0, '0\n', 'powersave\n'), ...pol(1, '1\n', 'performance\n') }),
        x64(),
      ),
      {
        status: 'active',
        turbo: 'false',
      },
    );
    assert.deepEqual(
      await discoverPstate(ctx({ [`${P}/status`]: 'passive\n', [`${P}/no_turbo`]: '0' }), x64()),
      {
        status: 'passive',
        turbo: 'true',
      },
    );
    assert.deepEqual(await discoverPstate(ctx({ [`${P}/status`]: 'off\n' }), x64()), {});
    assert.deepEqual(await discoverPstate(ctx({ [`${CPU}/online`]: '0\n' }), x64()), {}, 'no intel_pstate');
    assert.deepEqual(
      await discoverPstate(ctx({ [`${P}/status`]: 'active\n' }), x64()),
      { status: 'active' },
      'no_turbo unreadable',
    );
  });
});

describe('cpu.sst', () => {
  const dump = (mhz: number) => new CpuidDump([[0x16, 0, [mhz, 0, 0, 0]]], 0);
  const base = (cpu: string, khz: MemEntry) => ({
    [`/sys/bus/cpu/devices/${cpu}/cpufreq/base_frequency`]: khz,
  });
  it('enables bf when a base frequency exceeds the whole leaf 0x16 EAX, errors leave it empty', async () => {
    const tree = {
      ...base('cpu0', '2000000\n'),
      ...base('cpu1', '2300000\n'),
      '/sys/bus/cpu/devices/cpu2/online': '1',
    };
    assert.deepEqual(await discoverSst(ctx(tree), x64({ dump: dump(2100) })), { 'bf.enabled': 'true' });
    assert.deepEqual(await discoverSst(ctx(tree), x64({ dump: dump(2300) })), {});
    assert.deepEqual(
      await discoverSst(ctx(tree), x64({ dump: dump(0) })),
      {},
      'nominal 0 with a base_frequency: error',
    );
    assert.deepEqual(await discoverSst(ctx({ ...base('cpu0', 'fast\n') }), x64({ dump: dump(2100) })), {});
    // NFD stops at the first CPU that decides: a later bad file does not matter.
    assert.deepEqual(
      await discoverSst(
        ctx({ ...base('cpu0', '2300000\n'), ...base('cpu1', 'x') }),
        x64({ dump: dump(2100) }),
      ),
      {
        'bf.enabled': 'true',
      },
    );
  });
});

describe('cpu.topology', () => {
  const cpu = (n: number, sib: MemEntry, pkg: MemEntry) => ({
    [`/sys/bus/cpu/devices/cpu${n}/topology/thread_siblings_list`]: sib,
    [`/sys/bus/cpu/devices/cpu${n}/topology/physical_package_id`]: pkg,
  });
  it('counts sockets, detects siblings, and is empty when any CPU lacks topology', async () => {
    assert.deepEqual(await discoverTopology(ctx({ ...cpu(0, '0\n', '0\n'), ...cpu(1, '1\n', '1\n') })), {
      hardware_multithreading: 'false',
      socket_count: '2',
    });
    assert.deepEqual(
      await discoverTopology(ctx({ ...cpu(0, '0-1\n', '0\n'), ...cpu(1, '0-1\n', ' 0 \n') })),
      {
        hardware_multithreading: 'true',
        socket_count: '1',
      },
    );
    assert.deepEqual(
      await discoverTopology(ctx({ ...cpu(0, '0\n', '0\n'), '/sys/bus/cpu/devices/cpu1/online': '0\n' })),
      {},
    );
    assert.deepEqual(await discoverTopology(ctx({})), {});
  });
});

describe('cpu.security', () => {
  it('uses the misc cgroup capacity with NFD prefix matching and the fallback file', async () => {
    assert.equal(
      await miscCapacity(ctx({ '/sys/fs/cgroup/misc.capacity': 'sev_es 10\nsev 20\n' }), 'sev'),
      10n,
    );
    assert.equal(await miscCapacity(ctx({ '/sys/fs/cgroup/misc/misc.capacity': 'sev 7\n' }), 'sev'), 7n);
    assert.equal(
      await miscCapacity(ctx({ '/sys/fs/cgroup/misc.capacity': 'sev  7\n' }), 'sev'),
      -1n,
      'split on single spaces',
    );
    const big = (v: string) => miscCapacity(ctx({ '/sys/fs/cgroup/misc.capacity': `tdx ${v}\n` }), 'tdx');
    assert.equal(await big('9223372036854775807'), 2n ** 63n - 1n, 'int64 max is kept exactly');
    assert.equal(await big('9223372036854775808'), -1n, 'out of int64 range: a parse error');
    assert.equal(await miscCapacity(ctx({ '/sys/fs/cgroup/misc.capacity': 'tdx max\n' }), 'tdx'), -1n);
    assert.equal(await miscCapacity(ctx({}), 'tdx'), -1n);
  });

  it('needs exact file contents for tdx and s390x se; first byte 1 or Y for kvm_amd', async () => {
    const sec = (t: Record<string, MemEntry>, f = x64()) => discoverSecurity(ctx(t, f.arch), f);
    assert.deepEqual(await sec({ '/sys/module/kvm_intel/parameters/tdx': 'Y' }), {});
    assert.deepEqual(await sec({ '/sys/module/kvm_intel/parameters/tdx': 'Y\n' }), { 'tdx.enabled': 'true' });
    assert.deepEqual(
      await sec({
        '/sys/module/kvm_amd/parameters/sev': '1\n',
        '/sys/module/kvm_amd/parameters/sev_es': 'N\n',
      }),
      {
        'sev.enabled': 'true',
      },
    );
    assert.deepEqual(await sec({}, x64({ x86Flags: new Set(['TDX_GUEST']) })), { 'tdx.protected': 'true' });
    const s390x: CpuFacts = { arch: 's390x', amd64: false, x86Flags: new Set() };
    assert.deepEqual(await sec({ '/sys/firmware/uv/prot_virt_host': '1\n' }, s390x), {
      'se.enabled': 'true',
    });
    assert.deepEqual(await sec({ '/sys/firmware/uv/prot_virt_host': '1' }, s390x), {});
    // SGX needs the flag and EPC sections of type 1 until a type-0 subleaf.
    const sgx = new CpuidDump(
      [
        [0x12, 2, [0x1, 0, 0x00401000, 0x1]],
        [0x12, 3, [0x0, 0, 0x10000000, 0]],
        [0x12, 4, [0x1, 0, 0x10000000, 0]],
      ],
      0,
    );
    assert.deepEqual(await sec({}, x64({ dump: sgx, x86Flags: new Set(['SGX']) })), {
      'sgx.enabled': 'true',
      'sgx.epc': String(0x00401000 + 2 ** 32),
    });
    assert.deepEqual(await sec({}, x64({ dump: sgx })), {});
  });
});

describe('cpu.rdt', () => {
  it('reads monitoring and allocation bits and the resctrl CLOSID count', async () => {
    const dump = new CpuidDump(
      [
        [7, 0, [0, (1 << 12) | (1 << 15), 0, 0]],
        [0xf, 0, [0, 0, 0, 2]],
        [0xf, 1, [0, 0, 0, 0b011]],
        [0x10, 0, [0, 0b0010, 0, 0]],
      ],
      0,
    );
    const mountinfo =
      '22 1 0:20 / /proc rw - proc proc rw\n40 22 0:35 / /mnt/rdt\\040x rw - resctrl resctrl rw\n';
    assert.equal(resctrlFromMountinfo(mountinfo), '/mnt/rdt x');
    const tree = {
      '/sys/fs/resctrl/.keep': '',
      '/proc/self/mountinfo': mountinfo,
      '/mnt/rdt x/info/L3/num_closids': '16\n',
    };
    assert.deepEqual(await discoverRdt(ctx(tree), x64({ dump })), {
      RDTMON: 'true',
      RDTCMT: 'true',
      RDTL3CA: 'true',
      RDTL3CA_NUM_CLOSID: '15',
    });
    // /sys/fs/resctrl absent: no CLOSID count even if mountinfo has one.
    assert.deepEqual(await discoverRdt(ctx({ '/proc/self/mountinfo': mountinfo }), x64({ dump })), {
      RDTMON: 'true',
      RDTCMT: 'true',
      RDTL3CA: 'true',
    });
    // Without registers the kernel flags for the same bits are used.
    const cpuinfo = { flags: new Set(['cqm', 'cqm_llc', 'cqm_mbm_total', 'cqm_mbm_local', 'rdt_a', 'mba']) };
    assert.deepEqual(await discoverRdt(ctx({}), x64({ cpuinfo })), {
      RDTMON: 'true',
      RDTMBM: 'true',
      RDTMBA: 'true',
    });
  });
});

describe('cpu labels', () => {
  it('applies a configured blacklist or whitelist to cpuid flags only', () => {
    const f = {
      flags: { cpuid: { elements: { SSE2: {}, AVX512F: {}, X86_64_V4: {} } } },
      attributes: { cpuid: { elements: { AVX10_VERSION: '2' } } },
    };
    assert.deepEqual(cpuLabels(f, { attributeBlacklist: DEFAULT_CPUID_BLACKLIST }), {
      'cpuid.AVX512F': 'true',
      'cpuid.X86_64_V4': 'true',
      'cpuid.AVX10_VERSION': '2',
    });
    assert.deepEqual(cpuLabels(f, { attributeWhitelist: ['SSE2'], attributeBlacklist: ['SSE2'] }), {
      'cpuid.SSE2': 'true',
      'cpuid.AVX10_VERSION': '2',
    });
    assert.deepEqual(cpuLabels({}), {}, 'no features: no labels');
    // Prefixed names (the merged Features) work as well.
    assert.deepEqual(cpuLabels({ attributes: { 'cpu.coprocessor': { elements: { nx_gzip: 'true' } } } }), {
      'coprocessor.nx_gzip': 'true',
    });
  });

  it('adds cpu_atom/cpu_core only for the doubled /sys/sys path NFD reads', async () => {
    const source = createCpuSource();
    const tree = {
      '/sys/sys/devices/cpu_atom/cpus': '0-7\n',
      '/sys/devices/cpu_core/cpus': '8-15\n',
    };
    const f = await source.discover(contextFor(memoryFiles(tree), { arch: 'riscv64', live: false }));
    const labels = source.labels!(f);
    assert.equal(labels.cpu_atom, 'true');
    assert.equal(labels.cpu_core, undefined);
    assert.equal(labels['model.vendor_id'], 'VendorUnknown');
    assert.deepEqual(f.flags, { cpuid: { elements: {} } });
    assert.equal(f.attributes?.cpuid, undefined, 'cpuid attributes are amd64-only');
  });
});
