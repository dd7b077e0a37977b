import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { discoverHost } from '../../src/host/discover.ts';
import {
  featureLabels,
  isQualifiedName,
  isValidLabelValue,
  selectLabelSources,
} from '../../src/host/labels.ts';
import { openFixtureHost } from './fixture-files.ts';
import { HOSTS_DIR } from './hosts-dir.ts';

async function labelsOf(fixture: string, sources: string) {
  const { files, host } = await openFixtureHost(path.join(HOSTS_DIR, fixture));
  return featureLabels(await discoverHost({ files, host, sources }), selectLabelSources(sources));
}

test('pci labels of NFD testdata rootfs-1 with the default config (NFD v0.19.0 testdata/source/pci)', async () => {
  const { labels } = await labelsOf('nfd-pci-golden', 'pci');
  assert.deepEqual(labels, {
    'feature.node.kubernetes.io/pci-0300_1a03.present': 'true',
    'feature.node.kubernetes.io/pci-0b40_8086.present': 'true',
    'feature.node.kubernetes.io/pci-0b40_8086.sriov.capable': 'true',
  });
});

test('local labels of NFD testdata features.d are left unprefixed (NFD v0.19.0 source/local/testdata: 8 labels)', async () => {
  const { labels } = await labelsOf('nfd-local-golden', 'local');
  assert.deepEqual(Object.keys(labels).sort(), [
    'featureKey2',
    'featureKey3',
    'featureKeyRandomComment',
    'featureKeyUnparsable',
    'featureKeyValid',
    'label-only',
    'label-only-2',
    'my-feature',
  ]);
});

test('memory labels: memory-swap (not memory-swap.enabled), numa, nv.present and nv.dax', async () => {
  const amd = await labelsOf('amd-epyc-sev', 'memory');
  assert.deepEqual(amd.labels, {
    'feature.node.kubernetes.io/memory-numa': 'true',
    'feature.node.kubernetes.io/memory-swap': 'true',
    'feature.node.kubernetes.io/memory-nv.present': 'true',
    'feature.node.kubernetes.io/memory-nv.dax': 'true',
  });
  const golden = await labelsOf('nfd-memory-golden', 'memory');
  assert.deepEqual(golden.labels, { 'feature.node.kubernetes.io/memory-swap': 'true' });
});

test('intel server: kernel, network, pci, storage, system, usb and local labels', async () => {
  const { labels, dropped } = await labelsOf('intel-2s-server', 'all,-cpu,custom');
  const want: Record<string, string> = {
    'feature.node.kubernetes.io/kernel-version.full': '5.15.0-91-generic',
    'feature.node.kubernetes.io/kernel-version.major': '5',
    'feature.node.kubernetes.io/kernel-version.minor': '15',
    'feature.node.kubernetes.io/kernel-version.revision': '0',
    // configOpts NO_HZ, NO_HZ_IDLE, NO_HZ_FULL, PREEMPT: only the set ones, y/m → true
    'feature.node.kubernetes.io/kernel-config.NO_HZ': 'true',
    'feature.node.kubernetes.io/kernel-config.NO_HZ_IDLE': 'true',
    'feature.node.kubernetes.io/memory-numa': 'true',
    'feature.node.kubernetes.io/network-sriov.capable': 'true',
    'feature.node.kubernetes.io/network-sriov.configured': 'true',
    'feature.node.kubernetes.io/pci-0302_10de.present': 'true',
    'feature.node.kubernetes.io/storage-nonrotationaldisk': 'true',
    'feature.node.kubernetes.io/system-os_release.ID': 'ubuntu',
    'feature.node.kubernetes.io/system-os_release.VERSION_ID': '22.04',
    'feature.node.kubernetes.io/system-os_release.VERSION_ID.major': '22',
    'feature.node.kubernetes.io/system-os_release.VERSION_ID.minor': '04',
    'vendor.example/fpga': 'true',
    'vendor.example/fpga-count': '2',
  };
  assert.deepEqual(labels, want);
  assert.deepEqual(dropped, []);
});

test('custom static rules: rdma.capable (Mellanox PCI) and rdma.available (ib_uverbs + rdma_ucm)', async () => {
  const { labels } = await labelsOf('amd-epyc-sev', 'kernel,pci,custom');
  assert.equal(labels['rdma.capable'], 'true');
  assert.equal(labels['rdma.available'], 'true');
  assert.equal(labels['feature.node.kubernetes.io/kernel-config.PREEMPT'], 'true');
  assert.equal(labels['feature.node.kubernetes.io/kernel-config.NO_HZ_FULL'], 'true');
  const without = await labelsOf('amd-epyc-sev', 'kernel,pci');
  assert.equal(without.labels['rdma.capable'], undefined);
});

test('usb labels: whitelisted classes only; an empty serial is left out of the instance', async () => {
  const { labels } = await labelsOf('arm64-host', 'usb');
  assert.deepEqual(labels, { 'feature.node.kubernetes.io/usb-ff_1a6e_089a.present': 'true' });
});

test('label name and value validation (k8s IsQualifiedName / IsValidLabelValue)', () => {
  assert.ok(isQualifiedName('feature.node.kubernetes.io/cpu-cpuid.AVX'));
  assert.ok(isQualifiedName('plain-name'));
  assert.ok(!isQualifiedName('a/b/c'));
  assert.ok(!isQualifiedName('Upper.Case/x'));
  assert.ok(!isQualifiedName(`x/${'a'.repeat(64)}`));
  assert.ok(!isQualifiedName('-bad'));
  assert.ok(isValidLabelValue(''));
  assert.ok(isValidLabelValue('5.15.0-91-generic'));
  assert.ok(!isValidLabelValue('has space'));
  assert.ok(!isValidLabelValue('a'.repeat(64)));
});
