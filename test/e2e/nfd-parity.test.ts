/**
 * NFD itself as the oracle (issue 12 item 1): NFD's own client, `nfd` v0.19.0 built from its Go module
 * (sigs.k8s.io/node-feature-discovery/cmd/nfd, in .cache/go-bin), run side by side with ours on this
 * machine and against the same real registries.
 *
 * - `nfd export features` / `nfd export labels`: the same bytes as `imgcompat export ...` and as our
 *   `nfd` drop-in (dist/nfd.cjs, the installed executable), discovered live on this machine, unmasked (no value NFD reports
 *   changes between two runs on this machine).
 * - Known difference, not exercised here: NFD's validate-node does not discover the `local` source
 *   (node-validator.go registers cpu, kernel, memory, network, pci, storage, system and usb only), we
 *   do (README, `nfd` drop-in); a spec with rules on `local.*` features reads differently on a node
 *   with feature files in /etc/kubernetes/node-feature-discovery/features.d (none on this machine).
 * - `nfd compat validate-node` against docker-registry 2.8 (no referrers API: the `sha256-<hex>` tag
 *   schema): JSON and table bytes equal ours, for the example spec and for a spec with templates
 *   (`varsTemplate`) and back-references (`rule.matched`, within a set and across sets), attached with
 *   `imgcompat attach` and with `oras attach`. imgcompat's table is NFD's table plus its verdict line.
 * - On go-containerregistry's registry (referrers API) NFD finds no artifact at all: that registry
 *   reports each referrer's artifactType as the manifest's config media type, and NFD's artifact client
 *   (pkg/client-nfd/compat/artifact-client/client.go, FetchCompatibilitySpec) keeps only referrers whose
 *   artifactType is NFD's. We read the artifact there. Pinned as where we are ahead, not as parity.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  type ExecResult,
  exec,
  imgcompat,
  isolatedEnv,
  missingTools,
  mustTool,
  orasAttach,
  pushImage,
  REPO_ROOT,
  type TestRegistry,
  useBothRegistries,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'imgcompat-ggcr-registry', 'oras', 'nfd');
const registries = useBothRegistries(skip);

// The installed `nfd` executable (package.json `bin`): its short runs come from dist/short-run.cjs.
const NFD_ALIAS = join(REPO_ROOT, 'dist', 'nfd.cjs');
const EXAMPLE_SPEC = readFileSync(join(REPO_ROOT, 'examples', 'image-spec.yaml'), 'utf8');

/**
 * Templates and back-references: rule 1's varsTemplate turns the matched kernel and CPU attributes into
 * vars (plus one static var); rules after it match on `rule.matched`, in the same set and in the next
 * one (NFD's node validator adds every rule's vars to the one features object it evaluates all sets
 * on: pkg/client-nfd/compat/node-validator/node-validator.go, Execute).
 */
const TEMPLATE_SPEC = `version: v1alpha1
compatibilities:
- description: "templates and back-references"
  tag: templated
  weight: 50
  rules:
  - name: "kernel and cpu facts"
    vars:
      static-var: "true"
    varsTemplate: |
      {{ range .kernel.version }}kernel-{{ .Name }}={{ .Value }}
      {{ end }}{{ range .cpu.model }}cpu-{{ .Name }}={{ .Value }}
      {{ end }}
    matchFeatures:
    - feature: kernel.version
      matchExpressions:
        major: {op: Exists}
        minor: {op: Exists}
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: Exists}
  - name: "uses the back-reference"
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        static-var: {op: IsTrue}
        kernel-major: {op: Gt, value: ["2"]}
        cpu-vendor_id: {op: Exists}
  - name: "a back-reference that fails"
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        kernel-major: {op: Lt, value: ["2"]}
        never-set: {op: Exists}
- description: "back-references across sets"
  tag: second
  rules:
  - name: "sees the first set's vars"
    matchAny:
    - matchFeatures:
      - feature: rule.matched
        matchExpressions:
          cpu-vendor_id: {op: In, value: ["Intel", "AMD", "ARM"]}
    - matchFeatures:
      - feature: rule.matched
        matchExpressions:
          static-var: {op: Exists}
`;

/** An environment with no credentials of this machine; NO_COLOR unless colour is what is compared. */
function env(colour = false): Record<string, string> {
  return isolatedEnv(colour ? {} : { NO_COLOR: '1' });
}

function nfd(args: string[], e: Record<string, string>): Promise<ExecResult> {
  return exec(mustTool('nfd'), args, { env: e, cwd: REPO_ROOT });
}

function nfdAlias(args: string[], e: Record<string, string>): Promise<ExecResult> {
  return exec(process.execPath, [NFD_ALIAS, ...args], { env: e, cwd: REPO_ROOT });
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const line = a.slice(0, i).split('\n').length;
  return `first difference at line ${line}:\n  nfd:  ${JSON.stringify(a.slice(i - 40, i + 80))}\n  ours: ${JSON.stringify(b.slice(i - 40, i + 80))}`;
}

function assertSameBytes(ours: string, theirs: string, what: string): void {
  if (ours !== theirs) assert.fail(`${what}: ${firstDifference(theirs, ours)}`);
}

describe('NFD parity: export on this machine', { skip }, () => {
  for (const what of ['features', 'labels'] as const) {
    test(`nfd export ${what}: same bytes from imgcompat and from our nfd`, async () => {
      const e = env();
      const theirs = await nfd(['export', what], e);
      assert.equal(theirs.code, 0, theirs.stderr);
      const alias = await nfdAlias(['export', what], e);
      assert.equal(alias.code, 0, alias.stderr);
      const ours = await imgcompat(['export', what], { env: e });
      assert.equal(ours.code, 0, ours.err);
      assertSameBytes(alias.stdout, theirs.stdout, `nfd export ${what} vs our nfd`);
      assertSameBytes(ours.out, theirs.stdout, `nfd export ${what} vs imgcompat export ${what}`);
    });
  }
});

/** The example image (examples/layout) would do too; a pushed test image keeps each case separate. */
async function imageWith(reg: TestRegistry, repo: string, spec: string, by: 'imgcompat' | 'oras') {
  const img = await pushImage(reg, repo, 'v1');
  const file = writeSpec(spec, 'compat-spec.yaml');
  if (by === 'oras') await orasAttach(reg, img.ref, file);
  else {
    const a = await imgcompat(['attach', img.ref, file, '--plain-http']);
    assert.equal(a.code, 0, a.err);
  }
  return img.ref;
}

const SPECS = { example: EXAMPLE_SPEC, templates: TEMPLATE_SPEC } as const;

describe('NFD parity: nfd compat validate-node on docker-registry 2.8', { skip }, () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    for (const by of ['imgcompat', 'oras'] as const) {
      test(`${name} spec attached by ${by}: JSON and table bytes equal NFD's`, async () => {
        const reg = registries['docker-registry']!;
        const ref = await imageWith(reg, `parity/${name}-${by}`, spec, by);
        const flags = ['--image', ref, '--plain-http'];
        const e = env();

        const theirsJson = await nfd(['compat', 'validate-node', ...flags, '--output-json'], e);
        assert.equal(theirsJson.code, 0, `${theirsJson.stdout}\n${theirsJson.stderr}`);
        const sets = JSON.parse(theirsJson.stdout) as { rules: { isMatch: boolean }[] }[];
        assert.equal(sets.length, 2);
        const aliasJson = await nfdAlias(['compat', 'validate-node', ...flags, '--output-json'], e);
        assertSameBytes(aliasJson.stdout, theirsJson.stdout, 'JSON, our nfd');
        assert.equal(aliasJson.code, 0);
        const oursJson = await imgcompat(['validate-node', ...flags, '--output-json'], { env: e });
        assertSameBytes(oursJson.out, theirsJson.stdout, 'JSON, imgcompat validate-node');
        // `-o json` is the same document ending with a newline.
        const oursJsonNl = await imgcompat(['validate-node', ...flags, '--output', 'json'], { env: e });
        assertSameBytes(oursJsonNl.out, `${theirsJson.stdout}\n`, 'JSON, imgcompat validate-node -o json');
        // Our exit code is the verdict: 0 when some set passed.
        const anyPassed = sets.some((s) => s.rules.every((r) => r.isMatch));
        assert.equal(oursJson.code, anyPassed ? 0 : 1, oursJson.err);

        const theirsTable = await nfd(['compat', 'validate-node', ...flags], e);
        assert.equal(theirsTable.code, 0, theirsTable.stderr);
        const aliasTable = await nfdAlias(['compat', 'validate-node', ...flags], e);
        assertSameBytes(aliasTable.stdout, theirsTable.stdout, 'table, our nfd');
        const oursTable = await imgcompat(['validate-node', ...flags], { env: e });
        assert.ok(
          oursTable.out.startsWith(theirsTable.stdout),
          `table, imgcompat validate-node: ${firstDifference(theirsTable.stdout, oursTable.out)}`,
        );
        assert.match(oursTable.out.slice(theirsTable.stdout.length), /^Verdict: [^\n]+\n$/);

        // Colour (NFD colours whenever NO_COLOR is unset and TERM is not dumb) and --tags.
        const c = env(true);
        const theirsColour = await nfd(['compat', 'validate-node', ...flags, '--tags', 'generic,second'], c);
        assert.match(theirsColour.stdout, /\x1b\[/, 'NFD printed colour');
        const aliasColour = await nfdAlias(
          ['compat', 'validate-node', ...flags, '--tags', 'generic,second'],
          c,
        );
        assertSameBytes(aliasColour.stdout, theirsColour.stdout, 'coloured table with --tags, our nfd');
      });
    }
  }

  test('the templates spec exercises what it is meant to: vars from the template and across sets', async () => {
    const reg = registries['docker-registry']!;
    const ref = await imageWith(reg, 'parity/templates-check', TEMPLATE_SPEC, 'imgcompat');
    const r = await nfd(['compat', 'validate-node', '--image', ref, '--plain-http', '--output-json'], env());
    const sets = JSON.parse(r.stdout) as { rules: { name: string; isMatch: boolean }[] }[];
    // NFD's own verdicts: the back-references resolved (pass), the impossible one failed.
    assert.deepEqual(
      sets.map((s) => s.rules.map((x) => [x.name, x.isMatch])),
      [
        [
          ['kernel and cpu facts', true],
          ['uses the back-reference', true],
          ['a back-reference that fails', false],
        ],
        [["sees the first set's vars", true]],
      ],
    );
  });
});

/** A module loaded on this machine and the vendor of one of its PCI devices, when it has them. */
function hostFacts(): { module?: string; pciVendor?: string } {
  const out: { module?: string; pciVendor?: string } = {};
  try {
    const first = readFileSync('/proc/modules', 'utf8').split('\n')[0]?.split(' ')[0];
    if (first) out.module = first;
  } catch {
    // no /proc/modules (a container): no module rule
  }
  try {
    const dev = readdirSync('/sys/bus/pci/devices')[0];
    if (dev)
      out.pciVendor = readFileSync(`/sys/bus/pci/devices/${dev}/vendor`, 'utf8').trim().replace(/^0x/, '');
  } catch {
    // no PCI bus in sysfs: no PCI rule
  }
  return out;
}

describe('NFD reads the spec imgcompat init writes', { skip }, () => {
  test('init --from-host on this machine: NFD evaluates every rule as passing, our nfd prints the same bytes', async () => {
    const facts = hostFacts();
    const init = await imgcompat([
      'init',
      '--from-host',
      ...(facts.module ? ['--module', facts.module] : []),
      ...(facts.pciVendor ? ['--pci-vendor', facts.pciVendor] : []),
    ]);
    assert.equal(init.code, 0, init.err);
    const reg = registries['docker-registry']!;
    const ref = await imageWith(reg, 'parity/init', init.out, 'imgcompat');
    const flags = ['--image', ref, '--plain-http', '--output-json'];
    const e = env();
    const theirs = await nfd(['compat', 'validate-node', ...flags], e);
    assert.equal(theirs.code, 0, `${theirs.stdout}\n${theirs.stderr}`);
    const sets = JSON.parse(theirs.stdout) as { rules: { name: string; isMatch: boolean }[] }[];
    assert.ok(sets.length > 0);
    for (const set of sets) {
      for (const rule of set.rules)
        assert.ok(rule.isMatch, `NFD: rule "${rule.name}" did not match: ${theirs.stdout}`);
    }
    const names = sets.flatMap((x) => x.rules.map((r) => r.name));
    if (facts.module)
      assert.ok(
        names.some((n) => /module/i.test(n)),
        names.join(', '),
      );
    if (facts.pciVendor)
      assert.ok(
        names.some((n) => /pci/i.test(n)),
        names.join(', '),
      );
    const alias = await nfdAlias(['compat', 'validate-node', ...flags], e);
    assertSameBytes(alias.stdout, theirs.stdout, 'JSON, our nfd');
  });
});

describe('ahead of NFD: the referrers API of go-containerregistry', { skip }, () => {
  for (const by of ['imgcompat', 'oras'] as const) {
    test(`artifact attached by ${by}: NFD finds none, imgcompat reads it`, async () => {
      const ggcr = registries.ggcr!;
      const ref = await imageWith(ggcr, `ahead/${by}`, EXAMPLE_SPEC, by);
      const flags = ['--image', ref, '--plain-http', '--output-json'];
      const theirs = await nfd(['compat', 'validate-node', ...flags], env());
      assert.equal(theirs.code, 1, `NFD exits 1: ${theirs.stdout}\n${theirs.stderr}`);
      // cobra's `Error: <msg>` on stderr, then NFD's main prints the message again on stdout.
      const msg = 'failed to fetch compatibility spec: compatibility artifact not found';
      assert.match(theirs.stderr, new RegExp(`^Error: ${msg}$`, 'm'), theirs.stderr);
      assert.equal(theirs.stdout, `${msg}\n`);

      // Ours reads it, and reports what NFD reports for the same spec on docker-registry.
      const ours = await imgcompat(['validate-node', '--image', ref, '--plain-http', '--output-json']);
      assert.ok(ours.code === 0 || ours.code === 1, ours.err);
      const dist = registries['docker-registry']!;
      const there = await imageWith(dist, `ahead/reference-${by}`, EXAMPLE_SPEC, by);
      const reference = await nfd(
        ['compat', 'validate-node', '--image', there, '--plain-http', '--output-json'],
        env(),
      );
      assert.equal(reference.code, 0, reference.stderr);
      assertSameBytes(ours.out, reference.stdout, 'our report on ggcr vs NFD on docker-registry');
    });
  }
});
