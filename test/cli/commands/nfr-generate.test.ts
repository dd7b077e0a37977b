/**
 * `nfr generate` without a cluster: object names in spec order, and rules NFD cannot express refused with
 * exit 3 naming set and rule, or generated with a warning under `--allow-partial`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-nfr-generate-'));

async function cli(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

/** A spec whose values are YAML 1.1 traps, each quoted by its author as it must be. */
const SPEC = `version: v1alpha1
compatibilities:
  - tag: "on"
    description: "no"
    rules:
      - name: "y"
        matchFeatures:
          - feature: kernel.config
            matchExpressions:
              NO_HZ: {op: In, value: ["y"]}
              PREEMPT: {op: In, value: ["y", "n", "on", "off", "1_000", "0b11", "0o17", "~", "2024-01-02"]}
              "yes": {op: Exists}
`;

test('nfr generate quotes YAML 1.1 traps, and nfr validate reads its output with no warning', async () => {
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  const gen = await cli(['nfr', 'generate', '--spec', 'spec.yaml']);
  assert.equal(gen.code, 0, gen.err);
  assert.equal(gen.err, '');
  const lines = gen.out.split('\n');
  for (const expected of [
    '    - name: on/y',
    '                - "y"',
    '                - "n"',
    '                - "on"',
    '                - "off"',
    '                - "1_000"',
    '                - "0b11"',
    '                - "0o17"',
    '                - "~"',
    '                - "2024-01-02"',
    '            "yes":',
    '    imgcompat.io/description: "no"',
  ]) {
    assert.ok(lines.includes(expected), `missing line ${JSON.stringify(expected)} in\n${gen.out}`);
  }
  assert.doesNotMatch(gen.out, /- y$/m);

  writeFileSync(join(dir, 'generated.yaml'), gen.out);
  const checked = await cli(['nfr', 'validate', 'generated.yaml']);
  assert.equal(checked.err, '');
  assert.equal(checked.code, 0);
  assert.equal(checked.out, 'generated.yaml: valid, 1 NodeFeatureRule\n');
});

test('nfg generate output is read back by nfr validate with no warning either', async () => {
  writeFileSync(join(dir, 'spec.yaml'), SPEC);
  const gen = await cli(['nfg', 'generate', '--spec', 'spec.yaml']);
  assert.equal(gen.code, 0, gen.err);
  assert.match(gen.out, /^ {16}- "y"$/m);
  writeFileSync(join(dir, 'generated-nfg.yaml'), gen.out);
  const checked = await cli(['nfr', 'validate', 'generated-nfg.yaml']);
  assert.equal(checked.err, '');
  assert.equal(checked.code, 0);
  assert.equal(checked.out, 'generated-nfg.yaml: valid, 1 NodeFeatureGroup\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

function specFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A set whose rule sets var kvm; a rule of a later set reading `rule.matched` cannot be generated. */
const KVM_BASE = `version: v1alpha1
compatibilities:
  - tag: base
    rules:
      - name: kvm
        vars: { kvm: "true" }
        matchFeatures:
          - feature: kernel.loadedmodule
            matchName: { op: In, value: [kvm] }
`;

const INEXPRESSIBLE = specFile(
  'inexpressible.yaml',
  `${KVM_BASE}  - tag: other
    rules:
      - name: nothing-else-matched
        matchFeatures:
          - feature: rule.matched
            matchName: { op: NotIn, value: [kvm] }
`,
);

test('nfr generate refuses a rule NFD cannot express: exit 3, set and rule named, nothing printed', async () => {
  const io = memoryIo();
  const code = await run(['nfr', 'generate', '--spec', INEXPRESSIBLE], io);
  assert.equal(code, 3, io.err());
  assert.equal(io.out(), '');
  assert.match(
    io.err(),
    /set #2 \(other\) rule "nothing-else-matched": matchName NotIn \["kvm"\] on rule\.matched/,
  );
  assert.match(io.err(), /--allow-partial/);
});

test('nfr generate --allow-partial warns about the same rule and generates every set', async () => {
  const io = memoryIo();
  const code = await run(['nfr', 'generate', '--spec', INEXPRESSIBLE, '--allow-partial', '-o', 'json'], io);
  assert.equal(code, 0, io.err());
  assert.match(io.err(), /warning: set #2 \(other\) rule "nothing-else-matched": matchName NotIn/);
  const items = JSON.parse(io.out()).items as { metadata: { name: string } }[];
  assert.equal(items.length, 2);
  assert.match(items[0]!.metadata.name, /^imgcompat-[0-9a-f]{12}-01-base$/);
  assert.match(items[1]!.metadata.name, /^imgcompat-[0-9a-f]{12}-02-other$/);
});

test('nfr generate: a matchName In on rule.matched is expressible (no refusal, no warning)', async () => {
  const io = memoryIo();
  const spec = specFile(
    'in.yaml',
    `version: v1alpha1
compatibilities:
  - rules:
      - name: kvm
        vars: { kvm: "true" }
        matchFeatures:
          - feature: kernel.loadedmodule
            matchName: { op: In, value: [kvm] }
      - name: after-kvm
        matchFeatures:
          - feature: rule.matched
            matchName: { op: In, value: [kvm] }
`,
  );
  const code = await run(['nfr', 'generate', '--spec', spec], io);
  assert.equal(code, 0, io.err());
  assert.equal(io.err(), '');
});

test('nfr generate / nfg generate --oci-layout: the --image is an OCI layout DIR[:tag], as oci:DIR[:tag]', async () => {
  const layout = fileURLToPath(new URL('../../../../examples/layout', import.meta.url));
  for (const group of ['nfr', 'nfg']) {
    const viaFlag = await cli([group, 'generate', '--oci-layout', '--image', `${layout}:app`]);
    const viaPrefix = await cli([group, 'generate', '--image', `oci:${layout}:app`]);
    assert.equal(viaFlag.code, 0, viaFlag.err);
    assert.match(viaFlag.out, /^apiVersion: /m);
    assert.equal(viaFlag.out, viaPrefix.out);
  }
});

test('nfr generate prints the first 100 inexpressible rules and counts the rest, refused or --allow-partial', async () => {
  const rules = Array.from(
    { length: 150 },
    (_, i) => `      - name: r${i}
        matchFeatures:
          - feature: rule.matched
            matchName: { op: NotIn, value: [kvm] }
`,
  ).join('');
  const many = specFile('many-inexpressible.yaml', `${KVM_BASE}${rules}`);
  const refused = memoryIo();
  assert.equal(await run(['nfr', 'generate', '--spec', many], refused), 3);
  assert.equal(refused.err().match(/ rule "r\d+": matchName NotIn/g)?.length, 100);
  assert.match(refused.err(), /^ {2}\.\.\. and 50 more errors \(not shown\)$/m);

  const partial = memoryIo();
  assert.equal(await run(['nfr', 'generate', '--spec', many, '--allow-partial', '-o', 'json'], partial), 0);
  assert.equal(partial.err().match(/^imgcompat: warning: .* rule "r\d+": matchName NotIn/gm)?.length, 100);
  assert.match(partial.err(), /^imgcompat: warning: \.\.\. and 50 more warnings \(not shown\)$/m);
});
