import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-nfr-'));

async function cli(args: string[]) {
  const io = memoryIo({ cwd: dir });
  const code = await run(['nfr', 'validate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const NFR = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: example
spec:
  rules:
    - name: "intel nic"
      labels:
        "vendor.io/intel-nic": "true"
      matchFeatures:
        - feature: pci.device
          matchExpressions:
            vendor: {op: In, value: ["8086"]}
`;

const NFG = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureGroup
metadata:
  name: group
spec:
  featureGroupRules:
    - name: "kernel 6"
      matchFeatures:
        - feature: kernel.version
          matchExpressions:
            major: {op: Ge, value: ["6"]}
`;

test('valid NodeFeatureRule and NodeFeatureGroup files: exit 0', async () => {
  writeFileSync(join(dir, 'both.yaml'), `${NFR}---\n${NFG}`);
  const r = await cli(['both.yaml']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.equal(r.out, 'both.yaml: valid, 1 NodeFeatureRule, 1 NodeFeatureGroup\n');
});

test('every problem is listed with file:line:col, exit 3', async () => {
  writeFileSync(
    join(dir, 'bad.yaml'),
    NFR.replace('"vendor.io/intel-nic"', '"intel nic"')
      .replace('{op: In, value: ["8086"]}', '{op: In}')
      .replace('- name: "intel nic"', '- name: ""'),
  );
  const r = await cli(['bad.yaml']);
  assert.equal(r.code, 3);
  assert.deepEqual(r.err.trimEnd().split('\n'), [
    'bad.yaml:7:13: error: rule name cannot be empty',
    `bad.yaml:9:9: error: invalid label "feature.node.kubernetes.io/intel nic":"true" invalid label key "feature.node.kubernetes.io/intel nic": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    `bad.yaml:13:21: error: invalid expression, 'value' field must be non-empty for Op "In"`,
  ]);
  assert.equal(r.out, 'bad.yaml: invalid (3 errors)\n');
});

test('an unsupported kind, a missing file: exit 3 without a stack trace', async () => {
  writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\n');
  const r = await cli(['pod.yaml', 'nope.yaml']);
  assert.equal(r.code, 3);
  assert.match(
    r.err,
    /^pod\.yaml:2:7: error: unsupported resource kind "Pod": must be NodeFeatureRule or NodeFeatureGroup$/m,
  );
  assert.match(r.err, /^error: nope\.yaml: cannot read file: no such file$/m);
  assert.doesNotMatch(r.err, /^\s+at /m);
});

test('--output json', async () => {
  writeFileSync(join(dir, 'one.yaml'), NFG);
  const r = await cli(['-o', 'json', 'one.yaml']);
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.out), {
    valid: true,
    files: [{ file: 'one.yaml', valid: true, errors: 0, warnings: 0, diagnostics: [] }],
  });
});

test('judged as nfd-master: an unprefixed key (NFD docs/usage/custom-resources.md) is valid; a denied namespace warns', async () => {
  // NFD v0.19.0 docs/usage/custom-resources.md "example-rule": nfd-master labels nodes with
  // feature.node.kubernetes.io/example-custom-feature (pkg/nfd-master/nfd-master.go addNsToMapKeys).
  writeFileSync(
    join(dir, 'docs-example.yaml'),
    `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: example-rule
spec:
  rules:
    - name: "example rule"
      labels:
        "example-custom-feature": "true"
        "node-role.kubernetes.io/gpu": "true"
      annotations:
        note: "x"
      extendedResources:
        my-er: "2"
      matchFeatures:
        - feature: kernel.loadedmodule
          matchExpressions:
            veth: {op: Exists}
`,
  );
  const r = await cli(['docs-example.yaml']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.err.trimEnd().split('\n'), [
    'docs-example.yaml:10:9: warning: label "node-role.kubernetes.io/gpu" is dropped by nfd-master: namespace "node-role.kubernetes.io" is not allowed',
  ]);
});
