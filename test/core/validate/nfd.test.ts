import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as nfd from '../../../src/core/validate/nfd.ts';
import { template } from '../../../src/core/validate/template.ts';

test('Label: namespaces, sentinels and messages', () => {
  assert.equal(nfd.label('feature.node.kubernetes.io/x', 'true'), null);
  assert.equal(nfd.label('sub.feature.node.kubernetes.io/x', 'true'), null);
  assert.equal(nfd.label('profile.node.kubernetes.io/x', 'true'), null);
  assert.equal(nfd.label('vendor.io/x', ''), null);
  assert.equal(nfd.label('kubernetes.io/x', 'true')?.sentinel, 'ErrNSNotAllowed');
  assert.equal(nfd.label('node.kubernetes.io/x', 'true')?.sentinel, 'ErrNSNotAllowed');
  assert.equal(nfd.label('x', 'true')?.message, 'unprefixed keys are not allowed');
  const bad = nfd.label('vendor.io/x', 'a b');
  assert.match(bad!.message, /^invalid value "a b": a valid label must be/);
  assert.equal(bad!.sentinel, undefined);
  assert.match(nfd.label('bad key', 'v')!.message, /^invalid label key "bad key": name part must consist/);
});

test('Annotation: only the feature namespace under kubernetes.io; 1024-byte values', () => {
  assert.equal(nfd.annotation('feature.node.kubernetes.io/a', 'x'.repeat(1024)), null);
  assert.match(
    nfd.annotation('feature.node.kubernetes.io/a', 'x'.repeat(1025))!.message,
    /^invalid value: too long: feature annotations must not be longer than 1024 characters$/,
  );
  assert.match(nfd.annotation('feature.node.kubernetes.io/a', 'é'.repeat(513))!.message, /too long/);
  assert.equal(nfd.annotation('profile.node.kubernetes.io/a', 'x')?.sentinel, 'ErrNSNotAllowed');
});

test('Taint: namespace, empty and invalid effects; plural wraps with key=value:effect', () => {
  assert.equal(nfd.taint({ key: 'vendor.io/t', effect: 'PreferNoSchedule' }), null);
  assert.equal(nfd.taint({ key: 'vendor.io/t', effect: '' })?.sentinel, 'ErrEmptyTaintEffect');
  assert.equal(nfd.taint({ key: 'vendor.io/t', effect: 'noschedule' })?.sentinel, 'ErrInvalidTaintEffect');
  // The key is not checked as a qualified name.
  assert.equal(nfd.taint({ key: 'vendor.io/not a name!', effect: 'NoSchedule' }), null);
  const errs = nfd.taints([{ key: 't', value: 'v', effect: 'NoSchedule' }]);
  assert.equal(errs[0]!.error.message, 'invalid taint t=v:NoSchedule: unprefixed keys are not allowed');
  assert.equal(errs[0]!.error.sentinel, 'ErrUnprefixedKeysNotAllowed');
});

test('ExtendedResource: name, namespace and quantity', () => {
  assert.equal(nfd.extendedResource('vendor.io/r', '1Gi'), null);
  assert.match(
    nfd.extendedResource('vendor.io/r', 'x')!.message,
    /^invalid value "x": quantities must match/,
  );
  assert.match(nfd.extendedResource('r~', '1')!.message, /^invalid name "r~": /);
});

test('Labels wraps each error with the key and value, %q-quoted', () => {
  const errs = nfd.labels({ 'bad\tkey': 'v', 'vendor.io/ok': 'v' });
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.error.message, /^invalid label "bad\\tkey":"v" invalid label key "bad\\tkey": /);
});

test('MatchFeatures: exactly one dot', () => {
  const errs = nfd.matchFeatures([
    { feature: 'a.b' },
    { feature: 'a' },
    { feature: 'a.b.c' },
    { feature: '' },
  ]);
  assert.deepEqual(
    errs.map((e) => e.key),
    [1, 2, 3],
  );
  assert.equal(
    errs[1]!.error.message,
    'invalid feature name a.b.c (not <domain>.<feature>), cannot be used for templating',
  );
});

test('Template: parse errors are wrapped as NFD does; unsupported functions fail at parse time', () => {
  assert.equal(template('key={{ .x }}'), null);
  assert.equal(
    template('{{.key1=value1}}')!.message,
    "invalid template: template: :1: bad character U+003D '='",
  );
  assert.match(
    template('{{ env "HOME" }}')!.message,
    /^invalid template: template: :1: function "env" not defined$/,
  );
  assert.match(template('{{ getHostByName "x" }}')!.message, /function "getHostByName" not defined/);
  assert.match(template('x'.repeat(65537))!.message, /^invalid template: template too large/);
});
