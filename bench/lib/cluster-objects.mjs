// The NodeFeature objects of the cluster benchmarks, shared by the API-server run and the generator
// sweep (so both evaluate the same cluster): node i has nfd-worker's object in nfd-master's namespace
// (features-gen.mjs realistic host, ~13 KB as JSON), and every 10th node also a small third-party
// object in namespace `vendor` (so those nodes are merged from two namespaces, and the vendor object
// decides whether some of them pass the seed spec's NIC rule).
import { realisticFeatures } from './features-gen.mjs';

export const MASTER_NAMESPACE = 'node-feature-discovery';
export const VENDOR_NAMESPACE = 'vendor';
const LABEL = 'nfd.node.kubernetes.io/node-name';

export const nodeName = (i) => `node-${String(i).padStart(6, '0')}`;

function object(name, namespace, node, features) {
  const o = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name, namespace, labels: { [LABEL]: node } },
  };
  if (features) o.spec = { features };
  return o;
}

/** nfd-worker's object of node i (metadata only when `full` is false). */
export function workerObject(i, full = true) {
  const n = nodeName(i);
  return object(n, MASTER_NAMESPACE, n, full ? realisticFeatures(1000 + i) : undefined);
}

/** Whether node i has a vendor object. */
export const hasVendorObject = (i) => i % 10 === 0;

/** The vendor object of node i (a multiple of 10). */
export function vendorObject(i, full = true) {
  const n = nodeName(i);
  return object(
    `${n}-accel`,
    VENDOR_NAMESPACE,
    n,
    full
      ? {
          flags: { 'kernel.loadedmodule': { elements: { 'vfio-pci': {} } } },
          attributes: { 'vendor.accel': { elements: { model: `x${i % 7}` } } },
          instances: {
            'pci.device': {
              elements: [{ attributes: { class: '0200', vendor: i % 20 === 0 ? '0eee' : '15b3' } }],
            },
          },
        }
      : undefined,
  );
}
