import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AT_HWCAP,
  AT_HWCAP2,
  arm64HasCpuid,
  buildAuxv,
  hwcapFlags,
  parseAuxv,
} from '../../../../src/host/sources/cpu/hwcap.ts';
import { arm64Model, hypervisorFromSysinfo, s390xModel } from '../../../../src/host/sources/cpu/model.ts';

describe('auxv hwcaps (NFD v0.19.0 source/cpu/cpuid_linux_arm64.go and siblings)', () => {
  it('parses 64-bit little-endian auxv and stops at AT_NULL', () => {
    const bytes = buildAuxv(
      [
        [33n, 0xffffn],
        [AT_HWCAP, 0b1011n],
        [AT_HWCAP2, 1n << 33n],
      ],
      8,
      true,
    );
    const extra = new Uint8Array(bytes.length + 16);
    extra.set(bytes);
    extra.set(buildAuxv([[AT_HWCAP, 0xffn]], 8, true).subarray(0, 16), bytes.length);
    assert.deepEqual(parseAuxv(extra, 8, true), { hwcap: 0b1011n, hwcap2: 1n << 33n });
  });

  it('parses 32-bit arm and big-endian s390x layouts', () => {
    assert.deepEqual(
      parseAuxv(
        buildAuxv(
          [
            [AT_HWCAP, 0x1000n],
            [AT_HWCAP2, 0x1fn],
          ],
          4,
          true,
        ),
        4,
        true,
      ),
      {
        hwcap: 0x1000n,
        hwcap2: 0x1fn,
      },
    );
    const be = buildAuxv([[AT_HWCAP, 0x800n]], 8, false);
    assert.deepEqual(parseAuxv(be, 8, false), { hwcap: 0x800n, hwcap2: 0n });
    // Read with the wrong byte order the value would be different: the layout matters.
    assert.notDeepEqual(parseAuxv(be, 8, true), { hwcap: 0x800n, hwcap2: 0n });
  });

  it('names arm64 bits from NFD tables and ignores bits without a name', () => {
    const flags = hwcapFlags('arm64', {
      hwcap: (1n << 0n) | (1n << 11n) | (1n << 22n) | (1n << 40n),
      hwcap2: (1n << 1n) | (1n << 33n) | (1n << 34n),
    });
    assert.deepEqual(flags.sort(), ['CPUID', 'FP', 'SVE', 'SVE2', 'SVEEBF16'].sort());
    assert.ok(arm64HasCpuid({ hwcap: 1n << 11n, hwcap2: 0n }));
    assert.ok(!arm64HasCpuid({ hwcap: 1n << 10n, hwcap2: 0n }));
  });

  it('names arm, ppc64le and s390x bits with NFD spellings', () => {
    assert.deepEqual(hwcapFlags('arm', { hwcap: (1n << 4n) | (1n << 13n) | (1n << 16n), hwcap2: 1n << 4n }), [
      'FASTMUL',
      'VFPv3',
      'VFPv4',
      'CRC32',
    ]);
    assert.deepEqual(
      hwcapFlags('ppc64', {
        hwcap: 0x40000000n | 0x00000080n | 0x2n,
        hwcap2: 0x02000000n | 0x00020000n,
      }).sort(),
      ['MMA', 'PPC64', 'TRUE_LE', 'VCRYPTO', 'VSX'],
    );
    // s390x uses AT_HWCAP only; bit 7 is EDAT (HWCAP_S390_HPAGE), bit 15 VXE2.
    assert.deepEqual(hwcapFlags('s390x', { hwcap: (1n << 7n) | (1n << 15n), hwcap2: 0xffn }), [
      'EDAT',
      'VXE2',
    ]);
    assert.deepEqual(hwcapFlags('riscv64', { hwcap: 0xffn, hwcap2: 0n }), []);
  });
});

describe('non-x86 model attributes', () => {
  it('decodes arm64 MIDR_EL1 (family = variant<<4|architecture, id = part<<4|revision)', () => {
    assert.deepEqual(arm64Model(0x413fd0c1), { vendor: 'ARM', family: 63, id: 53441 });
    assert.deepEqual(arm64Model(0xc00fac30), { vendor: 'Ampere', family: 15, id: 44080 });
    assert.deepEqual(arm64Model(0x6b0f0000), { vendor: 'VendorUnknown', family: 15, id: 0 });
    assert.deepEqual(arm64Model(undefined), { vendor: 'VendorUnknown', family: 0, id: 0 });
  });

  it('reads s390x vendor, identification and machine from /proc/cpuinfo', () => {
    const cpuinfo = [
      'vendor_id       : IBM/S390',
      '# processors    : 2',
      'processor 0: version = FF,  identification = 0133E8,  machine = 8561',
      'processor 1: version = FF,  identification = 2133E8,  machine = 8562',
    ].join('\n');
    assert.deepEqual(s390xModel(cpuinfo), { vendor: 'IBM/S390', family: '0133E8', id: '8562' });
  });

  it('takes the hypervisor from the first Control Program line of /proc/sysinfo', () => {
    assert.equal(
      hypervisorFromSysinfo('VM00 Control Program: z/VM    7.2.0\nVM01 Control Program: KVM/Linux\n'),
      'z_VM_7.2.0',
    );
    assert.equal(hypervisorFromSysinfo('LPAR Name: X\n'), undefined);
    assert.equal(hypervisorFromSysinfo('VM00 Control Program:    \n'), undefined);
  });
});
