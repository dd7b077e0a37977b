import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { discoverHost } from '../../../src/host/discover.ts';
import { createHostFiles } from '../../../src/host/root.ts';
import {
  kconfigCandidates,
  legacyKconfigValue,
  parseKconfig,
  parseKernelVersion,
} from '../../../src/host/sources/kernel.ts';

test('kernel.version parsing (NFD version_test.go cases)', () => {
  assert.deepEqual(parseKernelVersion('6.2.3'), { full: '6.2.3', major: '6', minor: '2', revision: '3' });
  assert.deepEqual(parseKernelVersion('6.0.0-beta'), {
    full: '6.0.0-beta',
    major: '6',
    minor: '0',
    revision: '0',
  });
  assert.deepEqual(parseKernelVersion('6.8'), { full: '6.8', major: '6', minor: '8', revision: '' });
  assert.deepEqual(parseKernelVersion('6.0.10-100+123.x86_64~'), {
    full: '6.0.10-100_123.x86_64',
    major: '6',
    minor: '0',
    revision: '10',
  });
  // Four dotted numbers: no match, only `full`.
  assert.deepEqual(parseKernelVersion('5.10.102.1-microsoft-standard-WSL2'), {
    full: '5.10.102.1-microsoft-standard-WSL2',
  });
});

test('kconfig parsing: CONFIG_ lines with =, quotes stripped, "not set" comments ignored', () => {
  const raw = parseKconfig(
    'CONFIG_HZ=250\nCONFIG_NO_HZ=y\nCONFIG_M=m\nCONFIG_LOCALVERSION=""\n# CONFIG_X is not set\nCONFIG_NOEQ\nCONFIG_S="a=b"\nXCONFIG_Y=1\n',
  );
  assert.deepEqual(raw, { HZ: '250', NO_HZ: 'y', M: 'm', LOCALVERSION: '', S: 'a=b' });
  const legacy = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, legacyKconfigValue(v)]));
  assert.deepEqual(legacy, { HZ: '250', NO_HZ: 'true', M: 'true', LOCALVERSION: '', S: 'a=b' });
});

test("kconfig search order is NFD's; without a kernel version only two paths", () => {
  const c = kconfigCandidates('6.1.0');
  assert.equal(c[0], '/proc/config.gz');
  assert.equal(c.at(-1), '/boot/config-6.1.0');
  assert.ok(c.indexOf('/usr/lib/modules/6.1.0/config') < c.indexOf('/lib/modules/6.1.0/build/.config'));
  assert.deepEqual(kconfigCandidates(undefined), ['/proc/config.gz', '/usr/src/linux/.config']);
});

test('a corrupt /proc/config.gz is reported and the next kconfig in NFD order is used', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'imgcompat-kernel-'));
  try {
    mkdirSync(path.join(root, 'proc/sys/kernel'), { recursive: true });
    mkdirSync(path.join(root, 'boot'), { recursive: true });
    writeFileSync(path.join(root, 'proc/sys/kernel/osrelease'), '6.1.0-x\n');
    writeFileSync(path.join(root, 'proc/config.gz'), 'not gzip');
    writeFileSync(path.join(root, 'boot/config-6.1.0-x'), 'CONFIG_HZ=100\n');
    const result = await discoverHost({
      files: createHostFiles({ root }),
      host: { arch: 'x64', live: false },
      sources: 'kernel',
    });
    assert.deepEqual(result.features.attributes['kernel.config']?.elements, { HZ: '100' });
    assert.deepEqual(
      result.problems.map((p) => [p.source, p.path, p.errno]),
      [['kernel', '/proc/config.gz', 'EINVAL']],
    );
    // No /proc/modules and no modules.builtin: both flag features absent; no /sys/fs: selinux absent.
    assert.equal(result.features.flags['kernel.loadedmodule'], undefined);
    assert.equal(result.features.flags['kernel.enabledmodule'], undefined);
    assert.equal(result.features.attributes['kernel.selinux'], undefined);
    assert.deepEqual(result.features.attributes['kernel.kvm']?.elements, { enabled: 'false' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
