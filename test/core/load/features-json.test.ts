import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseStrictJsonFeatures } from '../../../src/core/load/features-json.ts';
import { loadFeatures } from '../../../src/core/load/load-features.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** A leading YAML comment forces the full decoder on the same document. */
const slow = (text: string) => loadFeatures(`# force the YAML decoder\n${text}`);

test('the JSON fast path gives exactly what the full decoder gives, on real exports', () => {
  const hosts = join(ROOT, 'test/fixtures/hosts');
  const files = [
    join(ROOT, 'examples/features.json'),
    ...readdirSync(hosts, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(hosts, d.name, 'expected-features.json')),
  ];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.ok(parseStrictJsonFeatures(text), `${file} should take the fast path`);
    const fast = loadFeatures(text);
    const full = slow(text);
    assert.equal(fast.format, full.format);
    assert.deepStrictEqual(fast.items, full.items, file);
    assert.deepEqual(full.warnings, []);
  }
});

test('NodeFeature objects and lists take the fast path with names and node-name labels', () => {
  const nf = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeature',
    metadata: { name: 'n1', labels: { 'nfd.node.kubernetes.io/node-name': 'n1' } },
    spec: { features: { flags: { 'a.b': { elements: { x: {} } } } } },
  };
  const one = JSON.stringify(nf);
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'NodeFeatureList', items: [nf, nf] });
  for (const text of [one, list]) {
    assert.ok(parseStrictJsonFeatures(text));
    assert.deepStrictEqual(loadFeatures(text).items, slow(text).items);
  }
});

test('anything outside the strict shape goes to the full decoder (and keeps its warnings)', () => {
  const cases = [
    '{"Flags": {}}', // Go matches field names case-insensitively, with a warning
    '{"attributes": {"a.b": {"elements": {"x": 1}}}}', // a number where NFD wants a string
    '{"flags": {}, "extra": true}', // unknown field
    'flags: {}', // YAML
    '{"flags": ', // malformed
  ];
  for (const text of cases) assert.equal(parseStrictJsonFeatures(text), undefined, text);
  assert.ok(loadFeatures('{"Flags": {}}').warnings.length > 0);
  assert.deepEqual(
    loadFeatures('{"attributes": {"a.b": {"elements": {"x": 1}}}}').items[0]?.features.attributes,
    {
      'a.b': { elements: { x: '1' } },
    },
  );
});
