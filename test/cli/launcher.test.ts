/**
 * src/cli/launcher.ts: which runs share a code-cache file. The launcher's routing and its output are
 * tested through the built executables in code-cache.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKey, PARENTS } from '../../src/cli/launcher.ts';
import { commandPaths } from './command-paths.ts';

test('cacheKey: command words, then the sorted option names', () => {
  assert.equal(cacheKey('imgcompat', []), 'imgcompat-help');
  assert.equal(cacheKey('imgcompat', ['--help']), 'imgcompat-help-help');
  assert.equal(cacheKey('imgcompat', ['export', 'features']), 'imgcompat-export-features');
  assert.equal(
    cacheKey('nfd', ['compat', 'validate-node', '--plain-http']),
    'nfd-compat-validate-node-plain-http',
  );
  assert.equal(
    cacheKey('imgcompat', ['validate-node', '--spec', 's.yaml', '--features', 'f.json', '--explain']),
    'imgcompat-validate-node-explain-features-spec',
  );
});

test('cacheKey: --image says registry or OCI layout; -o/--output its format; no other value', () => {
  assert.equal(
    cacheKey('imgcompat', ['validate-node', '--image', 'reg.example/a:1']),
    'imgcompat-validate-node-image',
  );
  assert.equal(
    cacheKey('imgcompat', ['validate-node', '--image=oci:dir:tag']),
    'imgcompat-validate-node-image-oci',
  );
  assert.equal(cacheKey('imgcompat', ['validate-node', '-o', 'json']), 'imgcompat-validate-node-o-json');
  assert.equal(cacheKey('imgcompat', ['validate-node', '--output=yaml']), 'imgcompat-validate-node-o-yaml');
  // Not a format word: only the option's name.
  assert.equal(cacheKey('imgcompat', ['validate-node', '-o', '../x']), 'imgcompat-validate-node-o');
  const secret = cacheKey('imgcompat', [
    'validate-node',
    '--registry-password=hunter2',
    '--registry-username',
    'me',
  ]);
  assert.equal(secret, 'imgcompat-validate-node-registry-password-registry-username');
});

test('cacheKey: a command argument (a file name) is never part of the key', () => {
  assert.equal(cacheKey('imgcompat', ['lint', 'my-spec.yaml']), 'imgcompat-lint');
  assert.equal(
    cacheKey('imgcompat', ['validate-spec', 'secret/path.yaml', '-o', 'json']),
    'imgcompat-validate-spec-o-json',
  );
  assert.equal(cacheKey('imgcompat', ['cluster', 'validate', 'x']), 'imgcompat-cluster-validate');
  assert.equal(cacheKey('imgcompat', ['help', 'validate-node']), 'imgcompat-help-validate-node');
});

test('PARENTS holds every command of the command tree that has subcommands', () => {
  const parents = new Set(
    commandPaths()
      .filter((p) => p.length > 1)
      .map((p) => p[0] as string),
  );
  assert.ok(parents.size > 0);
  for (const p of parents) assert.ok(PARENTS.has(p), `${p} has subcommands: add it to PARENTS`);
});
