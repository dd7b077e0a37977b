import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childPath, Positions, parentPath } from '../../../src/core/load/positions.ts';

test('childPath: fields with dots, an index, quoted keys for anything else', () => {
  assert.equal(childPath('', 'version'), 'version');
  assert.equal(childPath('compatibilities', 0), 'compatibilities[0]');
  assert.equal(childPath('rules[0]', 'name'), 'rules[0].name');
  assert.equal(childPath('labels', 'vendor.io/x'), 'labels["vendor.io/x"]');
  assert.equal(childPath('m', 'a"]b'), 'm["a\\"]b"]');
  assert.equal(childPath('', 'feature.node.kubernetes.io/x'), '["feature.node.kubernetes.io/x"]');
});

test('parentPath undoes childPath, including awkward quoted keys', () => {
  for (const key of ['name', 0, 12, 'vendor.io/x', 'a"]b', 'a[0]', 'x.y["z"]', '']) {
    for (const base of ['', 'a', 'a[1]', 'labels["q.r"]']) {
      if (base === '' && typeof key === 'number') continue;
      assert.equal(parentPath(childPath(base, key)), base, `${base} + ${JSON.stringify(key)}`);
    }
  }
  assert.equal(parentPath(''), undefined);
});

test('Positions: first record wins; a missing path falls back to its nearest parent', () => {
  const p = new Positions('f.yaml');
  p.setValue('', 1, 1);
  p.setValue('a', 2, 3);
  p.setValue('a', 9, 9);
  p.setKey('a', 2, 1);
  p.setValue('a.b["x.y"]', 4, 5);
  assert.deepEqual(p.value('a'), { file: 'f.yaml', line: 2, column: 3 });
  assert.deepEqual(p.key('a'), { file: 'f.yaml', line: 2, column: 1 });
  assert.deepEqual(p.value('a.b["x.y"][3].c'), { file: 'f.yaml', line: 4, column: 5 });
  assert.deepEqual(p.value('a.zz'), { file: 'f.yaml', line: 2, column: 3 });
  assert.deepEqual(p.value('other'), { file: 'f.yaml', line: 1, column: 1 });
  // No key recorded: the value's position.
  assert.deepEqual(p.key('a.b["x.y"]'), { file: 'f.yaml', line: 4, column: 5 });
  assert.equal(new Positions().value('x'), undefined);
});
