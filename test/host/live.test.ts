/**
 * Live checks on the machine that runs the suite: discovery of the real host agrees with what the kernel
 * and the OS report through other channels.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { test } from 'node:test';
import { discoverHost } from '../../src/host/discover.ts';

const resultP = discoverHost({ sources: 'all,-cpu', env: { NODE_NAME: 'live-node' } });

test('every entry of /sys/bus/pci/devices appears in pci.device', async (t) => {
  if (!existsSync('/sys/bus/pci/devices') || readdirSync('/sys/bus/pci/devices').length === 0) {
    t.skip('this machine has no PCI devices');
    return;
  }
  const { features } = await resultP;
  const found = features.instances['pci.device']?.elements ?? [];
  const entries = readdirSync('/sys/bus/pci/devices');
  assert.equal(found.length, entries.length);
  const key = (a: Record<string, string>) => `${a.class}/${a.vendor}/${a.device}`;
  const have = found.map((i) => key(i.attributes));
  for (const dev of entries) {
    const read = (f: string) =>
      readFileSync(`/sys/bus/pci/devices/${dev}/${f}`, 'utf8').trim().replace(/^0x/, '');
    const want = key({ class: read('class').slice(0, 4), vendor: read('vendor'), device: read('device') });
    const i = have.indexOf(want);
    assert.ok(i >= 0, `${dev} (${want}) missing from pci.device`);
    have.splice(i, 1);
  }
});

test('kernel.version.full is uname -r (os.release())', async () => {
  const { features } = await resultP;
  const release = os.release();
  const full = features.attributes['kernel.version']?.elements?.full;
  // NFD replaces characters outside [-A-Za-z0-9_.]; an ordinary release string is unchanged.
  if (/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/.test(release)) assert.equal(full, release);
  else assert.ok(full && full.length > 0);
  const major = release.split('.')[0];
  assert.equal(features.attributes['kernel.version']?.elements?.major, major);
});

test('system.osrelease.ID is the ID in /etc/os-release; system.name is NODE_NAME', async (t) => {
  const { features } = await resultP;
  assert.deepEqual(features.attributes['system.name']?.elements, { nodename: 'live-node' });
  if (!existsSync('/etc/os-release')) {
    t.skip('no /etc/os-release');
    return;
  }
  const line = readFileSync('/etc/os-release', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('ID='));
  const id = line?.slice(3).replace(/^["']|["']$/g, '');
  assert.equal(features.attributes['system.osrelease']?.elements?.ID, id);
});

test('network, storage and memory agree with /sys', async () => {
  const { features } = await resultP;
  if (existsSync('/sys/class/net')) {
    const names = readdirSync('/sys/class/net').filter((n) => n !== 'bonding_masters');
    const got = [
      ...(features.instances['network.device']?.elements ?? []),
      ...(features.instances['network.virtual']?.elements ?? []),
    ].map((i) => i.attributes.name);
    assert.deepEqual(got.sort(), names.sort());
  }
  if (existsSync('/sys/block')) {
    const got = (features.instances['storage.block']?.elements ?? []).map((i) => i.attributes.name);
    assert.deepEqual(got, readdirSync('/sys/block').sort());
  }
  if (existsSync('/sys/bus/node/devices')) {
    const n = readdirSync('/sys/bus/node/devices').length;
    assert.equal(features.attributes['memory.numa']?.elements?.node_count, String(n));
  }
});
