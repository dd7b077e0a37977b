import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { runNfd } from '../../src/cli/nfd.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
// A host with no PCI devices and no modules: the `telecom` set of the example image fails there.
const HOST = join(ROOT, 'test/fixtures/hosts/minimal-container/root');
const IMAGE = `oci:${join(ROOT, 'examples/layout')}:app`;
const env = { IMGCOMPAT_HOST_ROOT: HOST, NO_COLOR: '1' };

const scratch = mkdtempSync(join(tmpdir(), 'imgcompat-nfd-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test("nfd compat validate-node exits 0 on an incompatible host and prints NFD's table only", async () => {
  const io = memoryIo({ env, cwd: ROOT });
  const code = await runNfd(['compat', 'validate-node', '--image', IMAGE, '--tags', 'telecom'], io);
  assert.equal(code, 0, io.err());
  assert.match(io.out(), /RULE: KERNEL AND CPU - {2}FAIL/);
  assert.doesNotMatch(io.out(), /Verdict/);
  // imgcompat's own command gives the verdict as its exit status for the same input: this host has no
  // /proc/modules and no /sys, which is all the set lacks (the CPU vendor is this machine's Intel or
  // AMD), so the verdict is "undetermined" (6), not "incompatible".
  const ours = memoryIo({ env, cwd: ROOT });
  assert.equal(await run(['validate-node', '--image', IMAGE, '--tags', 'telecom'], ours), 6);
  assert.match(
    ours.out(),
    /Verdict: undetermined .*\n.*kernel\.loadedmodule vfio-pci .*\/proc\/modules could not be read/,
  );
});

test('nfd --output-json prints the same bytes as imgcompat --output-json, without a trailing newline', async () => {
  const io = memoryIo({ env, cwd: ROOT });
  assert.equal(await runNfd(['compat', 'validate-node', '--image', IMAGE, '--output-json'], io), 0);
  const ours = memoryIo({ env, cwd: ROOT });
  await run(['validate-node', '--image', IMAGE, '--output-json'], ours);
  assert.equal(io.out(), ours.out());
  assert.ok(!io.out().endsWith('\n'));
  assert.equal(JSON.parse(io.out()).length, 2);
});

test('nfd colours the table even when stdout is not a terminal, unless NO_COLOR is set', async () => {
  const io = memoryIo({ env: { IMGCOMPAT_HOST_ROOT: HOST }, cwd: ROOT });
  assert.equal(await runNfd(['compat', 'validate-node', '--image', IMAGE], io), 0);
  assert.match(io.out(), /\x1b\[/);
  const plain = memoryIo({ env, cwd: ROOT });
  await runNfd(['compat', 'validate-node', '--image', IMAGE], plain);
  assert.doesNotMatch(plain.out(), /\x1b\[/);
});

test('nfd errors: "Error: msg" on stderr, msg on stdout, exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [['compat', 'validate-node'], /^required flag\(s\) "image" not set$/],
    [['compat', 'validate-node', '--image', IMAGE, '--bogus'], /^unknown flag: --bogus$/],
    [
      ['compat', 'validate-node', '--image', IMAGE, '--registry-password-stdin', '--registry-token-stdin'],
      /^cannot use --registry-token-stdin and --registry-password-stdin at the same time$/,
    ],
  ];
  for (const [argv, message] of cases) {
    const io = memoryIo({ env, cwd: ROOT });
    assert.equal(await runNfd(argv, io), 1, argv.join(' '));
    assert.match(io.out().trim(), message);
    assert.equal(io.err(), `Error: ${io.out()}`);
  }
});

test('nfd reports an image without a compatibility artifact as an error (exit 1), not a panic', async () => {
  const layout = join(scratch, 'bare');
  cpSync(join(ROOT, 'examples/layout'), layout, { recursive: true });
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  index.manifests = index.manifests.filter((m: { artifactType?: string }) => !m.artifactType);
  writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
  const io = memoryIo({ env, cwd: ROOT });
  assert.equal(await runNfd(['compat', 'validate-node', '--image', `oci:${layout}:app`], io), 1);
  assert.match(io.err(), /^Error: .*compatibility artifact/);
});

test('nfd export features prints the Features JSON of the host', async () => {
  const io = memoryIo({ env, cwd: ROOT });
  assert.equal(await runNfd(['export', 'features'], io), 0, io.err());
  const features = JSON.parse(io.out());
  assert.ok(features.attributes['kernel.version']);
});
