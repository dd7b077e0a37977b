/**
 * A small cluster for the cluster-mode tests: NodeFeature objects as nfd-worker (and a third party)
 * would publish them, and a spec whose sets pass on different nodes.
 *
 * - node-a: AVX512F + AVX, vfio-pci loaded, kernel 6       → passes "fast" and "baseline"
 * - node-b: AVX only, kernel 5                              → passes "baseline" only
 * - node-c: AVX only in its worker object; a third-party object in namespace `vendor` adds AVX512F and
 *           vfio-pci                                        → passes both, only when merged
 * - node-d: kernel major "six" (not a number)               → the Gt expression errors: skipped
 * - node-e: no AVX at all                                    → passes nothing
 */
export const NODE_NAME_LABEL = 'nfd.node.kubernetes.io/node-name';
export const NFD_NS = 'node-feature-discovery';

export interface NfInput {
  node: string;
  namespace?: string;
  name?: string;
  cpuid?: string[];
  modules?: string[];
  kernelMajor?: string;
  extraAttributes?: Record<string, Record<string, string>>;
}

export function nodeFeature(i: NfInput): Record<string, unknown> {
  const flags: Record<string, { elements: Record<string, object> }> = {};
  if (i.cpuid) flags['cpu.cpuid'] = { elements: Object.fromEntries(i.cpuid.map((f) => [f, {}])) };
  if (i.modules)
    flags['kernel.loadedmodule'] = { elements: Object.fromEntries(i.modules.map((m) => [m, {}])) };
  const attributes: Record<string, { elements: Record<string, string> }> = {};
  if (i.namespace === undefined || i.namespace === NFD_NS) {
    attributes['system.name'] = { elements: { nodename: i.node } };
  }
  if (i.kernelMajor !== undefined) attributes['kernel.version'] = { elements: { major: i.kernelMajor } };
  for (const [k, v] of Object.entries(i.extraAttributes ?? {})) attributes[k] = { elements: v };
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: {
      name: i.name ?? i.node,
      namespace: i.namespace ?? NFD_NS,
      labels: { [NODE_NAME_LABEL]: i.node },
    },
    spec: { features: { flags, attributes, instances: {} } },
  };
}

export const CLUSTER: NfInput[] = [
  { node: 'node-a', cpuid: ['AVX512F', 'AVX'], modules: ['vfio-pci'], kernelMajor: '6' },
  { node: 'node-b', cpuid: ['AVX'], modules: ['ext4'], kernelMajor: '5' },
  { node: 'node-c', cpuid: ['AVX'], modules: ['ext4'], kernelMajor: '6' },
  { node: 'node-c', namespace: 'vendor', name: 'node-c-accel', cpuid: ['AVX512F'], modules: ['vfio-pci'] },
  { node: 'node-d', cpuid: ['AVX'], kernelMajor: 'six' },
  { node: 'node-e', cpuid: ['SSE4'], kernelMajor: '6' },
];

/** Two sets; "fast" has two rules (AND), "baseline" one rule with a numeric comparison. */
export const SPEC = `version: v1alpha1
compatibilities:
  - tag: fast
    weight: 150
    description: AVX-512 with VFIO
    rules:
      - name: avx512
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AVX512F: {op: Exists}
      - name: vfio
        matchAny:
          - matchFeatures:
              - feature: kernel.loadedmodule
                matchExpressions:
                  vfio-pci: {op: Exists}
          - matchFeatures:
              - feature: kernel.loadedmodule
                matchExpressions:
                  vfio_pci: {op: Exists}
  - tag: baseline
    weight: 0
    rules:
      - name: avx-and-new-kernel
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AVX: {op: Exists}
          - feature: kernel.version
            matchExpressions:
              major: {op: Gt, value: ["4"]}
`;

/** A "new image" for cluster diff: needs AVX512F only (node-c keeps, node-b loses "baseline"). */
export const SPEC_V2 = `version: v1alpha1
compatibilities:
  - tag: fast
    rules:
      - name: avx512
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AVX512F: {op: Exists}
`;

/** Nothing in the cluster passes it. */
export const SPEC_NONE = `version: v1alpha1
compatibilities:
  - rules:
      - name: amx
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              AMXTILE: {op: Exists}
`;
