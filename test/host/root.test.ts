import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { HostReadError } from '../../src/errors.ts';
import { applyHostPrefix, createHostFiles, isUnprefixedRead } from '../../src/host/root.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'imgcompat-root-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Builds a small tree: `spec` maps paths to file contents, or `{ link }` for a symlink. */
function tree(name: string, spec: Record<string, string | { link: string } | { dir: true }>): string {
  const root = path.join(tmp, name);
  for (const [p, v] of Object.entries(spec)) {
    const full = path.join(root, p);
    mkdirSync(path.dirname(full), { recursive: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else if ('link' in v) symlinkSync(v.link, full);
    else mkdirSync(full, { recursive: true });
  }
  return root;
}

async function rejectsWith(p: Promise<unknown>, errno: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof HostReadError && e.errno === errno);
}

test("NFD's prefix applies to its prefixed areas and not to its absolute-path reads", () => {
  const cases: [string, string][] = [
    ['/sys/bus/pci/devices', '/host-sys/bus/pci/devices'],
    ['/etc/os-release', '/host-etc/os-release'],
    ['/boot/config-6.1.0', '/host-boot/config-6.1.0'],
    ['/usr/lib/modules/6.1.0/config', '/host-usr/lib/modules/6.1.0/config'],
    ['/lib/modules/6.1.0/modules.builtin', '/host-lib/modules/6.1.0/modules.builtin'],
    ['/proc/swaps', '/host-proc/swaps'],
    // NFD reads these with absolute paths, bypassing the prefix:
    ['/proc/modules', '/proc/modules'],
    ['/proc/sys/kernel/osrelease', '/proc/sys/kernel/osrelease'],
    ['/proc/config.gz', '/proc/config.gz'],
    ['/proc/cpuinfo', '/proc/cpuinfo'],
    ['/proc/self/auxv', '/proc/self/auxv'],
    ['/sys/fs/resctrl/info/L3/num_closids', '/sys/fs/resctrl/info/L3/num_closids'],
    ['/lib/modules/6.1.0/build/.config', '/lib/modules/6.1.0/build/.config'],
    [
      '/etc/kubernetes/node-feature-discovery/features.d/x',
      '/etc/kubernetes/node-feature-discovery/features.d/x',
    ],
    ['/dev/cpu/0/cpuid', '/dev/cpu/0/cpuid'],
  ];
  for (const [hostPath, want] of cases) {
    assert.equal(applyHostPrefix(hostPath, '/host-'), want, hostPath);
    assert.equal(applyHostPrefix(hostPath, '/'), hostPath);
    assert.equal(isUnprefixedRead(hostPath), want === hostPath, hostPath);
  }
});

test('host root: files, directories and sysfs-style relative links are read inside the root', async () => {
  const root = tree('sysfs', {
    'sys/devices/pci0000:00/0000:00:01.0/vendor': '0x8086\n',
    'sys/bus/pci/devices/0000:00:01.0': { link: '../../../devices/pci0000:00/0000:00:01.0' },
    // An absolute link means the host's own path, so it resolves inside the root.
    'sys/class/abs': { link: '/sys/devices/pci0000:00' },
  });
  const files = createHostFiles({ root });
  assert.equal(await files.readText('/sys/bus/pci/devices/0000:00:01.0/vendor'), '0x8086\n');
  assert.deepEqual(await files.readDir('/sys/bus/pci/devices'), ['0000:00:01.0']);
  assert.equal(
    await files.readLink('/sys/bus/pci/devices/0000:00:01.0'),
    '../../../devices/pci0000:00/0000:00:01.0',
  );
  assert.equal(
    await files.realPath('/sys/bus/pci/devices/0000:00:01.0'),
    '/sys/devices/pci0000:00/0000:00:01.0',
  );
  assert.equal(await files.kind('/sys/bus/pci/devices/0000:00:01.0'), 'link');
  assert.equal(await files.kind('/sys/devices/pci0000:00'), 'dir');
  assert.deepEqual(await files.readDir('/sys/class/abs'), ['0000:00:01.0']);
  assert.equal(await files.readText('/sys/bus/pci/devices/0000:00:01.0/missing'), undefined);
  assert.equal(await files.readText('/sys/bus/pci/devices/0000:00:01.0/vendor/below-a-file'), undefined);
  assert.equal(await files.readDir('/nope'), undefined);
});

test('a symlink that leads out of the host root is refused (EXDEV), never followed', async () => {
  const outside = tree('outside', { 'secret.txt': 'do not read\n' });
  const root = tree('escape', {
    'etc/os-release': { link: '../../outside/secret.txt' },
    'sys/class/net/eth0': { link: '../../../../outside' },
    'etc/deep': { link: '../etc/../../outside/secret.txt' },
  });
  assert.ok(outside);
  const files = createHostFiles({ root });
  await rejectsWith(files.readText('/etc/os-release'), 'EXDEV');
  await rejectsWith(files.readDir('/sys/class/net/eth0'), 'EXDEV');
  await rejectsWith(files.readText('/etc/deep'), 'EXDEV');
  await rejectsWith(files.realPath('/etc/os-release'), 'EXDEV');
  // The link itself may still be inspected without following it.
  assert.equal(await files.kind('/etc/os-release'), 'link');
});

test('link loops fail with ELOOP; files over the size cap with EFBIG; directories read as files with EISDIR', async () => {
  const root = tree('errors', {
    'sys/a': { link: 'b' },
    'sys/b': { link: 'a' },
    'etc/big': 'x'.repeat(1000),
    'etc/exact': 'x'.repeat(100),
    'etc/dir': { dir: true },
  });
  const files = createHostFiles({ root });
  await rejectsWith(files.readText('/sys/a'), 'ELOOP');
  await rejectsWith(files.readText('/etc/big', { maxBytes: 999 }), 'EFBIG');
  assert.equal((await files.readText('/etc/big', { maxBytes: 1000 }))?.length, 1000);
  assert.equal((await files.readText('/etc/exact', { maxBytes: 100 }))?.length, 100);
  await rejectsWith(files.readText('/etc/dir'), 'EISDIR');
  const part = await files.readBytes('/etc/big', { position: 10, length: 4 });
  assert.equal(part?.length, 4);
});

test('--host-prefix: /sys reads go to /host-sys, NFD absolute reads do not, all under the host root', async () => {
  const root = tree('prefixed', {
    'host-sys/class/net/eth0/mtu': '9000\n',
    'sys/class/net/eth0/mtu': '1500\n',
    'proc/modules': 'vfio 1 0 - Live 0x0\n',
    'host-proc/modules': 'wrong 1 0 - Live 0x0\n',
    'host-proc/swaps': 'Filename Type\n',
  });
  const files = createHostFiles({ root, prefix: '/host-' });
  assert.equal(await files.readText('/sys/class/net/eth0/mtu'), '9000\n');
  assert.equal(await files.readText('/proc/modules'), 'vfio 1 0 - Live 0x0\n');
  assert.equal(await files.readText('/proc/swaps'), 'Filename Type\n');
  const plain = createHostFiles({ root });
  assert.equal(await plain.readText('/sys/class/net/eth0/mtu'), '1500\n');
});

test('a host prefix must be absolute', () => {
  assert.throws(() => createHostFiles({ prefix: 'host-' }), TypeError);
});

test('synchronous and asynchronous system calls give the same answers and errors', async () => {
  const root = tree('both-ways', {
    'sys/devices/pci0000:00/0000:00:01.0/vendor': '0x8086\n',
    'sys/bus/pci/devices/0000:00:01.0': { link: '../../../devices/pci0000:00/0000:00:01.0' },
    'sys/a': { link: 'b' },
    'sys/b': { link: 'a' },
    'etc/big': 'x'.repeat(1000),
    'etc/dir': { dir: true },
    'etc/escape': { link: '../../outside-both/x' },
  });
  const ask = async (calls: 'sync' | 'async') => {
    const files = createHostFiles({ root, calls });
    const settle = (p: Promise<unknown>) =>
      p.then(
        (v) => ({ v: v instanceof Uint8Array ? Buffer.from(v).toString() : v }),
        (e: unknown) => ({ errno: e instanceof HostReadError ? e.errno : String(e) }),
      );
    return Promise.all([
      settle(files.readText('/sys/bus/pci/devices/0000:00:01.0/vendor')),
      settle(files.readDir('/sys/bus/pci/devices')),
      settle(files.readLink('/sys/bus/pci/devices/0000:00:01.0')),
      settle(files.realPath('/sys/bus/pci/devices/0000:00:01.0')),
      settle(files.kind('/sys/devices/pci0000:00')),
      settle(files.readText('/sys/a')),
      settle(files.readText('/etc/big', { maxBytes: 999 })),
      settle(files.readBytes('/etc/big', { position: 10, length: 4 })),
      settle(files.readText('/etc/dir')),
      settle(files.readText('/etc/escape')),
      settle(files.readText('/missing')),
    ]);
  };
  const sync = await ask('sync');
  assert.deepEqual(sync, await ask('async'));
  assert.deepEqual(sync[0], { v: '0x8086\n' });
  assert.deepEqual(sync[8], { errno: 'EISDIR' });
});
