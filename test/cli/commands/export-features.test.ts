import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';
import { featuresJson } from '../../../src/host/export-json.ts';
import { HOSTS_DIR } from '../../host/hosts-dir.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'imgcompat-export-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function write(root: string, files: Record<string, string | { link: string } | { dir: true }>): string {
  for (const [p, v] of Object.entries(files)) {
    const full = path.join(root, p);
    mkdirSync(path.dirname(full), { recursive: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else if ('link' in v) symlinkSync(v.link, full);
    else mkdirSync(full, { recursive: true });
  }
  return root;
}

test('--host-root on a fixture tree prints its expected features in NFD format (non-cpu sources)', async () => {
  const dir = path.join(HOSTS_DIR, 'intel-2s-server');
  const io = memoryIo({ env: { NODE_NAME: 'worker-intel-1' } });
  const code = await run(
    ['export', 'features', '--host-root', path.join(dir, 'root'), '--sources=all,-cpu'],
    io,
  );
  assert.equal(code, 0, io.err());
  // --host-root reads a live host's files, but cpuid describes the machine running the test, so the
  // tree's expected cpu.* features (from its register dump) are left out of the comparison.
  const all = JSON.parse(readFileSync(path.join(dir, 'expected-features.json'), 'utf8'));
  const drop = (m: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('cpu.')));
  const expected = {
    flags: drop(all.flags),
    attributes: drop(all.attributes),
    instances: drop(all.instances),
  };
  // local.feature depends on the clock only through expiry; this tree has no expiry directives.
  assert.deepEqual(JSON.parse(io.out()), expected);
  // Byte-for-byte Go MarshalIndent layout (4 spaces, newline at end), as the committed files have.
  assert.equal(io.out(), `${featuresJson(expected)}\n`);
});

test('IMGCOMPAT_HOST_ROOT is used when --host-root is not given', async () => {
  const root = write(path.join(tmp, 'envroot'), { 'proc/sys/kernel/osrelease': '6.9.1-test\n' });
  const io = memoryIo({ env: { IMGCOMPAT_HOST_ROOT: root } });
  assert.equal(await run(['export', 'features', '--sources', 'kernel'], io), 0);
  const out = JSON.parse(io.out());
  assert.equal(out.attributes['kernel.version'].elements.full, '6.9.1-test');
  assert.deepEqual(Object.keys(out), ['flags', 'attributes', 'instances']);
});

test("--host-prefix /host- reads NFD's container layout; /proc/modules and osrelease stay unprefixed", async () => {
  const root = write(path.join(tmp, 'container'), {
    'proc/sys/kernel/osrelease': '6.1.0-host\n',
    'proc/modules': 'vfio_pci 16384 0 - Live 0x0\n',
    'host-proc/swaps': 'Filename Type Size Used Priority\n/swap file 1 0 -2\n',
    'host-etc/os-release': 'ID=fedora\nVERSION_ID=40\n',
    'etc/os-release': 'ID=alpine\n',
    'host-sys/bus/node/devices/node0': { dir: true },
    'host-sys/bus/node/devices/node1': { dir: true },
    'host-lib/modules/6.1.0-host/modules.builtin': 'kernel/fs/ext4/ext4.ko\n',
    'host-boot/config-6.1.0-host': 'CONFIG_HZ=300\n',
  });
  const io = memoryIo();
  const args = [
    'export',
    'features',
    '--host-root',
    root,
    '--host-prefix',
    '/host-',
    '--sources=kernel,memory,system',
  ];
  assert.equal(await run(args, io), 0, io.err());
  const out = JSON.parse(io.out());
  assert.equal(out.attributes['system.osrelease'].elements.ID, 'fedora');
  assert.equal(out.attributes['memory.swap'].elements.enabled, 'true');
  assert.equal(out.attributes['memory.numa'].elements.node_count, '2');
  assert.deepEqual(out.flags['kernel.loadedmodule'].elements, { vfio_pci: {} });
  assert.deepEqual(out.flags['kernel.enabledmodule'].elements, { vfio_pci: {}, ext4: {} });
  assert.equal(out.attributes['kernel.config'].elements.HZ, '300');
});

test('a minimal container: failing sources are reported on stderr and the others still print; --strict exits 3', async () => {
  const root = path.join(HOSTS_DIR, 'minimal-container', 'root');
  const io = memoryIo();
  assert.equal(await run(['export', 'features', '--host-root', root, '--sources=all,-cpu'], io), 0);
  assert.match(io.err(), /warning: network: .*\/sys\/class\/net.*ENOENT/);
  assert.match(io.err(), /warning: pci: .*\/sys\/bus\/pci\/devices.*ENOENT/);
  assert.match(io.err(), /warning: storage: .*\/sys\/block.*ENOENT/);
  assert.equal(JSON.parse(io.out()).attributes['kernel.version'].elements.full, '6.6.12-linuxkit');

  const strict = memoryIo();
  assert.equal(
    await run(['export', 'features', '--host-root', root, '--sources=all,-cpu', '--strict'], strict),
    3,
  );
  assert.equal(strict.out(), '');
  assert.match(strict.err(), /--strict/);
});

test('unreadable files and links out of the host root: path and errno on stderr, nothing read from outside', async () => {
  write(path.join(tmp, 'outside'), { 'os-release': 'ID=leaked\n' });
  const root = write(path.join(tmp, 'hostile'), {
    'etc/os-release': { link: '../../outside/os-release' },
    'sys/class/net/eth0/mtu/x': 'a directory where a file should be\n',
    'sys/class/net/eth0/operstate': 'up\n',
    'sys/block': { dir: true },
  });
  const io = memoryIo();
  assert.equal(await run(['export', 'features', '--host-root', root, '--sources=network,system'], io), 0);
  const out = JSON.parse(io.out());
  assert.equal(out.attributes['system.osrelease'], undefined);
  assert.doesNotMatch(io.out(), /leaked/);
  assert.match(io.err(), /system: .*etc\/os-release.*EXDEV/);
  assert.match(io.err(), /network: .*eth0\/mtu.*EISDIR/);
  assert.deepEqual(out.instances['network.virtual'].elements, [
    { attributes: { name: 'eth0', operstate: 'up' } },
  ]);
  const strict = memoryIo();
  assert.equal(
    await run(['export', 'features', '--host-root', root, '--sources=system', '--strict'], strict),
    3,
  );
});

test('--path writes the JSON without a trailing newline, as nfd does', async () => {
  const root = write(path.join(tmp, 'pathroot'), { 'proc/sys/kernel/osrelease': '6.9.1\n' });
  const file = path.join(tmp, 'out.json');
  const io = memoryIo({ cwd: tmp });
  assert.equal(
    await run(['export', 'features', '--host-root', root, '--sources=kernel', '--path', 'out.json'], io),
    0,
  );
  assert.equal(io.out(), '');
  const text = readFileSync(file, 'utf8');
  assert.ok(text.endsWith('}') && !text.endsWith('\n'));
  assert.equal(JSON.parse(text).attributes['kernel.version'].elements.major, '6');
});

test('--sources: unknown names warn, an only-disabling list selects nothing; bad --host-prefix is a usage error', async () => {
  const root = write(path.join(tmp, 'sel'), { 'proc/sys/kernel/osrelease': '6.9.1\n' });
  const io = memoryIo();
  assert.equal(await run(['export', 'features', '--host-root', root, '--sources=kernel,nosuch'], io), 0);
  assert.match(io.err(), /unknown source "nosuch"/);
  const none = memoryIo();
  assert.equal(await run(['export', 'features', '--host-root', root, '--sources=-pci'], none), 0);
  assert.deepEqual(JSON.parse(none.out()), { flags: {}, attributes: {}, instances: {} });
  assert.match(none.err(), /selects no source/);
  const bad = memoryIo();
  assert.equal(await run(['export', 'features', '--host-prefix', 'host-'], bad), 2);
  assert.match(bad.err(), /--host-prefix/);
  const missing = memoryIo();
  assert.equal(await run(['export', 'features', '--host-root', path.join(tmp, 'no-such-dir')], missing), 2);
  assert.match(missing.err(), /--host-root .*no-such-dir: not a directory/);
  const envMissing = memoryIo({ env: { IMGCOMPAT_HOST_ROOT: path.join(tmp, 'nope') } });
  assert.equal(await run(['export', 'labels'], envMissing), 2);
  assert.match(envMissing.err(), /IMGCOMPAT_HOST_ROOT/);
});

test('--verbose traces the sources that ran', async () => {
  const root = write(path.join(tmp, 'verbose'), { 'proc/sys/kernel/osrelease': '6.9.1\n' });
  const io = memoryIo();
  assert.equal(
    await run(['export', 'features', '--host-root', root, '--sources=kernel', '--verbose'], io),
    0,
  );
  assert.match(io.err(), /trace: sources: kernel/);
  assert.match(io.err(), /trace: kernel: discovered in/);
});
