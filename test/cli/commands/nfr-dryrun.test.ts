import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-dryrun-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const features = {
  flags: { 'kernel.loadedmodule': { elements: { 'vfio-pci': {} } } },
  attributes: {
    'cpu.model': { elements: { vendor_id: 'Intel', family: '6' } },
    'system.name': { elements: { nodename: 'node-a' } },
  },
  instances: { 'pci.device': { elements: [{ attributes: { vendor: '15b3', class: '0200' } }] } },
};
writeFileSync(join(dir, 'features.json'), JSON.stringify(features));

const rules = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: my-rules
spec:
  rules:
  - name: vfio
    labels:
      feature.node.kubernetes.io/vfio: "true"
    vars:
      has-vfio: "yes"
    matchFeatures:
    - feature: kernel.loadedmodule
      matchExpressions:
        vfio-pci: {op: Exists}
  - name: backref
    labels:
      example.com/uses-backref: "@cpu.model.vendor_id"
    annotations:
      example.com/note: from-backref
    taints:
    - key: example.com/dedicated
      value: nics
      effect: NoSchedule
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        has-vfio: {op: In, value: ["yes"]}
  - name: amd-only
    labels:
      example.com/amd: "true"
    matchFeatures:
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: In, value: [AMD]}
---
apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureGroup
metadata:
  name: mellanox-nodes
spec:
  featureGroupRules:
  - name: mlx
    matchFeatures:
    - feature: pci.device
      matchExpressions:
        vendor: {op: In, value: ["15b3"]}
`;
writeFileSync(join(dir, 'rules.yaml'), rules);

test('nfr dryrun runs rules as nfd-master does and shows outputs and group membership', async () => {
  const io = memoryIo({ cwd: dir });
  const code = await run(['nfr', 'dryrun', '--rule', 'rules.yaml', '--features', 'features.json'], io);
  assert.equal(code, 0, io.err());
  const out = io.out();
  assert.match(out, /rule "vfio": matched \(vars: has-vfio=yes\)/);
  // The second rule sees the first one's vars through rule.matched.
  assert.match(out, /rule "backref": matched/);
  assert.match(out, /rule "amd-only": did not match/);
  assert.match(out, /feature\.node\.kubernetes\.io\/vfio=true/);
  // A dynamic value is resolved from the features.
  assert.match(out, /example\.com\/uses-backref=Intel/);
  assert.match(out, /example\.com\/dedicated=nics:NoSchedule/);
  assert.doesNotMatch(out, /amd=true/);
  assert.match(
    out,
    /NodeFeatureGroup mellanox-nodes\n {2}rule "mlx": matched\n {2}node "node-a": member of the group/,
  );
});

test('nfr dryrun --output json gives the same facts as data', async () => {
  const io = memoryIo({ cwd: dir });
  assert.equal(
    await run(['nfr', 'dryrun', '--rule', 'rules.yaml', '--features', 'features.json', '-o', 'json'], io),
    0,
  );
  const [rule, group] = JSON.parse(io.out());
  assert.deepEqual(rule.labels, {
    'example.com/uses-backref': 'Intel',
    'feature.node.kubernetes.io/vfio': 'true',
  });
  assert.deepEqual(rule.annotations, { 'example.com/note': 'from-backref' });
  assert.equal(group.member, true);
});

test('nfr dryrun reports outputs nfd-master would reject with exit 3', async () => {
  writeFileSync(
    join(dir, 'bad-label.yaml'),
    `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata: {name: bad}
spec:
  rules:
  - name: r
    labels:
      example.com/ok: "@cpu.model.no_such_element"
    matchFeatures:
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: Exists}
`,
  );
  const io = memoryIo({ cwd: dir });
  assert.equal(
    await run(['nfr', 'dryrun', '--rule', 'bad-label.yaml', '--features', 'features.json'], io),
    3,
  );
  assert.match(io.out(), /Problems:\n {4}label "example\.com\/ok": .*no_such_element/);
});

test('nfr dryrun with a missing file exits 3 naming it', async () => {
  const io = memoryIo({ cwd: dir });
  assert.equal(await run(['nfr', 'dryrun', '--rule', 'nope.yaml', '--features', 'features.json'], io), 3);
  assert.match(io.err(), /nope\.yaml/);
});

test('nfr dryrun as nfd-master: unprefixed keys prefixed, denied namespaces dropped with a warning, objects in name order', async () => {
  // Expected from NFD v0.19.0 pkg/nfd-master/nfd-master.go: processNodeFeatureRule lists the objects
  // sorted by name and feeds each rule's labels and vars into rule.matched for all later rules (also of
  // later objects); addNsToMapKeys prefixes with feature.node.kubernetes.io; filterFeatureLabel drops a
  // label in a denied namespace ("namespace ... is not allowed") and keeps the others.
  writeFileSync(
    join(dir, 'master.yaml'),
    `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata: {name: b-second}
spec:
  rules:
  - name: reads-a
    labels:
      from-a: "@rule.matched.a-var"
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        a-var: {op: In, value: ["yes"]}
---
apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata: {name: a-first}
spec:
  rules:
  - name: sets-var
    vars:
      a-var: "yes"
    labels:
      plain: "1"
      kubernetes.io/denied: "1"
      twin: unprefixed
      feature.node.kubernetes.io/twin: prefixed
    annotations:
      note: hello
    extendedResources:
      my-er: "3"
`,
  );
  const text = memoryIo({ cwd: dir });
  assert.equal(await run(['nfr', 'dryrun', '--rule', 'master.yaml', '--features', 'features.json'], text), 0);
  assert.match(
    text.err(),
    /warning: NodeFeatureRule a-first: label "kubernetes.io\/denied" is dropped by nfd-master: namespace "kubernetes.io" is not allowed/,
  );
  assert.match(text.out(), /^NodeFeatureRule a-first\n/);
  assert.match(text.out(), /Node \(what nfd-master writes/);
  const io = memoryIo({ cwd: dir });
  assert.equal(
    await run(['nfr', 'dryrun', '--rule', 'master.yaml', '--features', 'features.json', '-o', 'json'], io),
    0,
  );
  const [a, b] = JSON.parse(io.out());
  assert.equal(a.name, 'a-first');
  assert.deepEqual(a.labels, {
    'feature.node.kubernetes.io/plain': '1',
    'feature.node.kubernetes.io/twin': 'prefixed',
  });
  assert.deepEqual(a.annotations, { 'feature.node.kubernetes.io/note': 'hello' });
  assert.deepEqual(a.extendedResources, { 'feature.node.kubernetes.io/my-er': '3' });
  assert.equal(a.dropped.length, 2);
  assert.deepEqual(a.problems, []);
  assert.equal(b.name, 'b-second');
  assert.deepEqual(b.rules, [{ name: 'reads-a', status: 'matched' }]);
  assert.deepEqual(b.labels, { 'feature.node.kubernetes.io/from-a': 'yes' });
});
