// Deterministic, realistic NFD Features for the benchmarks (same seed, same features).
// Sizes default to the "realistic" host: >= 200 cpuid flags, 80 loaded kernel modules,
// 40 PCI devices, 10 network devices, plus the other sources a host reports.

/** mulberry32: a tiny seeded PRNG, good enough to vary benchmark inputs reproducibly. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REAL_CPUID =
  `ADX AESNI AMXBF16 AMXINT8 AMXTILE AVX AVX2 AVX512BF16 AVX512BITALG AVX512BW AVX512CD AVX512DQ
AVX512F AVX512FP16 AVX512IFMA AVX512VBMI AVX512VBMI2 AVX512VL AVX512VNNI AVX512VPOPCNTDQ AVXVNNI BHI_CTRL BMI1
BMI2 CETIBT CETSS CLDEMOTE CLMUL CLWB CMPXCHG8 CX16 ENQCMD ERMS F16C FLUSH_L1D FMA3 FSRM FXSR FXSROPT GFNI
HYBRID_CPU IA32_ARCH_CAP IA32_CORE_CAP IBPB IBRS IBRS_PREFERRED LAHF LZCNT MD_CLEAR MMX MOVBE MOVDIR64B MOVDIRI
MPX OSXSAVE POPCNT PSFD RDPID RDRAND RDSEED RDTSCP SERIALIZE SHA SPEC_CTRL_SSBD SSE SSE2 SSE3 SSE4 SSE42 SSSE3
STIBP STOSB_SHORT SYSCALL SYSEE TSXLDTRK VAES VMX VPCLMULQDQ WAITPKG WBNOINVD X87 XGETBV1 XSAVE XSAVEC XSAVEOPT
XSAVES`.split(/\s+/);

const REAL_MODULES = `bonding bridge br_netfilter ccp crc32_pclmul crct10dif_pclmul dm_mod efivarfs ext4 fuse
ghash_clmulni_intel i40e ice intel_rapl_common intel_rapl_msr ip_tables ip6_tables ipmi_devintf ipmi_msghandler
ipmi_si ipmi_ssif iptable_filter iptable_mangle iptable_nat irdma isst_if_common kvm kvm_intel llc loop mei mei_me
mlx5_core mlx5_ib mlxfw nf_conntrack nf_defrag_ipv4 nf_defrag_ipv6 nf_nat nf_tables nfnetlink nvme nvme_core
overlay pci_hyperv_intf psample rapl sch_fq_codel skx_edac stp tls vfio vfio_iommu_type1 vfio_pci_core veth vxlan
x_tables xfs xt_MASQUERADE xt_addrtype xt_comment xt_conntrack xt_mark xt_nat`.split(/\s+/);

const PCI_CLASSES = ['0600', '0880', '0604', '0106', '0c03', '0300', '0108', '0b40', '1180', '0c05'];
const PCI_VENDORS = ['8086', '144d', '1a03', '10de', '1000', '15d9', '1022'];
const NIC_VENDORS = ['15b3', '8086', '14e4', '0eee', '0fff'];

const hex4 = (n) => (n & 0xffff).toString(16).padStart(4, '0');

/**
 * One node's features. `seed` varies everything that differs between nodes (which modules and
 * flags are present, the CPU vendor, PCI devices and NICs), so different seeds give distinct sets.
 */
export function realisticFeatures(seed, sizes = {}) {
  const { cpuidFlags = 210, modules = 80, pciDevices = 40, netDevices = 10 } = sizes;
  const rnd = prng(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];

  // Nodes differ in a few flags and modules.
  const dropped = new Set([pick(REAL_CPUID), pick(REAL_CPUID), pick(REAL_CPUID)]);
  const cpuid = {};
  for (let i = 0; i < cpuidFlags + dropped.size; i++) {
    const name = i < REAL_CPUID.length ? REAL_CPUID[i] : `X86_FEATURE_${i}`;
    if (!dropped.has(name)) cpuid[name] = {};
  }

  const loaded = {};
  let n = 0;
  if (rnd() < 0.8) {
    loaded['vfio-pci'] = {}; // most nodes have vfio-pci loaded
    n++;
  }
  for (let i = 0; n < modules; i++, n++) {
    loaded[i < REAL_MODULES.length ? REAL_MODULES[i] : `mod_${seed % 97}_${i}`] = {};
  }

  const pci = [];
  for (let i = 0; i < pciDevices; i++) {
    pci.push({
      attributes: {
        class: PCI_CLASSES[i % PCI_CLASSES.length],
        vendor: pick(PCI_VENDORS),
        device: hex4(Math.floor(rnd() * 0xffff)),
        subsystem_vendor: '15d9',
        subsystem_device: hex4(0x1d49 + (i % 7)),
      },
    });
  }
  // A couple of network controllers (class 0200) among them.
  for (let i = 0; i < 2; i++) {
    pci[(i * 17 + seed) % pciDevices].attributes = {
      class: '0200',
      vendor: pick(NIC_VENDORS),
      device: hex4(0x1010 + i),
      subsystem_vendor: '15b3',
      subsystem_device: '0040',
      sriov_totalvfs: '8',
    };
  }

  const net = [];
  for (let i = 0; i < netDevices; i++) {
    net.push({
      attributes: {
        name: `ens${i}f${i % 2}`,
        operstate: rnd() < 0.8 ? 'up' : 'down',
        speed: String(pick([1000, 10000, 25000, 100000])),
        mtu: pick(['1500', '9000']),
        sriov_numvfs: '0',
        sriov_totalvfs: '8',
      },
    });
  }

  const vendor = rnd() < 0.9 ? pick(['Intel', 'AMD']) : 'ARM';
  const minor = 1 + Math.floor(rnd() * 15);
  return {
    flags: {
      'cpu.cpuid': { elements: cpuid },
      'kernel.loadedmodule': { elements: loaded },
      'kernel.enabledmodule': { elements: loaded },
    },
    attributes: {
      'cpu.model': {
        elements: { vendor_id: vendor, family: '6', id: String(85 + (seed % 60)), hypervisor: 'none' },
      },
      'cpu.cstate': { elements: { enabled: 'true' } },
      'cpu.topology': { elements: { hardware_multithreading: 'true', socket_count: '2' } },
      'kernel.version': {
        elements: { full: `6.${minor}.0-45-generic`, major: '6', minor: String(minor), revision: '0' },
      },
      'kernel.selinux': { elements: { enabled: 'false' } },
      'memory.numa': { elements: { is_numa: 'true', node_count: '2' } },
      'system.osrelease': {
        elements: { ID: 'ubuntu', VERSION_ID: '24.04', 'VERSION_ID.major': '24', 'VERSION_ID.minor': '04' },
      },
      'system.name': { elements: { nodename: `node-${seed}` } },
    },
    instances: {
      'pci.device': { elements: pci },
      'network.device': { elements: net },
      'usb.device': {
        elements: [{ attributes: { class: '09', vendor: '1d6b', device: '0002', serial: '' } }],
      },
    },
  };
}
