/**
 * The container image the validate-node Job runs (issue 4 item 5): built with scripts/build-image.sh
 * (buildah, vfs storage, chroot isolation, FROM scratch: nothing pulled), then run with buildah: its
 * version, its user (non-root 65532), and a validate-node of this host with NFD's container layout
 * (`--host-prefix /host-`, host paths bind-mounted read-only) against a spec the test writes from what
 * it saw of this host outside the container. The image is then pushed to a real registry
 * (docker-registry 2.8), a compatibility artifact is attached to it with `imgcompat attach`, and
 * validate-node checks the pushed image from outside (and from inside the container, as the Job does).
 * Everything lives in a dedicated buildah storage root removed afterwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VERSION } from '../../src/cli/version.ts';
import { type Buildah, buildahUnavailable, makeBuildah } from './harness/buildah.ts';
import {
  assertExit,
  imgcompat,
  missingTools,
  REPO_ROOT,
  startDockerRegistry,
  type TestRegistry,
  tempDir,
} from './harness/index.ts';

const skip = buildahUnavailable() ?? missingTools('docker-registry');

const FEATURES = join(REPO_ROOT, 'examples', 'features.json');
const suffix = randomBytes(4).toString('hex');
const TAG = `localhost/imgcompat-e2e:${suffix}`;
const CONTAINER = `imgcompat-e2e-${suffix}`;

let buildah: Buildah | undefined;
let reg: TestRegistry | undefined;
let containerMade = false;
let imageMade = false;
/** Folder holding spec.yaml, mounted read-only at /spec in the container. */
let specDir: string;
let specFile: string;
/** Whether the spec has a rule only /host-etc/os-release can satisfy (the image has no os-release). */
let hasOsRule = false;

/** NFD's container layout: the host's areas at /host-<area>, read-only; only those this host has. */
function hostMounts(): string[] {
  const pairs: [string, string][] = [
    ['/sys', '/host-sys'],
    ['/proc', '/host-proc'],
    ['/etc/os-release', '/host-etc/os-release'],
    ['/boot', '/host-boot'],
    ['/lib/modules', '/host-lib/modules'],
    ['/usr/lib/os-release', '/host-usr/lib/os-release'],
  ];
  return pairs.filter(([from]) => existsSync(from)).flatMap(([from, to]) => ['-v', `${from}:${to}:ro`]);
}

interface ExportedFeatures {
  attributes?: Record<string, { elements: Record<string, string> }>;
  instances?: Record<string, { elements: { attributes: Record<string, string> }[] }>;
}

/**
 * A spec that this host passes, made from the features discovered outside the container: its OS
 * release (read through /host-etc inside), its kernel version and one of its PCI devices (through
 * /host-sys), plus a set no host passes.
 */
function specForThisHost(f: ExportedFeatures): string {
  const rules: unknown[] = [];
  const os = f.attributes?.['system.osrelease']?.elements;
  if (os?.ID) {
    hasOsRule = true;
    rules.push({
      name: 'os release',
      matchFeatures: [
        { feature: 'system.osrelease', matchExpressions: { ID: { op: 'In', value: [os.ID] } } },
      ],
    });
  }
  const kernel = f.attributes?.['kernel.version']?.elements.full;
  if (kernel) {
    rules.push({
      name: 'kernel',
      matchFeatures: [
        { feature: 'kernel.version', matchExpressions: { full: { op: 'In', value: [kernel] } } },
      ],
    });
  }
  const pci = f.instances?.['pci.device']?.elements[0]?.attributes;
  if (pci?.vendor && pci.class) {
    rules.push({
      name: 'a pci device',
      matchFeatures: [
        {
          feature: 'pci.device',
          matchExpressions: {
            vendor: { op: 'In', value: [pci.vendor] },
            class: { op: 'In', value: [pci.class] },
          },
        },
      ],
    });
  }
  if (rules.length === 0)
    throw new Error('discovery outside the container found none of os release, kernel, pci');
  const spec = {
    version: 'v1alpha1',
    compatibilities: [
      { tag: 'this-host', description: 'what the test saw outside the container', rules },
      {
        tag: 'impossible',
        rules: [
          {
            name: 'no such os',
            matchFeatures: [
              { feature: 'system.osrelease', matchExpressions: { ID: { op: 'In', value: ['no-such-os'] } } },
            ],
          },
        ],
      },
    ],
  };
  // JSON is YAML: the spec loader reads it as it reads any YAML file.
  return `${JSON.stringify(spec, null, 2)}\n`;
}

before(async () => {
  if (skip) return;
  reg = await startDockerRegistry();
  buildah = makeBuildah();
  assert.equal(await buildah.buildImage(TAG), TAG, 'build-image.sh prints the tag it built');
  imageMade = true;
  await buildah.ok(['from', '--name', CONTAINER, TAG]);
  containerMade = true;

  const outside = await imgcompat(['export', 'features']);
  assertExit(outside, 0, 'export features outside the container');
  specDir = tempDir('imgcompat-e2e-image-spec-');
  specFile = join(specDir, 'spec.yaml');
  writeFileSync(specFile, specForThisHost(JSON.parse(outside.out) as ExportedFeatures));
  // The container runs as 65532: the mounted folder and file must be readable by it.
  chmodSync(specDir, 0o755);
  chmodSync(specFile, 0o644);
});

after(async () => {
  if (buildah) {
    if (containerMade) await buildah.run(['rm', CONTAINER]);
    if (imageMade) await buildah.run(['rmi', '--force', TAG]);
    buildah.cleanup();
  }
  await reg?.stop();
});

/** `buildah run --isolation chroot [mounts] CONTAINER -- ARGV` */
function inContainer(argv: string[], mounts: string[] = []) {
  return buildah!.run(['run', '--isolation', 'chroot', ...mounts, CONTAINER, '--', ...argv]);
}

describe('container image (buildah)', { skip }, () => {
  test('imgcompat --version inside the image prints the version', async () => {
    const r = await inContainer(['imgcompat', '--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), VERSION);
  });

  test('runs as the non-root user 65532', async () => {
    const cfg = await buildah!.ok(['inspect', '--format', '{{.OCIv1.Config.User}}', TAG]);
    assert.equal(cfg.stdout.trim(), '65532:65532');
    // The image has no shell and no Node of its own: a file only root may read shows who runs. The spec
    // folder is mounted; a copy of the spec with mode 0600 (owned by root, who writes it) is unreadable.
    const secret = join(specDir, 'root-only.yaml');
    writeFileSync(secret, readFileSync(specFile));
    chmodSync(secret, 0o600);
    const r = await inContainer(
      ['imgcompat', 'validate-spec', '/spec/root-only.yaml'],
      ['-v', `${specDir}:/spec:ro`],
    );
    assert.equal(r.code, 3, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /root-only\.yaml: cannot read file: permission denied/);
    if (process.getuid?.() === 0) {
      // The same command as root (this test's user) reads it: the refusal above is the user's doing.
      const asRoot = await imgcompat(['validate-spec', secret]);
      assertExit(asRoot, 0, 'validate-spec as root');
    }
  });

  test('the image holds the single executable: imgcompat and nfd are links to /app/imgcompat', async () => {
    const nfd = await inContainer(['nfd', 'compat', 'validate-node', '--help']);
    assert.equal(nfd.code, 0, nfd.stderr);
    assert.match(nfd.stdout, /--output-json/);
    const node = await inContainer(['node', '--version']);
    assert.notEqual(node.code, 0, 'no node binary in the image');
  });

  test('validate-node --host-prefix /host- with the host mounted read-only sees this host', async () => {
    const mounts = [...hostMounts(), '-v', `${specDir}:/spec:ro`];
    const inside = await inContainer(
      [
        'imgcompat',
        'validate-node',
        '--spec',
        '/spec/spec.yaml',
        '--host-prefix',
        '/host-',
        '--output',
        'json',
      ],
      mounts,
    );
    assert.equal(inside.code, 0, `exit ${inside.code}\n${inside.stdout}\n${inside.stderr}`);
    const sets = JSON.parse(inside.stdout) as { tag: string; rules: { name: string; isMatch: boolean }[] }[];
    assert.deepEqual(
      sets.map((s) => [s.tag, s.rules.every((r) => r.isMatch)]),
      [
        ['this-host', true],
        ['impossible', false],
      ],
    );
    // The same report, byte for byte, as validate-node of this host run directly (outside).
    const outside = await imgcompat(['validate-node', '--spec', specFile, '--output', 'json']);
    assert.equal(inside.stdout, outside.out);

    if (hasOsRule) {
      // Without NFD's prefix the container reads its own (empty) /etc: the os-release rule fails.
      const unprefixed = await inContainer(
        [
          'imgcompat',
          'validate-node',
          '--spec',
          '/spec/spec.yaml',
          '--tags',
          'this-host',
          '--summary',
          '-o',
          'json',
        ],
        mounts,
      );
      // The container has no /etc/os-release of its own: that is missing data, not an incompatible
      // host, so the verdict is undetermined (exit 6) and names the os-release expression.
      assert.equal(unprefixed.code, 6, unprefixed.stderr);
      const summary = JSON.parse(unprefixed.stdout) as {
        verdict?: string;
        undetermined?: unknown[];
        sets: { rules: { name: string; isMatch: boolean }[] }[];
      };
      assert.equal(summary.sets[0]?.rules.find((r) => r.name === 'os release')?.isMatch, false);
      assert.equal(summary.verdict, 'undetermined');
      assert.match(JSON.stringify(summary.undetermined), /system\.osrelease/);
    }
  });

  test('push to a registry, attach a compatibility artifact, validate-node the pushed image', async () => {
    const ref = `${reg!.host}/imgcompat:${suffix}`;
    const digestFile = join(tempDir('imgcompat-e2e-digest-'), 'digest');
    await buildah!.ok(['push', '--tls-verify=false', '--digestfile', digestFile, TAG, `docker://${ref}`], {
      timeoutMs: 300_000,
    });
    const pushed = readFileSync(digestFile, 'utf8').trim();
    assert.match(pushed, /^sha256:[0-9a-f]{64}$/);

    const attached = await imgcompat(['attach', ref, specFile, '--plain-http']);
    assertExit(attached, 0, 'attach to the pushed image');
    const artifact = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(attached.out)?.[1];
    assert.ok(artifact, attached.out);

    // From outside, with saved features: exactly eval's report for the attached spec.
    const expected = await imgcompat([
      'eval',
      '--spec',
      specFile,
      '--features',
      FEATURES,
      '--output',
      'json',
    ]);
    const saved = await imgcompat([
      'validate-node',
      '--image',
      ref,
      '--plain-http',
      '--features',
      FEATURES,
      '--output',
      'json',
    ]);
    assert.equal(saved.out, expected.out, saved.err);
    assert.equal(saved.code, expected.code);
    // From outside, discovering this host: the spec was written for it.
    const here = await imgcompat([
      'validate-node',
      '--image',
      ref,
      '--plain-http',
      '--summary',
      '-o',
      'json',
    ]);
    assertExit(here, 0, 'validate-node of this host against the pushed image');
    const summary = JSON.parse(here.out) as { subject: string; artifact: string };
    assert.equal(summary.subject, pushed, 'the artifact is attached to the manifest buildah pushed');
    assert.equal(summary.artifact, artifact);

    // From inside the image, as the Job runs it: registry over the host network, host mounted at /host-.
    const job = await inContainer(
      [
        'imgcompat',
        'validate-node',
        '--image',
        ref,
        '--plain-http',
        '--host-prefix',
        '/host-',
        '--output',
        'json',
      ],
      hostMounts(),
    );
    assert.equal(job.code, 0, `exit ${job.code}\n${job.stdout}\n${job.stderr}`);
    const direct = await imgcompat(['validate-node', '--image', ref, '--plain-http', '--output', 'json']);
    assert.equal(job.stdout, direct.out);
  });
});
