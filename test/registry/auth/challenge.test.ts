import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenge } from '../../../src/registry/auth/challenge.ts';

test('Bearer challenge with realm, service, scope and error', () => {
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push",error="insufficient_scope"',
    ),
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example/token',
        service: 'registry.example',
        scope: 'repository:a/b:pull,push',
        error: 'insufficient_scope',
      },
    },
  );
});

test('Basic, spaces after commas, token values, case-insensitive names, escapes', () => {
  assert.deepEqual(parseChallenge('Basic realm="basic-realm"'), {
    scheme: 'basic',
    params: { realm: 'basic-realm' },
  });
  assert.deepEqual(parseChallenge('BEARER Realm="r", Service=svc ,scope="a:b:c"'), {
    scheme: 'bearer',
    params: { realm: 'r', service: 'svc', scope: 'a:b:c' },
  });
  assert.deepEqual(parseChallenge('Bearer realm="a\\"b"'), { scheme: 'bearer', params: { realm: 'a"b' } });
  assert.deepEqual(parseChallenge('Bearer'), { scheme: 'bearer', params: {} });
});

test('garbage does not throw', () => {
  assert.equal(parseChallenge(''), undefined);
  assert.equal(parseChallenge(null), undefined);
  assert.equal(parseChallenge('  '), undefined);
  assert.deepEqual(parseChallenge('Bearer realm="unterminated'), { scheme: 'bearer', params: {} });
  assert.deepEqual(parseChallenge('Bearer realm'), { scheme: 'bearer', params: {} });
});
