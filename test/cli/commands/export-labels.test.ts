import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';
import { HOSTS_DIR } from '../../host/hosts-dir.ts';

test('export labels: the worker label map with sorted keys (NFD testdata features.d + pci)', async () => {
  const io = memoryIo();
  const root = path.join(HOSTS_DIR, 'nfd-pci-golden', 'root');
  assert.equal(await run(['export', 'labels', '--host-root', root, '--sources=pci'], io), 0, io.err());
  assert.equal(
    io.out(),
    [
      '{',
      '    "feature.node.kubernetes.io/pci-0300_1a03.present": "true",',
      '    "feature.node.kubernetes.io/pci-0b40_8086.present": "true",',
      '    "feature.node.kubernetes.io/pci-0b40_8086.sriov.capable": "true"',
      '}',
      '',
    ].join('\n'),
  );
});

test('export labels: local labels stay unprefixed, custom static rules apply, invalid values are dropped', async () => {
  const io = memoryIo();
  const root = path.join(HOSTS_DIR, 'amd-epyc-sev', 'root');
  assert.equal(await run(['export', 'labels', '--host-root', root, '--sources=all,-cpu'], io), 0, io.err());
  const labels = JSON.parse(io.out());
  assert.equal(labels['rdma.capable'], 'true');
  assert.equal(labels['rdma.available'], 'true');
  assert.equal(labels['feature.node.kubernetes.io/system-os_release.VERSION_ID.minor'], '04');
  assert.equal(labels['feature.node.kubernetes.io/kernel-version.full'], '6.8.0-45-generic');
  assert.deepEqual(Object.keys(labels), Object.keys(labels).sort());
});

test('export labels: --sources=custom is known (a label source), pci features feed its static rules', async () => {
  const io = memoryIo();
  const root = path.join(HOSTS_DIR, 'amd-epyc-sev', 'root');
  assert.equal(await run(['export', 'labels', '--host-root', root, '--sources=pci,custom'], io), 0);
  assert.doesNotMatch(io.err(), /unknown source/);
  assert.deepEqual(JSON.parse(io.out()), { 'rdma.capable': 'true' });
});
