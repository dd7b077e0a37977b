import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CpuidDump, parseDumpJson, type Regs } from '../../../../src/host/native/cpuid-dump.ts';
import {
  avx10Level,
  decideX86Flags,
  registersAsString,
  x64Level,
  x64LevelFlags,
  x86FamilyModel,
  x86HypervisorName,
  x86ThreadsPerCore,
  x86Vendor,
} from '../../../../src/host/sources/cpu/cpuid-flags.ts';
import { FIXTURES } from './helpers.ts';

function fixtureDump(tree: string): CpuidDump {
  return parseDumpJson(readFileSync(path.join(FIXTURES, tree, 'root', 'test-cpuid.json'), 'utf8'));
}

/** A dump with one leaf's register replaced. */
function patch(d: CpuidDump, leaf: number, subleaf: number, regs: Regs, xcr0 = d.xcr0): CpuidDump {
  const entries = [...d.entries()].filter(([l, s]) => !(l === leaf && s === subleaf));
  return new CpuidDump([...entries, [leaf, subleaf, regs]], xcr0);
}

function vendorRegs(s: string): [number, number, number] {
  const b = Buffer.from(s, 'latin1');
  return [b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt32LE(8)];
}

/** The smallest dump: max basic leaf 0x24, vendor, leaf 1, and any extra leaves. */
function tiny(
  vendor: string,
  leaf1: Regs,
  xcr0?: number,
  extra: Array<[number, number, Regs]> = [],
): CpuidDump {
  const [b, d, c] = vendorRegs(vendor);
  return new CpuidDump([[0, 0, [0x24, b, c, d]], [1, 0, leaf1], ...extra], xcr0);
}

describe('x86 flag decisions from register dumps', () => {
  it('decides the Sapphire Rapids-like Intel server dump', () => {
    const flags = decideX86Flags(fixtureDump('intel-2s-server'));
    for (const f of [
      'SSE2',
      'AVX',
      'AVX2',
      'AVX512F',
      'AVX512BW',
      'AVX512FP16',
      'AVX512BF16',
      'AMXTILE',
      'AMXINT8',
      'AMXBF16',
      'AVXVNNI',
      'SGX',
      'SGXLC',
      'TME',
      'PCONFIG',
      'VMX',
      'HTT',
      'WAITPKG',
      'ENQCMD',
      'SERIALIZE',
      'TSXLDTRK',
      'PMU_FIXEDCOUNTER_INSTRUCTIONS',
      'PMU_FIXEDCOUNTER_CYCLES',
      'PMU_FIXEDCOUNTER_REFCYCLES',
      'PMU_FIXEDCOUNTER_TOPDOWN_SLOTS',
      'XSAVES',
      'LZCNT',
      'POPCNT',
      'FXSROPT',
    ]) {
      assert.ok(flags.has(f), `missing ${f}`);
    }
    // Bare metal, Intel: no hypervisor bit, no AMD-only leaves.
    for (const f of ['HYPERVISOR', 'SVM', 'SEV', 'SME', 'AVXSLOW', 'TDX_GUEST', 'TBM', 'IBRS'])
      assert.ok(!flags.has(f), `unexpected ${f}`);
    assert.equal(x64Level(flags), 4);
  });

  it('decides the Zen 4-like AMD EPYC dump', () => {
    const d = fixtureDump('amd-epyc-sev');
    const flags = decideX86Flags(d);
    for (const f of [
      'AVX512F',
      'AVX512VL',
      'AVX512BF16',
      'SVM',
      'SVMNP',
      'SME',
      'SEV',
      'SEV_ES',
      'SEV_SNP',
      'VMPL',
      'VTE',
      'IBS',
      'IBS_ZEN4',
      'SSE4A',
      'TOPEXT',
      'CLZERO',
      'CPBOOST',
      'HTT',
      'MMXEXT',
      'FP256',
      'MOVU',
      'PPIN',
      'STIBP_ALWAYSON',
    ]) {
      assert.ok(flags.has(f), `missing ${f}`);
    }
    // Family 0x19 does not get the forced TSA_*_NO; 0x80000021 bits 27..31 are clear; no AMX on Zen 4.
    for (const f of [
      'TSA_L1_NO',
      'TSA_SQ_NO',
      'SBPB',
      'SRSO_NO',
      'AMXTILE',
      'VMX',
      'HYPERVISOR',
      'AVXSLOW',
    ]) {
      assert.ok(!flags.has(f), `unexpected ${f}`);
    }
    assert.equal(x64Level(flags), 4);
    assert.deepEqual(x86Vendor(d), { id: 'AMD', raw: 'AuthenticAMD' });
    assert.deepEqual(x86FamilyModel(d), { family: 25, model: 17, stepping: 1 });
    assert.equal(x86ThreadsPerCore(d), 2);
  });

  it('gates AVX and AVX-512 on the OS-enabled XCR0 state, like XGETBV in klauspost', () => {
    const spr = fixtureDump('intel-2s-server');
    const avxOnly = decideX86Flags(spr.withXcr0(0x7));
    assert.ok(avxOnly.has('AVX2') && avxOnly.has('FMA3'));
    for (const f of ['AVX512F', 'AVX512BW', 'AMXTILE', 'AVX512BF16']) assert.ok(!avxOnly.has(f), f);
    assert.equal(x64Level(avxOnly), 3);
    const none = decideX86Flags(spr.withXcr0(0x3));
    assert.ok(!none.has('AVX') && !none.has('AVX2') && !none.has('AVXVNNI'));
    assert.ok(none.has('BMI2') && none.has('FMA3'), 'BMI and FMA3 need no OS state');
    assert.equal(x64Level(none), 2);
  });

  it('follows klauspost quirks: AMXFP8 from leaf 7 ECX bit 3 (the PKU bit), FXSROPT from the SSE bit', () => {
    const d = tiny('GenuineIntel', [0x806f8, 0, 0, 1 << 25], 0, [[7, 0, [0, 0, 1 << 3, 0]]]);
    // Without the AVX-512 OS gate AMXFP8 stays clear even though the bit is set.
    assert.ok(!decideX86Flags(d).has('AMXFP8'));
    const gated = tiny('GenuineIntel', [0x806f8, 0, (1 << 26) | (1 << 27), 1 << 25], 0xe7, [
      [7, 0, [0, 0, 1 << 3, 0]],
    ]);
    assert.ok(decideX86Flags(gated).has('AMXFP8'));
    assert.ok(decideX86Flags(d).has('FXSROPT') && decideX86Flags(d).has('SSE'));
  });

  it('takes XSAVE and OSXSAVE from CPUID.1 ECX bit 0, as klauspost v2.4.0 does (`c&1<<26` is `(c&1)<<26` in Go)', () => {
    // qemu64-like: SSE3 (ECX[0]) but no XSAVE/OSXSAVE bits. The real library reports both flags, and
    // the XSAVE sub-features of leaf 0xD.1 follow.
    const sse3Only = tiny('GenuineIntel', [0x806f8, 0, 1, 0], 0, [[0xd, 1, [0xf, 0, 0, 0]]]);
    const a = decideX86Flags(sse3Only);
    for (const f of ['SSE3', 'XSAVE', 'OSXSAVE', 'XSAVEOPT', 'XSAVEC', 'XGETBV1', 'XSAVES'])
      assert.ok(a.has(f), f);
    // XSAVE/OSXSAVE bits without SSE3: neither flag, and no leaf 0xD.1 sub-features.
    const xsaveNoSse3 = tiny('GenuineIntel', [0x806f8, 0, (1 << 26) | (1 << 27), 0], 0, [
      [0xd, 1, [0xf, 0, 0, 0]],
    ]);
    const b = decideX86Flags(xsaveNoSse3);
    for (const f of ['XSAVE', 'OSXSAVE', 'XSAVEOPT', 'XSAVEC', 'XGETBV1', 'XSAVES']) assert.ok(!b.has(f), f);
  });

  it('returns nothing when the max basic leaf is 0, and levels need SYSEE or SYSCALL', () => {
    assert.equal(decideX86Flags(new CpuidDump([[0, 0, [0, 0, 0, 0]]], 0)).size, 0);
    const v1 = new Set(['CMOV', 'CMPXCHG8', 'X87', 'FXSR', 'MMX', 'SSE', 'SSE2']);
    assert.equal(x64Level(v1), 0);
    assert.equal(x64Level(new Set([...v1, 'SYSCALL'])), 1);
    assert.deepEqual(x64LevelFlags(-1), []);
    assert.deepEqual(x64LevelFlags(0), []);
    assert.deepEqual(x64LevelFlags(3), ['X86_64_V1', 'X86_64_V2', 'X86_64_V3']);
  });

  it('reads AVX10 and its level only when leaf 0x24 is in range', () => {
    const base: Array<[number, number, Regs]> = [
      [7, 0, [1, 0, 0, 0]],
      [7, 1, [0, 0, 0, 1 << 19]],
      [0x24, 0, [0, 0x70002, 0, 0]],
    ];
    const d = tiny('GenuineIntel', [0xa06d0, 0, 0, 0], 0, base);
    const flags = decideX86Flags(d);
    assert.ok(
      flags.has('AVX10') && flags.has('AVX10_128') && flags.has('AVX10_256') && flags.has('AVX10_512'),
    );
    assert.equal(avx10Level(d, flags), 2);
    const [b, dd, c] = vendorRegs('GenuineIntel');
    const low = patch(d, 0, 0, [0x1f, b, c, dd]);
    const lowFlags = decideX86Flags(low);
    assert.ok(lowFlags.has('AVX10') && !lowFlags.has('AVX10_512'));
    assert.equal(avx10Level(low, lowFlags), 0);
  });

  it('decides TDX guests from leaf 0x21 and from the Hyper-V leaf 0x4000000C', () => {
    const id = Buffer.from('IntelTDX    ', 'latin1');
    const tdx = tiny('GenuineIntel', [0x806f8, 0, 0, 0], 0, [
      [0x21, 0, [0, id.readUInt32LE(0), id.readUInt32LE(8), id.readUInt32LE(4)]],
    ]);
    assert.ok(decideX86Flags(tdx).has('TDX_GUEST'));
    const hv = tiny('GenuineIntel', [0x806f8, 0, 0, 0], 0, [[0x4000000c, 0, [0, 0xbe3, 0, 0]]]);
    assert.ok(decideX86Flags(hv).has('TDX_GUEST'));
    assert.ok(!decideX86Flags(tiny('GenuineIntel', [0x806f8, 0, 0, 0], 0)).has('TDX_GUEST'));
  });

  it('decides the PMU fixed counters from leaf 0xA', () => {
    const pmu = (eax: number, ebx: number, edx: number) =>
      [...decideX86Flags(tiny('GenuineIntel', [0x806f8, 0, 0, 0], 0, [[0xa, 0, [eax, ebx, 0, edx]]]))]
        .filter((f) => f.startsWith('PMU_'))
        .sort();
    assert.deepEqual(pmu(0x2, 0, 3), [
      'PMU_FIXEDCOUNTER_CYCLES',
      'PMU_FIXEDCOUNTER_INSTRUCTIONS',
      'PMU_FIXEDCOUNTER_REFCYCLES',
    ]);
    assert.equal(pmu(0x2, 0, 4).length, 4);
    assert.deepEqual(pmu(0x1, 0, 4), [], 'version 1: the fixed-counter count is not valid');
    assert.deepEqual(pmu(0x5, 0b1010, 0), ['PMU_FIXEDCOUNTER_INSTRUCTIONS', 'PMU_FIXEDCOUNTER_REFCYCLES']);
    assert.deepEqual(pmu(0, 0, 4), []);
  });

  it('forces TSA_L1_NO/TSA_SQ_NO for old and some family 0x1A AMD parts', () => {
    const amd = (eax1: number) => decideX86Flags(tiny('AuthenticAMD', [eax1, 0, 0, 0], 0));
    assert.ok(amd(0x00800f12).has('TSA_L1_NO'), 'family 0x17');
    assert.ok(!amd(0x00a10f11).has('TSA_SQ_NO'), 'family 0x19');
    assert.ok(amd(0x00b00f21).has('TSA_SQ_NO'), 'family 0x1A model 0x02');
    assert.ok(!amd(0x00b50f00).has('TSA_SQ_NO'), 'family 0x1A model 0x50');
    assert.ok(!decideX86Flags(tiny('GenuineIntel', [0x00800f12, 0, 0, 0], 0)).has('TSA_L1_NO'));
  });

  it('reports SEV flags only for AMD (leaf 0x8000001F)', () => {
    const ext: Array<[number, number, Regs]> = [
      [0x80000000, 0, [0x8000001f, 0, 0, 0]],
      [0x8000001f, 0, [0x1f, 0, 0, 0]],
    ];
    assert.ok(decideX86Flags(tiny('AuthenticAMD', [0xa10f11, 0, 0, 0], 0, ext)).has('SEV_SNP'));
    assert.ok(!decideX86Flags(tiny('HygonGenuine', [0xa10f11, 0, 0, 0], 0, ext)).has('SEV'));
  });

  it('decodes vendors and hypervisors like klauspost and NFD', () => {
    assert.equal(registersAsString(0x4b4d564b, 0x564b4d56, 0x0000004d), 'KVMKVMKVM');
    const hv = (s: string) => {
      const b = Buffer.alloc(12);
      b.write(s, 'latin1');
      return x86HypervisorName(
        new CpuidDump([[0x40000000, 0, [0, b.readUInt32LE(0), b.readUInt32LE(4), b.readUInt32LE(8)]]], 0),
      );
    };
    assert.equal(hv('KVMKVMKVM'), 'kvm');
    assert.equal(hv('Microsoft Hv'), 'msvm');
    assert.equal(hv('TCGTCGTCGTCG'), 'qemu');
    assert.equal(hv('VMwareVMware'), 'vmware');
    assert.equal(hv('XenVMMXenVMM'), 'xenhvm');
    assert.equal(hv('VBoxVBoxVBox'), 'VBoxVBoxVBox');
    assert.equal(hv('a b/c'), 'a_b_c');
    assert.equal(hv(''), 'unknown');
    const v = (s: string) => {
      const [b, d, c] = vendorRegs(s.padEnd(12, '\0'));
      return x86Vendor(new CpuidDump([[0, 0, [1, b, c, d]]], 0)).id;
    };
    assert.equal(v('GenuineIntel'), 'Intel');
    assert.equal(v('HygonGenuine'), 'Hygon');
    assert.equal(v('CentaurHauls'), 'VIA');
    assert.equal(v('  Shanghai  '), 'VendorUnknown');
  });

  it('computes family/model with the extended fields as Linux does', () => {
    const fm = (eax: number) =>
      x86FamilyModel(
        new CpuidDump(
          [
            [0, 0, [1, 0, 0, 0]],
            [1, 0, [eax, 0, 0, 0]],
          ],
          0,
        ),
      );
    assert.deepEqual(fm(0x000c06f2), { family: 6, model: 207, stepping: 2 });
    assert.deepEqual(fm(0x00050654), { family: 6, model: 85, stepping: 4 });
    assert.deepEqual(fm(0x00a10f11), { family: 25, model: 17, stepping: 1 });
    assert.deepEqual(fm(0x00000f41), { family: 15, model: 4, stepping: 1 });
    // Base family 5: the extended model is not added.
    assert.deepEqual(fm(0x00010543), { family: 5, model: 4, stepping: 3 });
  });
});
