/**
 * The cpu source on every fixture host tree: the `cpu.*` part of what `export features` must print.
 * Expectations are written from the trees' files and register dumps by hand (NFD v0.19.0 source/cpu/cpu.go),
 * not generated from the output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Features } from '../../../../src/core/model/features.ts';
import { x64Level } from '../../../../src/host/sources/cpu/cpuid-flags.ts';
import { EXACT_CPUINFO_NAMES } from '../../../../src/host/sources/cpu/cpuinfo-fallback.ts';
import { createCpuSource, lastCpuidMethod } from '../../../../src/host/sources/cpu/index.ts';
import { fixtureContext } from './helpers.ts';

const cpu = createCpuSource();

function flagsOf(f: Features): string[] {
  return Object.keys(f.flags?.cpuid?.elements ?? {}).sort();
}
function attrsOf(f: Features): Record<string, Record<string, string> | null> {
  const out: Record<string, Record<string, string> | null> = {};
  for (const [k, v] of Object.entries(f.attributes ?? {})) out[k] = v.elements;
  return out;
}

describe('cpu source on the fixture hosts', () => {
  it('intel-2s-server: Sapphire Rapids-like, 2 sockets, HT, intel_idle, intel_pstate, SST-BF, SGX, TDX, RDT', async () => {
    const ctx = await fixtureContext('intel-2s-server');
    const f = await cpu.discover(ctx);
    assert.equal(lastCpuidMethod(), 'fixture');
    assert.deepEqual(ctx.problems, []);
    const flags = flagsOf(f);
    for (const x of ['AVX512F', 'AMXTILE', 'SGX', 'X86_64_V1', 'X86_64_V2', 'X86_64_V3', 'X86_64_V4'])
      assert.ok(flags.includes(x), x);
    assert.deepEqual(attrsOf(f), {
      cpuid: {},
      model: { vendor_id: 'Intel', family: '6', id: '143', hypervisor: 'none' },
      cstate: { enabled: 'true' },
      pstate: { status: 'active', turbo: 'true', scaling_governor: 'performance' },
      rdt: {
        RDTMON: 'true',
        RDTCMT: 'true',
        RDTMBM: 'true',
        RDTL3CA: 'true',
        RDTL3CA_NUM_CLOSID: '14',
        RDTL2CA: 'true',
        RDTMBA: 'true',
      },
      // Two EPC sections of 0x3f600000 and 0x3f800000 bytes.
      security: {
        'sgx.enabled': 'true',
        'sgx.epc': String(0x3f600000 + 0x3f800000),
        'tdx.enabled': 'true',
        'tdx.total_keys': '63',
      },
      // cpu4 and cpu5 have base_frequency 2700000 kHz > the nominal 2100 MHz of leaf 0x16.
      sst: { 'bf.enabled': 'true' },
      topology: { hardware_multithreading: 'true', socket_count: '2' },
      coprocessor: {},
    });
    assert.deepEqual(f.instances, {});
  });

  it('amd-epyc-sev: Zen 4-like with SEV, SEV-ES, SEV-SNP and misc cgroup capacities', async () => {
    const ctx = await fixtureContext('amd-epyc-sev');
    const f = await cpu.discover(ctx);
    assert.deepEqual(ctx.problems, []);
    const flags = flagsOf(f);
    for (const x of ['SEV', 'SEV_ES', 'SEV_SNP', 'SME', 'SVM', 'AVX512F', 'X86_64_V4'])
      assert.ok(flags.includes(x), x);
    assert.deepEqual(attrsOf(f), {
      cpuid: {},
      model: { vendor_id: 'AMD', family: '25', id: '17', hypervisor: 'none' },
      // cpuidle driver acpi_idle: present and empty.
      cstate: {},
      pstate: {},
      // No /sys/fs/resctrl: RDTL3CA without its CLOSID count.
      rdt: { RDTMON: 'true', RDTCMT: 'true', RDTMBM: 'true', RDTL3CA: 'true' },
      security: {
        'sev.enabled': 'true',
        'sev.asids': '410',
        'sev.es.enabled': 'true',
        'sev.encrypted_state_ids': '99',
        'sev.snp.enabled': 'true',
      },
      sst: {},
      topology: { hardware_multithreading: 'true', socket_count: '1' },
      coprocessor: {},
    });
  });

  it('arm64-host: hwcap names from /proc/self/auxv, model from MIDR_EL1, no cpuid attributes', async () => {
    const ctx = await fixtureContext('arm64-host');
    const f = await cpu.discover(ctx);
    assert.deepEqual(ctx.problems, []);
    const flags = flagsOf(f);
    // HWCAP: bits 0..31 but 22 (SVE); HWCAP2: DCPODP FLAGM2 FRINT I8MM BF16 DGH RNG BTI ECV AFP + an unnamed bit 40.
    assert.equal(flags.length, 31 + 10);
    for (const x of ['FP', 'ASIMD', 'CPUID', 'PACG', 'DCPODP', 'BTI', 'AFP']) assert.ok(flags.includes(x), x);
    assert.ok(!flags.includes('SVE'));
    assert.deepEqual(attrsOf(f), {
      model: { vendor_id: 'Ampere', family: '15', id: '44080', hypervisor: 'none' },
      cstate: {},
      pstate: {},
      rdt: {},
      security: {},
      sst: {},
      topology: { hardware_multithreading: 'false', socket_count: '1' },
      coprocessor: {},
    });
  });

  it('minimal-container: registers but no /sys: cstate absent, everything else present and empty', async () => {
    const ctx = await fixtureContext('minimal-container');
    const f = await cpu.discover(ctx);
    assert.deepEqual(ctx.problems, []);
    assert.ok(flagsOf(f).includes('HYPERVISOR'));
    assert.deepEqual(attrsOf(f), {
      cpuid: {},
      model: { vendor_id: 'Intel', family: '6', id: '207', hypervisor: 'kvm' },
      pstate: {},
      rdt: {},
      security: {},
      sst: {},
      topology: {},
      coprocessor: {},
    });
  });

  for (const tree of ['intel-2s-server', 'amd-epyc-sev', 'minimal-container']) {
    it(`${tree}: the /proc/cpuinfo fallback agrees with the registers on every exact name and the level`, async () => {
      const withDump = await cpu.discover(await fixtureContext(tree));
      const fallback = createCpuSource({ cpuid: { ignoreFixtureDump: true } });
      const ctx = await fixtureContext(tree);
      const viaCpuinfo = await fallback.discover(ctx);
      assert.equal(lastCpuidMethod(), 'cpuinfo');
      const a = new Set(flagsOf(withDump));
      const b = new Set(flagsOf(viaCpuinfo));
      for (const name of EXACT_CPUINFO_NAMES) assert.equal(b.has(name), a.has(name), `${tree}: ${name}`);
      assert.equal(x64Level(b), x64Level(a));
      assert.deepEqual(attrsOf(viaCpuinfo).model?.vendor_id, attrsOf(withDump).model?.vendor_id);
      assert.deepEqual(attrsOf(viaCpuinfo).model?.family, attrsOf(withDump).model?.family);
      assert.deepEqual(attrsOf(viaCpuinfo).model?.id, attrsOf(withDump).model?.id);
    });
  }

  it('labels the fixture as nfd export labels does (no blacklist, security counts skipped)', async () => {
    const f = await cpu.discover(await fixtureContext('intel-2s-server'));
    const labels = cpu.labels!(f);
    assert.equal(labels['cpuid.SSE2'], 'true');
    assert.equal(labels['cpuid.X86_64_V4'], 'true');
    assert.equal(labels['model.id'], '143');
    assert.equal(labels['cstate.enabled'], 'true');
    assert.equal(labels['pstate.scaling_governor'], 'performance');
    assert.equal(labels['power.sst_bf.enabled'], 'true');
    assert.equal(labels.hardware_multithreading, 'true');
    assert.equal(labels['security.sgx.enabled'], 'true');
    assert.equal(labels['security.sgx.epc'], undefined);
    assert.equal(labels['security.tdx.total_keys'], undefined);
    assert.ok(!Object.keys(labels).some((k) => k.startsWith('rdt') || k.includes('socket_count')));
  });
});
