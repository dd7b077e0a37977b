/**
 * The feature names NFD v0.19 discovers (`domain.feature`), whether each is a flag, attribute or
 * instance feature, and, where the discovery source fixes them, the element (attribute) names and the
 * kind of their values. Taken from our discovery sources in src/host/sources, which follow NFD's
 * `source/<domain>/<domain>.go` `Discover` functions (cpu: source/cpu/cpu.go; kernel:
 * source/kernel/kernel.go; memory: source/memory/memory.go; network: source/network/network.go;
 * pci: source/pci/pci.go, utils.go; usb: source/usb/usb.go, utils.go; storage:
 * source/storage/storage.go; system: source/system/system.go; local: source/local/local.go) and the
 * `rule.matched` feature nfd-master adds (pkg/nfd-master/nfd-master.go `processNodeFeatureRule`).
 */
import { X86_FLAG_NAMES, x64LevelFlags } from '../host/sources/cpu/cpuid-flags.ts';
import {
  ARM_HWCAP,
  ARM_HWCAP2,
  ARM64_HWCAP,
  ARM64_HWCAP2,
  PPC64LE_HWCAP,
  PPC64LE_HWCAP2,
  S390X_HWCAP,
} from '../host/sources/cpu/hwcap.ts';

export type FeatureType = 'flag' | 'attribute' | 'instance';
/** What an element's value looks like: decides which ops can hold. */
export type ValueKind = 'bool' | 'int' | 'version' | 'string';

export interface ElementSet {
  /** Every element name the source can produce, with its value kind (flags: `string`, unused). */
  names: Readonly<Record<string, ValueKind>>;
  /** `true`: no other name can occur; `false`: others can (names of hardware, config keys, ...). */
  closed: boolean;
}

export interface CatalogueEntry {
  type: FeatureType;
  description: string;
  elements?: ElementSet;
}

const kinds = (kind: ValueKind, names: readonly (string | undefined)[]): Record<string, ValueKind> =>
  Object.fromEntries(names.filter((n): n is string => n !== undefined).map((n) => [n, kind]));

/** cpuid flag names of every architecture NFD supports (x86 klauspost/cpuid names, Linux hwcaps). */
export const CPUID_FLAG_NAMES: readonly string[] = [
  ...new Set(
    [
      ...X86_FLAG_NAMES,
      ...x64LevelFlags(4),
      ...ARM64_HWCAP,
      ...ARM64_HWCAP2,
      ...ARM_HWCAP,
      ...ARM_HWCAP2,
      ...PPC64LE_HWCAP,
      ...PPC64LE_HWCAP2,
      ...S390X_HWCAP,
    ].filter((n): n is string => n !== undefined),
  ),
].sort();

/** src/host/sources/system.ts `DMI_ATTRS`: the DMI id files NFD reads. */
const DMI = [
  'bios_date',
  'bios_vendor',
  'bios_version',
  'board_asset_tag',
  'board_name',
  'board_vendor',
  'board_version',
  'chassis_asset_tag',
  'chassis_type',
  'chassis_vendor',
  'chassis_version',
  'product_family',
  'product_name',
  'product_sku',
  'product_version',
  'sys_vendor',
];

export const CATALOGUE: Readonly<Record<string, CatalogueEntry>> = {
  'cpu.cpuid': {
    type: 'flag',
    description: 'CPU capability flags (x86: klauspost/cpuid names such as AVX2; Arm/POWER/s390x: hwcaps)',
    elements: { names: kinds('string', CPUID_FLAG_NAMES), closed: false },
  },
  'cpu.model': {
    type: 'attribute',
    description: 'CPU vendor, family, model id and hypervisor',
    elements: {
      names: { vendor_id: 'string', family: 'int', id: 'int', hypervisor: 'string' },
      closed: true,
    },
  },
  'cpu.cstate': {
    type: 'attribute',
    description: 'intel_idle C-states',
    elements: { names: { enabled: 'bool' }, closed: true },
  },
  'cpu.pstate': {
    type: 'attribute',
    description: 'intel_pstate / amd-pstate status, turbo, scaling governor',
    elements: { names: { status: 'string', turbo: 'bool', scaling_governor: 'string' }, closed: true },
  },
  'cpu.rdt': {
    type: 'attribute',
    description: 'Intel RDT capabilities',
    elements: {
      names: {
        ...kinds('bool', ['RDTMON', 'RDTCMT', 'RDTMBM', 'RDTL3CA', 'RDTL2CA', 'RDTMBA']),
        RDTL3CA_NUM_CLOSID: 'int',
      },
      closed: true,
    },
  },
  'cpu.security': {
    type: 'attribute',
    description: 'confidential-computing technologies (SGX, SEV, TDX, IBM SE)',
    elements: {
      names: {
        ...kinds('bool', [
          'sgx.enabled',
          'se.enabled',
          'tdx.enabled',
          'tdx.protected',
          'sev.enabled',
          'sev.es.enabled',
          'sev.snp.enabled',
        ]),
        ...kinds('int', ['sgx.epc', 'tdx.total_keys', 'sev.asids', 'sev.encrypted_state_ids']),
      },
      closed: true,
    },
  },
  'cpu.sst': {
    type: 'attribute',
    description: 'Intel Speed Select Technology',
    elements: { names: { 'bf.enabled': 'bool' }, closed: true },
  },
  'cpu.topology': {
    type: 'attribute',
    description: 'hardware multithreading and socket count',
    elements: { names: { hardware_multithreading: 'bool', socket_count: 'int' }, closed: true },
  },
  'cpu.coprocessor': {
    type: 'attribute',
    description: 'POWER coprocessors (nx_gzip)',
    elements: { names: { nx_gzip: 'bool' }, closed: true },
  },
  'kernel.config': {
    type: 'attribute',
    description: 'kernel build options, without the CONFIG_ prefix; values as in the config (y, m, strings)',
  },
  'kernel.loadedmodule': {
    type: 'flag',
    description: 'loaded kernel modules, as /proc/modules names them (underscores)',
  },
  'kernel.enabledmodule': {
    type: 'flag',
    description: 'loaded and built-in kernel modules (underscores)',
  },
  'kernel.selinux': {
    type: 'attribute',
    description: 'SELinux enforcing',
    elements: { names: { enabled: 'bool' }, closed: true },
  },
  'kernel.version': {
    type: 'attribute',
    description: 'kernel release: full string and its major, minor, revision numbers',
    elements: { names: { full: 'string', major: 'int', minor: 'int', revision: 'int' }, closed: true },
  },
  'memory.numa': {
    type: 'attribute',
    description: 'NUMA: is_numa and node_count',
    elements: { names: { is_numa: 'bool', node_count: 'int' }, closed: true },
  },
  'memory.swap': {
    type: 'attribute',
    description: 'swap enabled',
    elements: { names: { enabled: 'bool' }, closed: true },
  },
  'memory.hugepages': {
    type: 'attribute',
    description: 'huge pages: enabled, and hugepages-<size> page counts',
    elements: { names: { enabled: 'bool' }, closed: false },
  },
  'memory.nv': {
    type: 'instance',
    description: 'non-volatile memory devices',
    elements: { names: { name: 'string', devtype: 'string', mode: 'string' }, closed: true },
  },
  'network.device': {
    type: 'instance',
    description: 'physical network interfaces',
    elements: {
      names: {
        name: 'string',
        operstate: 'string',
        speed: 'int',
        sriov_numvfs: 'int',
        sriov_totalvfs: 'int',
        mtu: 'int',
      },
      closed: true,
    },
  },
  'network.virtual': {
    type: 'instance',
    description: 'virtual network interfaces',
    elements: {
      names: { name: 'string', operstate: 'string', speed: 'int', mtu: 'int' },
      closed: true,
    },
  },
  'pci.device': {
    type: 'instance',
    description: 'PCI devices (hexadecimal ids without 0x)',
    elements: {
      names: {
        class: 'string',
        vendor: 'string',
        device: 'string',
        subsystem_vendor: 'string',
        subsystem_device: 'string',
        sriov_totalvfs: 'int',
        'iommu_group/type': 'string',
        'iommu/intel-iommu/version': 'string',
      },
      closed: true,
    },
  },
  'usb.device': {
    type: 'instance',
    description: 'USB devices (hexadecimal ids)',
    elements: {
      names: { class: 'string', vendor: 'string', device: 'string', serial: 'string' },
      closed: true,
    },
  },
  'storage.block': {
    type: 'instance',
    description: 'block devices and their queue settings',
    elements: {
      names: { name: 'string', dax: 'bool', rotational: 'bool', nr_zones: 'int', zoned: 'string' },
      closed: true,
    },
  },
  'system.osrelease': {
    type: 'attribute',
    description: 'os-release ID, VERSION_ID and its major/minor (every os-release field is kept)',
    elements: {
      names: { ID: 'string', VERSION_ID: 'version', 'VERSION_ID.major': 'int', 'VERSION_ID.minor': 'int' },
      closed: false,
    },
  },
  'system.name': {
    type: 'attribute',
    description: 'the node name',
    elements: { names: { nodename: 'string' }, closed: true },
  },
  'system.dmiid': {
    type: 'attribute',
    description: 'DMI identification (BIOS, board, chassis, product)',
    elements: { names: kinds('string', DMI), closed: true },
  },
  'local.feature': {
    type: 'attribute',
    description: 'features from feature files in /etc/kubernetes/node-feature-discovery/features.d',
  },
  'local.label': {
    type: 'attribute',
    description: 'labels from feature files in /etc/kubernetes/node-feature-discovery/features.d',
  },
  'rule.matched': {
    type: 'attribute',
    description: 'labels and vars of the rules evaluated before this one',
  },
};

export const FEATURE_NAMES: readonly string[] = Object.keys(CATALOGUE).sort();
