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

test('Positions from offsets: list items kept as bare offsets, nodes made on demand, line:column on lookup', () => {
  // Line starts at offsets 0, 10 and 20.
  const lines = { linePos: (o: number) => ({ line: Math.floor(o / 10) + 1, col: (o % 10) + 1 }) };
  const p = new Positions('f.yaml', lines);
  const list = p.child(p.root, 'value');
  p.recordValue(p.root, 0);
  p.recordKey(list, 10);
  p.recordValue(list, 13);
  p.recordItem(list, 0, 14);
  p.recordItem(list, 1, 21);
  p.recordItem(list, 1, 29); // the first record wins
  assert.equal(p.size, 4);
  assert.deepEqual(p.value('value[1]'), { file: 'f.yaml', line: 3, column: 2 });
  // Below an item known only by its offset, the item's position is the nearest.
  assert.deepEqual(p.value('value[1].x'), { file: 'f.yaml', line: 3, column: 2 });
  assert.deepEqual(p.value('value[5]'), { file: 'f.yaml', line: 2, column: 4 });
  assert.deepEqual(p.key('value'), { file: 'f.yaml', line: 2, column: 1 });
  assert.deepEqual(p.key('value[0]'), { file: 'f.yaml', line: 2, column: 5 });
  // A node made later for an item keeps its offset, and its path is the same string.
  const item = p.child(list, 1);
  assert.equal(p.pathOf(item), 'value[1]');
  assert.deepEqual(p.value('value[1]'), { file: 'f.yaml', line: 3, column: 2 });
  assert.equal(p.size, 4);
  // Many named children switch to a map without losing any.
  const m = p.child(p.root, 'labels');
  for (let i = 0; i < 20; i++) p.recordValue(p.child(m, `k${i}.io`), 100 + i);
  for (let i = 0; i < 20; i++)
    assert.equal(p.value(`labels["k${i}.io"]`)?.line, Math.floor((100 + i) / 10) + 1);
  assert.equal(p.pathOf(p.child(m, 'k3.io')), 'labels["k3.io"]');
});
