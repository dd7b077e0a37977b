import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { discoverHost } from '../../src/host/discover.ts';
import { findUnavailable } from '../../src/host/unavailable.ts';
import { openFixtureHost } from './fixture-files.ts';
import { HOSTS_DIR } from './hosts-dir.ts';

const SYSFS = 'there is no /sys/devices (sysfs is not mounted or not under the host root)';

test('a container without /proc/modules, a kernel config or /sys: those features are named, with why', async () => {
  const { files, host } = await openFixtureHost(join(HOSTS_DIR, 'minimal-container'));
  const r = await discoverHost({ files, host, reportUnavailable: true });
  assert.deepEqual(r.unavailable, [
    { feature: 'kernel.loadedmodule', reason: '/proc/modules could not be read on this host' },
    {
      feature: 'kernel.config',
      reason: 'a kernel config (/proc/config.gz, /boot/config-<release>, ...) could not be read on this host',
    },
    {
      feature: 'kernel.enabledmodule',
      reason: '/lib/modules/<release>/modules.builtin could not be read on this host',
    },
    { feature: 'pci.*', reason: SYSFS },
    { feature: 'usb.*', reason: SYSFS },
    { feature: 'network.*', reason: SYSFS },
    { feature: 'storage.*', reason: SYSFS },
    { feature: 'memory.*', reason: SYSFS },
    { feature: 'system.dmiid', reason: SYSFS },
    { feature: 'kernel.selinux', reason: SYSFS },
    { feature: 'kernel.kvm', reason: SYSFS },
    { feature: 'cpu.topology', reason: SYSFS },
    { feature: 'cpu.cstate', reason: SYSFS },
    { feature: 'cpu.pstate', reason: SYSFS },
  ]);
});

test('a full host: nothing is unavailable; without the option nothing is computed', async () => {
  const { files, host } = await openFixtureHost(join(HOSTS_DIR, 'intel-2s-server'));
  assert.deepEqual((await discoverHost({ files, host, reportUnavailable: true })).unavailable, []);
  assert.equal((await discoverHost({ files, host })).unavailable, undefined);
});

test('only sources that ran count; a source that failed as a whole is unavailable entirely', async () => {
  const { files } = await openFixtureHost(join(HOSTS_DIR, 'minimal-container'));
  const out = await findUnavailable(
    files,
    {},
    ['kernel'],
    [
      { source: 'kernel', message: 'discovery failed: boom' },
      { source: 'pci', message: 'discovery failed: not run' },
    ],
  );
  assert.deepEqual(out, [
    { feature: 'kernel.*', reason: 'the kernel source failed (discovery failed: boom)' },
    { feature: 'pci.*', reason: 'the pci source failed (discovery failed: not run)' },
  ]);
  const readError = await findUnavailable(
    files,
    {},
    ['kernel'],
    [{ source: 'kernel', path: '/proc/modules', errno: 'EACCES', message: 'permission denied' }],
  );
  assert.deepEqual(readError[0], {
    feature: 'kernel.loadedmodule',
    reason: '/proc/modules: permission denied',
  });
});
