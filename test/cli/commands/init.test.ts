/**
 * `imgcompat init` end to end in-process: the starter spec for a fixture host's features passes
 * `lint` and `validate-spec`, and `validate-node` finds the host compatible with it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-init-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function cli(argv: string[]) {
  const io = memoryIo({ cwd: repo });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const INTEL = 'test/fixtures/hosts/intel-2s-server/expected-features.json';

test('a features file: CPU level, kernel range, module and PCI vendor; lint clean, valid, and the host passes', async () => {
  const r = await cli(['init', '--features', INTEL, '--module', 'vfio_pci', '--pci-vendor', '8086']);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    `version: v1alpha1
compatibilities:
  - description: Starter spec from ${INTEL}, written by imgcompat init
    rules:
      - name: cpu-baseline
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              X86_64_V4:
                op: Exists
      - name: kernel-version
        matchAny:
          - matchFeatures:
              - feature: kernel.version
                matchExpressions:
                  major:
                    op: Gt
                    value:
                      - "5"
          - matchFeatures:
              - feature: kernel.version
                matchExpressions:
                  major:
                    op: In
                    value:
                      - "5"
                  minor:
                    op: Ge
                    value:
                      - "15"
      - name: kernel-modules
        matchFeatures:
          - feature: kernel.loadedmodule
            matchExpressions:
              vfio_pci:
                op: Exists
      - name: pci-vendor-8086
        matchFeatures:
          - feature: pci.device
            matchExpressions:
              vendor:
                op: In
                value:
                  - "8086"
`,
  );
  const file = join(scratch, 'starter.yaml');
  writeFileSync(file, r.out);
  const lint = await cli(['lint', '--fail-on', 'info', file]);
  assert.equal(lint.code, 0, lint.out + lint.err);
  assert.match(lint.out, /no findings/);
  const valid = await cli(['validate-spec', file]);
  assert.equal(valid.code, 0, valid.err);
  const vn = await cli(['validate-node', '--spec', file, '--features', INTEL]);
  assert.equal(vn.code, 0, vn.out);
  assert.match(vn.out, /Verdict: compatible - 1 of 1 set passed/);
});

test('a kernel range and a PCI device on an arm64 host: no CPU rule (a note says why); still lint clean and passing', async () => {
  const arm = 'test/fixtures/hosts/arm64-host/expected-features.json';
  const r = await cli([
    'init',
    '--features',
    arm,
    '--kernel-min',
    '4.18',
    '--kernel-max',
    '6.8',
    '--pci-device',
    '14E4:16d7',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /note: no X86_64_V\* flag in cpu\.cpuid/);
  assert.doesNotMatch(r.out, /cpu-baseline/);
  assert.match(r.out, /op: GtLt/);
  // IDs as NFD writes them: lower-case hex.
  assert.match(r.out, /- name: pci-device-14e4-16d7\n/);
  const file = join(scratch, 'arm.yaml');
  writeFileSync(file, r.out);
  assert.equal((await cli(['lint', '--fail-on', 'info', file])).code, 0);
  assert.equal((await cli(['validate-spec', file])).code, 0);
  const vn = await cli(['validate-node', '--spec', file, '--features', arm]);
  assert.equal(vn.code, 0, vn.out);
});

test('usage errors: neither or both sources, a module the host lacks, --from-host off Linux', async () => {
  assert.equal((await cli(['init'])).code, 2);
  assert.equal((await cli(['init', '--from-host', '--features', INTEL])).code, 2);
  const missing = await cli(['init', '--features', INTEL, '--module', 'vfio-pci']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--module vfio-pci: not loaded on .*; did you mean "vfio_pci"\?/);
  assert.equal(missing.out, '');
  const { run: runInit } = await import('../../../src/cli/commands/init.ts');
  await assert.rejects(
    runInit(
      { fromHost: true, modules: [], pciVendors: [], pciDevices: [], hostOs: 'darwin' },
      { io: memoryIo({ cwd: repo }), exitCode: 0 },
    ),
    /this is darwin: use --features FILE/,
  );
});

test('--from-host on a fixture host root reads its files', async () => {
  const r = await cli([
    'init',
    '--from-host',
    '--host-root',
    'test/fixtures/hosts/intel-2s-server/root',
    '--module',
    'vfio_pci',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /vfio_pci:\n {16}op: Exists/);
  assert.match(r.out, /minor:\n {20}op: Ge\n {20}value:\n {22}- "15"/);
});
