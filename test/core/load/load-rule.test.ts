import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRules, loadRules } from '../../../src/core/load/load-rule.ts';
import type { NodeFeatureGroup, NodeFeatureRule } from '../../../src/core/model/rules.ts';
import { SpecError } from '../../../src/errors.ts';

const NFR = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: my-sample-rule-object
spec:
  rules:
    - name: "my sample rule"
      labels:
        "feature.node.kubernetes.io/my-sample-feature": "true"
        "vendor.io/cpu-family": "@cpu.model.family"
      extendedResources:
        vendor.io/dynamic: "@kernel.version.major"
        vendor.io/static: "2Gi"
      taints:
        - key: vendor.io/t
          value: x
          effect: NoSchedule
      matchFeatures:
        - feature: kernel.loadedmodule
          matchExpressions:
            dummy: {op: Exists}
        - feature: kernel.config
          matchExpressions:
            X86: {op: In, value: ["y"]}
`;

const NFG = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureGroup
metadata:
  name: node-feature-group-example
spec:
  featureGroupRules:
    - name: "kernel version"
      matchFeatures:
        - feature: kernel.version
          matchExpressions:
            major: {op: In, value: ["6"]}
`;

test('a valid NodeFeatureRule and NodeFeatureGroup, in one multi-document file', () => {
  const { documents, warnings } = loadRules(`${NFR}---\n${NFG}---\n`, { file: 'rules.yaml' });
  assert.deepEqual(warnings, []);
  assert.equal(documents.length, 2);
  const nfr = documents[0]!.object as NodeFeatureRule;
  assert.equal(nfr.kind, 'NodeFeatureRule');
  assert.equal(nfr.spec.rules[0]!.labels!['vendor.io/cpu-family'], '@cpu.model.family');
  const nfg = documents[1]!.object as NodeFeatureGroup;
  assert.equal(nfg.spec.featureGroupRules[0]!.name, 'kernel version');
  assert.equal(documents[1]!.index, 1);
});

test('kubectl nfd validate checks: labels, annotations, taints, extended resources, templates, names', () => {
  const bad = NFR.replace(
    '"feature.node.kubernetes.io/my-sample-feature": "true"',
    '"kubernetes.io/x": "true"',
  )
    .replace('vendor.io/static: "2Gi"', 'vendor.io/static: "lots"')
    .replace('effect: NoSchedule', 'effect: Sometimes')
    .replace('- name: "my sample rule"', '- labelsTemplate: "{{ .x "')
    .replace('feature: kernel.config', 'feature: kernel');
  const r = checkRules(bad, { file: 'r.yaml' });
  const msgs = r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.position?.line} ${d.message}`);
  assert.deepEqual(msgs, [
    '7 rule name cannot be empty',
    '7 invalid template: template: :1: unclosed action',
    `13 invalid extended resource "vendor.io/static":"lots" invalid value "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    '15 invalid taint vendor.io/t=x:Sometimes: invalid taint effect',
    '22 invalid feature name kernel (not <domain>.<feature>), cannot be used for templating',
  ]);
  // A denied namespace: nfd-master accepts the object and drops that label (a warning).
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.position?.line} ${d.message}`),
    ['9 label "kubernetes.io/x" is dropped by nfd-master: namespace "kubernetes.io" is not allowed'],
  );
});

test('expression errors NFD would only raise at evaluation time are found', () => {
  const r = checkRules(NFR.replace('{op: Exists}', '{op: Exists, value: [x]}'), { file: 'r.yaml' });
  assert.match(r.diagnostics[0]!.message, /must be empty for Op "Exists"/);
  assert.equal(r.diagnostics[0]!.position?.line, 21);
});

test('an unsupported kind names the supported ones; a wrong apiVersion warns', () => {
  const r = checkRules('apiVersion: v1\nkind: ConfigMap\n', { file: 'c.yaml' });
  assert.equal(
    r.diagnostics[0]!.message,
    'unsupported resource kind "ConfigMap": must be NodeFeatureRule or NodeFeatureGroup',
  );
  assert.deepEqual(r.diagnostics[0]!.position, { file: 'c.yaml', line: 2, column: 7 });
  const w = checkRules(NFG.replace('nfd.k8s-sigs.io/v1alpha1', 'nfd.k8s-sigs.io/v1'));
  assert.equal(w.diagnostics.length, 1);
  assert.equal(w.diagnostics[0]!.severity, 'warning');
});

test('an empty file or one without objects is invalid', () => {
  assert.throws(() => loadRules('', { file: 'e.yaml' }), SpecError);
  assert.throws(() => loadRules('---\n---\n'), SpecError);
  assert.throws(() => loadRules('- a\n'), /invalid rule file/);
});

test('syntax errors carry line:column', () => {
  const r = checkRules('kind: NodeFeatureRule\nspec: {rules: [\n', { file: 'x.yaml' });
  assert.equal(r.documents.length, 0);
  assert.equal(r.diagnostics[0]!.position?.file, 'x.yaml');
  assert.match(r.diagnostics[0]!.message, /YAML syntax error/);
});
