import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { X86_FLAG_NAMES } from '../../../../src/host/sources/cpu/cpuid-flags.ts';
import {
  CPUINFO_FLAG_MAP,
  EXACT_CPUINFO_NAMES,
  flagsFromCpuinfo,
  parseCpuinfo,
} from '../../../../src/host/sources/cpu/cpuinfo-fallback.ts';

const block = (vendor: string, flags: string, siblings = 2, cores = 2) =>
  `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: 6\nmodel\t\t: 85\nsiblings\t: ${siblings}\ncpu cores\t: ${cores}\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: avx512f\n\n`;

describe('/proc/cpuinfo fallback mapping', () => {
  it('maps only to names klauspost can report', () => {
    for (const row of CPUINFO_FLAG_MAP) assert.ok(X86_FLAG_NAMES.includes(row.name), row.name);
    assert.ok(
      EXACT_CPUINFO_NAMES.has('SSE2') &&
        !EXACT_CPUINFO_NAMES.has('FXSROPT') &&
        !EXACT_CPUINFO_NAMES.has('SGX'),
    );
  });

  it('reads the first processor block only', () => {
    const facts = parseCpuinfo(block('GenuineIntel', 'fpu sse sse2'));
    assert.deepEqual([...facts.flags], ['fpu', 'sse', 'sse2']);
    assert.equal(facts.family, 6);
    assert.equal(facts.model, 85);
  });

  it('derives compound names, HTT from siblings per core, and SEV only for AMD', () => {
    const f = (vendor: string, flags: string, siblings?: number, cores?: number) =>
      flagsFromCpuinfo(parseCpuinfo(block(vendor, flags, siblings, cores)));
    assert.ok(f('GenuineIntel', 'avx avx2').has('AVX2'));
    assert.ok(!f('GenuineIntel', 'avx2').has('AVX2'), 'AVX2 needs the OS-enabled AVX state');
    assert.ok(f('GenuineIntel', 'abm').has('LZCNT') && f('GenuineIntel', 'abm').has('POPCNT'));
    assert.ok(f('GenuineIntel', 'xsave fma').has('FMA3'));
    // XSAVE/OSXSAVE follow the SSE3 bit in NFD's klauspost (`(c&1)<<26`), so `pni` decides them.
    assert.ok(f('GenuineIntel', 'pni').has('XSAVE') && f('GenuineIntel', 'pni').has('OSXSAVE'));
    assert.ok(!f('GenuineIntel', 'xsave').has('XSAVE') && !f('GenuineIntel', 'xsave').has('OSXSAVE'));
    assert.ok(!f('GenuineIntel', 'xsave xsaveopt').has('XSAVEOPT'), 'leaf 0xD.1 is read only with XSAVE');
    assert.ok(f('GenuineIntel', 'pni xsave xsaveopt').has('XSAVEOPT'));
    assert.ok(f('GenuineIntel', 'ht', 4, 2).has('HTT'));
    assert.ok(!f('GenuineIntel', 'ht', 2, 2).has('HTT'), 'ht without a second thread per core is not HTT');
    assert.ok(!f('CentaurHauls', 'ht', 4, 2).has('HTT'), 'HTT is Intel/AMD only in klauspost');
    assert.ok(f('AuthenticAMD', 'sme sev sev_es').has('SEV_ES'));
    assert.ok(!f('HygonGenuine', 'sme sev').has('SEV'));
  });
});
