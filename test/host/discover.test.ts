/**
 * src/host/discover.ts with `wanted` (what validate-node passes: the features the spec reads): the
 * sources that produce none of them do not run, the kernel config is read only for kernel.config, and
 * the report is the one full discovery gives, on every fixture host.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadSpec } from '../../src/core/load/load-spec.ts';
import { featuresRead } from '../../src/core/match/features-read.ts';
import { validateNode } from '../../src/core/report/node-validator.ts';
import { discoverHost } from '../../src/host/discover.ts';
import { createHostFiles } from '../../src/host/root.ts';
import { openFixtureHost } from './fixture-files.ts';
import { HOSTS_DIR } from './hosts-dir.ts';

const EXAMPLE = path.resolve(HOSTS_DIR, '..', '..', '..', 'examples', 'image-spec.yaml');
const SPECS = {
  example: readFileSync(EXAMPLE, 'utf8'),
  // Every source's features, kernel.config and a matchAny among them.
  wide: `version: v1alpha1
compatibilities:
- tag: a
  rules:
  - name: config
    matchFeatures:
    - feature: kernel.config
      matchExpressions: {NO_HZ: {op: In, value: ["y"]}}
    - feature: memory.numa
      matchExpressions: {is_numa: {op: Exists}}
  - name: any
    matchAny:
    - matchFeatures:
      - feature: usb.device
        matchExpressions: {vendor: {op: Exists}}
    - matchFeatures:
      - feature: system.osrelease
        matchExpressions: {ID: {op: Exists}}
      - feature: network.device
        matchExpressions: {name: {op: Exists}}
- tag: b
  rules:
  - name: storage
    matchFeatures:
    - feature: storage.block
      matchExpressions: {rotational: {op: In, value: ["0"]}}
    - feature: cpu.topology
      matchExpressions: {hardware_multithreading: {op: IsTrue}}
`,
};

const hosts = readdirSync(HOSTS_DIR).filter((h) => existsSync(path.join(HOSTS_DIR, h, 'host.json')));

test('on every fixture host, discovering only what the spec reads gives the same report', async () => {
  assert.ok(hosts.length >= 4, hosts.join(', '));
  for (const name of hosts) {
    const { files, host } = await openFixtureHost(path.join(HOSTS_DIR, name));
    const full = await discoverHost({ files, host });
    for (const [which, text] of Object.entries(SPECS)) {
      const spec = loadSpec(text, { file: `${which}.yaml` }).spec;
      const wanted = featuresRead(spec, []);
      const part = await discoverHost({ files, host, wanted });
      const what = `${name}, ${which} spec`;
      assert.deepEqual(validateNode(spec, part.features), validateNode(spec, full.features), what);
      for (const f of wanted) {
        for (const kind of ['flags', 'attributes', 'instances'] as const) {
          assert.deepEqual(part.features[kind][f], full.features[kind][f], `${what}: ${kind} ${f}`);
        }
      }
      const domains = new Set([...wanted].map((f) => f.slice(0, f.indexOf('.'))));
      assert.deepEqual(
        part.sources,
        full.sources.filter((s) => domains.has(s)),
        what,
      );
      assert.deepEqual(
        part.notNeeded,
        full.sources.filter((s) => !domains.has(s)),
        what,
      );
    }
  }
});

test('the kernel config is read only when kernel.config is wanted', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'imgcompat-wanted-'));
  try {
    mkdirSync(path.join(root, 'proc/sys/kernel'), { recursive: true });
    writeFileSync(path.join(root, 'proc/sys/kernel/osrelease'), '6.1.0-x\n');
    // A corrupt config: reading it is a problem, so the problems show whether it was read.
    writeFileSync(path.join(root, 'proc/config.gz'), 'not gzip');
    const discover = (wanted: string[]) =>
      discoverHost({
        files: createHostFiles({ root }),
        host: { arch: 'x64', live: false },
        wanted: new Set(wanted),
        reportUnavailable: true,
      });
    const without = await discover(['kernel.version']);
    assert.deepEqual(without.sources, ['kernel']);
    assert.deepEqual(without.problems, []);
    assert.equal(without.features.attributes['kernel.config'], undefined);
    assert.deepEqual(without.unavailable, [], 'not read on purpose is not unavailable');
    assert.equal(without.features.attributes['kernel.version']?.elements?.full, '6.1.0-x');
    const withConfig = await discover(['kernel.config']);
    assert.deepEqual(
      withConfig.problems.map((p) => [p.source, p.path]),
      [['kernel', '/proc/config.gz']],
    );
    assert.deepEqual(
      withConfig.unavailable?.map((u) => u.feature),
      ['kernel.config'],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
