import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFeatures, singleFeatures } from '../../../src/core/load/load-features.ts';
import { InvalidInputError } from '../../../src/errors.ts';

const FEATURES = {
  flags: { 'cpu.cpuid': { elements: { AVX: {}, SSE4: {} } } },
  attributes: { 'kernel.version': { elements: { major: '6', full: '6.1.0' } } },
  instances: { 'pci.device': { elements: [{ attributes: { vendor: '8086', class: '0200' } }] } },
};

test('an NFD Features document (as nfd export features prints it)', () => {
  const r = loadFeatures(JSON.stringify(FEATURES), { file: 'f.json' });
  assert.equal(r.format, 'Features');
  assert.deepEqual(r.items, [{ features: FEATURES }]);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(singleFeatures(r), FEATURES);
});

test('a NodeFeature object: its spec.features and its name', () => {
  const nf = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name: 'node-1', namespace: 'nfd', labels: { 'nfd.node.kubernetes.io/node-name': 'node-1' } },
    spec: { features: FEATURES, labels: {} },
  };
  const r = loadFeatures(JSON.stringify(nf));
  assert.equal(r.format, 'NodeFeature');
  assert.deepEqual(r.items, [{ name: 'node-1', nodeName: 'node-1', features: FEATURES }]);
});

test('a NodeFeatureList: one item per object; singleFeatures wants exactly one', () => {
  const item = (n: string) => ({ kind: 'NodeFeature', metadata: { name: n }, spec: { features: FEATURES } });
  const r = loadFeatures(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [item('a'), item('b')] }));
  assert.equal(r.format, 'NodeFeatureList');
  assert.deepEqual(
    r.items.map((i) => i.name),
    ['a', 'b'],
  );
  assert.throws(() => singleFeatures(r, 'l.json'), /holds 2 objects/);
});

test('YAML features: unquoted values become the strings NFD would see; nil vs empty is kept', () => {
  const r = loadFeatures(
    'attributes:\n  kernel.version:\n    elements: {major: 06, rt: yes}\nflags:\n  a.b: {elements: {}}\n  c.d: {}\n',
  );
  const f = singleFeatures(r);
  assert.deepEqual(f.attributes?.['kernel.version']?.elements, { major: '6', rt: 'true' });
  assert.deepEqual(f.flags?.['a.b'], { elements: {} });
  assert.deepEqual(f.flags?.['c.d'], {});
  assert.equal(r.warnings.length, 2);
});

test('anything else is an InvalidInputError saying what was expected', () => {
  for (const text of ['{"foo": 1}', 'kind: Pod\n', '[1, 2]', '']) {
    assert.throws(
      () => loadFeatures(text, { file: 'x.json' }),
      (e: unknown) => e instanceof InvalidInputError && /expected an NFD Features document/.test(e.message),
      text,
    );
  }
  assert.throws(
    () => loadFeatures('{"flags": {"a.b": {"elements": ["x"]}}}', { file: 'x.json' }),
    (e: unknown) => e instanceof InvalidInputError && e.diagnostics.some((d) => d.position?.line === 1),
  );
});
